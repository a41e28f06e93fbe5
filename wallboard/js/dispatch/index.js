// Dispatch (应急调度、指令): incidents with one-click dispatch, instructions, reports up.
export { IncidentPanel } from './panel.js';
export { InstructionPanel } from './instructions.js';
export { ReportPanel } from './reports.js';
