// The alerts panel: newest first, severity colours, one-click acknowledge.
// Open high and critical alerts mark their unit as alerting on the map.
import { api } from '../net/index.js';
import { t } from '../i18n/index.js';
import { formatTime } from '../ui/clock.js';

const MAX = 200;

export class AlertPanel {
  constructor(root, store, canAck) {
    this.root = root;
    this.store = store;
    this.canAck = canAck;
    this.alerts = new Map();
  }

  async load() {
    const { alerts } = await api('GET', '/alerts?limit=100');
    this.alerts.clear();
    for (const a of alerts) this.alerts.set(a.id, a);
    this.render();
  }

  apply(alert) {
    this.alerts.set(alert.id, alert);
    if (this.alerts.size > MAX) {
      const oldest = Math.min(...this.alerts.keys());
      this.alerts.delete(oldest);
    }
    this.render();
  }

  render() {
    const list = [...this.alerts.values()].sort((a, b) => b.id - a.id);
    const alerting = new Map();
    for (const a of list) {
      if (a.state === 'open' && a.unit && (a.severity === 'critical' || a.severity === 'high'))
        alerting.set(a.unit, (alerting.get(a.unit) || 0) + 1);
    }
    this.store.setAlerting(alerting);
    this.root.replaceChildren(...list.map((a) => this.row(a)));
  }

  row(a) {
    const li = document.createElement('li');
    li.className = `sev-${a.severity} ${a.state}`;
    li.dataset.alert = a.id;
    const unit = a.unit ? this.store.units.get(a.unit) : null;
    const head = document.createElement('div');
    head.textContent = `[${t(`severity.${a.severity}`)}] ${unit ? unit.name : a.unit || ''} ${a.message}`;
    const when = document.createElement('div');
    when.className = 'when';
    when.textContent = formatTime(a.ts);
    li.append(head, when);
    if (a.escalated_at && a.state === 'open') {
      const esc = document.createElement('div');
      esc.className = 'when';
      esc.textContent = a.escalated_to && a.escalated_to !== 'commander'
        ? t('alerts.escalated_to', { user: a.escalated_to }) : t('alerts.escalated');
      li.append(esc);
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
