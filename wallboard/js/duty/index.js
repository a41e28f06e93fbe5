export { DutyPanel } from './panel.js';
export { openRoster, shiftsFromCsv } from './roster.js';
