// /case.html?id=N or ?q=NUMBER: find a case (either bracket form), show it.
import { api, toLogin } from './net/index.js';
import { applyTo, bindToggle, onLanguage, t } from './i18n/index.js';
import { startClock } from './ui/index.js';
import { CaseView, el, caseHref } from './cases/index.js';

const $ = (id) => document.getElementById(id);

async function search(q) {
  const { cases } = await api('GET', `/cases?q=${encodeURIComponent(q)}&limit=50`);
  $('case-results').replaceChildren(...cases.map((c) => {
    const li = el('li');
    const a = el('a', 'case-link', c.number);
    a.href = caseHref(c.id);
    li.append(a, ` ${c.applicants.join('、')} / ${c.respondents.join('、')}`);
    return li;
  }));
  if (!cases.length) $('case-status').textContent = t('cases.none');
  return cases;
}

async function main() {
  applyTo(document);
  bindToggle($('lang'));
  try { await api('GET', '/me'); } catch { toLogin(); return; }
  startClock($('clock'));
  const view = new CaseView($('case-view'), $('case-status'));
  onLanguage(() => view.render());
  window.__eccCase = view;
  const params = new URLSearchParams(location.search);
  $('case-search').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('case-status').textContent = '';
    const found = await search($('case-q').value.trim()).catch((err) => { $('case-status').textContent = err.message; return []; });
    if (found.length === 1) {
      history.replaceState(null, '', caseHref(found[0].id));
      await view.open(found[0].id);
    }
  });
  if (params.get('q')) {
    $('case-q').value = params.get('q');
    $('case-search').requestSubmit();
  } else if (params.get('id')) {
    try { await view.open(params.get('id')); } catch (e) {
      $('case-status').textContent = e.status === 403 ? t('cases.forbidden') : t('cases.error', { why: e.message });
    }
  }
}

main();
