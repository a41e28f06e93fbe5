// Reports up (上报): the latest reports with, per named leader, when they
// were told and when they acknowledged; a leader acknowledges here; a form
// reports up to named leaders. Changes arrive on the WebSocket's dispatch
// channel (apply()).
import { api } from '../net/index.js';
import { t } from '../i18n/index.js';
import { formatTime } from '../ui/clock.js';
import { openDialog, el } from '../ui/dialog.js';

const SHOWN = 10;

export class ReportPanel {
  constructor(root, me) {
    this.root = root;
    this.me = me;
    this.items = new Map();
    this.root.hidden = false;
    this.render();
  }

  async load() {
    const { reports } = await api('GET', `/reports?limit=${SHOWN}`);
    this.items = new Map(reports.map((r) => [r.id, r]));
    this.render();
  }

  apply(r) {
    this.items.set(r.id, r);
    for (const id of [...this.items.keys()].sort((a, b) => b - a).slice(SHOWN)) this.items.delete(id);
    this.render();
  }

  leader(r, l) {
    const mine = l.leader === this.me.user.username && !l.acked_at;
    return el('li', { className: l.acked_at ? 'acked' : l.escalated_at ? 'escalated' : 'told', dataset: { leader: l.leader } },
      el('span', { className: 'who', textContent: l.leader }),
      el('span', { textContent: t('upr.told', { time: formatTime(l.told_at) }) }),
      el('span', { className: 'st', textContent: l.acked_at ? t('upr.acked', { time: formatTime(l.acked_at) })
        : l.escalated_at ? t('upr.escalated') : t('upr.not_acked') }),
      mine ? el('button', { type: 'button', className: 'ack', textContent: t('upr.ack'),
        onclick: async (ev) => {
          ev.target.disabled = true;
          try { this.apply((await api('POST', `/reports/${r.id}/ack`)).report); } catch { ev.target.disabled = false; }
        } }) : null);
  }

  render() {
    const head = el('div', { className: 'panel-head' }, el('h2', { textContent: t('upr.title') }),
      el('button', { type: 'button', className: 'ghost', id: 'rep-new', textContent: t('upr.new'), onclick: () => this.form() }));
    const list = el('ul', { className: 'rep-list', id: 'rep-list' });
    for (const r of [...this.items.values()].sort((a, b) => b.id - a.id)) {
      list.append(el('li', { className: `rep state-${r.state} rep-${r.urgency}`, dataset: { id: String(r.id) } },
        el('div', { className: 'head' },
          el('span', { className: 'when', textContent: `${formatTime(r.created_at)} · ${r.created_by}` }),
          el('span', { className: 'text', textContent: r.text })),
        el('ul', { className: 'leaders' }, ...r.leaders.map((l) => this.leader(r, l)))));
    }
    if (!this.items.size) list.append(el('li', { className: 'none', textContent: t('upr.none') }));
    this.root.replaceChildren(head, list);
  }

  form() {
    openDialog('rep-form', t('upr.new'), (body, d) => {
      const leaders = el('input', { id: 'rep-leaders', placeholder: t('upr.leaders_hint') });
      const text = el('textarea', { id: 'rep-text', rows: 3, placeholder: t('upr.text') });
      const urgency = el('select', { id: 'rep-urgency' },
        el('option', { value: 'normal', textContent: t('inc.urgency.normal') }),
        el('option', { value: 'urgent', textContent: t('inc.urgency.urgent') }));
      const err = el('div', { className: 'error' });
      const send = el('button', { type: 'button', id: 'rep-send', textContent: t('upr.send'),
        onclick: async () => {
          send.disabled = true;
          try {
            const r = await api('POST', '/reports', { text: text.value.trim(), urgency: urgency.value,
              leaders: leaders.value.split(/[\s,，、]+/).filter(Boolean) });
            this.apply(r.report);
            d.close();
          } catch (e) { err.textContent = e.message; send.disabled = false; }
        } });
      body.append(el('label', {}, t('upr.leaders'), leaders), el('label', {}, t('inc.urgency'), urgency),
        el('label', {}, t('upr.text'), text), err, send);
    });
  }
}
