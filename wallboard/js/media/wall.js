// The video wall: a grid of live tiles (the live player in each). It starts
// with the first live streams; an alert that asks for eyes (SOS, recording
// started) brings its unit's video into a tile, the oldest-shown one, and
// marks the tile. All tiles share one signalling WebSocket.
import { api } from '../net/index.js';
import { LivePlayer } from './player.js';

export class VideoWall {
  constructor(el, { tiles = 4, names = (unit) => unit } = {}) {
    this.el = el;
    this.names = names;
    this.tiles = [];
    el.classList.add(`wall-${tiles}`);
    for (let i = 0; i < tiles; i++) this.addTile();
  }

  // One more empty tile at the end of the grid; returns it.
  addTile() {
    const box = document.createElement('div');
    box.className = 'wall-tile';
    const caption = document.createElement('div');
    caption.className = 'wall-caption';
    const body = document.createElement('div');
    body.className = 'wall-body';
    box.append(body, caption);
    this.el.append(box);
    const x = { box, body, caption, player: null, stream: 0, unit: '', shown: 0 };
    this.tiles.push(x);
    return x;
  }

  // Fills empty tiles with live streams (GET /api/v1/streams).
  async fill() {
    const { streams } = await api('GET', '/streams');
    for (const s of streams.filter((x) => x.state === 'live')) {
      const free = this.tiles.find((x) => !x.stream);
      if (!free) break;
      if (!this.tiles.some((x) => x.stream === s.id)) this.put(free, s.id, s.unit);
    }
  }

  put(tile, stream, unit) {
    tile.player?.stop();
    tile.stream = stream;
    tile.unit = unit;
    tile.shown = Date.now();
    tile.caption.textContent = this.names(unit);
    tile.player = new LivePlayer(tile.body, { stream });
  }

  // An alert's unit on the wall: its tile if shown, else the oldest tile.
  async show(unit, { mark = false } = {}) {
    let tile = this.tiles.find((x) => x.unit === unit);
    if (!tile) {
      const { streams } = await api('GET', '/streams');
      const s = streams.find((x) => x.unit === unit);
      if (!s) return null;
      tile = [...this.tiles].sort((a, b) => a.shown - b.shown)[0];
      this.put(tile, s.id, unit);
    }
    if (mark) {
      tile.box.classList.add('wall-alert');
      setTimeout(() => tile.box.classList.remove('wall-alert'), 30000);
    }
    return tile;
  }

  // Unit names changed (language, a rename): captions follow.
  render() {
    for (const x of this.tiles) {
      const name = x.unit ? this.names(x.unit) : '';
      if (x.caption.textContent !== name) x.caption.textContent = name;
    }
  }
}
