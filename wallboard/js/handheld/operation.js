// The officer's active operation: case number, title, time since it
// started, and a small map of the site with the positions of the
// operation's units (from the WebSocket's units channel). Asked again
// every RELOAD_MS and on each reconnect.
import * as L from '/vendor/leaflet/leaflet-src.esm.js';
import { api } from '../net/index.js';
import { t } from '../i18n/index.js';

const $ = (id) => document.getElementById(id);
const RELOAD_MS = 30000;

export function elapsedText(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const hh = String(Math.floor(s / 3600)).padStart(2, '0');
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return `${hh}:${mm}:${ss}`;
}

export class OperationView {
  constructor(me) {
    this.me = me;
    this.op = null;
    this.map = null;
    this.site = null;
    this.markers = new Map(); // unit id -> L.circleMarker
    this.positions = new Map(); // unit id -> {lat, lon, ts}
    setInterval(() => this.tick(), 1000);
    setInterval(() => this.load().catch(() => {}), RELOAD_MS);
  }

  async load() {
    const { operations } = await api('GET', '/operations?state=active');
    const mine = operations.filter((o) => (this.me.unit && o.units.includes(this.me.unit)) ||
      o.members.includes(this.me.username));
    this.op = mine[0] || operations[0] || null;
    this.render();
  }

  // Positions of units (snapshot or changes) from the units channel.
  units(list) {
    for (const u of list) if (u.position) this.positions.set(u.id, u.position);
    this.draw();
  }

  moved(list) {
    for (const p of list) this.positions.set(p.unit, p);
    this.draw();
  }

  tick() {
    if (this.op?.started_at) $('op-elapsed').textContent = elapsedText(Date.now() - this.op.started_at);
  }

  render() {
    $('op-none').hidden = !!this.op;
    $('op-body').hidden = !this.op;
    if (!this.op) return;
    $('op-case').textContent = this.op.case_number || '';
    $('op-title').textContent = this.op.title || t(`hh.op_type.${this.op.type}`);
    this.tick();
    if (!this.map) {
      this.map = L.map('op-map', { zoomControl: false, attributionControl: false });
      api('GET', '/map').then((cfg) => {
        if (cfg.tiles) L.tileLayer(cfg.tiles, { maxZoom: 19 }).addTo(this.map);
      }).catch(() => {});
    }
    this.site?.remove();
    const s = this.op.site;
    if (s?.type === 'circle') this.site = L.circle([s.lat, s.lon], { radius: s.radius_m, color: '#e0a030' });
    else if (s?.type === 'polygon') this.site = L.polygon(s.points, { color: '#e0a030' });
    else this.site = null;
    if (this.site) {
      // (a circle has bounds only on a map with a view: from its centre)
      const bounds = s.type === 'circle' ? L.latLng(s.lat, s.lon).toBounds(s.radius_m * 2) : this.site.getBounds();
      this.map.fitBounds(bounds, { padding: [10, 10], animate: false });
      this.site.addTo(this.map);
    } else {
      this.map.setView([0, 0], 2);
    }
    this.draw();
  }

  draw() {
    if (!this.map || !this.op) return;
    for (const id of this.op.units) {
      const p = this.positions.get(id);
      if (!p) continue;
      let m = this.markers.get(id);
      if (!m) {
        m = L.circleMarker([p.lat, p.lon], { radius: 6, weight: 2,
          color: id === this.me.unit ? '#ffffff' : '#3b9ae1', fillColor: id === this.me.unit ? '#e23b3b' : '#3b9ae1', fillOpacity: 0.9 })
          .bindTooltip(id).addTo(this.map);
        this.markers.set(id, m);
      } else {
        m.setLatLng([p.lat, p.lon]);
      }
    }
  }

  // The operation's unit markers shown, for tests: [{id, lat, lon}].
  shown() {
    return [...this.markers].map(([id, m]) => ({ id, lat: m.getLatLng().lat, lon: m.getLatLng().lng }));
  }
}
