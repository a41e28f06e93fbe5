// The operations panel (执行行动): every active operation with its case
// number, type, elapsed time and units. The list comes from the hub (the
// user's scope: the own team's for an officer); a change the hub announces
// on the dispatch channel (apply) shows at once, and the list is reloaded
// when the connection comes back, when an alert names an operation, and
// every minute besides (every 10 s for a wall that gets no announcements:
// its role does not subscribe to dispatch). The elapsed times tick each
// second.
import { api } from '../net/index.js';
import { t } from '../i18n/index.js';
import { el } from '../ui/dialog.js';

// Milliseconds as H:MM:SS.
export function elapsed(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const pad = (n) => String(n).padStart(2, '0');
  return `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

export class OperationsPanel {
  constructor(root, { names = (id) => id, onPick = () => {}, onLoad = () => {}, pushed = false } = {}) {
    this.root = root;
    this.names = names;
    this.onPick = onPick;
    this.onLoad = onLoad;
    this.ops = [];
    this.loaded = false;
    this.timer = setInterval(() => this.load().catch(() => {}), pushed ? 60000 : 10000);
    this.ticker = setInterval(() => this.tick(), 1000);
  }

  async load() {
    const r = await api('GET', '/operations?state=active&limit=50');
    this.ops = r.operations;
    this.loaded = true;
    this.render();
    this.onLoad(this.ops);
  }

  // An operation as the hub announced it: active ones are in the list
  // (newest first, as the hub lists them), the rest leave it.
  apply(op) {
    if (!this.loaded) return; // the first load brings it
    const rest = this.ops.filter((o) => o.id !== op.id);
    this.ops = op.state === 'active' ? [op, ...rest].sort((a, b) => b.id - a.id) : rest;
    this.render();
    this.onLoad(this.ops);
  }

  render() {
    if (!this.loaded) return;
    if (!this.ops.length) {
      this.root.replaceChildren(el('div', { className: 'none', textContent: t('ops.none') }));
      return;
    }
    this.root.replaceChildren(el('ul', { className: 'ops-list' }, ...this.ops.map((op) => el('li', {
      className: 'op', dataset: { op: String(op.id) }, title: op.title, onclick: () => this.onPick(op),
    },
    el('div', { className: 'op-head' },
      el('span', { className: 'op-type', textContent: t(`ops.type.${op.type}`) }),
      el('span', { className: 'op-case', textContent: op.case_number }),
      el('span', { className: 'op-elapsed', dataset: { since: String(op.started_at) },
        title: t('ops.elapsed'), textContent: elapsed(Date.now() - op.started_at) })),
    op.title ? el('div', { className: 'op-title', textContent: op.title }) : null,
    el('div', { className: 'op-units', textContent: t('ops.units', {
      n: op.units.length, list: op.units.map((u) => this.names(u)).join(t('ops.sep')) }) })))));
  }

  tick() {
    for (const e of this.root.querySelectorAll('.op-elapsed')) {
      const text = elapsed(Date.now() - Number(e.dataset.since));
      if (e.textContent !== text) e.textContent = text;
    }
  }
}
