// Unit markers on one canvas (not DOM nodes), so the map holds thousands of
// moving units at full frame rate. Changes mark the layer dirty; it redraws
// at most once per animation frame, and for new positions alone at most
// every POSITIONS_MS: units report about once a second, so a marker still
// moves within a tenth of a second, while 2,000 units reporting no longer
// redraw the whole canvas on every frame and starve panning and zooming.
// Colour = state, shape = kind, a wedge shows the heading.
import * as L from '/vendor/leaflet/leaflet-src.esm.js';

const COLORS = { online: '#2ecc71', offline: '#7f8c8d', alerting: '#ff4d4f', streaming: '#4aa3ff',
  recording: '#c86bff', selected: '#ffd84a' };
// Marker size follows the page's type size (larger on a 4K wall).
const base = () => Math.max(9, Math.round(parseFloat(getComputedStyle(document.documentElement).fontSize) * 0.6));
let RADIUS = 9;
// Below this zoom, markers closer than a cell merge into a counted disc.
const CLUSTER_BELOW = 11, CELL = 56;
const URGENCY = ['alerting', 'recording', 'streaming', 'online'];
const POSITIONS_MS = 100;
const KIND_I = { bodycam: 0, handheld: 1, vehicle: 2, drone: 3 };
const STATE_I = Object.fromEntries(Object.keys(COLORS).map((k, i) => [k, i]));
// Names next to markers from this zoom on, when at most this many are in
// view (more overlap into an unreadable block).
const LABEL_ZOOM = 14, LABELS_MAX = 400;

// Adds a marker's outline to the current path (a sub-path of its own).
function addShape(ctx, kind, x, y, r) {
  switch (kind) {
    case 'vehicle': ctx.rect(x - r * 1.2, y - r * 0.8, r * 2.4, r * 1.6); break;
    case 'drone':
      ctx.moveTo(x, y - r * 1.2); ctx.lineTo(x + r * 1.2, y); ctx.lineTo(x, y + r * 1.2);
      ctx.lineTo(x - r * 1.2, y); ctx.closePath(); break;
    case 'handheld': ctx.rect(x - r, y - r, r * 2, r * 2); break;
    default: ctx.moveTo(x + r, y); ctx.arc(x, y, r, 0, Math.PI * 2); ctx.closePath();
  }
}

export class UnitLayer extends L.Layer {
  constructor(store) {
    super();
    this.store = store;
    this.drawn = [];      // what the last frame painted: {id, x, y}
    this.frames = 0;
    this.pending = false;
    this.selected = null;
    this.visible = () => true; // the unit list's filter
    this.highlighted = new Map(); // unit id -> until (ms): a ring around it
    this.sprites = new Map(); // kind, state, heading step -> canvas (at spriteScale)
    this.spriteScale = 0;
    this.labels = new Map(); // name|size|dpr -> canvas (a name drawn once, then copied)
    this.posTimer = 0;
    this.lastDraw = 0;
    // A unit's point projected at a zoom, kept until its position or the
    // zoom changes: a frame only shifts it by the map's pan offset.
    this.projected = new Map(); // unit id -> {p, zoom, toMap, x, y}
    this.toMap = (lat, lon) => [lat, lon]; // WGS-84 -> the basemap's datum (coords.js)
  }

  onAdd(map) {
    this.canvas = L.DomUtil.create('canvas', 'ecc-units');
    this.canvas.style.position = 'absolute';
    this.canvas.style.pointerEvents = 'none';
    map.getPane('markerPane').appendChild(this.canvas);
    this.resize();
    map.on('move zoom viewreset', this.redraw, this);
    map.on('resize', this.resize, this);
    // A DOM listener, not map 'click': other canvases (the basemap's
    // renderer) take Leaflet's click targeting; this sees every click.
    L.DomEvent.on(map.getContainer(), 'click', this.onClick, this);
    this.redraw();
  }

  onRemove(map) {
    map.off('move zoom viewreset', this.redraw, this);
    map.off('resize', this.resize, this);
    L.DomEvent.off(map.getContainer(), 'click', this.onClick, this);
    this.canvas.remove();
  }

  resize() {
    RADIUS = base();
    const size = this._map.getSize(), dpr = window.devicePixelRatio || 1;
    this.canvas.width = size.x * dpr;
    this.canvas.height = size.y * dpr;
    this.canvas.style.width = `${size.x}px`;
    this.canvas.style.height = `${size.y}px`;
    this.redraw();
  }

  // Schedules one draw for the next animation frame; why 'positions' (only
  // units moved): no sooner than POSITIONS_MS after the last draw.
  redraw(why) {
    if (this.pending || !this._map) return;
    if (why === 'positions') {
      if (this.posTimer) return;
      const wait = this.lastDraw + POSITIONS_MS - performance.now();
      if (wait > 0) {
        this.posTimer = setTimeout(() => { this.posTimer = 0; this.redraw(); }, wait);
        return;
      }
    }
    this.pending = true;
    requestAnimationFrame(() => { this.pending = false; this.draw(); });
  }

  // A unit's position projected at zoom (layer pixels before the pixel
  // origin), from the cache while neither changed.
  projection(u, zoom) {
    const p = u.position;
    let q = this.projected.get(u.id);
    if (!q) this.projected.set(u.id, (q = { p: null, zoom: -1, toMap: null, x: 0, y: 0 }));
    if (q.p !== p || q.zoom !== zoom || q.toMap !== this.toMap) {
      const lp = this._map.project(this.toMap(p.lat, p.lon), zoom);
      q.p = p; q.zoom = zoom; q.toMap = this.toMap;
      q.x = Math.round(lp.x); q.y = Math.round(lp.y);
    }
    return q;
  }

  // A unit's name as a bitmap, drawn once per name, size and pixel ratio.
  label(name, size) {
    const dpr = window.devicePixelRatio || 1, key = `${name}|${size}|${dpr}`;
    let c = this.labels.get(key);
    if (c) return c;
    const font = `${size}px "Noto Sans CJK SC", sans-serif`;
    const m = (this.measure ??= new OffscreenCanvas(1, 1).getContext('2d'));
    m.font = font;
    const w = Math.ceil(m.measureText(name).width) + 2, h = Math.ceil(size * 1.4);
    const oc = new OffscreenCanvas(w * dpr, h * dpr);
    const g = oc.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.font = font;
    g.fillStyle = '#e6eefc';
    g.textBaseline = 'alphabetic';
    g.fillText(name, 1, size);
    c = oc.transferToImageBitmap();
    c.w = w;
    c.h = h;
    c.base = size;
    if (this.labels.size > 5000) { for (const b of this.labels.values()) b.close(); this.labels.clear(); }
    this.labels.set(key, c);
    return c;
  }

  // A marker is a small bitmap per kind, state and heading (in 16 steps),
  // drawn once and then stamped with drawImage: 2,000 markers cost 2,000
  // cheap copies, not 2,000 path fills and strokes. An ImageBitmap, not a
  // canvas: drawing from a canvas snapshots it on every call.
  sprite(kind, state, heading) {
    const dpr = window.devicePixelRatio || 1, step = Number.isFinite(heading) ? Math.round(heading / 22.5) % 16 : -1;
    // A numeric key (no string built per marker and frame); the cache
    // starts over when the marker size or the pixel ratio changes.
    if (this.spriteScale !== RADIUS * 100 + dpr) {
      for (const b of this.sprites.values()) b.close();
      this.sprites.clear();
      this.spriteScale = RADIUS * 100 + dpr;
    }
    const key = ((KIND_I[kind] ?? 0) * 8 + (STATE_I[state] ?? 0)) * 32 + step + 1;
    let c = this.sprites.get(key);
    if (c) return c;
    const half = Math.ceil(RADIUS * 2.4), r = RADIUS;
    const oc = new OffscreenCanvas(2 * half * dpr, 2 * half * dpr);
    const g = oc.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, half * dpr, half * dpr);
    g.fillStyle = COLORS[state];
    if (step >= 0) {
      const a = (step * 22.5 - 90) * Math.PI / 180;
      g.beginPath();
      g.moveTo(Math.cos(a) * r * 2.2, Math.sin(a) * r * 2.2);
      g.lineTo(Math.cos(a + 0.5) * r, Math.sin(a + 0.5) * r);
      g.lineTo(Math.cos(a - 0.5) * r, Math.sin(a - 0.5) * r);
      g.closePath();
      g.fill();
    }
    g.beginPath();
    addShape(g, kind, 0, 0, r);
    g.fill();
    g.lineWidth = 1.5;
    g.strokeStyle = '#0b1320';
    g.stroke();
    c = oc.transferToImageBitmap();
    c.half = half;
    this.sprites.set(key, c);
    return c;
  }

  draw() {
    const map = this._map, ctx = this.canvas.getContext('2d'), dpr = window.devicePixelRatio || 1;
    const size = map.getSize(), zoom = map.getZoom();
    clearTimeout(this.posTimer);
    this.posTimer = 0;
    if (this.projected.size > this.store.units.size + 256) this.projected.clear(); // units removed
    this.lastDraw = performance.now();
    // Container point = projected point - pixel origin + map pane offset.
    const origin = map.getPixelOrigin(), pane = map.containerPointToLayerPoint([0, 0]);
    const off = { x: origin.x + pane.x, y: origin.y + pane.y };
    L.DomUtil.setPosition(this.canvas, pane);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, size.x, size.y);
    const drawn = [];
    let ringing = false;
    this.trailed = [];
    // Trails of the selected unit and of alerting ones.
    for (const [id, tr] of this.store.trails) {
      const u = this.store.units.get(id);
      if (!u?.online || tr.length < 2 || (id !== this.selected && !this.store.alerting(id)) || !this.visible(u)) continue;
      ctx.beginPath();
      for (const [i, q] of tr.entries()) {
        const pt = map.latLngToContainerPoint(this.toMap(q.lat, q.lon));
        if (i) ctx.lineTo(pt.x, pt.y); else ctx.moveTo(pt.x, pt.y);
      }
      const last = map.latLngToContainerPoint(this.toMap(u.position.lat, u.position.lon));
      ctx.lineTo(last.x, last.y);
      ctx.lineWidth = 3;
      ctx.strokeStyle = id === this.selected ? 'rgba(255, 216, 74, .7)' : 'rgba(255, 77, 79, .7)';
      ctx.stroke();
      this.trailed.push(id);
    }
    const cluster = zoom < CLUSTER_BELOW, cells = new Map();
    for (const u of this.store.units.values()) {
      const p = u.position;
      // Online units only; the list shows the offline ones (grey).
      if (!p || !u.online || !this.visible(u)) continue;
      const q = this.projection(u, zoom), x = q.x - off.x, y = q.y - off.y;
      if (x < -20 || y < -20 || x > size.x + 20 || y > size.y + 20) continue;
      const state = this.store.stateOf(u);
      const d = { id: u.id, x, y, state, kind: u.kind, name: u.name };
      drawn.push(d);
      if (cluster) {
        const key = Math.floor(x / CELL) * 65536 + Math.floor(y / CELL);
        if (!cells.has(key)) cells.set(key, []);
        cells.get(key).push(d);
        continue;
      }
      const sp = this.sprite(u.kind, state, p.heading);
      ctx.drawImage(sp, x - sp.half, y - sp.half, 2 * sp.half, 2 * sp.half);
    }
    // At low zoom, a cell's units as one disc with their count, in the
    // colour of the most urgent state among them; a lone unit as itself.
    for (const list of cells.values()) {
      if (list.length === 1) {
        const d = list[0], u = this.store.units.get(d.id);
        const sp = this.sprite(d.kind, d.state, u.position.heading);
        ctx.drawImage(sp, d.x - sp.half, d.y - sp.half, 2 * sp.half, 2 * sp.half);
        continue;
      }
      const x = list.reduce((a, d) => a + d.x, 0) / list.length, y = list.reduce((a, d) => a + d.y, 0) / list.length;
      const state = URGENCY.find((s) => list.some((d) => d.state === s)) || 'online';
      const r = RADIUS * (1.3 + Math.min(1.2, Math.log10(list.length)));
      ctx.beginPath();
      ctx.arc(x, y, r, 0, Math.PI * 2);
      ctx.fillStyle = COLORS[state];
      ctx.fill();
      ctx.lineWidth = 2;
      ctx.strokeStyle = '#0b1320';
      ctx.stroke();
      ctx.fillStyle = '#0b1320';
      ctx.font = `bold ${Math.round(RADIUS * 1.3)}px sans-serif`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(String(list.length), x, y);
      ctx.textAlign = 'start';
      ctx.textBaseline = 'alphabetic';
      for (const d of list) { d.x = x; d.y = y; d.cluster = list.length; }
    }
    const now = Date.now();
    for (const d of drawn) {
      if (d.id === this.selected && !d.cluster) {
        ctx.beginPath();
        addShape(ctx, d.kind, d.x, d.y, RADIUS);
        ctx.lineWidth = 3;
        ctx.strokeStyle = COLORS.selected;
        ctx.stroke();
      }
      const until = this.highlighted.get(d.id);
      if (until && until > now) {
        const phase = (now % 1000) / 1000;
        ctx.beginPath();
        ctx.arc(d.x, d.y, RADIUS * (1.8 + phase * 1.6), 0, Math.PI * 2);
        ctx.lineWidth = 3;
        ctx.strokeStyle = COLORS.alerting;
        ctx.stroke();
        ringing = true;
      }
    }
    if (zoom >= LABEL_ZOOM && drawn.length <= LABELS_MAX) {
      const fs = Math.round(RADIUS * 1.4);
      for (const d of drawn) {
        const c = this.label(d.name, fs);
        ctx.drawImage(c, d.x + RADIUS + 3, d.y + 4 - c.base, c.w, c.h);
      }
    }
    this.drawn = drawn.map(({ id, x, y, state, cluster }) => (cluster ? { id, x, y, state, cluster } : { id, x, y, state }));
    this.frames++;
    if (ringing) this.redraw(); // the ring pulses
  }

  // The unit drawn nearest a mouse event, within two radii; or null.
  unitAt(ev) {
    const pt = this._map.mouseEventToContainerPoint(ev);
    let best = null, bestD = RADIUS * 2;
    for (const d of this.drawn) {
      const dist = Math.hypot(d.x - pt.x, d.y - pt.y);
      if (dist < bestD) { best = d; bestD = dist; }
    }
    return best ? best.id : null;
  }

  onClick(ev) {
    const id = this.unitAt(ev);
    if (!id) return;
    const d = this.drawn.find((x) => x.id === id);
    // A cluster: zoom in on it.
    if (d?.cluster) this._map.setView(this._map.containerPointToLatLng([d.x, d.y]), Math.min(CLUSTER_BELOW + 1, this._map.getZoom() + 3));
    else this.fire('unitclick', { id });
  }

  // A pulsing ring around a unit for ms (an alert that asks for eyes).
  highlight(id, ms = 30000) {
    this.highlighted.set(id, Date.now() + ms);
    this.redraw();
  }

  select(id) {
    this.selected = id;
    this.redraw();
  }
}
