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
    this.hearings = (await api('GET', `/cases/${this.kase.id}/hearings`).catch(() => ({ hearings: [] }))).hearings;
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
      this.hearingsBox(), this.closing(), c.status === 'open' ? this.actions() : el('div'));
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

  // The case's consultation rooms and hearings on one time line each: the
  // recorded segments of the hearing's mix as blocks (a block cut short by
  // a crash in red), each opening its MP4.
  hearingsBox() {
    const box = el('section', 'case-hearings');
    box.append(el('h2', '', t('cases.hearings')));
    const list = this.hearings || [];
    if (!list.length) {
      box.append(el('p', 'none', t('cases.hearings.none')));
      return box;
    }
    const hm = (ms) => new Date(ms).toLocaleTimeString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });
    const day = (ms) => new Date(ms).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' });
    for (const h of list) {
      const row = el('div', 'hearing');
      row.dataset.room = h.room;
      const link = el('a', 'hearing-room', `${t(`rooms.kind.${h.kind}`)} · ${h.title}`);
      link.href = `/room/${h.room}`;
      row.append(link);
      if (!h.segments.length) {
        row.append(el('span', 'hearing-none', ` ${day(h.scheduled_at)} · ${t('cases.hearings.unrecorded')}`));
      } else {
        const t0 = h.segments[0].t0, t1 = h.segments[h.segments.length - 1].t1;
        const secs = Math.round(h.segments.reduce((s, g) => s + (g.t1 - g.t0), 0) / 1000);
        row.append(el('span', 'hearing-span', ` ${day(t0)} ${hm(t0)}–${hm(t1)} · `
          + t('cases.hearings.recorded', { n: h.segments.length, min: Math.floor(secs / 60), s: secs % 60 })));
        const bar = el('div', 'hearing-bar');
        for (const g of h.segments) {
          const a = el('a', g.cut_short ? 'seg cut' : 'seg');
          a.href = `/api/v1/recordings/${g.id}/file`;
          a.target = '_blank';
          a.title = `${hm(g.t0)}–${hm(g.t1)}${g.cut_short ? ` ${t('cases.hearings.cut')}` : ''}`;
          a.style.flexGrow = String(Math.max(1, g.t1 - g.t0));
          bar.append(a);
        }
        row.append(bar);
      }
      box.append(row);
    }
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
