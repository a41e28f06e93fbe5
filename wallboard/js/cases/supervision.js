// Node supervision (流程节点管理): every open case's next node and deadline,
// or the nodes in one state (due today, due within 3 working days, overdue),
// filtered by team and judge; each row opens its case. Below, the weekly
// list per team of cases about to miss a node.
import { api } from '../net/index.js';
import { t } from '../i18n/index.js';
import { el, dueCell, stateLabel, teamLabel, caseHref, nodeName } from './format.js';

// Rows per page: a province has 100,000 open cases; the API pages by a
// cursor (the last node of a page), so every page costs the same.
export const PAGE = 100;

export class Supervision {
  constructor({ table, total, weekly, pager, per = PAGE }) {
    this.table = table;
    this.per = per;
    this.total = total;
    this.weeklyRoot = weekly;
    this.pager = pager; // { prev, next, range } elements, optional
    this.filters = { team: '', judge: '', state: '' };
    this.cursors = [0]; // the cursor of each page seen: back and forth
    if (pager) {
      pager.prev.addEventListener('click', () => this.turn(-1).catch(() => {}));
      pager.next.addEventListener('click', () => this.turn(1).catch(() => {}));
    }
  }

  // New filters start at the first page.
  async load(filters = this.filters) {
    this.filters = filters;
    this.cursors = [0];
    await this.fetch();
  }

  async turn(step) {
    if (step > 0 && this.data?.next) this.cursors.push(this.data.next);
    else if (step < 0 && this.cursors.length > 1) this.cursors.pop();
    else return;
    await this.fetch();
  }

  async fetch() {
    const q = new URLSearchParams({ limit: String(this.per) });
    for (const [k, v] of Object.entries(this.filters)) if (v) q.set(k, v);
    const after = this.cursors[this.cursors.length - 1];
    if (after) q.set('after', String(after));
    this.data = await api('GET', `/cases/supervision?${q}`);
    this.render();
  }

  async loadWeekly(team = '') {
    this.weekly = await api('GET', `/cases/weekly${team ? `?team=${encodeURIComponent(team)}` : ''}`);
    this.renderWeekly();
  }

  // Distinct teams and judges seen, for the filters.
  async choices() {
    const [teams, all] = await Promise.all([api('GET', '/cases/teams'), api('GET', '/cases/supervision?limit=1000')]);
    const judges = new Map();
    for (const n of all.nodes) judges.set(n.judge, n.judge_name || n.judge);
    return { teams: teams.teams.map((x) => x.team), judges: [...judges.entries()] };
  }

  render() {
    const head = el('tr');
    for (const k of ['cases.number', 'cases.node', 'cases.node.due', 'cases.node.state', 'cases.judge', 'cases.team', 'cases.triage'])
      head.append(el('th', '', t(k)));
    const rows = this.data.nodes.map((n) => {
      const tr = el('tr', `node-${n.state}`);
      tr.dataset.case = n.case;
      const link = el('a', 'case-link', n.number);
      link.href = caseHref(n.case);
      const num = el('td');
      num.append(link);
      const due = el('td');
      due.append(dueCell(n));
      tr.append(num, el('td', 'node-name', nodeName(n.code, n.name)), due, el('td', 'node-state', stateLabel(n.state)),
        el('td', '', n.judge_name || n.judge), el('td', '', teamLabel(n.team)),
        el('td', '', n.triage ? t(`cases.triage.${n.triage}`) : ''));
      tr.addEventListener('click', (e) => { if (e.target.tagName !== 'A') location.href = caseHref(n.case); });
      return tr;
    });
    this.table.replaceChildren(head, ...rows);
    this.total.textContent = t('sup.total', { n: this.data.total });
    if (this.pager) {
      const from = (this.cursors.length - 1) * this.per;
      this.pager.range.textContent = rows.length ? t('sup.range', { from: from + 1, to: from + rows.length }) : '';
      this.pager.prev.disabled = this.cursors.length <= 1;
      this.pager.next.disabled = !this.data.next;
    }
  }

  renderWeekly() {
    if (!this.weekly) return;
    const blocks = this.weekly.teams.map((team) => {
      const box = el('div', 'weekly-team');
      box.append(el('h3', '', t('sup.weekly.count', { team: teamLabel(team.team), n: team.count })));
      const ul = el('ul');
      for (const n of team.nodes) {
        const li = el('li');
        const a = el('a', 'case-link', n.number);
        a.href = caseHref(n.case);
        li.append(a, ` ${nodeName(n.code, n.name)} `, dueCell(n), ` ${n.judge_name || n.judge}`);
        ul.append(li);
      }
      box.append(ul);
      return box;
    });
    this.weeklyRoot.replaceChildren(el('p', 'weekly-range', `${this.weekly.from} — ${this.weekly.to}`), ...blocks);
  }
}
