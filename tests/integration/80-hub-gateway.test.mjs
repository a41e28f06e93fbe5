// ecc-gateway holds its place on the bus: a retained "online" status, turned
// "offline" by its last will when it dies and by itself when it stops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { stack, mqttConnect, Proc, BIN, SLOW_UNWIND, waitFor } from '../lib/harness.mjs';

test('gateway presence', async (t) => {
  const { hub, broker, dir } = await stack(t, 'gw');
  const r = await hub.cli(['gateway', 'add', 'gw1', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const g = JSON.parse(r.stdout);
  const conf = path.join(dir, 'gw.ini');
  fs.writeFileSync(conf, `[gateway]\nid = gw1\ncapacity = 32\n[mqtt]\nhost = 127.0.0.1\nport = ${broker.port}\nusername = ${g.username}\npassword = ${g.password}\n`);
  const watcher = await mqttConnect(broker, { username: broker.username, password: broker.password });
  const seen = [];
  watcher.on('message', (topic, payload, packet) => seen.push({ topic, retain: packet.retain, ...JSON.parse(payload) }));
  await watcher.subscribeAsync('ecc/gw/+/status', { qos: 1 });
  const last = () => seen.filter((m) => m.topic === 'ecc/gw/gw1/status').at(-1);

  let gw = new Proc('ecc-gateway', BIN.gateway, ['--config', conf], { env: SLOW_UNWIND });
  await waitFor(() => last()?.state === 'online', { what: 'gw1 online' });
  assert.equal(last().capacity, 32);

  await gw.kill9();
  await waitFor(() => last()?.state === 'offline', { timeout: 30000, what: 'the last will' });

  gw = new Proc('ecc-gateway', BIN.gateway, ['--config', conf], { env: SLOW_UNWIND });
  await waitFor(() => last()?.state === 'online', { what: 'gw1 online again' });
  await gw.stopClean();
  await waitFor(() => last()?.state === 'offline', { what: 'gw1 offline after a clean stop' });

  // A late subscriber sees the retained state.
  const late = await mqttConnect(broker, { username: broker.username, password: broker.password });
  const got = new Promise((res) => late.on('message', (tp, p, pk) => res({ retain: pk.retain, ...JSON.parse(p) })));
  await late.subscribeAsync('ecc/gw/gw1/status', { qos: 1 });
  const m = await got;
  assert.equal(m.retain, true);
  assert.equal(m.state, 'offline');
  await late.endAsync();
  await watcher.endAsync();
});
