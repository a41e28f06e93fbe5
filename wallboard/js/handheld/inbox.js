// The instructions inbox: what the center sent to this officer, the unit,
// the team or the operation arrives on the WebSocket's dispatch channel at
// once, rings (alarm.js) and is marked delivered; one tap acknowledges it,
// with an optional text reply.
import { api } from '../net/index.js';
import { t } from '../i18n/index.js';
import { formatTime } from '../ui/clock.js';
import { el } from '../ui/dialog.js';
import { alarm } from './alarm.js';

const SHOWN = 20;

export class Inbox {
  constructor(list, me, send) {
    this.list = list;
    this.me = me;
    this.send = send; // a WebSocket message to the hub, when live
    this.items = new Map();
    this.told = new Set(); // instructions marked delivered from this page
    this.render();
  }

  mine(i) {
    return i.deliveries.filter((d) => (d.recipient_kind === 'unit' && d.recipient === this.me.unit) ||
      (d.recipient_kind === 'user' && d.recipient === this.me.username));
  }

  acked(i) { return this.mine(i).some((d) => d.acked_at); }

  async load() {
    const { instructions } = await api('GET', `/instructions?limit=${SHOWN}`);
    for (const i of instructions) this.apply(i, false);
    this.render();
  }

  // A new or changed instruction; ring: a new one rings.
  apply(i, ring = true) {
    const isNew = !this.items.has(i.id);
    this.items.set(i.id, i);
    const pending = this.mine(i).some((d) => d.recipient_kind === 'unit' && !d.delivered_at);
    if (pending && !this.told.has(i.id) && this.send({ type: 'delivered', id: i.id })) this.told.add(i.id);
    if (isNew && ring && !this.acked(i)) alarm.ring();
    this.render();
  }

  async ack(i, reply, button) {
    button.disabled = true;
    try {
      const r = await api('POST', `/instructions/${i.id}/ack`, reply ? { reply } : undefined);
      void r;
      const fresh = await api('GET', `/instructions/${i.id}`);
      this.apply(fresh.instruction || fresh, false);
    } catch (e) {
      button.disabled = false;
      button.title = e.message;
    }
  }

  render() {
    const items = [...this.items.values()].sort((a, b) => b.id - a.id).slice(0, SHOWN);
    this.list.replaceChildren(...items.map((i) => {
      const acked = this.acked(i);
      const reply = el('input', { className: 'reply', maxLength: 2000, placeholder: t('hh.reply') });
      const ack = el('button', { type: 'button', className: 'ack', textContent: t('hh.ack'),
        onclick: () => this.ack(i, reply.value.trim(), ack) });
      return el('li', { className: `instr ${acked ? 'acked' : 'new'} ${i.urgency === 'urgent' ? 'urgent' : ''}`,
        dataset: { id: String(i.id) } },
      el('div', { className: 'head' },
        el('span', { className: 'when', textContent: formatTime(i.created_at) }),
        el('span', { className: 'from', textContent: i.created_by })),
      el('p', { className: 'text', textContent: i.text }),
      acked ? el('p', { className: 'done', textContent: t('hh.acked', { time: formatTime(this.mine(i).find((d) => d.acked_at).acked_at) }) })
        : el('div', { className: 'm-row' }, reply, ack));
    }));
    if (!items.length) this.list.append(el('li', { className: 'none', textContent: t('hh.inbox_none') }));
  }
}
