// The incidents panel (应急调度): open incidents with their state, a button
// to log one at a point picked on the map, and per incident the ranked
// candidate units with one-click dispatch, and closing with an outcome.
// Markers on the map: the site and its arrival radius, red when urgent.
// Changes arrive on the WebSocket's dispatch channel (apply()).
import * as L from '/vendor/leaflet/leaflet-src.esm.js';
import gcoord from '/vendor/gcoord/gcoord.esm-browser.prod.js';
import { api } from '../net/index.js';
import { t } from '../i18n/index.js';
import { formatTime } from '../ui/clock.js';
import { openDialog, el } from '../ui/dialog.js';

const SOURCES = ['tip', 'call110', 'party', 'support', 'other'];

export class IncidentPanel {
  constructor(root, map, config, toMap) {
    this.root = root;
    this.map = map;
    this.toMap = toMap;
    // a click on the map back to WGS-84 (the inverse of toMap)
    this.fromMap = config.tiles && config.tiles_gcj02
      ? (ll) => { const [x, y] = gcoord.transform([ll.lng, ll.lat], gcoord.GCJ02, gcoord.WGS84); return { lat: y, lon: x }; }
      : (ll) => ({ lat: ll.lat, lon: ll.lng });
    this.incidents = new Map();
    this.markers = new Map();
    this.layer = L.layerGroup().addTo(map);
    this.picking = false;
    this.root.hidden = false;
    this.render();
  }

  async load() {
    const { incidents } = await api('GET', '/incidents?state=open');
    this.incidents = new Map(incidents.map((i) => [i.id, i]));
    this.render();
  }

  // An incident as the hub announced it (new, dispatched, acked, arrived, closed).
  apply(i) {
    if (i.state === 'closed') this.incidents.delete(i.id);
    else this.incidents.set(i.id, i);
    this.render();
    const d = document.getElementById('incident-dialog');
    if (d && Number(d.dataset.id) === i.id) this.drawDetail(d.querySelector('.body'), i);
  }

  render() {
    const head = el('div', { className: 'panel-head' }, el('h2', { textContent: t('inc.title') }),
      el('button', { type: 'button', className: this.picking ? 'on' : 'ghost', id: 'incident-new',
        textContent: this.picking ? t('inc.pick') : t('inc.new'), onclick: () => this.pick() }));
    const list = el('ul', { className: 'incident-list', id: 'incident-list' });
    const all = [...this.incidents.values()].sort((a, b) => b.id - a.id);
    for (const i of all) {
      list.append(el('li', { className: `inc-${i.urgency} state-${i.state}${i.overdue_at ? ' overdue' : ''}`,
        dataset: { id: String(i.id) }, onclick: () => this.open(i.id) },
      el('span', { className: 'state', textContent: t(`inc.state.${i.state}`) }),
      el('span', { className: 'src', textContent: t(`inc.source.${i.source}`) }),
      el('span', { className: 'sum', textContent: i.summary || t('inc.no_summary') }),
      el('span', { className: 'when', textContent: formatTime(i.created_at) })));
    }
    if (!all.length) list.append(el('li', { className: 'none', textContent: t('inc.none') }));
    this.root.replaceChildren(head, list);
    this.drawMarkers();
  }

  drawMarkers() {
    for (const [id, m] of this.markers) {
      if (!this.incidents.has(id)) { this.layer.removeLayer(m); this.markers.delete(id); }
    }
    for (const i of this.incidents.values()) {
      const color = i.urgency === 'urgent' ? '#ff4d4f' : '#faad14';
      let m = this.markers.get(i.id);
      if (!m) {
        m = L.featureGroup([
          L.circle(this.toMap(i.lat, i.lon), { radius: i.radius_m, color, weight: 1, fillOpacity: 0.12 }),
          L.circleMarker(this.toMap(i.lat, i.lon), { radius: 7, color: '#fff', weight: 2, fillColor: color, fillOpacity: 1 }),
        ]).on('click', () => this.open(i.id)).addTo(this.layer);
        this.markers.set(i.id, m);
      }
      m.bindTooltip(`${t(`inc.source.${i.source}`)} · ${t(`inc.state.${i.state}`)}`);
    }
  }

  // The next click on the map is the incident's location.
  pick() {
    if (this.picking) return;
    this.picking = true;
    this.map.getContainer().classList.add('picking');
    this.render();
    this.map.once('click', (e) => {
      this.picking = false;
      this.map.getContainer().classList.remove('picking');
      this.render();
      this.form(this.fromMap(e.latlng));
    });
  }

  form(at) {
    openDialog('incident-form', t('inc.new'), (body, d) => {
      const source = el('select', { id: 'inc-source' },
        ...SOURCES.map((s) => el('option', { value: s, textContent: t(`inc.source.${s}`) })));
      const urgency = el('select', { id: 'inc-urgency' },
        el('option', { value: 'normal', textContent: t('inc.urgency.normal') }),
        el('option', { value: 'urgent', textContent: t('inc.urgency.urgent') }));
      const summary = el('textarea', { id: 'inc-summary', rows: 3, placeholder: t('inc.summary') });
      const kase = el('input', { id: 'inc-case', type: 'number', min: 1, placeholder: t('inc.case') });
      const err = el('div', { className: 'error', id: 'inc-error' });
      const submit = el('button', { type: 'button', id: 'inc-submit', textContent: t('inc.submit'),
        onclick: async () => {
          submit.disabled = true;
          try {
            const r = await api('POST', '/incidents', { source: source.value, urgency: urgency.value,
              summary: summary.value.trim(), lat: at.lat, lon: at.lon,
              ...(kase.value ? { case: Number(kase.value) } : {}) });
            this.apply(r.incident);
            d.close();
            this.open(r.incident.id);
          } catch (e) {
            err.textContent = e.message;
            submit.disabled = false;
          }
        } });
      body.append(
        el('div', { className: 'where', textContent: t('inc.at', { lat: at.lat.toFixed(5), lon: at.lon.toFixed(5) }) }),
        el('label', {}, t('inc.source'), source), el('label', {}, t('inc.urgency'), urgency),
        el('label', {}, t('inc.summary'), summary), el('label', {}, t('inc.case'), kase), err, submit);
    });
  }

  // One incident: its state, its units, the ranked candidates to dispatch.
  async open(id) {
    const { incident } = await api('GET', `/incidents/${id}`);
    const d = openDialog('incident-dialog', `${t('inc.title')} #${id}`, (body) => this.drawDetail(body, incident));
    d.dataset.id = String(id);
  }

  async drawDetail(body, i) {
    const units = el('ul', { className: 'inc-units' }, ...i.units.map((u) => el('li', { dataset: { unit: u.unit } },
      el('span', { className: 'unit', textContent: u.unit }),
      el('span', { textContent: t('inc.dispatched_at', { time: formatTime(u.dispatched_at) }) }),
      el('span', { className: u.acked_at ? 'yes' : 'no',
        textContent: u.acked_at ? t('inc.acked_at', { time: formatTime(u.acked_at) }) : t('inc.not_acked') }),
      el('span', { className: u.arrived_at ? 'yes arrived' : 'no',
        textContent: u.arrived_at ? t('inc.arrived_at', { time: formatTime(u.arrived_at) }) : t('inc.not_arrived') }))));
    const cands = el('ul', { className: 'inc-candidates', id: 'inc-candidates' });
    const err = el('div', { className: 'error' });
    const outcome = el('input', { id: 'inc-outcome', placeholder: t('inc.outcome') });
    const close = el('button', { type: 'button', className: 'ghost', id: 'inc-close', textContent: t('inc.close'),
      onclick: async () => {
        try { this.apply((await api('POST', `/incidents/${i.id}/close`, { outcome: outcome.value.trim() })).incident); document.getElementById('incident-dialog')?.close(); } catch (e) { err.textContent = e.message; }
      } });
    body.replaceChildren(
      el('div', { className: 'inc-head' },
        el('span', { className: 'state', id: 'inc-state', textContent: t(`inc.state.${i.state}`) }),
        el('span', { textContent: `${t(`inc.source.${i.source}`)} · ${t(`inc.urgency.${i.urgency}`)}` }),
        i.deadline ? el('span', { className: i.overdue_at ? 'overdue' : '', textContent: t('inc.deadline', { time: formatTime(i.deadline) }) }) : null),
      el('div', { className: 'sum', textContent: i.summary }),
      units, el('h4', { textContent: t('inc.candidates') }), cands, err,
      el('div', { className: 'actions' }, outcome, close));
    if (i.state === 'closed') return;
    try {
      const { candidates } = await api('GET', `/incidents/${i.id}/candidates`);
      cands.replaceChildren(...candidates.map((c) => el('li', { className: c.online ? 'online' : 'offline', dataset: { unit: c.unit } },
        el('span', { className: 'unit', textContent: c.name || c.unit }),
        el('span', { className: 'dist', textContent: c.distance_m === null ? t('inc.no_position') : t('inc.distance', { km: (c.distance_m / 1000).toFixed(2) }) }),
        el('span', { className: 'seen', textContent: c.online ? t('inc.online') : t('inc.offline') }),
        c.dispatched ? el('span', { textContent: t('inc.sent') })
          : el('button', { type: 'button', className: 'dispatch', textContent: t('inc.dispatch'),
            onclick: async (ev) => {
              ev.target.disabled = true;
              try { this.apply((await api('POST', `/incidents/${i.id}/dispatch`, { units: [c.unit] })).incident); } catch (e) { err.textContent = e.message; ev.target.disabled = false; }
            } }))));
    } catch (e) { err.textContent = e.message; }
  }
}
