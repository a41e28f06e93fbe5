// The video wall with a choice of layouts (1, 4, 9 or 16 tiles), units put
// on a tile by dragging them from the list or the map, and each tile saying
// what it shows: its unit, the player's stream state (the live player's own
// badge and border), or "no signal" / "no video stream". Built on the live
// wall (media/wall.js): same tiles, same players, same SOS behaviour.
import { api } from '../net/index.js';
import { t } from '../i18n/index.js';
import { VideoWall } from '../media/wall.js';

export const LAYOUTS = [1, 4, 9, 16];

export class VideoGrid extends VideoWall {
  constructor(el, { tiles = 4, names } = {}) {
    super(el, { tiles, names });
    this.size = tiles;
    this.el.dataset.layout = String(tiles);
    for (const x of this.tiles) this.decorate(x);
  }

  decorate(x) {
    x.box.dataset.tile = String(this.tiles.indexOf(x));
    if (!x.note) {
      x.note = document.createElement('div');
      x.note.className = 'wall-note';
      x.box.append(x.note);
    }
    this.note(x);
  }

  note(x) {
    const unit = x.unit || '', text = x.stream ? '' : t(x.unit ? 'live.nostream' : 'wall.empty');
    if (x.box.dataset.unit !== unit) x.box.dataset.unit = unit;
    if (x.note.hidden !== !!x.stream) x.note.hidden = !!x.stream;
    if (x.note.textContent !== text) x.note.textContent = text;
  }

  // Rebuilds the grid for n tiles; the players of the first n tiles stay.
  layout(n) {
    if (!LAYOUTS.includes(n) || n === this.size) return;
    const keep = this.tiles.slice(0, n);
    for (const x of this.tiles.slice(n)) { x.player?.stop(); x.box.remove(); }
    this.tiles = keep;
    this.el.classList.remove(`wall-${this.size}`);
    this.size = n;
    this.el.classList.add(`wall-${n}`);
    this.el.dataset.layout = String(n);
    this.save();
    while (this.tiles.length < n) this.decorate(this.addTile());
  }

  put(tile, stream, unit) {
    super.put(tile, stream, unit);
    this.note(tile);
    this.save();
  }

  // Which unit each tile shows, remembered per screen so that a reload
  // (or a kiosk's restart) brings the same wall back.
  save() {
    localStorage.setItem('ecc.wall.units', JSON.stringify(this.tiles.map((x) => x.unit || '')));
  }

  async restore() {
    let units = [];
    try { units = JSON.parse(localStorage.getItem('ecc.wall.units') || '[]'); } catch { /* none */ }
    for (const [i, unit] of units.entries()) {
      if (unit && i < this.tiles.length && this.tiles[i].unit !== unit) await this.assign(i, unit);
    }
  }

  // A unit dropped on tile i: its live stream there (or a note that it has
  // none). Returns the tile.
  async assign(i, unit) {
    const tile = this.tiles[i];
    if (!tile) return null;
    const { streams } = await api('GET', '/streams');
    const s = streams.find((x) => x.unit === unit && x.state === 'live') || streams.find((x) => x.unit === unit);
    const other = this.tiles.find((x) => x !== tile && x.unit === unit);
    if (other) this.clear(other);
    if (s) {
      this.put(tile, s.id, unit);
    } else {
      tile.player?.stop();
      tile.player = null;
      tile.body.replaceChildren();
      tile.body.classList.remove('live-player');
      delete tile.body.dataset.state;
      Object.assign(tile, { stream: 0, unit, shown: Date.now() });
      tile.caption.textContent = this.names(unit);
      this.note(tile);
      this.save();
    }
    return tile;
  }

  clear(tile) {
    tile.player?.stop();
    tile.player = null;
    tile.body.replaceChildren();
    tile.body.classList.remove('live-player');
    delete tile.body.dataset.state;
    Object.assign(tile, { stream: 0, unit: '', shown: 0 });
    tile.caption.textContent = '';
    this.note(tile);
    this.save();
  }

  // The tile under a page point, as its index, or -1.
  tileAt(x, y) {
    const box = document.elementFromPoint(x, y)?.closest('.wall-tile');
    return box ? this.tiles.findIndex((tl) => tl.box === box) : -1;
  }

  render() {
    super.render();
    for (const x of this.tiles) this.note(x);
  }
}
