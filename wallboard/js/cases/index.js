export { CaseBoard } from './board.js';
export { CaseView } from './case-view.js';
export { Supervision, PAGE } from './supervision.js';
export { ReportView } from './reports.js';
export { el, dueCell, stateLabel, triageLabel, teamLabel, caseHref } from './format.js';
