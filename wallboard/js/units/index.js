export { UnitStore, STATES } from './store.js';
export { UnitList } from './list.js';
export { UnitCard } from './card.js';
