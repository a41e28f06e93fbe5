// The sites of the active operations on the map (a circle or a polygon,
// shifted like the units when the basemap is GCJ-02), each with a ring
// around its units in the same colour. Radii are metres on the ground.
import * as L from '/vendor/leaflet/leaflet-src.esm.js';
import { t } from '../i18n/index.js';

const COLOURS = ['#f5a623', '#4aa3ff', '#c36bff', '#2ecc71', '#ff7a45', '#ffd84a'];

export class OperationSites {
  constructor(map, store, toMap) {
    this.map = map;
    this.store = store;
    this.toMap = toMap;
    this.group = L.layerGroup().addTo(map);
    this.rings = L.layerGroup().addTo(map);
    this.ops = [];
    this.shapes = new Map(); // operation id -> its Leaflet shape
    this.drawn = [];         // for tests: what was drawn, in container pixels
    map.on('moveend zoomend', () => this.redraw());
  }

  set(ops) {
    this.ops = ops;
    this.group.clearLayers();
    this.shapes.clear();
    ops.forEach((op, i) => {
      const s = op.site;
      const style = { color: COLOURS[i % COLOURS.length], weight: 2, fillOpacity: 0.08, dashArray: '6 4' };
      const shape = s.type === 'circle'
        ? L.circle(this.toMap(s.lat, s.lon), { ...style, radius: s.radius_m })
        : L.polygon(s.points.map(([lat, lon]) => this.toMap(lat, lon)), style);
      shape.bindTooltip(() => `${t(`ops.type.${op.type}`)} · ${op.case_number}`, { sticky: true });
      shape.addTo(this.group);
      this.shapes.set(op.id, shape);
    });
    this.redraw();
  }

  // The units' rings follow their positions.
  redraw() {
    this.rings.clearLayers();
    this.drawn = [];
    this.ops.forEach((op, i) => {
      const b = this.bounds(op);
      const c = this.map.latLngToContainerPoint(b.getCenter());
      const ne = this.map.latLngToContainerPoint(b.getNorthEast());
      const units = [];
      for (const id of op.units) {
        const p = this.store.units.get(id)?.position;
        if (!p) continue;
        const ll = this.toMap(p.lat, p.lon);
        L.circleMarker(ll, { radius: 13, color: COLOURS[i % COLOURS.length], weight: 2, fill: false, interactive: false })
          .addTo(this.rings);
        const px = this.map.latLngToContainerPoint(ll);
        units.push({ id, x: px.x, y: px.y });
      }
      this.drawn.push({ id: op.id, kind: op.site.type, x: c.x, y: c.y, halfWidth: ne.x - c.x, units });
    });
  }

  // The site's extent on the ground (a circle's from its radius in metres).
  bounds(op) {
    const s = op.site;
    return s.type === 'circle'
      ? L.latLng(this.toMap(s.lat, s.lon)).toBounds(2 * s.radius_m)
      : L.latLngBounds(s.points.map(([lat, lon]) => this.toMap(lat, lon)));
  }

  focus(id) {
    const op = this.ops.find((o) => o.id === id);
    if (op) this.map.fitBounds(this.bounds(op), { padding: [40, 40], maxZoom: 17 });
  }
}
