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

function shape(ctx, kind, x, y, r) {
  ctx.beginPath();
  switch (kind) {
    case 'vehicle': ctx.rect(x - r * 1.2, y - r * 0.8, r * 2.4, r * 1.6); break;
    case 'drone':
      ctx.moveTo(x, y - r * 1.2); ctx.lineTo(x + r * 1.2, y); ctx.lineTo(x, y + r * 1.2);
      ctx.lineTo(x - r * 1.2, y); ctx.closePath(); break;
    case 'handheld': ctx.rect(x - r, y - r, r * 2, r * 2); break;
    default: ctx.arc(x, y, r, 0, Math.PI * 2);
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

  draw() {
    const map = this._map, ctx = this.canvas.getContext('2d'), dpr = window.devicePixelRatio || 1;
    const size = map.getSize();
    L.DomUtil.setPosition(this.canvas, map.containerPointToLayerPoint([0, 0]));
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, size.x, size.y);
    const drawn = [];
    let ringing = false;
    const showNames = map.getZoom() >= 14;
    ctx.font = `${Math.round(RADIUS * 1.4)}px "Noto Sans CJK SC", sans-serif`;
    for (const u of this.store.units.values()) {
      const p = u.position;
      // Online units only; the list shows the offline ones (grey).
      if (!p || !u.online || !this.visible(u)) continue;

      const pt = map.latLngToContainerPoint([p.lat, p.lon]);
      if (pt.x < -20 || pt.y < -20 || pt.x > size.x + 20 || pt.y > size.y + 20) continue;
      const state = this.store.stateOf(u);
      if (Number.isFinite(p.heading) && u.online) {
        const a = (p.heading - 90) * Math.PI / 180;
        ctx.beginPath();
        ctx.moveTo(pt.x + Math.cos(a) * RADIUS * 2.2, pt.y + Math.sin(a) * RADIUS * 2.2);
        ctx.lineTo(pt.x + Math.cos(a + 0.5) * RADIUS, pt.y + Math.sin(a + 0.5) * RADIUS);
        ctx.lineTo(pt.x + Math.cos(a - 0.5) * RADIUS, pt.y + Math.sin(a - 0.5) * RADIUS);
        ctx.closePath();
        ctx.fillStyle = COLORS[state];
        ctx.fill();
      }
      shape(ctx, u.kind, pt.x, pt.y, RADIUS);
      ctx.fillStyle = COLORS[state];
      ctx.fill();
      ctx.lineWidth = u.id === this.selected ? 3 : 1.5;
      ctx.strokeStyle = u.id === this.selected ? COLORS.selected : '#0b1320';
      ctx.stroke();
      const until = this.highlighted.get(u.id);
      if (until && until > Date.now()) {
        const phase = (Date.now() % 1000) / 1000;
        ctx.beginPath();
        ctx.arc(pt.x, pt.y, RADIUS * (1.8 + phase * 1.6), 0, Math.PI * 2);
        ctx.lineWidth = 3;
        ctx.strokeStyle = COLORS.alerting;
        ctx.stroke();
        ringing = true;
      }
      if (showNames) {
        ctx.fillStyle = '#e6eefc';
        ctx.fillText(u.name, pt.x + RADIUS + 4, pt.y + 4);
      }
      drawn.push({ id: u.id, x: pt.x, y: pt.y, state });
    }
    this.drawn = drawn;
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
    if (id) this.fire('unitclick', { id });
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
