// Reports: daily or weekly figures as charts (Chart.js from npm, served by
// the hub as /vendor/chart.js) and a table, with the CSV export's link.
import { api } from '../net/index.js';
import { t } from '../i18n/index.js';
import { el, teamLabel, nodeName } from './format.js';

const COLORS = ['#4ea1ff', '#52c41a', '#faad14', '#ff4d4f', '#9254de', '#13c2c2'];

export class ReportView {
  constructor({ charts, table, teams, nodes, csv }) {
    this.chartsRoot = charts;
    this.tableRoot = table;
    this.teamsRoot = teams;
    this.nodesRoot = nodes;
    this.csv = csv;
    this.charts = [];
  }

  async load(period, from, to) {
    const q = new URLSearchParams();
    if (from) q.set('from', from);
    if (to) q.set('to', to);
    this.report = await api('GET', `/cases/reports/${period}?${q}`);
    q.set('format', 'csv');
    this.csv.href = `/api/v1/cases/reports/${period}?${q}`;
    this.render();
    return this.report;
  }

  chart(canvas, type, labels, sets, opts = {}) {
    const c = new window.Chart(canvas, {
      type,
      data: { labels, datasets: sets.map((s, i) => ({ backgroundColor: COLORS[i % COLORS.length], borderColor: COLORS[i % COLORS.length], ...s })) },
      options: { animation: false, responsive: true, maintainAspectRatio: false, plugins: { legend: { labels: { color: '#e6eefc' } } },
        scales: { x: { ticks: { color: '#8aa0c0' } }, y: { ticks: { color: '#8aa0c0' }, beginAtZero: true, ...(opts.y || {}) } } },
    });
    this.charts.push(c);
    return c;
  }

  render() {
    const r = this.report;
    for (const c of this.charts) c.destroy();
    this.charts = [];
    const labels = r.rows.map((x) => (x.from === x.to ? x.from : `${x.from}~${x.to}`));
    const box = (id) => {
      const d = el('div', 'chart-box');
      const cv = el('canvas');
      cv.id = id;
      d.append(cv);
      return [d, cv];
    };
    const [b1, c1] = box('chart-cases');
    const [b2, c2] = box('chart-nodes');
    const [b3, c3] = box('chart-teams');
    this.chartsRoot.replaceChildren(b1, b2, b3);
    this.chart(c1, 'bar', labels, [
      { label: t('rep.received'), data: r.rows.map((x) => x.received) },
      { label: t('rep.closed'), data: r.rows.map((x) => x.closed) },
      { label: t('rep.closed_in_period'), data: r.rows.map((x) => x.closed_in_period) }]);
    this.chart(c2, 'line', labels, [
      { label: t('rep.nodes_in_time'), data: r.rows.map((x) => x.nodes_in_time) },
      { label: t('rep.nodes_overdue'), data: r.rows.map((x) => x.nodes_overdue) },
      { label: t('rep.alerts'), data: r.rows.map((x) => x.alerts) }]);
    this.chart(c3, 'bar', r.by_team.map((x) => teamLabel(x.team)), [
      { label: t('rep.nodes_in_time'), data: r.by_team.map((x) => x.nodes_in_time) },
      { label: t('rep.nodes_overdue'), data: r.by_team.map((x) => x.nodes_overdue) }]);
    const cols = ['received', 'closed', 'closed_in_period', 'share', 'nodes_in_time', 'nodes_overdue', 'alerts', 'alerts_acked', 'ack_median'];
    const val = (x, k) => {
      if (k === 'share') return x.closed_in_period_share === null ? '' : `${(x.closed_in_period_share * 100).toFixed(1)}%`;
      if (k === 'ack_median') return x.ack_median_s === null ? '' : x.ack_median_s.toFixed(0);
      return String(x[k]);
    };
    const head = el('tr');
    head.append(el('th', '', `${t('rep.from')} / ${t('rep.to')}`), ...cols.map((k) => el('th', '', t(`rep.${k}`))));
    const row = (label, x, cls) => {
      const tr = el('tr', cls);
      tr.append(el('td', '', label), ...cols.map((k) => { const td = el('td', '', val(x, k)); td.dataset.k = k; return td; }));
      return tr;
    };
    this.tableRoot.replaceChildren(head, ...r.rows.map((x, i) => row(labels[i], x, 'rep-row')), row(t('rep.total'), r.total, 'rep-total'));
    const small = (root, items, key, label) => {
      const h = el('tr');
      h.append(el('th', '', t(label)), el('th', '', t('rep.nodes_in_time')), el('th', '', t('rep.nodes_overdue')));
      root.replaceChildren(h, ...items.map((x) => {
        const tr = el('tr');
        tr.append(el('td', '', key(x)), el('td', '', String(x.nodes_in_time)), el('td', '', String(x.nodes_overdue)));
        return tr;
      }));
    };
    small(this.teamsRoot, r.by_team, (x) => teamLabel(x.team), 'rep.by_team');
    small(this.nodesRoot, r.by_node, (x) => nodeName(x.code, x.name), 'rep.by_node');
  }
}
