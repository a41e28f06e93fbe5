// The consultation room page's parts (/room/{id}, room-page.js wires them).
export { TileGrid } from './tiles.js';
export { People } from './people.js';
export { LevelMeter } from './level.js';
export { enterRoom } from './enter.js';
export { RoomsPanel } from './panel.js';
export { FeedPicker } from './feeds.js';
