// The instructions panel (指令): the latest instructions with, per
// recipient, when it was delivered and acknowledged (or re-sent and
// escalated), and a form to send one to a unit, a team or a user. Changes
// arrive on the WebSocket's dispatch channel (apply()).
import { api } from '../net/index.js';
import { t } from '../i18n/index.js';
import { formatTime } from '../ui/clock.js';
import { openDialog, el } from '../ui/dialog.js';

const SHOWN = 20;

export class InstructionPanel {
  constructor(root) {
    this.root = root;
    this.items = new Map();
    this.root.hidden = false;
    this.render();
  }

  async load() {
    const { instructions } = await api('GET', `/instructions?limit=${SHOWN}`);
    this.items = new Map(instructions.map((i) => [i.id, i]));
    this.render();
  }

  apply(i) {
    this.items.set(i.id, i);
    for (const id of [...this.items.keys()].sort((a, b) => b - a).slice(SHOWN)) this.items.delete(id);
    this.render();
  }

  recipient(d) {
    const state = d.acked_at ? t('instr.acked', { time: formatTime(d.acked_at) })
      : d.escalated_at ? t('instr.escalated')
        : d.delivered_at ? t('instr.delivered', { time: formatTime(d.delivered_at) })
          : t('instr.sent');
    return el('li', { className: `d-${d.acked_at ? 'acked' : d.escalated_at ? 'escalated' : d.delivered_at ? 'delivered' : 'sent'}`,
      dataset: { recipient: d.recipient } },
    el('span', { className: 'who', textContent: d.recipient }),
    el('span', { className: 'st', textContent: state }),
    d.resends ? el('span', { className: 'resends', textContent: t('instr.resends', { n: d.resends }) }) : null);
  }

  render() {
    const head = el('div', { className: 'panel-head' }, el('h2', { textContent: t('instr.title') }),
      el('button', { type: 'button', className: 'ghost', id: 'instr-new', textContent: t('instr.new'), onclick: () => this.form() }));
    const list = el('ul', { className: 'instr-list', id: 'instr-list' });
    for (const i of [...this.items.values()].sort((a, b) => b.id - a.id)) {
      list.append(el('li', { className: `instr state-${i.state}`, dataset: { id: String(i.id) } },
        el('div', { className: 'head' },
          el('span', { className: 'when', textContent: formatTime(i.created_at) }),
          el('span', { className: 'to', textContent: `${t(`instr.kind.${i.target_kind}`)} ${i.target}` }),
          el('span', { className: 'text', textContent: i.text })),
        el('ul', { className: 'deliveries' }, ...i.deliveries.map((d) => this.recipient(d)))));
    }
    if (!this.items.size) list.append(el('li', { className: 'none', textContent: t('instr.none') }));
    this.root.replaceChildren(head, list);
  }

  form() {
    openDialog('instr-form', t('instr.new'), (body, d) => {
      const kind = el('select', { id: 'instr-kind' },
        ...['unit', 'team', 'user'].map((k) => el('option', { value: k, textContent: t(`instr.kind.${k}`) })));
      const target = el('input', { id: 'instr-target', placeholder: t('instr.target') });
      const text = el('textarea', { id: 'instr-text', rows: 3, placeholder: t('instr.text') });
      const err = el('div', { className: 'error' });
      const send = el('button', { type: 'button', id: 'instr-send', textContent: t('instr.send'),
        onclick: async () => {
          send.disabled = true;
          try {
            const r = await api('POST', '/instructions', { target_kind: kind.value, target: target.value.trim(), text: text.value.trim() });
            // (a fast recipient's delivery may have come over the
            // WebSocket before this answer: the answer is the older state)
            if (!this.items.has(r.instruction.id)) this.apply(r.instruction);
            d.close();
          } catch (e) { err.textContent = e.message; send.disabled = false; }
        } });
      body.append(el('label', {}, t('instr.to'), kind, target), el('label', {}, t('instr.text'), text), err, send);
    });
  }
}
