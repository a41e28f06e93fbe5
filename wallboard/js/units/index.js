export { UnitStore } from './store.js';
export { UnitList } from './list.js';
