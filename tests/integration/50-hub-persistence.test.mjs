// What the hub stored survives kill -9; QoS 1 positions published while the
// hub is away from the broker (hub killed, or broker restarted) are stored
// once when it comes back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  stack, addUnit, mqttConnect, mosquittoPub, login, request, waitFor, sleep,
} from '../lib/harness.mjs';

const pos = (ts, i) => JSON.stringify({ ts, lat: 47.1 + i * 0.0001, lon: 129.2, battery: 90 });

test('persistence across kill -9 and broker restarts', async (t) => {
  const { hub, broker, token: first } = await stack(t, 'persist');
  let token = first;
  const unit = await addUnit(hub, token, { id: 'bc-07', name: '王强', kind: 'bodycam' });
  const creds = { username: unit.mqtt.username, password: unit.mqtt.password };
  const count = async (from, to) => (await request(hub, 'GET',
    `/api/v1/units/bc-07/track?from=${from}&to=${to}&max_points=5000`, { token })).json.properties.points_total;

  await t.test('hub killed with SIGKILL and restarted: units, positions, alerts and audit are there', async () => {
    const base = Date.now() - 100000;
    const c = await mqttConnect(broker, creds);
    for (let i = 0; i < 50; i++) await c.publishAsync('ecc/unit/bc-07/telemetry', pos(base + i * 100, i), { qos: 1 });
    await c.publishAsync('ecc/unit/bc-07/event', JSON.stringify({ ts: Date.now(), kind: 'sos' }), { qos: 1 });
    await c.endAsync();
    await waitFor(async () => (await count(base, base + 10000)) === 50, { what: '50 positions stored' });
    const alert = await waitFor(async () => (await request(hub, 'GET', '/api/v1/alerts?state=open', { token }))
      .json.alerts.find((a) => a.kind === 'sos'), { what: 'the SOS alert' });
    assert.equal((await request(hub, 'POST', `/api/v1/alerts/${alert.id}/ack`, { token })).status, 200);
    const audit = (await request(hub, 'GET', '/api/v1/audit/verify', { token })).json;

    await hub.proc.kill9();
    await hub.start();
    token = await login(hub);
    const units = (await request(hub, 'GET', '/api/v1/units', { token })).json.units;
    assert.deepEqual(units.map((u) => u.id), ['bc-07']);
    assert.equal(units[0].position.lat, 47.1 + 49 * 0.0001);
    assert.equal(await count(base, base + 10000), 50);
    const a = (await request(hub, 'GET', '/api/v1/alerts', { token })).json.alerts.find((x) => x.id === alert.id);
    assert.equal(a.state, 'acked');
    assert.equal(a.acked_by, 'admin');
    const after = (await request(hub, 'GET', '/api/v1/audit/verify', { token })).json;
    assert.equal(after.ok, true);
    assert.ok(after.rows >= audit.rows + 1, 'audit rows kept, and the new login added');
    const log = (await request(hub, 'GET', '/api/v1/audit?limit=1000', { token })).json.entries;
    assert.ok(log.some((e) => e.action === 'alert.ack' && e.target === `alert:${alert.id}`));
    assert.ok(log.some((e) => e.action === 'unit.add' && e.target === 'bc-07'));
  });

  await t.test('positions published while the hub was down are delivered from its session, once', async () => {
    await hub.proc.kill9();
    const base = Date.now() - 50000;
    const c = await mqttConnect(broker, creds);
    for (let i = 0; i < 30; i++) await c.publishAsync('ecc/unit/bc-07/telemetry', pos(base + i * 100, i), { qos: 1 });
    await c.endAsync();
    await hub.start();
    token = await login(hub);
    await waitFor(async () => (await count(base, base + 10000)) === 30, { what: '30 queued positions stored' });
    await sleep(500);
    assert.equal(await count(base, base + 10000), 30);
  });

  await t.test('broker restarted: the hub reconnects and positions published before it did are stored once', async () => {
    await broker.stop();
    await sleep(1500); // the hub's retries back off meanwhile
    await broker.start();
    const base = Date.now() - 30000;
    const published = Date.now();
    for (let i = 0; i < 20; i++) {
      await mosquittoPub(broker, { ...creds, topic: 'ecc/unit/bc-07/telemetry', message: pos(base + i * 100, i) });
    }
    await waitFor(async () => (await request(hub, 'GET', '/api/v1/health')).json.mqtt, { what: 'the hub back on the broker' });
    await waitFor(async () => (await count(base, base + 10000)) === 20, { what: '20 positions stored' });
    await sleep(500);
    assert.equal(await count(base, base + 10000), 20);
    // The hub's log shows it reconnected; publishing started right after the broker came back.
    assert.ok(Date.now() - published < 30000);
    assert.ok((hub.proc.out.match(/session resumed/g) || []).length >= 2, 'the persistent session was resumed');
  });
});
