// The wallboard page: wires the modules together, nothing more.
import * as L from '/vendor/leaflet/leaflet-src.esm.js';
import { api, toLogin, EventBus } from './net/index.js';
import { applyTo, bindToggle, onLanguage, t } from './i18n/index.js';
import { addBasemap, UnitLayer, TrackReplay, mapProjection } from './map/index.js';
import { UnitStore, UnitList, UnitCard } from './units/index.js';
import { AlertPanel } from './alerts/index.js';
import { startClock, UnitDrag } from './ui/index.js';
import { VideoGrid, LAYOUTS } from './videowall/grid.js';
import { DutyPanel } from './duty/index.js';
import { StatsStrip } from './stats/index.js';
import { CaseBoard } from './cases/board.js';
import { OperationsPanel, OperationSites } from './operations/index.js';
import { IncidentPanel, InstructionPanel, ReportPanel } from './dispatch/index.js';
import { RoomsPanel } from './room/panel.js';

const $ = (id) => document.getElementById(id);

async function main() {
  applyTo(document);
  bindToggle($('lang'));
  let me;
  try { me = await api('GET', '/me'); } catch { toLogin(); return; }
  $('court-name').textContent = me.court_name;
  $('user').textContent = me.user.display_name || me.user.username;
  $('admin-link').hidden = me.user.role !== 'admin';
  startClock($('clock'));

  const config = await api('GET', '/map');
  const toMap = mapProjection(config);
  const map = L.map('map', { zoomControl: true, attributionControl: !!config.tiles, preferCanvas: true })
    .setView(toMap(config.center_lat, config.center_lon), config.zoom);
  await addBasemap(map, config);

  const store = new UnitStore();
  const layer = new UnitLayer(store).addTo(map);
  layer.toMap = toMap;
  const list = new UnitList($('unit-list'), $('unit-search'), store, (id) => select(id, true),
    { kind: $('f-kind'), team: $('f-team'), state: $('f-state') });
  layer.visible = (u) => list.matches(u);
  list.onFilter(() => layer.redraw());

  // The video wall: its layout is remembered on this screen.
  const names = (id) => store.units.get(id)?.name || id;
  const saved = Number(localStorage.getItem('ecc.wall.layout'));
  const wall = new VideoGrid($('video-wall'), { tiles: LAYOUTS.includes(saved) ? saved : 4, names });
  for (const n of LAYOUTS) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'ghost';
    b.dataset.layout = String(n);
    b.textContent = String(n);
    b.addEventListener('click', () => {
      wall.layout(n);
      localStorage.setItem('ecc.wall.layout', String(n));
      showLayout();
    });
    $('wall-layouts').append(b);
  }
  const showLayout = () => {
    for (const b of $('wall-layouts').children) {
      b.classList.toggle('on', Number(b.dataset.layout) === wall.size);
      b.title = t('wall.layout', { n: b.dataset.layout });
    }
  };
  showLayout();
  // The tiles this screen showed before, then live streams in the empty ones.
  wall.restore().catch(() => {}).then(() => wall.fill()).catch(() => {});

  const replay = new TrackReplay(map, $('replay'), store, toMap);
  const card = new UnitCard($('unit-card'), store, {
    wall: (id) => wall.show(id).catch(() => {}),
    replay: (id) => { card.close(); replay.add(id).catch(() => {}); },
  });
  const select = (id, open = false) => {
    layer.select(id);
    list.select(id);
    const u = store.units.get(id);
    if (u?.position) map.panTo(toMap(u.position.lat, u.position.lon));
    if (open) card.open(id);
  };
  layer.on('unitclick', (e) => select(e.id, true));
  // Case nodes due today and overdue, per team (流程节点).
  const board = new CaseBoard($('case-board'));
  board.load().catch(() => {});
  // The center's roles: they acknowledge, and get the duty and dispatch channels.
  const canAck = ['admin', 'commander', 'duty'].includes(me.user.role);
  // Active field operations (执行行动): the panel, their sites on the map.
  const sites = new OperationSites(map, store, toMap);
  const ops = new OperationsPanel($('ops-panel'), { names, onPick: (op) => sites.focus(op.id), onLoad: (l) => sites.set(l),
    pushed: canAck });
  if (me.user.role !== 'guest') { $('ops').hidden = false; ops.load().catch(() => {}); }

  // Drag a unit from the list or the map onto a tile.
  const drag = new UnitDrag({ tileAt: (x, y) => wall.tileAt(x, y), label: names,
    onDrop: (i, id) => wall.assign(i, id).catch(() => {}) });
  list.onDragStart = (ev, id) => drag.start(ev, id);
  map.getContainer().addEventListener('pointerdown', (ev) => {
    const id = layer.unitAt(ev);
    if (!id) return;
    map.dragging.disable();
    const back = () => { map.dragging.enable(); removeEventListener('pointerup', back, true); };
    addEventListener('pointerup', back, true);
    drag.start(ev, id);
  }, true);

  const alerts = new AlertPanel($('alert-list'), store, canAck,
    { filter: $('alert-filter'), onPick: (id) => select(id, true) });
  alerts.load().catch(() => {});
  const duty = canAck ? new DutyPanel($('duty'), me) : null;
  duty?.load().catch(() => {});
  const rooms = new RoomsPanel($('rooms'));
  rooms.load().catch(() => {}); // a role that sees no rooms: the panel stays hidden
  const incidents = canAck ? new IncidentPanel($('incidents'), map, config, toMap) : null;
  incidents?.load().catch(() => {});
  const instructions = canAck ? new InstructionPanel($('instructions')) : null;
  instructions?.load().catch(() => {});
  const reports = canAck ? new ReportPanel($('reports-up'), me) : null;
  reports?.load().catch(() => {});

  const stats = new StatsStrip($('stats'), store, alerts);
  addEventListener('resize', () => stats.draw());
  const streams = () => api('GET', '/streams').then((r) => store.setStreams(r.streams)).catch(() => {});
  streams();
  setInterval(streams, 5000);

  // The online count walks every unit: at most once a frame, and for
  // positions alone (a unit coming back online) at most every 250 ms.
  let counting = false, countTimer = 0;
  const showCount = (kind) => {
    if (kind === 'positions') {
      if (!countTimer) countTimer = setTimeout(() => { countTimer = 0; showCount(); }, 250);
      return;
    }
    if (counting) return;
    counting = true;
    requestAnimationFrame(() => {
      counting = false;
      const text = t('units.online', { n: store.onlineCount(), total: store.units.size });
      if ($('online-count').textContent !== text) $('online-count').textContent = text;
    });
  };
  // Positions only move markers (and may bring a unit online); the rest
  // of the page changes with the units themselves.
  store.onChange((kind) => {
    layer.redraw(kind);
    sites.redraw();
    showCount(kind);
    if (kind !== 'positions') { wall.render(); ops.render(); }
  });
  onLanguage(() => {
    list.fillFilters(); list.render(); alerts.render(); showCount(); wall.render(); showLayout();
    if (card.unit) card.draw();
    duty?.render();
    rooms.render();
    stats.draw();
    replay.render();
    board.render();
    ops.render();
    incidents?.render();
    instructions?.render();
    reports?.render();
  });
  // SOS or a camera switched on: that unit's video on the wall, the unit
  // selected and ringed on the map.
  const popped = new Set();
  const eyes = (a) => {
    if (popped.has(a.id) || a.state !== 'open' || !a.unit || (a.kind !== 'sos' && a.kind !== 'rec_start')) return false;
    popped.add(a.id);
    return true;
  };

  const bus = new EventBus({
    channels: canAck ? ['units', 'alerts', 'duty', 'dispatch'] : ['units', 'alerts'],
    onState: (s) => {
      $('banner').hidden = s === 'live';
      document.body.classList.toggle('conn-lost', s !== 'live');
      $('conn').className = `pill ${s === 'live' ? 'conn-ok' : 'conn-bad'}`;
      $('conn').dataset.i18n = s === 'live' ? 'conn.live' : 'conn.offline';
      $('conn').textContent = t($('conn').dataset.i18n);
      if (s === 'live') {
        alerts.load().catch(() => {}); streams(); duty?.load().catch(() => {}); incidents?.load().catch(() => {});
        instructions?.load().catch(() => {}); reports?.load().catch(() => {});
        if (me.user.role !== 'guest') ops.load().catch(() => {});
      }
    },
    onSessionEnd: () => toLogin(),
    onMessage: (m) => {
      switch (m.type) {
        case 'units': store.applyUnits(m.units, m.snapshot); break;
        case 'positions': store.applyPositions(m.positions); break;
        case 'unit_gone': store.remove(m.unit); break;
        case 'alert':
          alerts.apply(m.alert);
          stats.draw();
          board.onAlert(m.alert);
          if (m.alert.operation) ops.load().catch(() => {});
          if (eyes(m.alert)) {
            streams();
            wall.show(m.alert.unit, { mark: true }).catch(() => {});
            select(m.alert.unit);
            layer.highlight(m.alert.unit);
          }
          break;
        case 'duty': duty?.pushed(m.what); break;
        case 'incident': incidents?.apply(m.incident); break;
        case 'instruction': instructions?.apply(m.instruction); break;
        case 'report': reports?.apply(m.report); break;
        case 'operation': ops.apply(m.operation); break;
        case 'resync': alerts.load().catch(() => {}); duty?.pushed(); break;
        default: break;
      }
    },
  });
  // User activity keeps the session alive; an unattended screen idles out.
  let last = 0;
  for (const ev of ['pointerdown', 'keydown', 'wheel']) {
    addEventListener(ev, () => { if (Date.now() - last > 30000) { last = Date.now(); bus.activity(); } });
  }
  $('logout').addEventListener('click', async () => {
    bus.close();
    await api('POST', '/logout').catch(() => {});
    toLogin();
  });
  // For tests and operators' consoles: what the map drew last.
  window.__ecc = { store, layer, map, bus, wall, list, alerts, card, duty, stats, replay, me, toMap, board, ops, sites,
    incidents, instructions, reports };
}

main();
