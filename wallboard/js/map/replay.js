// Track replay: one or more units' stored tracks (GET /units/{id}/track)
// over a time range, drawn as lines; a time slider moves a marker per unit
// along its track, by hand or playing at 1x to 60x. Positions between two
// stored points are interpolated in time. Each unit's recordings, where
// there are any for the moment, play in step with the slider, side by side
// (a ReplayVideo per unit).
import * as L from '/vendor/leaflet/leaflet-src.esm.js';
import { api } from '../net/index.js';
import { t } from '../i18n/index.js';
import { formatTime } from '../ui/clock.js';
import { el } from '../ui/dialog.js';
import { ReplayVideo } from './replay-video.js';

const SPEEDS = [1, 5, 10, 30, 60];
const COLORS = ['#ffd84a', '#ff7ad9', '#7affd4', '#ff9f43', '#a29bfe'];
const H8 = 8 * 3600000;
const local = (ms) => new Date(ms + H8).toISOString().slice(0, 16); // datetime-local, Asia/Shanghai
const fromLocal = (s) => Date.parse(`${s}:00+08:00`);

// The point of a track at time ms: {lat, lon}, or null outside it.
export function positionAt(track, ms) {
  const { times, coords } = track;
  if (!times.length || ms < times[0] || ms > times.at(-1)) return null;
  let lo = 0, hi = times.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (times[mid] <= ms) lo = mid; else hi = mid;
  }
  const span = times[hi] - times[lo], f = span > 0 ? (ms - times[lo]) / span : 0;
  return { lat: coords[lo][1] + (coords[hi][1] - coords[lo][1]) * f, lon: coords[lo][0] + (coords[hi][0] - coords[lo][0]) * f };
}

export class TrackReplay {
  constructor(map, bar, store, toMap = (lat, lon) => [lat, lon]) {
    this.map = map;
    this.toMap = toMap; // WGS-84 -> the basemap's datum
    this.bar = bar;
    this.store = store;
    this.units = [];
    this.tracks = new Map();  // id -> {times, coords}
    this.markers = new Map(); // id -> L.circleMarker
    this.positions = new Map(); // id -> {lat, lon} shown now
    this.group = L.layerGroup().addTo(map);
    this.speed = 10;
    this.playing = false;
    this.to = Date.now();
    this.from = this.to - 3600000;
    this.t = this.from;
    this.videos = new Map(); // id -> ReplayVideo
    this.videoBox = el('div', { className: 'replay-recs', id: 'replay-recs' });
  }

  // The first unit's video (the one a single-unit replay shows).
  get video() { return this.videos.get(this.units[0]) || null; }

  // Adds a unit to the replay (opening the bar with the last hour).
  async add(id) {
    if (!this.units.includes(id)) this.units.push(id);
    if (this.bar.hidden) { this.to = Date.now(); this.from = this.to - 3600000; }
    this.bar.hidden = false;
    await this.load();
  }

  async load() {
    this.pause();
    this.group.clearLayers();
    this.markers.clear();
    this.tracks.clear();
    for (const [i, id] of this.units.entries()) {
      const f = await api('GET', `/units/${encodeURIComponent(id)}/track?from=${this.from}&to=${this.to}&max_points=5000`);
      const track = { times: f.properties.times, coords: f.geometry.coordinates };
      this.tracks.set(id, track);
      const color = COLORS[i % COLORS.length];
      if (track.coords.length > 1)
        L.polyline(track.coords.map(([lon, lat]) => this.toMap(lat, lon)), { color, weight: 3, opacity: 0.8, interactive: false }).addTo(this.group);
      this.markers.set(id, L.circleMarker([0, 0], { radius: 10, color: '#000', weight: 2, fillColor: color, fillOpacity: 1, interactive: false }));
    }
    for (const v of this.videos.values()) v.close();
    this.videos = new Map(this.units.map((id, i) => [id,
      new ReplayVideo(id, this.store.units.get(id)?.name || id, COLORS[i % COLORS.length])]));
    this.videoBox.replaceChildren(...[...this.videos.values()].map((v) => v.box));
    this.videoBox.dataset.count = String(this.units.length);
    const first = Math.min(...[...this.tracks.values()].filter((x) => x.times.length).map((x) => x.times[0]));
    this.seek(Number.isFinite(first) ? Math.max(this.from, first) : this.from);
    for (const v of this.videos.values()) v.open(this.from, this.to).catch(() => {});
    const pts = [...this.tracks.values()].flatMap((x) => x.coords.map(([lon, lat]) => this.toMap(lat, lon)));
    if (pts.length) this.map.fitBounds(pts, { padding: [40, 40], maxZoom: 17 });
    this.render();
  }

  seek(ms) {
    this.t = Math.min(Math.max(ms, this.from), this.to);
    for (const [id, track] of this.tracks) {
      const p = positionAt(track, this.t), m = this.markers.get(id);
      if (p) {
        m.setLatLng(this.toMap(p.lat, p.lon));
        if (!this.group.hasLayer(m)) m.addTo(this.group);
        this.positions.set(id, p);
      } else {
        m.remove();
        this.positions.delete(id);
      }
    }
    if (this.slider) this.slider.value = String(this.t);
    if (this.clock) this.clock.textContent = formatTime(this.t, true);
    for (const v of this.videos.values()) v.sync(this.t, this.playing, this.speed);
  }

  play() {
    if (this.t >= this.to) this.seek(this.from);
    this.playing = true;
    let last = performance.now();
    const step = (now) => {
      if (!this.playing) return;
      this.seek(this.t + (now - last) * this.speed);
      last = now;
      if (this.t >= this.to) { this.pause(); return; }
      this.raf = requestAnimationFrame(step);
    };
    this.raf = requestAnimationFrame(step);
    this.showPlay();
  }

  pause() {
    this.playing = false;
    cancelAnimationFrame(this.raf);
    this.showPlay();
    for (const v of this.videos.values()) v.sync(this.t, false, this.speed);
  }

  showPlay() { if (this.playBtn) this.playBtn.textContent = t(this.playing ? 'replay.pause' : 'replay.play'); }

  close() {
    this.pause();
    for (const v of this.videos.values()) v.close();
    this.videos.clear();
    this.videoBox.replaceChildren();
    this.group.clearLayers();
    this.units = [];
    this.tracks.clear();
    this.positions.clear();
    this.bar.hidden = true;
  }

  render() {
    if (this.bar.hidden) return;
    const names = this.units.map((id) => this.store.units.get(id)?.name || id).join('、');
    const from = el('input', { type: 'datetime-local', id: 'replay-from', value: local(this.from) });
    const to = el('input', { type: 'datetime-local', id: 'replay-to', value: local(this.to) });
    const speed = el('select', { id: 'replay-speed', onchange: () => { this.speed = Number(speed.value); this.seek(this.t); } },
      ...SPEEDS.map((s) => el('option', { value: String(s), textContent: `${s}×`, selected: s === this.speed })));
    this.slider = el('input', { type: 'range', id: 'replay-slider', min: String(this.from), max: String(this.to), step: 'any',
      value: String(this.t), oninput: () => this.seek(Number(this.slider.value)) });
    this.clock = el('span', { className: 'clock', id: 'replay-clock', textContent: formatTime(this.t, true) });
    this.playBtn = el('button', { type: 'button', id: 'replay-play', onclick: () => (this.playing ? this.pause() : this.play()) });
    this.showPlay();
    this.bar.replaceChildren(
      el('span', { className: 'title', textContent: t('replay.title', { units: names }) }),
      from, to,
      el('button', { type: 'button', className: 'ghost', id: 'replay-load', textContent: t('replay.load'), onclick: () => {
        const a = fromLocal(from.value), b = fromLocal(to.value);
        if (Number.isFinite(a) && Number.isFinite(b) && b > a) { this.from = a; this.to = b; this.load().catch(() => {}); }
      } }),
      this.playBtn, speed, this.slider, this.clock,
      this.videoBox,
      el('button', { type: 'button', className: 'ghost', id: 'replay-close', textContent: t('replay.close'), onclick: () => this.close() }));
  }
}
