// A WebSocket client that stops reading must not grow the hub's memory, nor
// slow the other clients down: positions are coalesced per unit, so the
// stalled client is owed at most one position per unit, never a backlog.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  stack, request, wsConnect, mqttConnect, brokerClient, waitFor, rssKiB, sleep,
} from '../lib/harness.mjs';


const UNITS = 400;
const ROUNDS = 250; // 100,000 positions, far more than the socket buffers hold

test('a slow WebSocket reader does not grow the hub', async (t) => {
  const { hub, broker, token } = await stack(t, 'slow', { mqtt: { provision: 'false' } },
    { env: { ASAN_OPTIONS: `${process.env.ASAN_OPTIONS || ''}:quarantine_size_mb=4:malloc_context_size=5` } });
  for (let i = 0; i < UNITS; i++) {
    const r = await request(hub, 'POST', '/api/v1/units',
      { token, body: { id: `u${String(i).padStart(4, '0')}`, name: `单元${i}`, kind: 'handheld' } });
    assert.equal(r.status, 201);
  }
  const slow = await wsConnect(hub, token, { subscribe: ['units'] });
  const fast = await wsConnect(hub, token, { subscribe: ['units'] });
  const newest = new Map();
  fast.ws.on('message', (d) => {
    const m = JSON.parse(d.toString());
    if (m.type === 'positions') for (const p of m.positions) newest.set(p.unit, p.ts);
  });
  // One identity publishes for all 400 units (a test shortcut for 400 devices).
  const c = await mqttConnect(broker, await brokerClient(broker, 'loadgen', 'ecc/unit/#'));
  const base = Date.now() - 3600000;
  const round = async (r) => {
    for (let i = 0; i < UNITS; i++) {
      c.publish(`ecc/unit/u${String(i).padStart(4, '0')}/telemetry`,
        JSON.stringify({ ts: base + r * 1000, lat: 47 + i * 1e-4, lon: 129 + r * 1e-5 }), { qos: 0 });
    }
    await new Promise((res) => setImmediate(res));
  };
  await round(0);
  await waitFor(() => newest.size === UNITS, { what: 'the fast client sees every unit' });
  await sleep(500);
  const before = rssKiB(hub.proc.pid);
  slow.ws._socket.pause(); // stop reading: the kernel buffers fill, then the hub's
  for (let r = 1; r <= ROUNDS; r++) {
    await round(r);
    if (r % 25 === 0) await sleep(20);
  }
  const last = base + ROUNDS * 1000;
  await waitFor(() => [...newest.values()].every((ts) => ts === last),
    { timeout: 60000, what: 'the fast client to get the newest position of every unit' });
  const stats = (await request(hub, 'GET', '/api/v1/stats', { token })).json;
  const after = rssKiB(hub.proc.pid);
  t.diagnostic(`hub RSS ${before} KiB -> ${after} KiB; backlog ${JSON.stringify(stats.ws_backlog)}`);
  assert.ok(stats.ws_backlog.positions <= UNITS, 'at most one pending position per unit');
  assert.ok(stats.ws_backlog.bytes < 1 << 20, 'no message backlog');
  assert.ok(after - before < 48 * 1024, `RSS grew by ${after - before} KiB`);

  // Reading again, the slow client catches up with each unit's newest position.
  const seen = new Map();
  slow.ws.on('message', (d) => {
    const m = JSON.parse(d.toString());
    if (m.type === 'positions') for (const p of m.positions) seen.set(p.unit, p.ts);
  });
  slow.ws._socket.resume();
  await waitFor(() => seen.size === UNITS && [...seen.values()].every((ts) => ts === last),
    { timeout: 30000, what: 'the slow client to catch up' });
  await c.endAsync();
  slow.close();
  fast.close();
});
