// Authorization walks the hub's own route table (`ecc-hub routes`), so no
// route can be added without being checked: every route answers 401 without
// a session and 403 to each role that may not use it; every WebSocket
// channel refuses the roles it does not list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, request, addUser, wsConnect, cli, BIN, execFileP } from '../lib/harness.mjs';

const ROLES = ['admin', 'commander', 'duty', 'officer', 'judge', 'guest'];
const fill = (p) => p.replace('{id}', 'x1').replace('{name}', 'nobody');

test('every route and channel checks the session and the role', async (t) => {
  const { hub, token } = await stack(t, 'authz');
  const { stdout } = await execFileP(BIN.hub, ['routes']);
  const table = JSON.parse(stdout);
  assert.ok(table.routes.length >= 15, 'the route table is there');
  const tokens = { admin: token };
  for (const r of ROLES.slice(1)) tokens[r] = await addUser(hub, token, `u-${r}`, r, { team: '执行一组' });

  await t.test('no session: 401 on every non-public route', async () => {
    for (const r of table.routes.filter((x) => !x.public)) {
      const res = await request(hub, r.method, fill(r.path), r.json ? { body: {} } : {});
      assert.equal(res.status, 401, `${r.method} ${r.path}`);
      assert.equal(res.json.error.code, 'unauthorized');
    }
  });

  await t.test('each role that may not use a route: 403', async () => {
    let checked = 0;
    for (const r of table.routes.filter((x) => !x.public)) {
      for (const role of ROLES.filter((x) => !r.roles.includes(x))) {
        const res = await request(hub, r.method, fill(r.path), { token: tokens[role], ...(r.json ? { body: {} } : {}) });
        assert.equal(res.status, 403, `${role} on ${r.method} ${r.path}`);
        assert.equal(res.json.error.code, 'forbidden');
        checked++;
      }
    }
    assert.ok(checked > 30, `${checked} denials checked`);
  });

  await t.test('the roles a GET route lists are let through', async () => {
    for (const r of table.routes.filter((x) => !x.public && x.method === 'GET')) {
      for (const role of r.roles) {
        const res = await request(hub, 'GET', fill(r.path), { token: tokens[role] });
        assert.notEqual(res.status, 401, `${role} on ${r.path}`);
        assert.ok(!(res.status === 403 && res.json.error.code === 'forbidden'), `${role} on ${r.path}`);
      }
    }
  });

  await t.test('WebSocket channels refuse the roles they do not list', async () => {
    for (const ch of table.channels) {
      for (const role of ROLES) {
        const ws = await wsConnect(hub, tokens[role]);
        ws.send({ type: 'subscribe', channels: [ch.name] });
        const m = await ws.next((x) => x.type === 'subscribed');
        if (ch.roles.includes(role)) assert.deepEqual(m.channels, [ch.name], `${role} on ${ch.name}`);
        else {
          assert.deepEqual(m.channels, [], `${role} on ${ch.name}`);
          assert.ok(ws.messages.some((x) => x.type === 'error' && x.error.code === 'forbidden'));
        }
        ws.close();
      }
    }
  });

  await t.test('an officer sees only the units of the own team', async () => {
    await request(hub, 'POST', '/api/v1/units', { token, body: { id: 'in-team', name: '甲', kind: 'bodycam', team: '执行一组' } });
    await request(hub, 'POST', '/api/v1/units', { token, body: { id: 'other', name: '乙', kind: 'bodycam', team: '执行二组' } });
    const list = (await request(hub, 'GET', '/api/v1/units', { token: tokens.officer })).json.units.map((u) => u.id);
    assert.deepEqual(list, ['in-team']);
    assert.equal((await request(hub, 'GET', '/api/v1/units/other', { token: tokens.officer })).status, 403);
    assert.equal((await request(hub, 'GET', '/api/v1/units/other/track', { token: tokens.officer })).status, 403);
    const all = (await request(hub, 'GET', '/api/v1/units', { token: tokens.duty })).json.units.map((u) => u.id);
    assert.deepEqual(all.sort(), ['in-team', 'other']);
  });

  await t.test('unknown routes 404, wrong methods 405, foreign origins 403', async () => {
    assert.equal((await request(hub, 'GET', '/api/v1/nothing', { token })).status, 404);
    assert.equal((await request(hub, 'PUT', '/api/v1/units', { token, body: {} })).status, 405);
    const r = await request(hub, 'POST', '/api/v1/logout', { token, headers: { origin: 'http://evil.example' } });
    assert.equal(r.status, 403);
    assert.equal(r.json.error.code, 'bad_origin');
  });

  await t.test('docs/api.md lists exactly the routes of the table', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const { SOURCE } = await import('../lib/harness.mjs');
    const md = fs.readFileSync(path.join(SOURCE, 'docs/api.md'), 'utf8');
    const documented = [...md.matchAll(/^\| `(GET|POST|PUT|PATCH|DELETE) (\/(?:api\/v1\/|metrics)[^`]*)` \|/gm)].map((m) => `${m[1]} ${m[2]}`);
    const actual = table.routes.map((r) => `${r.method} ${r.path}`);
    assert.deepEqual([...documented].sort(), [...actual].sort());
    for (const r of table.routes) {
      const row = md.split('\n').find((l) => l.startsWith(`| \`${r.method} ${r.path}\` |`));
      for (const role of r.public ? ['public'] : r.roles) assert.ok(row.includes(role), `${r.method} ${r.path} names ${role}`);
    }
  });
  void cli;
});
