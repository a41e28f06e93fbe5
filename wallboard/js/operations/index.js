export { OperationsPanel, elapsed } from './panel.js';
export { OperationSites } from './sites.js';
