// The alerts panel: newest first, severity colours, one-click acknowledge,
// escalation shown, a filter by state, a chime for each new high or
// critical alert. Open high and critical alerts mark their unit as
// alerting on the map.
import { api } from '../net/index.js';
import { t } from '../i18n/index.js';
import { formatTime } from '../ui/clock.js';
import { Chime } from './sound.js';

const MAX = 200;
const LOUD = new Set(['high', 'critical']);

export class AlertPanel {
  // filter: a <select> of states ('' = all, open, acked, cleared).
  constructor(root, store, canAck, { filter, onPick } = {}) {
    this.root = root;
    this.store = store;
    this.canAck = canAck;
    this.alerts = new Map();
    this.state = '';
    this.chime = new Chime();
    this.onPick = onPick || (() => {});
    this.filterEl = filter;
    if (filter) {
      this.fillFilter();
      filter.addEventListener('change', () => { this.state = filter.value; this.render(); });
    }
  }

  fillFilter() {
    const cur = this.filterEl.value;
    this.filterEl.replaceChildren(...['', 'open', 'acked', 'cleared'].map((s) => {
      const o = document.createElement('option');
      o.value = s;
      o.textContent = t(s ? `alerts.state.${s}` : 'alerts.state.all');
      return o;
    }));
    this.filterEl.value = cur;
  }

  async load() {
    const { alerts } = await api('GET', '/alerts?limit=100');
    this.alerts.clear();
    for (const a of alerts) this.alerts.set(a.id, a);
    this.render();
  }

  apply(alert) {
    const isNew = !this.alerts.has(alert.id);
    this.alerts.set(alert.id, alert);
    if (this.alerts.size > MAX) {
      const oldest = Math.min(...this.alerts.keys());
      this.alerts.delete(oldest);
    }
    if (isNew && alert.state === 'open' && LOUD.has(alert.severity)) this.chime.play(alert.severity);
    this.render();
  }

  render() {
    if (this.filterEl) this.fillFilter();
    const list = [...this.alerts.values()].sort((a, b) => b.id - a.id);
    const alerting = new Map();
    for (const a of list) {
      if (a.state === 'open' && a.unit && LOUD.has(a.severity))
        alerting.set(a.unit, (alerting.get(a.unit) || 0) + 1);
    }
    this.store.setAlerting(alerting);
    this.root.replaceChildren(...list.filter((a) => !this.state || a.state === this.state).map((a) => this.row(a)));
  }

  // The alert's text in the page's language (the hub stores Chinese).
  text(a) {
    const key = `event.${a.kind}`, s = t(key);
    return s === key ? a.message : s;
  }

  row(a) {
    const li = document.createElement('li');
    li.className = `sev-${a.severity} ${a.state}${a.escalated_at && a.state === 'open' ? ' escalated' : ''}`;
    li.dataset.alert = a.id;
    li.dataset.state = a.state;
    const unit = a.unit ? this.store.units.get(a.unit) : null;
    const head = document.createElement('div');
    head.className = 'head';
    const sev = document.createElement('span');
    sev.className = 'sev';
    sev.textContent = t(`severity.${a.severity}`);
    const what = document.createElement('span');
    what.textContent = ` ${unit ? unit.name : a.unit || ''} ${this.text(a)}`;
    head.append(sev, what);
    if (a.unit) head.addEventListener('click', () => this.onPick(a.unit));
    const when = document.createElement('div');
    when.className = 'when';
    when.textContent = formatTime(a.ts);
    li.append(head, when);
    if (a.escalated_at && a.state === 'open') {
      const esc = document.createElement('div');
      esc.className = 'when esc';
      // a case's alert climbs to its team leader, any other to the
      // commander on duty
      const to = a.escalated_to && a.escalated_to !== 'commander' ? a.escalated_to : null;
      esc.textContent = !to ? t('alerts.escalated')
        : t(a.subject ? 'alerts.escalated_to' : 'alerts.escalated_to_commander', { user: to });
      li.append(esc);
    }
    if (a.assignee && a.state === 'open') {
      const who = document.createElement('div');
      who.className = 'when';
      who.textContent = t('alerts.assigned', { user: a.assignee });
      li.append(who);
    }
    if (a.state === 'acked') {
      const by = document.createElement('div');
      by.className = 'when';
      by.textContent = t('alerts.acked', { user: a.acked_by });
      li.append(by);
    } else if (a.state === 'open' && this.canAck) {
      const b = document.createElement('button');
      b.textContent = t('alerts.ack');
      b.className = 'ack';
      b.addEventListener('click', async () => {
        b.disabled = true;
        try { this.apply((await api('POST', `/alerts/${a.id}/ack`)).alert); } catch { b.disabled = false; }
      });
      li.append(b);
    }
    return li;
  }
}
