export { startClock, formatTime } from './clock.js';
export { UnitDrag } from './drag.js';
