export { IncidentPanel } from './panel.js';
