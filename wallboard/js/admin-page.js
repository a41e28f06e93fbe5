// /admin.html: users (add, lock and unlock, role, new password), units (add: the MQTT
// credentials are shown once; remove), and health (broker, gateways and
// their load and disk, the hub's own figures from /metrics). Admins only.
import { api, toLogin } from './net/index.js';
import { applyTo, bindToggle, onLanguage, t } from './i18n/index.js';
import { formatTime } from './ui/clock.js';
import { el } from './ui/dialog.js';
import { showError } from './ui/errors.js';

const $ = (id) => document.getElementById(id);
const ROLES = ['admin', 'commander', 'duty', 'officer', 'judge'];
const KINDS = ['bodycam', 'handheld', 'vehicle', 'drone'];
const status = (id, msg) => { $(id).textContent = msg; $(id).className = 'status'; $(id).title = ''; };
const row = (cells, data = {}) => el('tr', { dataset: data }, ...cells.map((c) => (c instanceof Node ? el('td', {}, c) : el('td', { textContent: c }))));
const head = (keys) => el('tr', {}, ...keys.map((k) => el('th', { textContent: k ? t(k) : '' })));
const options = (sel, values, label) => {
  const cur = sel.value;
  sel.replaceChildren(...values.map((v) => el('option', { value: v, textContent: label(v) })));
  if (cur) sel.value = cur;
};

// One account's action; a refusal to lock or demote the own account or the
// last admin says so.
async function userAct(u, method, path, body, done) {
  try {
    await api(method, `/users/${encodeURIComponent(u.username)}${path}`, body);
    status('user-status', done);
  } catch (e) {
    showError($('user-status'), e);
    if (e.code === 'conflict') $('user-status').textContent = t('admin.keep_admin');
  }
  users();
}

async function users() {
  const { users: list } = await api('GET', '/users');
  $('user-table').replaceChildren(head(['admin.username', 'admin.display_name', 'admin.role', 'admin.team', 'admin.locked', '']),
    ...list.map((u) => {
      const failed = u.locked_until > Date.now();
      const pw = el('input', { type: 'password', className: 'small', autocomplete: 'new-password', placeholder: t('admin.new_password') });
      const role = el('select', { className: 'role', onchange: () => {
        const r = role.value;
        userAct(u, 'PUT', '/role', { role: r }, t('admin.role_set', { user: u.username, role: t(`role.${r}`) }));
      } }, ...[...new Set([...ROLES, u.role])].map((r) => el('option', { value: r, textContent: t(`role.${r}`) })));
      role.value = u.role;
      const acts = el('span', { className: 'acts' },
        u.locked || failed
          ? el('button', { type: 'button', className: 'unlock', textContent: t('admin.unlock'),
            onclick: () => userAct(u, 'POST', '/unlock', undefined, t('admin.user_unlocked', { user: u.username })) })
          : el('button', { type: 'button', className: 'lock', textContent: t('admin.lock'), onclick: () => {
            if (confirm(t('admin.lock_confirm', { user: u.username }))) userAct(u, 'POST', '/lock', undefined, t('admin.user_locked', { user: u.username }));
          } }),
        pw,
        el('button', { type: 'button', className: 'ghost set-password', textContent: t('admin.set_password'), onclick: async () => {
          try {
            await api('POST', `/users/${encodeURIComponent(u.username)}/password`, { password: pw.value });
            status('user-status', t('admin.password_set', { user: u.username }));
            pw.value = '';
          } catch (e) { showError($('user-status'), e); }
        } }));
      const state = u.locked ? t('admin.account_locked') : failed ? t('admin.locked_until', { time: formatTime(u.locked_until) }) : '—';
      return row([u.username, u.display_name, role, u.team, state, acts], { user: u.username, locked: u.locked ? '1' : '0' });
    }));
}

async function units() {
  const [{ units: list }, { streams }] = await Promise.all([api('GET', '/units'), api('GET', '/streams')]);
  const urls = (id) => streams.filter((x) => x.unit === id).map((x) => x.url).join(' ') || '—';
  $('unit-table').replaceChildren(head(['admin.unit_id', 'admin.unit_name', 'admin.kind', 'admin.team', 'admin.stream_url', 'admin.state', '']),
    ...list.map((u) => row([u.id, u.name, t(`kind.${u.kind}`), u.team, urls(u.id), t(u.online ? 'state.online' : 'state.offline'),
      el('button', { type: 'button', className: 'ghost', textContent: t('admin.remove'), onclick: async () => {
        if (!confirm(t('admin.remove_confirm', { unit: u.name }))) return;
        await api('DELETE', `/units/${encodeURIComponent(u.id)}`).catch((e) => showError($('unit-status'), e));
        units();
      } })], { unit: u.id })));
}

async function health() {
  const [h, g, m] = await Promise.all([api('GET', '/health'), api('GET', '/gateways').catch(() => ({ gateways: [] })),
    fetch('/metrics').then((r) => r.text()).catch(() => '')]);
  // One sample of the hub's /metrics by its exact series name.
  const metric = (series) => {
    const line = m.split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : NaN;
  };
  const gb = (bytes) => (Number.isFinite(bytes) ? `${(bytes / 2 ** 30).toFixed(1)} GB` : '—');
  const gws = Array.isArray(g) ? g : g.gateways || [];
  $('health-body').replaceChildren(
    el('p', { id: 'broker-state', textContent: t(h.mqtt ? 'admin.broker_up' : 'admin.broker_down') }),
    el('p', { id: 'hub-disk', textContent: t('admin.hub_disk', { free: gb(metric('ecc_disk_free_bytes{host="hub"}')) }) }),
    el('table', { id: 'gateway-table' }, head(['admin.gateway', 'admin.state', 'admin.load', 'admin.disk_free']),
      ...gws.map((x) => row([x.id, t(x.online ? 'state.online' : 'state.offline'), `${x.load} / ${x.capacity}`,
        `${(x.disk_free_mb / 1024).toFixed(1)} GB${x.disk_low ? ` · ${t('admin.disk_low')}` : ''}`], { gateway: x.id }))));
}

async function main() {
  applyTo(document);
  bindToggle($('lang'));
  let me;
  try { me = await api('GET', '/me'); } catch { toLogin(); return; }
  $('court-name').textContent = me.court_name;
  $('user').textContent = me.user.display_name || me.user.username;
  if (me.user.role !== 'admin') { document.querySelector('main').replaceChildren(el('p', { className: 'status error', textContent: t('admin.only') })); return; }
  const fill = () => {
    options($('user-add').elements.role, ROLES, (r) => t(`role.${r}`));
    options($('unit-add').elements.kind, KINDS, (k) => t(`kind.${k}`));
  };
  fill();
  $('user-add').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = ev.target.elements;
    try {
      await api('POST', '/users', { username: f.username.value.trim(), display_name: f.display_name.value.trim(),
        role: f.role.value, team: f.team.value.trim(), password: f.password.value });
      status('user-status', t('admin.user_added', { user: f.username.value.trim() }));
      ev.target.reset();
      users();
    } catch (e) { showError($('user-status'), e); }
  });
  $('unit-add').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = ev.target.elements;
    try {
      const r = await api('POST', '/units', { id: f.id.value.trim(), name: f.name.value.trim(), kind: f.kind.value, team: f.team.value.trim() });
      // Its camera (RTSP pull, RTMP or SRT), when one is given: a gateway takes it.
      if (f.stream.value.trim())
        await api('POST', '/streams', { unit: r.unit.id, url: f.stream.value.trim() }).catch((e) => showError($('unit-status'), e));
      // The password exists only in this answer: shown once, never stored by the page.
      $('unit-creds').hidden = false;
      $('unit-creds').replaceChildren(el('b', { textContent: t('admin.creds_once') }),
        ...(r.mqtt ? [['admin.mqtt_host', `${r.mqtt.host}:${r.mqtt.port}`], ['admin.mqtt_username', r.mqtt.username], ['admin.mqtt_password', r.mqtt.password]]
          : [['admin.mqtt_none', '']]).map(([k, v]) => el('div', {}, el('span', { textContent: `${t(k)} ` }), el('code', { className: k.slice(6), textContent: v }))),
        el('button', { type: 'button', className: 'ghost', textContent: t('admin.creds_done'), onclick: () => { $('unit-creds').hidden = true; $('unit-creds').replaceChildren(); } }));
      status('unit-status', t('admin.unit_added', { unit: r.unit?.name || f.name.value }));
      ev.target.reset();
      units();
    } catch (e) { showError($('unit-status'), e); }
  });
  onLanguage(() => { fill(); users(); units(); health(); });
  await Promise.all([users(), units(), health()]);
  setInterval(() => health().catch(() => {}), 10000);
  window.__eccAdmin = { users, units, health };
}

main();
