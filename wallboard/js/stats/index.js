export { StatsStrip, median, shanghaiMidnight } from './strip.js';
