export { addBasemap } from './basemap.js';
export { UnitLayer } from './unit-layer.js';
export { TrackReplay, positionAt } from './replay.js';
export { mapProjection } from './coords.js';
