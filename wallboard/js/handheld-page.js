// The handheld page (/m/): an officer's phone as a unit. Wires the modules
// of handheld/: the outbox and its reporter on the hub's WebSocket, the
// position watch, the instructions inbox, the SOS button and the operation
// view. The service worker keeps the page openable with no network.
import { api, ApiError, toLogin, EventBus } from './net/index.js';
import { applyTo, bindToggle, onLanguage, t } from './i18n/index.js';
import { formatTime } from './ui/clock.js';
import { Outbox, Reporter, PositionWatch, Inbox, SosButton, OperationView, CameraControl, alarm, unlockAudio } from './handheld/index.js';

const $ = (id) => document.getElementById(id);
const ME_KEY = 'ecc.hh.me';

applyTo(document);
bindToggle($('lang'));
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/m/sw.js', { scope: '/m/' }).catch(() => {});
document.addEventListener('pointerdown', unlockAudio, { capture: true });

function banner(key) {
  $('m-banner').hidden = !key;
  $('m-banner').dataset.i18n = key || '';
  if (key) $('m-banner').textContent = t(key);
}

// Who is logged in: the hub says; with the hub out of reach, the last
// answer kept on the phone (the session cookie still rides along later).
async function whoAmI() {
  try {
    const me = await api('GET', '/me');
    localStorage.setItem(ME_KEY, JSON.stringify(me.user));
    return me.user;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) { localStorage.removeItem(ME_KEY); toLogin(); return null; }
    const kept = localStorage.getItem(ME_KEY);
    return kept ? JSON.parse(kept) : null;
  }
}

const me = await whoAmI();
if (!me) {
  banner('hh.offline_first');
} else {
  $('m-name').textContent = me.display_name || me.username;
  $('m-unit').textContent = me.unit || '';
  const canReport = me.role === 'officer' && !!me.unit;
  if (!canReport) banner('hh.no_unit');

  const outbox = await Outbox.open(me.username);
  const reporter = new Reporter(outbox);
  const showQueue = (n) => { $('pos-queue').textContent = String(n); };
  outbox.onChange(showQueue);
  outbox.changed();
  const position = new PositionWatch(outbox, {
    onFix: (p) => {
      $('pos-last').textContent = formatTime(p.ts);
      $('pos-acc').textContent = p.acc !== undefined ? `${Math.round(p.acc)} m` : '—';
      $('pos-error').textContent = '';
      reporter.flush();
    },
    onError: (code) => { $('pos-error').textContent = t(`hh.pos_${code}`); },
  });
  const send = (m) => {
    if (!reporter.live()) return false;
    bus.ws.send(JSON.stringify(m));
    return true;
  };
  const inbox = new Inbox($('inbox-list'), me, send);
  const sos = new SosButton({ button: $('sos-button'), ring: $('sos-ring'), state: $('sos-state'),
    form: $('sos-cancel-form'), reason: $('sos-reason') }, { outbox, reporter, position });
  const op = new OperationView(me);
  const camera = canReport ? new CameraControl({ button: $('cam-start'), state: $('cam-state'),
    preview: $('cam-preview'), error: $('cam-error') }) : null;

  const bus = new EventBus({
    channels: ['units', 'dispatch'],
    onState: (s) => {
      const live = s === 'live';
      $('m-conn').className = `pill ${live ? 'conn-ok' : 'conn-bad'}`;
      $('m-conn').dataset.i18n = live ? 'conn.live' : 'conn.offline';
      $('m-conn').textContent = t($('m-conn').dataset.i18n);
      document.body.classList.toggle('conn-lost', !live);
      if (live) {
        if (canReport) reporter.attach(bus.ws);
        inbox.load().catch(() => {});
        op.load().catch(() => {});
      } else {
        reporter.attach(null);
      }
    },
    onSessionEnd: () => { localStorage.removeItem(ME_KEY); toLogin(); },
    onMessage: async (m) => {
      if (await reporter.onMessage(m)) return;
      switch (m.type) {
        case 'instruction': inbox.apply(m.instruction); break;
        case 'units': op.units(m.units); break;
        case 'positions': op.moved(m.positions); break;
        case 'error': console.warn('hub:', m.error.code, m.error.message); break;
        default: break;
      }
    },
  });
  if (canReport) position.start();
  onLanguage(() => { inbox.render(true); op.render(); if (sos.stateKey) sos.show(sos.stateKey); camera?.render(); });
  $('m-logout').addEventListener('click', async () => {
    await api('POST', '/logout').catch(() => {});
    localStorage.removeItem(ME_KEY);
    toLogin();
  });
  window.__hh = { me, outbox, reporter, position, inbox, sos, op, camera, bus, alarm };
}
