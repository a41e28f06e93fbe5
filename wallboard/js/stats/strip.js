// The statistics strip under the map: units online by kind (bars), streams
// live, alerts open and the median time to acknowledge today (Asia/Shanghai
// day), and positions per second over the last minutes (from the hub's
// /metrics). Charts by Chart.js (npm, served locally; a classic script).
import { api } from '../net/index.js';
import { t } from '../i18n/index.js';

const KINDS = ['bodycam', 'handheld', 'vehicle', 'drone'];
const HISTORY = 60; // samples of positions/s kept (5 s apart: 5 minutes)

// Midnight in Asia/Shanghai (UTC+8, no daylight saving) before ms.
export function shanghaiMidnight(ms) {
  const h8 = 8 * 3600000, day = 86400000;
  return Math.floor((ms + h8) / day) * day - h8;
}

export function median(xs) {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function duration(ms) {
  if (ms === null) return '—';
  const s = Math.round(ms / 1000);
  return s < 60 ? t('stats.seconds', { n: s }) : t('stats.minutes', { m: Math.floor(s / 60), s: s % 60 });
}

export class StatsStrip {
  constructor(root, store, alerts) {
    this.root = root;
    this.store = store;
    this.alerts = alerts;
    this.rates = [];
    this.last = null;
    this.figures = {};
    root.hidden = false;
    const box = (id, cls) => { const d = document.createElement('div'); d.className = `stat ${cls}`; d.id = id; root.append(d); return d; };
    this.kindsBox = box('stat-kinds', 'chart');
    this.rateBox = box('stat-rate', 'chart');
    this.numbers = box('stat-numbers', 'numbers');
    const canvas = (parent) => { const c = document.createElement('canvas'); parent.append(c); return c; };
    const Chart = window.Chart;
    Chart.defaults.color = '#c8d6ee';
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.animation = false;
    Chart.defaults.font.size = Math.round(parseFloat(getComputedStyle(document.documentElement).fontSize) * 0.75);
    this.charts = {
      kinds: new Chart(canvas(this.kindsBox), {
        type: 'bar',
        data: { labels: [], datasets: [{ label: '', data: [], backgroundColor: '#2ecc71' }, { label: '', data: [], backgroundColor: '#44546e' }] },
        options: { responsive: true, maintainAspectRatio: false, indexAxis: 'y', scales: { x: { stacked: true, ticks: { precision: 0 } }, y: { stacked: true } },
          plugins: { legend: { display: false }, title: { display: true } } },
      }),
      rate: new Chart(canvas(this.rateBox), {
        type: 'line',
        data: { labels: [], datasets: [{ label: '', data: [], borderColor: '#4aa3ff', pointRadius: 0, fill: true, backgroundColor: 'rgba(74,163,255,.15)' }] },
        options: { responsive: true, maintainAspectRatio: false, scales: { x: { display: false }, y: { beginAtZero: true } },
          plugins: { legend: { display: false }, title: { display: true } } },
      }),
    };
    store.onChange((kind) => { if (kind !== 'positions') this.draw(); });
    this.timer = setInterval(() => this.sample(), 5000);
    this.sample();
  }

  // positions/s from the hub's counter.
  async sample() {
    try {
      const text = await (await fetch('/metrics')).text();
      const m = text.match(/^ecc_positions_received_total (\d+)/m);
      if (m) {
        const now = Date.now(), n = Number(m[1]);
        if (this.last && now > this.last.ts) this.rates.push(Math.max(0, (n - this.last.n) * 1000 / (now - this.last.ts)));
        if (this.rates.length > HISTORY) this.rates.shift();
        this.last = { ts: now, n };
      }
    } catch { /* the hub is away: the banner says so */ }
    this.draw();
  }

  draw() {
    // Type follows the screen (1080p or a 4K wall), as the page's does.
    window.Chart.defaults.font.size = Math.round(parseFloat(getComputedStyle(document.documentElement).fontSize) * 0.75);
    const units = [...this.store.units.values()];
    const online = KINDS.map((k) => units.filter((u) => u.kind === k && u.online).length);
    const total = KINDS.map((k) => units.filter((u) => u.kind === k).length);
    const kinds = this.charts.kinds;
    kinds.data.labels = KINDS.map((k) => t(`kind.${k}`));
    kinds.data.datasets[0].data = online;
    kinds.data.datasets[0].label = t('state.online');
    kinds.data.datasets[1].data = total.map((n, i) => n - online[i]);
    kinds.data.datasets[1].label = t('state.offline');
    kinds.options.plugins.title.text = t('stats.units_by_kind');
    kinds.update('none');
    const rate = this.charts.rate;
    rate.data.labels = this.rates.map((_, i) => i);
    rate.data.datasets[0].data = this.rates;
    rate.options.plugins.title.text = t('stats.positions_rate', { n: (this.rates.at(-1) ?? 0).toFixed(1) });
    rate.update('none');

    const all = [...this.alerts.alerts.values()];
    const since = shanghaiMidnight(Date.now());
    const acks = all.filter((a) => a.acked_at && a.ts >= since).map((a) => a.acked_at - a.ts);
    const live = [...this.store.streams.values()].filter((s) => s.state === 'live').length;
    this.figures = { streams_live: live, alerts_open: all.filter((a) => a.state === 'open').length, ack_median_ms: median(acks), acked_today: acks.length };
    const fig = (id, label, value) => {
      const d = document.createElement('div');
      d.className = 'figure';
      d.id = id;
      const v = document.createElement('b');
      v.textContent = value;
      const l = document.createElement('span');
      l.textContent = label;
      d.append(v, l);
      return d;
    };
    this.numbers.replaceChildren(
      fig('stat-streams', t('stats.streams_live'), String(live)),
      fig('stat-alerts-open', t('stats.alerts_open'), String(this.figures.alerts_open)),
      fig('stat-ack-median', t('stats.ack_median', { n: acks.length }), duration(this.figures.ack_median_ms)));
  }
}
