// The login form: posts to /api/v1/login (the hub sets an HttpOnly cookie)
// and goes back to the page that asked.
import { api } from './net/index.js';
import { applyTo, bindToggle, t } from './i18n/index.js';

const $ = (id) => document.getElementById(id);
applyTo(document);
bindToggle($('lang'));

$('login').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  $('login-error').textContent = '';
  try {
    await api('POST', '/login', { username: $('username').value, password: $('password').value });
    const next = new URLSearchParams(location.search).get('next');
    location.href = next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
  } catch (e) {
    $('login-error').textContent = t(e.code === 'account_locked' ? 'auth.locked'
      : e.code === 'account_disabled' ? 'auth.disabled' : e.status === 401 ? 'auth.failed' : 'auth.error');
  }
});
