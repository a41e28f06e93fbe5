export { formatTime, startClock } from './clock.js';
