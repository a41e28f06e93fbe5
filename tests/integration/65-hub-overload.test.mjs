// More positions than the disk takes at once: the hub pauses its MQTT
// intake instead of queueing without bound, and every QoS 1 position is
// stored in the end, exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, request, mqttConnect, brokerClient, waitFor, sleep } from '../lib/harness.mjs';

const UNITS = 500;
const PER_UNIT = 60; // 30,000 positions

test('an overload is absorbed without loss', async (t) => {
  const { hub, broker, token } = await stack(t, 'overload', { mqtt: { provision: 'false' } });
  for (let i = 0; i < UNITS; i++) {
    await request(hub, 'POST', '/api/v1/units', { token, body: { id: `o${i}`, name: `单元${i}`, kind: 'drone' } });
  }
  const c = await mqttConnect(broker, await brokerClient(broker, 'flood', 'ecc/unit/#'));
  const base = Date.now() - 7200000;
  const sends = [];
  for (let k = 0; k < PER_UNIT; k++) {
    for (let i = 0; i < UNITS; i++) {
      sends.push(c.publishAsync(`ecc/unit/o${i}/telemetry`,
        JSON.stringify({ ts: base + k * 1000, lat: 47 + k * 1e-4, lon: 129 + (k % 2) * 1e-4 }), { qos: 1 }));
    }
    if (k % 10 === 9) await sleep(1);
  }
  await Promise.all(sends);
  await c.endAsync();
  const total = UNITS * PER_UNIT;
  const s = await waitFor(async () => {
    const x = (await request(hub, 'GET', '/api/v1/stats', { token })).json.telemetry;
    return x.stored + x.duplicates >= total && x;
  }, { timeout: 120000, what: `${total} positions taken in` });
  t.diagnostic(`stored ${s.stored}, duplicates ${s.duplicates}, longest batch ${s.batch_ms_max} ms`);
  assert.equal(s.stored, total);
  assert.equal(s.write_failures, 0);
  const tr = await request(hub, 'GET', `/api/v1/units/o7/track?from=${base}&to=${base + PER_UNIT * 1000}&max_points=5000`, { token });
  assert.equal(tr.json.properties.points_total, PER_UNIT);
});
