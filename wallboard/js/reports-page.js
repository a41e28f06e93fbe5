// /reports.html: daily or weekly figures with charts and the CSV export.
import { api, toLogin } from './net/index.js';
import { applyTo, bindToggle, onLanguage } from './i18n/index.js';
import { startClock } from './ui/index.js';
import { ReportView } from './cases/index.js';

const $ = (id) => document.getElementById(id);

async function main() {
  applyTo(document);
  bindToggle($('lang'));
  try { await api('GET', '/me'); } catch { toLogin(); return; }
  startClock($('clock'));
  const params = new URLSearchParams(location.search);
  const view = new ReportView({ charts: $('rep-charts'), table: $('rep-table'), teams: $('rep-teams'), nodes: $('rep-nodes'), csv: $('rep-csv') });
  window.__eccReport = view;
  $('rep-period').value = params.get('period') || 'daily';
  $('rep-from').value = params.get('from') || '';
  $('rep-to').value = params.get('to') || '';
  const show = async () => {
    await view.load($('rep-period').value, $('rep-from').value, $('rep-to').value);
    document.body.dataset.ready = '1';
  };
  $('rep-form').addEventListener('submit', (e) => { e.preventDefault(); show().catch(() => {}); });
  onLanguage(() => view.render());
  await show();
}

main();
