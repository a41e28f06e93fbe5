// The wall's panel of case nodes: per team, how many nodes are due today and
// how many are overdue, with the oldest ones named; one click opens the case.
// It reloads every 30 s and at once when an overdue-node alert arrives.
import { api } from '../net/index.js';
import { t } from '../i18n/index.js';
import { el, dueCell, stateLabel, teamLabel, caseHref, nodeName } from './format.js';

const PER_TEAM = 4;
const REFRESH_MS = 30000;

export class CaseBoard {
  constructor(root) {
    this.root = root;
    this.board = null;
    this.timer = null;
    this.pending = null;
  }

  async load() {
    clearTimeout(this.timer);
    try {
      this.board = await api('GET', '/cases/board');
      this.render();
    } finally {
      this.timer = setTimeout(() => this.load().catch(() => {}), REFRESH_MS);
    }
  }

  // An alert from the WebSocket: a node went overdue or was done.
  onAlert(a) {
    if (a.kind !== 'node_overdue' || this.pending) return;
    this.pending = setTimeout(() => { this.pending = null; this.load().catch(() => {}); }, 200);
  }

  render() {
    if (!this.board) return;
    const teams = this.board.teams.filter((x) => x.due_today || x.overdue);
    if (!teams.length) {
      this.root.replaceChildren(el('div', 'case-empty', t('cases.board.empty')));
      return;
    }
    this.root.replaceChildren(...teams.map((team) => this.teamBlock(team)));
  }

  teamBlock(team) {
    const box = el('div', 'case-team');
    box.dataset.team = team.team;
    const head = el('div', 'case-team-head');
    head.append(el('span', 'case-team-name', teamLabel(team.team)),
      el('span', 'pill due-today', t('cases.board.due_today', { n: team.due_today })),
      el('span', 'pill overdue', t('cases.board.overdue', { n: team.overdue })));
    box.append(head);
    const ul = el('ul', 'case-nodes');
    for (const n of team.nodes.slice(0, PER_TEAM)) {
      const li = el('li', `node-${n.state}`);
      li.dataset.case = n.case;
      const a = el('a', 'case-link', n.number);
      a.href = caseHref(n.case);
      li.append(a, el('span', 'node-name', nodeName(n.code, n.name)), dueCell(n),
        el('span', 'node-state', stateLabel(n.state)), el('span', 'node-judge', n.judge_name || n.judge));
      ul.append(li);
    }
    box.append(ul);
    const rest = team.due_today + team.overdue - Math.min(team.nodes.length, PER_TEAM);
    if (rest > 0) {
      const more = el('a', 'case-more', t('cases.board.more', { n: rest }));
      more.href = `/supervision.html?team=${encodeURIComponent(team.team)}`;
      box.append(more);
    }
    return box;
  }
}
