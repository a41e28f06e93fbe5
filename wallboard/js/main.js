// The wallboard page: wires the modules together, nothing more.
import * as L from '/vendor/leaflet/leaflet-src.esm.js';
import { api, toLogin, EventBus } from './net/index.js';
import { applyTo, bindToggle, onLanguage, t } from './i18n/index.js';
import { addBasemap, UnitLayer } from './map/index.js';
import { UnitStore, UnitList } from './units/index.js';
import { AlertPanel } from './alerts/index.js';
import { startClock } from './ui/index.js';
import { VideoWall } from './media/wall.js';
import { CaseBoard } from './cases/board.js';

const $ = (id) => document.getElementById(id);

async function main() {
  applyTo(document);
  bindToggle($('lang'));
  let me;
  try { me = await api('GET', '/me'); } catch { toLogin(); return; }
  $('court-name').textContent = me.court_name;
  $('user').textContent = me.user.display_name || me.user.username;
  startClock($('clock'));

  const config = await api('GET', '/map');
  const map = L.map('map', { zoomControl: true, attributionControl: !!config.tiles, preferCanvas: true })
    .setView([config.center_lat, config.center_lon], config.zoom);
  await addBasemap(map, config);

  const store = new UnitStore();
  const layer = new UnitLayer(store).addTo(map);
  const select = (id) => {
    layer.select(id);
    list.select(id);
    const u = store.units.get(id);
    if (u?.position) map.panTo([u.position.lat, u.position.lon]);
  };
  const list = new UnitList($('unit-list'), $('unit-search'), store, select);
  layer.on('unitclick', (e) => select(e.id));
  const canAck = ['admin', 'commander', 'duty'].includes(me.user.role);
  const alerts = new AlertPanel($('alert-list'), store, canAck);
  alerts.load().catch(() => {});
  const board = new CaseBoard($('case-board'));
  board.load().catch(() => {});
  const wall = new VideoWall($('video-wall'), { names: (id) => store.units.get(id)?.name || id });
  wall.fill().catch(() => {});

  const showCount = () => {
    $('online-count').textContent = t('units.online', { n: store.onlineCount(), total: store.units.size });
  };
  store.onChange(() => { layer.redraw(); showCount(); wall.render(); });
  onLanguage(() => { list.render(); alerts.render(); showCount(); wall.render(); board.render(); });
  // SOS or a camera switched on: that unit's video on the wall, the unit
  // selected on the map.
  const popped = new Set();
  const eyes = (a) => {
    if (popped.has(a.id) || a.state !== 'open' || !a.unit || (a.kind !== 'sos' && a.kind !== 'rec_start')) return false;
    popped.add(a.id);
    return true;
  };

  const bus = new EventBus({
    channels: ['units', 'alerts'],
    onState: (s) => {
      $('banner').hidden = s === 'live';
      $('conn').className = `pill ${s === 'live' ? 'conn-ok' : 'conn-bad'}`;
      $('conn').textContent = t(s === 'live' ? 'conn.live' : 'conn.offline');
      if (s === 'live') alerts.load().catch(() => {});
    },
    onSessionEnd: () => toLogin(),
    onMessage: (m) => {
      switch (m.type) {
        case 'units': store.applyUnits(m.units, m.snapshot); break;
        case 'positions': store.applyPositions(m.positions); break;
        case 'unit_gone': store.remove(m.unit); break;
        case 'alert':
          alerts.apply(m.alert);
          board.onAlert(m.alert);
          if (eyes(m.alert)) {
            wall.show(m.alert.unit, { mark: true }).catch(() => {});
            select(m.alert.unit);
          }
          break;
        case 'resync': alerts.load().catch(() => {}); break;
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
  window.__ecc = { store, layer, map, bus, wall, board };
}

main();
