// One field operation's page (/operation.html?id=N): its site and every
// unit's track on the map, a time axis of what happened (its events,
// alerts, instructions and recorded segments), and the track replay with
// each unit's recordings side by side in step with the slider (the wall's
// TrackReplay over the operation's span). A click on the axis moves the
// slider there.
import * as L from '/vendor/leaflet/leaflet-src.esm.js';
import { api, toLogin } from './net/index.js';
import { applyTo, bindToggle, t } from './i18n/index.js';
import { addBasemap, TrackReplay, mapProjection } from './map/index.js';
import { formatTime } from './ui/clock.js';
import { el } from './ui/dialog.js';

const $ = (id) => document.getElementById(id);

// The axis's marks: [{ts, kind, label}] from the timeline and instructions.
function marks(tl, instructions) {
  const out = [];
  for (const e of tl.events || []) {
    const k = `opp.ev.${e.action}`, said = t(k);
    out.push({ ts: e.ts, kind: 'event', label: said === k ? e.action : said });
  }
  for (const a of tl.alerts || []) out.push({ ts: a.ts, kind: `alert sev-${a.severity}`, label: a.message });
  for (const i of instructions) out.push({ ts: i.created_at, kind: 'instr', label: t('opp.instruction', { text: i.text }) });
  for (const s of tl.segments || []) out.push({ ts: s.t0, end: s.t1, kind: 'seg', unit: s.unit, label: `${s.unit} ${formatTime(s.t0, true)}` });
  return out.sort((x, y) => x.ts - y.ts);
}

function drawAxis(root, from, to, list, units, onPick) {
  const span = Math.max(to - from, 1);
  const x = (ms) => `${Math.min(Math.max((ms - from) / span, 0), 1) * 100}%`;
  const lanes = el('div', { className: 'op-lanes' });
  for (const u of units) {
    const lane = el('div', { className: 'op-lane', dataset: { unit: u } }, el('span', { className: 'op-lane-name', textContent: u }));
    for (const m of list.filter((k) => k.kind === 'seg' && k.unit === u)) {
      lane.append(el('span', { className: 'op-seg', title: m.label, style: `left:${x(m.ts)};width:calc(${x(m.end)} - ${x(m.ts)})`,
        onclick: () => onPick(m.ts) }));
    }
    lanes.append(lane);
  }
  const points = el('div', { className: 'op-points' }, ...list.filter((k) => k.kind !== 'seg').map((m) =>
    el('button', { type: 'button', className: `op-mark ${m.kind}`, title: `${formatTime(m.ts, true)} ${m.label}`,
      style: `left:${x(m.ts)}`, onclick: () => onPick(m.ts) })));
  root.replaceChildren(
    el('div', { className: 'op-axis-head' }, el('span', { textContent: formatTime(from, true) }),
      el('span', { textContent: formatTime(to, true) })),
    points, lanes);
}

function drawSite(map, site, toMap) {
  const style = { color: '#ffb300', weight: 3, fillOpacity: 0.08, interactive: false };
  if (site.type === 'circle') return L.circle(toMap(site.lat, site.lon), { radius: site.radius_m, ...style }).addTo(map);
  return L.polygon(site.points.map(([lat, lon]) => toMap(lat, lon)), style).addTo(map);
}

async function main() {
  applyTo(document);
  bindToggle($('lang'));
  try { await api('GET', '/me'); } catch { toLogin(); return; }
  const id = Number(new URLSearchParams(location.search).get('id'));
  let op, tl;
  try {
    op = (await api('GET', `/operations/${id}`)).operation;
    tl = await api('GET', `/operations/${id}/timeline`);
  } catch (e) {
    $('op-status').textContent = e.status === 409 ? t('opp.not_started') : t('opp.error', { why: e.message });
    if (!op) return;
  }
  $('op-head').textContent = `#${op.id} ${op.case_number} · ${t(`ops.type.${op.type}`)} · ${op.title || ''} · ${t(`opp.state.${op.state}`)}`;
  const config = await api('GET', '/map');
  const toMap = mapProjection(config);
  const map = L.map('op-map', { preferCanvas: true, attributionControl: !!config.tiles })
    .setView(toMap(config.center_lat, config.center_lon), config.zoom);
  await addBasemap(map, config);
  const siteLayer = drawSite(map, op.site, toMap);
  if (!tl) { map.fitBounds(siteLayer.getBounds()); return; }
  const units = (await api('GET', '/units')).units;
  const store = { units: new Map(units.map((u) => [u.id, u])) };
  const replay = new TrackReplay(map, $('replay'), store, toMap);
  replay.units = [...op.units];
  replay.from = tl.from;
  replay.to = tl.to;
  $('replay').hidden = false;
  let instructions = [];
  try {
    instructions = (await api('GET', '/instructions?limit=200')).instructions
      .filter((i) => i.target_kind === 'operation' && String(i.target) === String(op.id));
  } catch { /* not the center's: the axis goes without them */ }
  drawAxis($('op-axis'), tl.from, tl.to, marks(tl, instructions), op.units, (ms) => replay.seek(ms));
  await replay.load();
  // the site and every track in view
  const view = siteLayer.getBounds();
  for (const tr of replay.tracks.values()) for (const [lon, lat] of tr.coords) view.extend(toMap(lat, lon));
  map.fitBounds(view, { padding: [30, 30], maxZoom: 17 });
  window.__eccOp = { op, tl, replay, map, site: siteLayer };
}

main();
