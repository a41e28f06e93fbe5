// The room's tiles: one's own camera small (a preview of what one
// publishes), every other participant in the room large, each watched
// through the live player (media/player.js: WebRTC from the gateway, RTP
// forwarded), with its name; the loudest one is highlighted (level.js).
import { LivePlayer } from '../media/player.js';
import { LevelMeter } from './level.js';

const SPEAKING = 0.02; // below this peak a tile is silent
const LEVEL_MS = 200;

export class TileGrid {
  constructor(el) {
    this.el = el;
    this.tiles = new Map(); // participant id -> {el, player, stream, meter}
    this.self = null;
    this.timer = setInterval(() => this.highlight(), LEVEL_MS);
  }

  // One's own camera (a MediaStream), muted locally.
  showSelf(media, name) {
    if (!this.self) {
      this.self = document.createElement('div');
      this.self.className = 'rm-tile rm-self';
      const v = document.createElement('video');
      Object.assign(v, { autoplay: true, muted: true, playsInline: true });
      const label = document.createElement('span');
      label.className = 'rm-name';
      this.self.append(v, label);
      this.el.append(this.self);
    }
    this.self.querySelector('video').srcObject = media;
    this.self.querySelector('.rm-name').textContent = name;
  }

  // The participants of the room (as the hub sends them): a tile for each
  // other one in the room whose stream delivers; others' tiles go.
  sync(participants, you) {
    const want = new Map();
    for (const p of participants) {
      if (p.id !== you && p.state === 'in' && p.stream && p.live) want.set(p.id, p);
    }
    for (const [id, tile] of this.tiles) {
      const p = want.get(id);
      if (!p || p.stream !== tile.stream) this.drop(id);
    }
    for (const [id, p] of want) {
      let tile = this.tiles.get(id);
      if (!tile) tile = this.add(id, p.stream);
      tile.label.textContent = p.name;
      tile.el.dataset.muted = p.muted ? '1' : '0';
    }
  }

  add(id, stream) {
    const el = document.createElement('div');
    el.className = 'rm-tile';
    el.dataset.participant = String(id);
    const box = document.createElement('div');
    const label = document.createElement('span');
    label.className = 'rm-name';
    el.append(box, label);
    this.el.insertBefore(el, this.self);
    // the room's sound plays: unmuted (a click may be needed to allow it)
    const player = new LivePlayer(box, { stream, muted: false });
    const tile = { el, label, player, stream, meter: null };
    this.tiles.set(id, tile);
    return tile;
  }

  drop(id) {
    const tile = this.tiles.get(id);
    if (!tile) return;
    tile.player.stop();
    tile.meter?.close();
    tile.el.remove();
    this.tiles.delete(id);
  }

  // The level of a tile's sound (0..1), or -1 before it has sound.
  level(id) {
    const tile = this.tiles.get(id);
    const stream = tile?.player.video.srcObject;
    if (!tile || !stream?.getAudioTracks().length) return -1;
    if (!tile.meter || tile.meterStream !== stream) {
      tile.meter?.close();
      tile.meter = new LevelMeter(stream);
      tile.meterStream = stream;
    }
    return tile.meter.level();
  }

  highlight() {
    let best = null, loudest = SPEAKING;
    for (const id of this.tiles.keys()) {
      const l = this.level(id);
      if (l > loudest) { loudest = l; best = id; }
    }
    for (const [id, tile] of this.tiles) tile.el.classList.toggle('rm-speaking', id === best);
  }

  close() {
    clearInterval(this.timer);
    for (const id of [...this.tiles.keys()]) this.drop(id);
  }
}
