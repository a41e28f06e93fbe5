// Dispatch (应急调度、指令): incidents with one-click dispatch, and instructions.
export { IncidentPanel } from './panel.js';
export { InstructionPanel } from './instructions.js';
