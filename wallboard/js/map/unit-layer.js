// Unit markers on one canvas (not DOM nodes), so the map holds thousands of
// moving units at full frame rate. Changes mark the layer dirty; it redraws
// at most once per animation frame. Colour = state, shape = kind, a wedge
// shows the heading.
import * as L from '/vendor/leaflet/leaflet-src.esm.js';

const COLORS = { online: '#2ecc71', offline: '#7f8c8d', alerting: '#ff4d4f', streaming: '#4aa3ff',
  recording: '#c86bff', selected: '#ffd84a' };
// Marker size follows the page's type size (larger on a 4K wall).
const base = () => Math.max(9, Math.round(parseFloat(getComputedStyle(document.documentElement).fontSize) * 0.6));
let RADIUS = 9;
// Below this zoom, markers closer than a cell merge into a counted disc.
const CLUSTER_BELOW = 11, CELL = 56;
const URGENCY = ['alerting', 'recording', 'streaming', 'online'];

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
    this.sprites = new Map(); // kind|state|heading step|radius|dpr -> canvas
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

  // Schedules one draw for the next animation frame.
  redraw() {
    if (this.pending || !this._map) return;
    this.pending = true;
    requestAnimationFrame(() => { this.pending = false; this.draw(); });
  }

  // A marker is a small bitmap per kind, state and heading (in 16 steps),
  // drawn once and then stamped with drawImage: 2,000 markers cost 2,000
  // cheap copies, not 2,000 path fills and strokes.
  sprite(kind, state, heading) {
    const dpr = window.devicePixelRatio || 1, step = Number.isFinite(heading) ? Math.round(heading / 22.5) % 16 : -1;
    const key = `${kind}|${state}|${step}|${RADIUS}|${dpr}`;
    let c = this.sprites.get(key);
    if (c) return c;
    const half = Math.ceil(RADIUS * 2.4), r = RADIUS;
    c = document.createElement('canvas');
    c.width = c.height = 2 * half * dpr;
    const g = c.getContext('2d');
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
    c.half = half;
    this.sprites.set(key, c);
    return c;
  }

  draw() {
    const map = this._map, ctx = this.canvas.getContext('2d'), dpr = window.devicePixelRatio || 1;
    const size = map.getSize();
    L.DomUtil.setPosition(this.canvas, map.containerPointToLayerPoint([0, 0]));
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
    const cluster = map.getZoom() < CLUSTER_BELOW, cells = new Map();
    for (const u of this.store.units.values()) {
      const p = u.position;
      // Online units only; the list shows the offline ones (grey).
      if (!p || !u.online || !this.visible(u)) continue;
      const pt = map.latLngToContainerPoint(this.toMap(p.lat, p.lon));
      if (pt.x < -20 || pt.y < -20 || pt.x > size.x + 20 || pt.y > size.y + 20) continue;
      const state = this.store.stateOf(u);
      const d = { id: u.id, x: pt.x, y: pt.y, state, kind: u.kind, name: u.name };
      drawn.push(d);
      if (cluster) {
        const key = `${Math.floor(pt.x / CELL)},${Math.floor(pt.y / CELL)}`;
        if (!cells.has(key)) cells.set(key, []);
        cells.get(key).push(d);
        continue;
      }
      const sp = this.sprite(u.kind, state, p.heading);
      ctx.drawImage(sp, pt.x - sp.half, pt.y - sp.half, 2 * sp.half, 2 * sp.half);
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
    if (map.getZoom() >= 14) {
      ctx.font = `${Math.round(RADIUS * 1.4)}px "Noto Sans CJK SC", sans-serif`;
      ctx.fillStyle = '#e6eefc';
      for (const d of drawn) ctx.fillText(d.name, d.x + RADIUS + 4, d.y + 4);
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
