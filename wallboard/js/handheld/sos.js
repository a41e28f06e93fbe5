// The SOS button: pressed and held for HOLD_MS it sends an "sos" event with
// the last position (through the outbox, so a press in a dead zone goes out
// on reconnect); let go earlier and nothing is sent. A cancel carries the
// officer's reason ("sos_cancel", as a body camera's button would send).
import { t } from '../i18n/index.js';

export const HOLD_MS = 2000;

export class SosButton {
  constructor({ button, ring, state, form, reason }, { outbox, reporter, position }) {
    Object.assign(this, { button, ring, state, form, reason, outbox, reporter, position });
    this.timer = null;
    this.sent = []; // {seq, at}: when each SOS left the button (performance.timeOrigin-based ms)
    this.stateKey = '';
    const down = (ev) => { ev.preventDefault(); this.press(); };
    const up = () => this.release();
    button.addEventListener('pointerdown', down);
    for (const e of ['pointerup', 'pointerleave', 'pointercancel']) button.addEventListener(e, up);
    button.addEventListener('contextmenu', (ev) => ev.preventDefault());
    form.addEventListener('submit', (ev) => { ev.preventDefault(); this.cancel(); });
    reporter.onEventAck = (m) => {
      if (m.refused) this.show('hh.sos_failed');
      else if (m.kind === 'sos') this.show('hh.sos_sent');
      else if (m.kind === 'sos_cancel') this.show('hh.sos_cancelled');
    };
  }

  show(key) { this.stateKey = key; this.state.textContent = key ? t(key) : ''; }

  press() {
    if (this.timer) return;
    this.button.classList.add('holding');
    this.ring.style.animationDuration = `${HOLD_MS}ms`;
    this.timer = setTimeout(() => { this.timer = null; this.fire(); }, HOLD_MS);
  }

  release() {
    this.button.classList.remove('holding');
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
  }

  async event(kind, text) {
    const body = { ts: Date.now(), kind };
    const p = this.position.last;
    if (p) { body.lat = p.lat; body.lon = p.lon; }
    if (text) body.text = text;
    const seq = await this.outbox.add({ kind: 'event', body });
    this.reporter.flush();
    return seq;
  }

  async fire() {
    this.button.classList.remove('holding');
    navigator.vibrate?.(500);
    const at = Date.now();
    const seq = await this.event('sos');
    this.sent.push({ seq, at });
    this.show(this.reporter.live() ? 'hh.sos_sending' : 'hh.sos_queued');
    this.form.hidden = false;
  }

  async cancel() {
    const why = this.reason.value.trim();
    if (!why) return;
    await this.event('sos_cancel', why);
    this.reason.value = '';
    this.form.hidden = true;
    this.show(this.reporter.live() ? 'hh.sos_sending' : 'hh.sos_queued');
  }
}
