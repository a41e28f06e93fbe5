// The room's tiles: one's own camera small (a preview of what one
// publishes), every other participant in the room large, each watched
// through the live player (media/player.js: WebRTC from the gateway, RTP
// forwarded), with its name; the loudest one is highlighted (level.js).
// A participant's shared screen gets a big tile of its own (.rm-screen);
// each unit's stream the host brought in (a feed) a tile with the unit's
// name and a "现场" badge (.rm-feed), and for the host a button to take it
// out.
import { LivePlayer } from '../media/player.js';
import { t } from '../i18n/index.js';
import { LevelMeter } from './level.js';

const SPEAKING = 0.02; // below this peak a tile is silent
const LEVEL_MS = 200;

export class TileGrid {
  constructor(el) {
    this.el = el;
    this.tiles = new Map(); // participant id -> {el, player, stream, meter}
    this.screens = new Map(); // participant id -> {el, label, player, stream}
    this.feeds = new Map(); // stream id -> {el, label, player, stream}
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

  // Shared screens: a big tile for each other participant's that delivers.
  syncScreens(participants, you) {
    const want = new Map();
    for (const p of participants) {
      if (p.id !== you && p.state === 'in' && p.screen_stream && p.screen_live) want.set(p.id, p);
    }
    this.syncKind(this.screens, want, (p) => p.screen_stream, (id, p) => {
      // first: the document everyone looks at
      return this.tile('rm-tile rm-screen', { participant: String(id) }, p.screen_stream, true,
        (el) => this.el.prepend(el));
    }, (tile, p) => { tile.label.textContent = t('room.screen_of', { name: p.name }); });
  }

  // The room's feeds (units' live streams); remove(stream) for the host.
  syncFeeds(feeds, remove) {
    const want = new Map(feeds.map((f) => [f.stream, f]));
    this.syncKind(this.feeds, want, (f) => f.stream, (stream, f) => {
      const tile = this.tile('rm-tile rm-feed', { feed: String(stream), unit: f.unit }, stream, false,
        (el) => this.el.insertBefore(el, this.self));
      const badge = document.createElement('span');
      badge.className = 'rm-badge';
      badge.textContent = t('room.feed_badge');
      tile.el.append(badge);
      return tile;
    }, (tile, f) => {
      tile.label.textContent = f.unit_name;
      tile.el.querySelector('.rm-out')?.remove();
      if (!remove) return;
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'rm-btn rm-out';
      b.dataset.action = 'feed-remove';
      b.textContent = t('room.feed_remove');
      b.onclick = () => remove(f.stream);
      tile.el.append(b);
    });
  }

  // Keeps map (key -> tile) to want (key -> item): stale tiles go, new
  // ones are made by make(key, item), each updated by update(tile, item).
  syncKind(map, want, streamOf, make, update) {
    for (const [key, tile] of map) {
      const item = want.get(key);
      if (!item || streamOf(item) !== tile.stream) this.dropFrom(map, key);
    }
    for (const [key, item] of want) {
      if (!map.has(key)) map.set(key, make(key, item));
      update(map.get(key), item);
    }
  }

  // A tile with a live player of stream; data: its dataset. place(el)
  // puts it in the grid before its player starts.
  tile(className, data, stream, muted, place) {
    const el = document.createElement('div');
    el.className = className;
    Object.assign(el.dataset, data);
    const box = document.createElement('div');
    const label = document.createElement('span');
    label.className = 'rm-name';
    el.append(box, label);
    place(el);
    const player = new LivePlayer(box, { stream, muted });
    return { el, label, player, stream, meter: null };
  }

  add(id, stream) {
    // the room's sound plays: unmuted (a click may be needed to allow it)
    const tile = this.tile('rm-tile', { participant: String(id) }, stream, false,
      (el) => this.el.insertBefore(el, this.self));
    this.tiles.set(id, tile);
    return tile;
  }

  dropFrom(map, key) {
    const tile = map.get(key);
    if (!tile) return;
    tile.player.stop();
    tile.el.remove();
    map.delete(key);
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
    for (const map of [this.screens, this.feeds]) for (const key of [...map.keys()]) this.dropFrom(map, key);
  }
}
