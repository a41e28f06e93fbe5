export { addBasemap } from './basemap.js';
export { UnitLayer } from './unit-layer.js';
