export { AlertPanel } from './panel.js';
