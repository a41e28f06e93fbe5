// /supervision.html: node supervision, filters in the URL (?team=&judge=&state=),
// and rows per page (?per=, 100 by default).
import { api, toLogin } from './net/index.js';
import { applyTo, bindToggle, onLanguage, t } from './i18n/index.js';
import { startClock } from './ui/index.js';
import { Supervision, PAGE, el, teamLabel } from './cases/index.js';

const $ = (id) => document.getElementById(id);

function fill(select, items, current) {
  const all = el('option', '', t('sup.all'));
  all.value = '';
  select.replaceChildren(all, ...items.map(([v, label]) => {
    const o = el('option', '', label);
    o.value = v;
    return o;
  }));
  select.value = current || '';
}

async function main() {
  applyTo(document);
  bindToggle($('lang'));
  try { await api('GET', '/me'); } catch { toLogin(); return; }
  startClock($('clock'));
  const params = new URLSearchParams(location.search);
  const sup = new Supervision({ table: $('sup-table'), total: $('sup-total'), weekly: $('sup-weekly'),
    pager: { prev: $('sup-prev'), next: $('sup-next'), range: $('sup-range') },
    per: Math.min(1000, Math.max(1, Number(params.get('per')) || PAGE)) });
  window.__eccSupervision = sup;
  const filters = () => ({ team: $('f-team').value, judge: $('f-judge').value, state: $('f-state').value });
  const { teams, judges } = await sup.choices();
  fill($('f-team'), teams.map((x) => [x, teamLabel(x)]), params.get('team'));
  fill($('f-judge'), judges, params.get('judge'));
  $('f-state').value = params.get('state') || '';
  const reload = async () => {
    const f = filters();
    const q = new URLSearchParams(Object.entries(f).filter(([, v]) => v));
    history.replaceState(null, '', `/supervision.html${q.size ? `?${q}` : ''}`);
    await Promise.all([sup.load(f), sup.loadWeekly(f.team)]);
  };
  for (const id of ['f-team', 'f-judge', 'f-state']) $(id).addEventListener('change', () => reload().catch(() => {}));
  onLanguage(() => { sup.render(); sup.renderWeekly(); });
  await reload();
  document.body.dataset.ready = '1';
}

main();
