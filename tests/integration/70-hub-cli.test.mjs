// The command line: units and gateways get live MQTT identities, and
// `audit verify` names the first row someone altered in the database file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { stack, request, mosquittoPub, waitFor, execFileP } from '../lib/harness.mjs';

test('ecc-hub commands', async (t) => {
  const { hub, broker, dir, token } = await stack(t, 'cli');

  await t.test('unit add creates the unit and an MQTT identity the broker accepts at once', async () => {
    const r = await hub.cli(['unit', 'add', 'dr-01', '--kind', 'drone', '--name', '无人机一号', '--team', '航拍组', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const creds = JSON.parse(r.stdout);
    assert.equal(creds.username, 'dr-01');
    assert.equal(creds.port, broker.port);
    // The running hub finds the unit at its first report: no restart.
    const ts = Date.now();
    await mosquittoPub(broker, { username: creds.username, password: creds.password, topic: 'ecc/unit/dr-01/telemetry',
      message: JSON.stringify({ ts, lat: 47.15, lon: 129.3, alt: 120 }) });
    const u = await waitFor(async () => {
      const x = await request(hub, 'GET', '/api/v1/units/dr-01', { token });
      return x.status === 200 && x.json.unit.online && x.json.unit;
    }, { what: 'the drone online' });
    assert.equal(u.position.alt, 120);
    assert.equal(u.team, '航拍组');
    // Its role does not reach other units.
    const denied = await execFileP('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(broker.port), '-V', '5', '-q', '1', '-d',
      '-u', creds.username, '-P', creds.password, '-t', 'ecc/unit/other/telemetry', '-m', '{}']);
    assert.match(denied.stdout, /RC:135/);
  });

  await t.test('unit add refuses bad ids, kinds and duplicates', async () => {
    let r = await hub.cli(['unit', 'add', 'a+b', '--kind', 'drone', '--name', 'x']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unit id/);
    r = await hub.cli(['unit', 'add', 'x1', '--kind', 'tank', '--name', 'x']);
    assert.equal(r.code, 2);
    r = await hub.cli(['unit', 'add', 'dr-01', '--kind', 'drone', '--name', 'again']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /exists/);
  });

  await t.test('gateway add creates a gateway identity limited to its topics', async () => {
    const r = await hub.cli(['gateway', 'add', 'gw7', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const g = JSON.parse(r.stdout);
    await mosquittoPub(broker, { username: g.username, password: g.password, topic: 'ecc/gw/gw7/status', message: '{"state":"online"}' });
    const denied = await execFileP('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(broker.port), '-V', '5', '-q', '1', '-d',
      '-u', g.username, '-P', g.password, '-t', 'ecc/unit/dr-01/telemetry', '-m', '{}']);
    assert.match(denied.stdout, /RC:135/);
  });

  await t.test('audit verify passes, then names the row an attacker altered', async () => {
    let r = await hub.cli(['audit', 'verify']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /audit log intact: \d+ rows/);
    const db = path.join(dir, 'ecc.db');
    // The triggers refuse edits through SQL...
    await assert.rejects(execFileP('sqlite3', [db, "UPDATE audit SET actor = 'nobody' WHERE id = 2"]), /append-only/);
    // ...so the attacker drops them first, as anyone with the file could.
    await execFileP('sqlite3', [db, "DROP TRIGGER audit_append_only_u; UPDATE audit SET actor = 'nobody' WHERE id = 2"]);
    r = await hub.cli(['audit', 'verify']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /row 2 does not match/);
    const api = await request(hub, 'GET', '/api/v1/audit/verify', { token: (await request(hub, 'POST', '/api/v1/login',
      { body: { username: 'admin', password: hub.adminPassword } })).json.token });
    assert.equal(api.json.ok, false);
    assert.equal(api.json.first_bad, 2);
  });
});
