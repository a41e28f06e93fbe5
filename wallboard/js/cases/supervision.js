// Node supervision (流程节点管理): every open case's next node and deadline,
// or the nodes in one state (due today, due within 3 working days, overdue),
// filtered by team and judge; each row opens its case. Below, the weekly
// list per team of cases about to miss a node.
import { api } from '../net/index.js';
import { t } from '../i18n/index.js';
import { el, dueCell, stateLabel, teamLabel, caseHref, nodeName } from './format.js';

export class Supervision {
  constructor({ table, total, weekly }) {
    this.table = table;
    this.total = total;
    this.weeklyRoot = weekly;
    this.filters = { team: '', judge: '', state: '' };
  }

  async load(filters = this.filters) {
    this.filters = filters;
    const q = new URLSearchParams({ limit: '500' });
    for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
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
