// User administration over REST: an admin locks, unlocks and changes the
// role of a user. Only admins may (403 otherwise), a bad body is 400, a
// locked user's token stops working and its WebSocket closes at once, the
// own account is protected, every change is audited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, addUser, request, login, wsConnect, waitFor } from '../lib/harness.mjs';

test('lock, unlock and role changes of users', async (t) => {
  const { hub, token } = await stack(t, 'users');
  const wang = await addUser(hub, token, 'wang', 'duty');
  let ma = await addUser(hub, token, 'ma', 'officer', { team: '一组' });
  await addUser(hub, token, 'admin2', 'admin');
  const api = (tok, method, p, body, raw) => request(hub, method, `/api/v1${p}`, { token: tok, body, raw });

  // Only an admin.
  for (const tok of [wang, ma]) {
    assert.equal((await api(tok, 'POST', '/users/ma/lock')).status, 403);
    assert.equal((await api(tok, 'POST', '/users/ma/unlock')).status, 403);
    assert.equal((await api(tok, 'PUT', '/users/ma/role', { role: 'admin' })).status, 403);
  }
  assert.equal((await api(null, 'POST', '/users/ma/lock')).status, 401);
  // Bad bodies and names.
  for (const body of [{}, { role: 'janitor' }, { role: 7 }, { role: '' }]) {
    const r = await api(token, 'PUT', '/users/ma/role', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.match(r.json.error.message, /role: admin, commander/);
  }
  assert.equal((await api(token, 'PUT', '/users/ma/role', undefined, 'role=admin')).status, 400);
  assert.equal((await api(token, 'PUT', '/users/nobody/role', { role: 'duty' })).status, 404);
  assert.equal((await api(token, 'POST', '/users/nobody/lock')).status, 404);
  assert.equal((await api(token, 'POST', '/users/nobody/unlock')).status, 404);

  // Locking ends the user's sessions and WebSockets at once.
  const ws = await wsConnect(hub, ma, { subscribe: ['units'] });
  assert.equal((await api(ma, 'GET', '/me')).status, 200);
  let r = await api(token, 'POST', '/users/ma/lock');
  assert.equal(r.status, 200, r.text);
  const t0 = Date.now();
  assert.equal((await api(ma, 'GET', '/me')).status, 401, 'the old token is dead');
  await waitFor(() => ws.closed, { timeout: 1000, what: 'the locked user\'s WebSocket closed' });
  assert.equal(ws.closed.code, 1008);
  assert.ok(Date.now() - t0 < 1000);
  r = await request(hub, 'POST', '/api/v1/login', { body: { username: 'ma', password: 'Test-Pass-2025!' } });
  assert.equal(r.status, 403, 'a locked account cannot log in');
  assert.equal(r.json.error.code, 'account_disabled', 'and who knows its password is told why');
  r = await request(hub, 'POST', '/api/v1/login', { body: { username: 'ma', password: 'wrong-Pass-2025!' } });
  assert.equal(r.status, 401, 'a wrong password learns nothing about the lock');
  assert.equal(r.json.error.code, 'unauthorized');
  let users = (await api(token, 'GET', '/users')).json.users;
  assert.equal(users.find((u) => u.username === 'ma').locked, true);
  assert.equal(users.find((u) => u.username === 'wang').locked, false);

  // Unlocking lets the user in again.
  assert.equal((await api(token, 'POST', '/users/ma/unlock')).status, 200);
  ma = await login(hub, 'ma', 'Test-Pass-2025!');
  assert.equal((await api(token, 'GET', '/users')).json.users.find((u) => u.username === 'ma').locked, false);

  // A new role: the old session ends, the next one has the new role.
  const ws2 = await wsConnect(hub, ma, { subscribe: ['units'] });
  assert.equal((await api(ma, 'GET', '/duty/now')).status, 403);
  r = await api(token, 'PUT', '/users/ma/role', { role: 'commander' });
  assert.equal(r.status, 200, r.text);
  assert.equal((await api(ma, 'GET', '/me')).status, 401);
  await waitFor(() => ws2.closed, { timeout: 1000, what: 'the WebSocket of the old role closed' });
  ma = await login(hub, 'ma', 'Test-Pass-2025!');
  assert.equal((await api(ma, 'GET', '/me')).json.user.role, 'commander');
  assert.equal((await api(ma, 'GET', '/duty/now')).status, 200);
  // The same role again changes nothing and keeps the session.
  assert.equal((await api(token, 'PUT', '/users/ma/role', { role: 'commander' })).status, 200);
  assert.equal((await api(ma, 'GET', '/me')).status, 200);

  // The own account: neither locked nor demoted; another admin can be.
  r = await api(token, 'POST', '/users/admin/lock');
  assert.equal(r.status, 409);
  assert.match(r.json.error.message, /own account/);
  r = await api(token, 'PUT', '/users/admin/role', { role: 'duty' });
  assert.equal(r.status, 409);
  assert.equal((await api(token, 'GET', '/me')).json.user.role, 'admin');
  assert.equal((await api(token, 'PUT', '/users/admin2/role', { role: 'duty' })).status, 200);
  // admin is now the only admin; still cannot lock itself.
  assert.equal((await api(token, 'POST', '/users/admin/lock')).status, 409);

  // Audited, refusals too.
  const audit = (await api(token, 'GET', '/audit?limit=200')).json.entries;
  const rows = (action) => audit.filter((e) => e.action === action).map((e) => [e.actor, e.target, e.result]);
  assert.deepEqual(rows('user.lock').reverse(), [['admin', 'ma', 'ok'], ['admin', 'admin', 'denied'], ['admin', 'admin', 'denied']]);
  assert.deepEqual(rows('user.unlock'), [['admin', 'ma', 'ok']]);
  assert.deepEqual(rows('user.role').reverse(), [['admin', 'ma', 'ok'], ['admin', 'admin', 'denied'], ['admin', 'admin2', 'ok']]);
  assert.equal(audit.find((e) => e.action === 'user.role' && e.target === 'ma').detail, '{"from":"officer","to":"commander"}');
  assert.equal((await api(token, 'GET', '/audit/verify')).status, 200);
});
