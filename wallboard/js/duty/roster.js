// The roster dialog (排班): the shifts of the coming week, one added with
// a form, a CSV file imported (papaparse, all or none), a shift removed.
// CSV columns: username,role,starts,ends (times ISO 8601 or UTC ms).
import { api } from '../net/index.js';
import { t } from '../i18n/index.js';
import { formatTime } from '../ui/clock.js';
import { openDialog, el } from '../ui/dialog.js';
import { errorText } from '../ui/errors.js';

const DAY = 86400000;

function when(v) {
  if (typeof v === 'number') return v;
  const s = String(v).trim();
  if (/^\d+$/.test(s)) return Number(s);
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? ms : NaN;
}

// The rows of a CSV text as shifts; throws with the line of a bad one.
export function shiftsFromCsv(text) {
  const r = window.Papa.parse(text.trim(), { header: true, skipEmptyLines: true, transformHeader: (h) => h.trim() });
  if (r.errors.length) throw new Error(t('roster.csv_bad', { line: r.errors[0].row + 2, why: r.errors[0].message }));
  return r.data.map((row, i) => {
    const s = { username: (row.username || '').trim(), role: (row.role || '').trim(), starts: when(row.starts), ends: when(row.ends) };
    if (!s.username || !Number.isFinite(s.starts) || !Number.isFinite(s.ends))
      throw new Error(t('roster.csv_bad', { line: i + 2, why: t('roster.csv_columns') }));
    return s;
  });
}

export function openRoster(onChange) {
  openDialog('roster', t('roster.title'), (body) => {
    const table = el('table', { className: 'roster' });
    const status = el('p', { className: 'status' });
    // Errors of the CSV itself are already in the page's language.
    const fail = (e) => { status.textContent = e.code ? errorText(e) : e.message; status.title = e.code ? e.message : ''; status.className = 'status error'; };
    const ok = (msg) => { status.textContent = msg; status.className = 'status'; };
    const load = async () => {
      const from = Date.now() - DAY, to = Date.now() + 7 * DAY;
      const { shifts } = await api('GET', `/duty/roster?from=${from}&to=${to}`);
      table.replaceChildren(el('tr', {}, ...['roster.who', 'roster.role', 'roster.starts', 'roster.ends', 'roster.signed', '']
        .map((k) => el('th', { textContent: k ? t(k) : '' }))),
      ...shifts.map((s) => el('tr', { dataset: { shift: s.id } },
        el('td', { textContent: s.display_name || s.username }),
        el('td', { textContent: t(`duty.role.${s.role}`) }),
        el('td', { textContent: formatTime(s.starts, true) }),
        el('td', { textContent: formatTime(s.ends, true) }),
        el('td', { textContent: s.signed_in_at ? formatTime(s.signed_in_at) : '—' }),
        el('td', {}, el('button', { type: 'button', className: 'ghost', textContent: t('roster.remove'),
          onclick: async () => { await api('DELETE', `/duty/roster/${s.id}`).catch(fail); load(); onChange(); } })))));
    };
    const user = el('input', { name: 'username', required: true, placeholder: t('roster.username') });
    const role = el('select', { name: 'role' }, ...['duty', 'commander'].map((r) => el('option', { value: r, textContent: t(`duty.role.${r}`) })));
    const starts = el('input', { name: 'starts', type: 'datetime-local', required: true });
    const ends = el('input', { name: 'ends', type: 'datetime-local', required: true });
    const form = el('form', { className: 'roster-add', onsubmit: async (ev) => {
      ev.preventDefault();
      try {
        await api('POST', '/duty/roster', { username: user.value.trim(), role: role.value,
          starts: new Date(starts.value).getTime(), ends: new Date(ends.value).getTime() });
        ok(t('roster.added', { n: 1 }));
        load(); onChange();
      } catch (e) { fail(e); }
    } }, user, role, starts, ends, el('button', { type: 'submit', textContent: t('roster.add') }));
    const file = el('input', { type: 'file', accept: '.csv,text/csv', id: 'roster-csv', onchange: async () => {
      try {
        const shifts = shiftsFromCsv(await file.files[0].text());
        const r = await api('POST', '/duty/roster/import', { shifts });
        ok(t('roster.added', { n: r.added }));
        load(); onChange();
      } catch (e) { fail(e); }
      file.value = '';
    } });
    body.append(table, el('h4', { textContent: t('roster.add_title') }), form,
      el('label', { className: 'csv' }, el('span', { textContent: t('roster.import') }), file),
      el('p', { className: 'hint', textContent: t('roster.csv_columns') }), status);
    load().catch(fail);
  });
}
