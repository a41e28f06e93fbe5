// Logins, sessions and lockout as 等保三级 asks: passwords hashed with
// argon2id, HttpOnly session cookies, lockout after failed logins, idle
// sessions end (REST 401, WebSocket closed with 1008), all of it audited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, request, login, wsConnect, waitFor, sleep, execFileP } from '../lib/harness.mjs';
import path from 'node:path';

test('authentication', async (t) => {
  const { hub, dir, token } = await stack(t, 'auth', { auth: { lockout_seconds: 3, idle_timeout: 10 } });

  await t.test('the first start printed the admin one-time password once', async () => {
    assert.equal((hub.proc.out.match(/one-time password/g) || []).length, 1);
    assert.doesNotMatch(hub.proc.out, /one-time password .*\n[^]*one-time password/);
  });

  await t.test('login sets an HttpOnly SameSite cookie that opens the API', async () => {
    const r = await request(hub, 'POST', '/api/v1/login', { body: { username: 'admin', password: hub.adminPassword } });
    assert.equal(r.status, 200);
    assert.equal(r.json.token.length, 43);
    const cookie = r.headers.get('set-cookie');
    assert.match(cookie, /^ecc_session=[A-Za-z0-9_-]{43};/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    const me = await request(hub, 'GET', '/api/v1/me', { headers: { cookie: cookie.split(';')[0] } });
    assert.equal(me.status, 200);
    assert.equal(me.json.user.role, 'admin');
  });

  await t.test('wrong passwords and unknown users get 401 with an error body', async () => {
    let r = await request(hub, 'POST', '/api/v1/login', { body: { username: 'admin', password: 'nope' } });
    assert.equal(r.status, 401);
    assert.equal(r.json.error.code, 'unauthorized');
    r = await request(hub, 'POST', '/api/v1/login', { body: { username: 'ghost', password: 'nope' } });
    assert.equal(r.status, 401);
    r = await request(hub, 'POST', '/api/v1/login', { body: { username: 'admin' } });
    assert.equal(r.status, 400);
  });

  await t.test('a weak password is refused by the policy', async () => {
    for (const password of ['short1A!', 'alllowercaseletters', 'duty42-Duty42-x']) {
      const r = await request(hub, 'POST', '/api/v1/users',
        { token, body: { username: 'duty42', password, role: 'duty' } });
      assert.equal(r.status, 400, password);
      assert.equal(r.json.error.code, 'password_policy');
    }
  });

  await t.test('five failed logins lock the account; it opens again after the lockout time', async () => {
    const pw = 'Good-Pass-2025!';
    assert.equal((await request(hub, 'POST', '/api/v1/users',
      { token, body: { username: 'duty1', password: pw, role: 'duty', display_name: '值班员一' } })).status, 201);
    for (let i = 0; i < 5; i++) {
      const r = await request(hub, 'POST', '/api/v1/login', { body: { username: 'duty1', password: `wrong${i}` } });
      assert.equal(r.status, i < 4 ? 401 : 403, `attempt ${i + 1}`);
    }
    const locked = await request(hub, 'POST', '/api/v1/login', { body: { username: 'duty1', password: pw } });
    assert.equal(locked.status, 403);
    assert.equal(locked.json.error.code, 'account_locked');
    await sleep(3200);
    assert.ok(await login(hub, 'duty1', pw));
    // A fresh admin session: the first one may have idled out (idle_timeout
    // 10 s) while five argon2id checks ran on a loaded machine.
    const admin = await login(hub);
    const log = (await request(hub, 'GET', '/api/v1/audit?limit=200', { token: admin })).json.entries;
    const mine = log.filter((e) => e.target === 'duty1').map((e) => e.action);
    assert.equal(mine.filter((a) => a === 'login_failed').length, 5);
    assert.ok(mine.includes('lockout'));
    assert.ok(mine.includes('login_locked'));
    assert.ok(mine.includes('login'));
    assert.ok(mine.includes('user.add'));
  });

  await t.test('logout ends the session', async () => {
    const tk = await login(hub);
    assert.equal((await request(hub, 'POST', '/api/v1/logout', { token: tk })).status, 200);
    assert.equal((await request(hub, 'GET', '/api/v1/me', { token: tk })).status, 401);
  });

  await t.test('ecc-hub user add reads the password from stdin and obeys the policy', async () => {
    let r = await hub.cli(['user', 'add', 'judge1', '--role', 'judge', '--password-stdin'], { input: 'Judge-Pass-2025!\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(await login(hub, 'judge1', 'Judge-Pass-2025!'));
    r = await hub.cli(['user', 'add', 'judge2', '--role', 'judge', '--password-stdin'], { input: 'weak\n' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /password must/);
    r = await hub.cli(['user', 'add', 'judge3', '--role', 'emperor', '--password-stdin'], { input: 'x' });
    assert.equal(r.code, 2);
  });

  await t.test('only hashes are stored: no password or token in the database file', async () => {
    const tk = await login(hub);
    const db = path.join(dir, 'ecc.db');
    const { stdout } = await execFileP('sqlite3', [db, 'SELECT pw_hash FROM users; SELECT token_hash FROM sessions;']);
    assert.match(stdout, /^\$argon2id\$/m);
    assert.ok(!stdout.includes(tk));
    assert.ok(!stdout.includes(hub.adminPassword));
  });

  await t.test('an idle session ends: REST answers 401 and the WebSocket closes with 1008', async () => {
    const tk = await login(hub);
    const ws = await wsConnect(hub, tk, { subscribe: ['units'] });
    await sleep(10500);
    assert.equal((await request(hub, 'GET', '/api/v1/me', { token: tk })).status, 401);
    const closed = await waitFor(() => ws.closed, { timeout: 8000, what: 'the WebSocket to close' });
    assert.equal(closed.code, 1008);
  });

  await t.test('a WebSocket without a session is closed with 1008', async () => {
    const ws = await wsConnect(hub, null);
    ws.send({ type: 'subscribe', channels: ['units'] });
    const closed = await waitFor(() => ws.closed, { what: 'close' });
    assert.equal(closed.code, 1008);
    const ws2 = await wsConnect(hub, null);
    ws2.send({ type: 'auth', token: 'x'.repeat(43) });
    assert.equal((await waitFor(() => ws2.closed, { what: 'close' })).code, 1008);
  });
});
