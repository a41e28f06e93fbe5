// The duty panel (值班): who is on duty now and whether they signed in,
// the sign-in button for the logged-in officer on the roster, the
// hand-over note waiting for this shift (confirm with one click), the
// duty log and hand-over dialogs, and the roster for commanders. Changes
// by other screens arrive on the WebSocket's duty channel (pushed()); the
// slow poll is only a fallback for a push that got lost.
import { api } from '../net/index.js';
import { t } from '../i18n/index.js';
import { formatTime } from '../ui/clock.js';
import { openDialog, el } from '../ui/dialog.js';
import { openRoster } from './roster.js';

export class DutyPanel {
  constructor(root, me) {
    this.root = root;
    this.me = me;
    this.now = null;
    this.root.hidden = false;
    this.loading = null;
    this.again = false;
    this.logLoad = null; // the open duty log dialog's reload
    this.timer = setInterval(() => this.load().catch(() => {}), 120000);
  }

  // The hub says the duty changed (signin, log, handover, confirm, roster):
  // one reload at a time, and one more if more came meanwhile.
  pushed(what) {
    if (what === 'log' && this.logLoad) this.logLoad().catch(() => {});
    if (this.loading) { this.again = true; return; }
    this.loading = this.load().catch(() => {}).finally(() => {
      this.loading = null;
      if (this.again) { this.again = false; this.pushed(); }
    });
  }

  async load() {
    this.now = await api('GET', '/duty/now');
    this.render();
  }

  render() {
    const n = this.now;
    const head = el('div', { className: 'panel-head' }, el('h2', { textContent: t('duty.title') }),
      ['admin', 'commander'].includes(this.me.user.role)
        ? el('button', { type: 'button', className: 'ghost', id: 'duty-roster', textContent: t('roster.title'),
          onclick: () => openRoster(() => this.load().catch(() => {})) }) : null);
    if (!n) { this.root.replaceChildren(head); return; }
    const who = el('ul', { className: 'duty-list' }, ...n.shifts.map((s) => el('li', { dataset: { user: s.username, role: s.role } },
      el('span', { className: 'role', textContent: t(`duty.role.${s.role}`) }),
      el('span', { className: 'name', textContent: s.display_name || s.username }),
      el('span', { className: s.signed_in_at ? 'signed yes' : 'signed no',
        textContent: s.signed_in_at ? t('duty.signed_at', { time: formatTime(s.signed_in_at) }) : t('duty.not_signed') }))));
    if (!n.shifts.length) who.append(el('li', { className: 'none', textContent: t('duty.nobody') }));
    const acts = el('div', { className: 'actions' });
    if (n.me.on_duty && !n.me.signed_in) {
      acts.append(el('button', { type: 'button', id: 'duty-signin', className: 'signin', textContent: t('duty.signin'),
        onclick: async (ev) => { ev.target.disabled = true; this.now = await api('POST', '/duty/signin'); this.render(); } }));
    }
    acts.append(
      el('button', { type: 'button', className: 'ghost', id: 'duty-log', textContent: t('duty.log'), onclick: () => this.openLog() }),
      el('button', { type: 'button', className: 'ghost', id: 'duty-handover', textContent: t('duty.handover'), onclick: () => this.openHandover() }));
    let note = null;
    if (n.handover) {
      const h = n.handover;
      note = el('div', { className: 'handover', id: 'handover-pending', dataset: { id: h.id } },
        el('div', { className: 'when', textContent: t('duty.handover_from', { user: h.from_display_name || h.from_user, time: formatTime(h.ts, true) }) }),
        el('div', { className: 'text', textContent: h.text }),
        n.me.may_confirm ? el('button', { type: 'button', id: 'handover-confirm', textContent: t('duty.handover_confirm'),
          onclick: async (ev) => { ev.target.disabled = true; await api('POST', `/duty/handovers/${h.id}/confirm`); await this.load(); } }) : null);
    }
    this.root.replaceChildren(...[head, who, note, acts].filter(Boolean));
  }

  openLog() {
    openDialog('duty-log-dialog', t('duty.log'), (body, d) => {
      const list = el('ul', { className: 'duty-log' });
      const load = async () => {
        const { entries } = await api('GET', '/duty/log?limit=50');
        list.replaceChildren(...entries.map((e) => el('li', {},
          el('span', { className: 'when', textContent: `${formatTime(e.ts, true)} · ${e.username}` }),
          el('div', { textContent: e.text }))));
      };
      const text = el('textarea', { rows: 3, required: true, maxLength: 4000, placeholder: t('duty.log_placeholder') });
      body.append(el('form', { onsubmit: async (ev) => {
        ev.preventDefault();
        await api('POST', '/duty/log', { text: text.value.trim() });
        text.value = '';
        load();
      } }, text, el('button', { type: 'submit', textContent: t('duty.log_add') })), list);
      load().catch(() => {});
      this.logLoad = load;
      d.addEventListener('close', () => { if (this.logLoad === load) this.logLoad = null; });
    });
  }

  openHandover() {
    openDialog('duty-handover-dialog', t('duty.handover'), (body, d) => {
      const text = el('textarea', { rows: 5, required: true, maxLength: 4000, placeholder: t('duty.handover_placeholder') });
      body.append(el('form', { onsubmit: async (ev) => {
        ev.preventDefault();
        await api('POST', '/duty/handovers', { text: text.value.trim() });
        d.close();
        this.load().catch(() => {});
      } }, text, el('button', { type: 'submit', textContent: t('duty.handover_send') })));
    });
  }
}
