// The case page's view: the case file, its flow nodes with deadlines (one
// click records a node done), the triage to confirm, events to record, the
// conditions before closing as 终本, and closing. Every change goes through
// the REST API, which checks the user's scope and audits it.
import { api } from '../net/index.js';
import { t } from '../i18n/index.js';
import { el, dueCell, stateLabel, triageLabel, teamLabel, nodeName } from './format.js';

const EVENTS = ['credit_decision', 'money_arrived', 'auction_ruling', 'auction_published', 'entrusted',
  'interview', 'consumption_order', 'online_inquiry'];

export class CaseView {
  constructor(root, status) {
    this.root = root;
    this.status = status;
    this.kase = null;
  }

  async open(id) {
    this.kase = (await api('GET', `/cases/${encodeURIComponent(id)}`)).case;
    this.render();
    return this.kase;
  }

  // Runs a change; the answer is the case as it is now.
  async act(method, path, body) {
    this.status.textContent = '';
    try {
      this.kase = (await api(method, `/cases/${this.kase.id}${path}`, body)).case;
      this.render();
    } catch (e) {
      this.status.textContent = t('cases.error', { why: e.message });
    }
  }

  render() {
    const c = this.kase;
    if (!c) return;
    const amount = c.amount === null ? '' : t('cases.amount.value', { n: c.amount.toLocaleString('zh-CN') });
    const facts = el('dl', 'case-facts');
    const fact = (k, v) => facts.append(el('dt', '', t(k)), el('dd', '', v));
    fact('cases.number', c.number);
    fact('cases.filed_on', c.filed_on);
    fact('cases.applicants', c.applicants.join('、'));
    fact('cases.respondents', c.respondents.join('、'));
    fact('cases.amount', amount);
    fact('cases.judge', c.judge_name ? `${c.judge_name}（${c.judge}）` : c.judge);
    fact('cases.team', teamLabel(c.team));
    fact('cases.status', c.status === 'open' ? t('cases.status.open')
      : `${t('cases.status.closed')} · ${t(`cases.close_kind.${c.close_kind}`)} · ${c.closed_on}`);
    this.root.replaceChildren(el('h1', 'case-number', c.number), facts, this.triage(), this.nodes(),
      this.closing(), c.status === 'open' ? this.actions() : el('div'));
  }

  triage() {
    const c = this.kase;
    const box = el('section', 'case-triage');
    box.append(el('h2', '', t('cases.triage')));
    box.append(el('p', 'suggested', t('cases.triage.suggested',
      { t: triageLabel(c.triage_suggested), why: c.triage_reason })));
    if (c.triage) box.append(el('p', 'confirmed', t('cases.triage.confirmed', { t: triageLabel(c.triage), user: c.triage_by })));
    if (c.status === 'open') {
      for (const x of ['simple', 'complex']) {
        const b = el('button', `triage-${x}`, t('cases.triage.confirm', { t: triageLabel(x) }));
        b.type = 'button';
        b.addEventListener('click', () => this.act('POST', '/triage', { triage: x }));
        box.append(b);
      }
    }
    return box;
  }

  nodes() {
    const box = el('section', 'case-nodes-box');
    box.append(el('h2', '', t('cases.nodes')));
    const table = el('table', 'case-node-table');
    const head = el('tr');
    for (const k of ['cases.node', 'cases.node.from', 'cases.node.due', 'cases.node.state', 'cases.node.done_by'])
      head.append(el('th', '', t(k)));
    table.append(head);
    for (const n of this.kase.nodes) {
      const tr = el('tr', `node-${n.state}`);
      tr.dataset.node = n.id;
      tr.dataset.code = n.code;
      const done = el('td', 'node-done');
      if (n.state === 'done') {
        done.textContent = t('cases.node.done_on', { date: n.done_on, user: n.done_by }) + (n.in_time ? '' : t('cases.node.late'));
      } else if (n.state !== 'void' && this.kase.status === 'open') {
        const b = el('button', 'mark-done', t('cases.node.mark_done'));
        b.type = 'button';
        b.addEventListener('click', () => this.act('POST', `/nodes/${n.id}/done`, {}));
        done.append(b);
      }
      const due = el('td');
      due.append(dueCell(n));
      tr.append(el('td', 'node-name', nodeName(n.code, n.name)), el('td', '', n.from), due,
        el('td', 'node-state', stateLabel(n.state)), done);
      table.append(tr);
    }
    box.append(table);
    return box;
  }

  closing() {
    const box = el('section', 'case-closing');
    box.append(el('h2', '', t('cases.closing')));
    const ul = el('ul');
    for (const x of this.kase.closing)
      ul.append(el('li', x.met ? 'met' : 'unmet', `${nodeName(`cond.${x.code}`, x.name)}：${t(x.met ? 'cases.closing.met' : 'cases.closing.unmet')}${x.last ? ` (${x.last})` : ''}`));
    box.append(ul);
    return box;
  }

  actions() {
    const box = el('section', 'case-actions');
    const ev = el('select', 'event-kind');
    for (const k of EVENTS) {
      const o = el('option', '', t(`cases.event.${k}`));
      o.value = k;
      ev.append(o);
    }
    const evDate = el('input', 'event-date');
    evDate.type = 'date';
    const rec = el('button', 'event-record', t('cases.event.record'));
    rec.type = 'button';
    rec.addEventListener('click', () => this.act('POST', '/events', { kind: ev.value, on: evDate.value || undefined }));
    const kind = el('select', 'close-kind');
    for (const k of ['completed', 'terminated', 'other']) {
      const o = el('option', '', t(`cases.close_kind.${k}`));
      o.value = k;
      kind.append(o);
    }
    const close = el('button', 'close-do', t('cases.close.do'));
    close.type = 'button';
    close.addEventListener('click', () => this.act('POST', '/close', { kind: kind.value }));
    box.append(el('h2', '', t('cases.event')), ev, evDate, rec, el('h2', '', t('cases.close')), kind, close);
    return box;
  }
}
