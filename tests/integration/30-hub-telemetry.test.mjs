// Positions from devices reach the store, the track API and WebSocket
// clients; the broker refuses a device writing under another unit; bad
// input is refused with a clear error and the hub keeps serving.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  stack, addUnit, wsConnect, mosquittoPub, mqttConnect, request, waitFor, sleep,
} from '../lib/harness.mjs';

const NOW = () => Date.now();
const pos = (ts, lat, lon, extra = {}) => JSON.stringify({ ts, lat, lon, ...extra });

test('telemetry end to end', async (t) => {
  const { hub, broker, token } = await stack(t, 'telemetry', { telemetry: { offline_after: 3 } });
  const a = await addUnit(hub, token, { id: 'bc-01', name: '张伟', kind: 'bodycam', team: '执行一组' });
  const b = await addUnit(hub, token,
    { id: 'hh-02', name: '李娜', kind: 'handheld', team: '执行一组', owntracks: 'lina/phone' });
  const credsA = { username: a.mqtt.username, password: a.mqtt.password };
  const credsB = { username: b.mqtt.username, password: b.mqtt.password };
  const ws = await wsConnect(hub, token, { subscribe: ['units', 'alerts'] });

  await t.test('a position published with mosquitto_pub (ECC schema) reaches the WebSocket and the track', async () => {
    const ts = NOW();
    await mosquittoPub(broker, { ...credsA, topic: 'ecc/unit/bc-01/telemetry',
      message: pos(ts, 47.1381, 129.2861, { speed: 1.4, heading: 90, battery: 88, signal: 70 }) });
    const m = await ws.next((x) => x.type === 'positions' && x.positions.some((p) => p.unit === 'bc-01' && p.ts === ts));
    const p = m.positions.find((x) => x.unit === 'bc-01');
    assert.equal(p.lat, 47.1381);
    assert.equal(p.lon, 129.2861);
    assert.equal(p.heading, 90);
    const tr = await request(hub, 'GET', `/api/v1/units/bc-01/track?from=${ts - 1000}&to=${ts + 1000}`, { token });
    assert.equal(tr.status, 200);
    assert.equal(tr.json.geometry.type, 'LineString');
    assert.deepEqual(tr.json.geometry.coordinates, [[129.2861, 47.1381]]);
    assert.deepEqual(tr.json.properties.times, [ts]);
    const u = await request(hub, 'GET', '/api/v1/units/bc-01', { token });
    assert.equal(u.json.unit.online, true);
    assert.equal(u.json.unit.battery, 88);
  });

  await t.test('an OwnTracks location reaches the WebSocket as the mapped unit, km/h as m/s', async () => {
    const tst = Math.floor(NOW() / 1000);
    await mosquittoPub(broker, { ...credsB, topic: 'owntracks/lina/phone',
      message: JSON.stringify({ _type: 'location', tst, lat: 47.14, lon: 129.29, vel: 36, cog: 180, batt: 51, acc: 8 }) });
    const m = await ws.next((x) => x.type === 'positions' && x.positions.some((p) => p.unit === 'hh-02' && p.ts === tst * 1000));
    const p = m.positions.find((x) => x.unit === 'hh-02');
    assert.equal(p.speed, 10);
    assert.equal(p.heading, 180);
    const tr = await request(hub, 'GET', `/api/v1/units/hh-02/track?from=${tst * 1000 - 1}&to=${tst * 1000 + 1}`, { token });
    assert.deepEqual(tr.json.geometry.coordinates, [[129.29, 47.14]]);
  });

  await t.test('late and out-of-order positions are stored in device-time order, duplicates once', async () => {
    const base = NOW() - 600000; // ten minutes ago: back from a dead zone
    const c = await mqttConnect(broker, credsA);
    for (const i of [3, 1, 2, 2, 0, 3]) {
      // a zig-zag, so the track's simplification keeps every point
      await c.publishAsync('ecc/unit/bc-01/telemetry', pos(base + i * 1000, 47.13 + i * 0.001, 129.28 + (i % 2) * 0.001), { qos: 1 });
    }
    await c.endAsync();
    const tr = await waitFor(async () => {
      const r = await request(hub, 'GET', `/api/v1/units/bc-01/track?from=${base}&to=${base + 5000}`, { token });
      return r.json.properties.times.length === 4 && r;
    }, { what: 'four stored positions' });
    assert.deepEqual(tr.json.properties.times, [0, 1, 2, 3].map((i) => base + i * 1000));
    assert.deepEqual(tr.json.geometry.coordinates.map((x) => x[1]), [47.13, 47.131, 47.132, 47.133]);
    // The map keeps the newest position, not the late one.
    const u = await request(hub, 'GET', '/api/v1/units/bc-01', { token });
    assert.ok(u.json.unit.position.ts > base + 10000);
  });

  await t.test('a device publishing under another unit is refused by the broker (reason 135), nothing stored', async () => {
    const c = await mqttConnect(broker, credsA);
    const ts = NOW();
    await assert.rejects(
      c.publishAsync('ecc/unit/hh-02/telemetry', pos(ts, 40, 120), { qos: 1 }),
      (e) => e.code === 135 || /135|not authori[sz]ed/i.test(String(e.message)),
    );
    await c.endAsync();
    await sleep(500);
    const tr = await request(hub, 'GET', `/api/v1/units/hh-02/track?from=${ts - 10}&to=${ts + 10}`, { token });
    assert.equal(tr.json.properties.points_total, 0);
  });

  await t.test('malformed and oversized telemetry over MQTT is dropped and logged; the hub keeps serving', async () => {
    const before = (await request(hub, 'GET', '/api/v1/stats', { token })).json.telemetry.rejected;
    const c = await mqttConnect(broker, credsA);
    const bad = ['not json', '{"ts":1,"lat":"x","lon":1}', '{"lat":1,"lon":2}', `{"ts":${NOW()},"lat":NaN,"lon":1}`,
      `{"ts":${NOW()},"lat":91,"lon":1}`, JSON.stringify({ ts: NOW(), lat: 1, lon: 1, pad: 'x'.repeat(1 << 20) }),
      '['.repeat(100000), `{"ts":${NOW() + 86400000},"lat":1,"lon":1}`];
    for (const m of bad) await c.publishAsync('ecc/unit/bc-01/telemetry', m, { qos: 1 });
    await c.endAsync();
    await waitFor(async () => (await request(hub, 'GET', '/api/v1/stats', { token })).json.telemetry.rejected >= before + bad.length,
      { what: 'every bad message counted as rejected' });
    assert.match(hub.proc.out, /topic=ecc\/unit\/bc-01\/telemetry: dropped: lat has a wrong type or value/);
    assert.match(hub.proc.out, /dropped: payload too large or too deep/);
    const h = await request(hub, 'GET', '/api/v1/health');
    assert.equal(h.status, 200);
  });

  await t.test('malformed and oversized input over HTTP gets 400/413 with an error body', async () => {
    let r = await request(hub, 'POST', '/api/v1/units', { token, raw: '{not json', headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 400);
    assert.equal(r.json.error.code, 'bad_json');
    r = await request(hub, 'POST', '/api/v1/units', { token, raw: 'x'.repeat(200000) });
    assert.equal(r.status, 413);
    assert.equal(r.json.error.code, 'payload_too_large');
    r = await request(hub, 'POST', '/api/v1/units', { token, raw: '['.repeat(1000) });
    assert.equal(r.status, 413);
    r = await request(hub, 'POST', '/api/v1/units', { token, body: { id: 'a/b', name: 'x', kind: 'drone' } });
    assert.equal(r.status, 400);
    assert.match(r.json.error.message, /unit id/);
    r = await request(hub, 'GET', '/api/v1/units/bc-01/track?from=abc', { token });
    assert.equal(r.status, 400);
    r = await request(hub, 'GET', '/api/v1/units/nope', { token });
    assert.equal(r.status, 404);
    r = await request(hub, 'GET', '/../../etc/passwd');
    assert.equal(r.status, 404);
    r = await request(hub, 'GET', '/%2e%2e/%2e%2e/etc/passwd');
    assert.equal(r.status, 404);
  });

  await t.test('malformed and oversized WebSocket messages get an error; the connection and hub survive', async () => {
    const w = await wsConnect(hub, token);
    w.send('{nope');
    await w.next((m) => m.type === 'error' && m.error.code === 'bad_json');
    w.send({ type: 'launch-missiles' });
    await w.next((m) => m.type === 'error' && m.error.code === 'unknown_type');
    w.send({ type: 'subscribe', channels: 'units' });
    await w.next((m) => m.type === 'error' && m.error.code === 'bad_request');
    w.send({ type: 'ping' });
    await w.next((m) => m.type === 'pong');
    w.send('x'.repeat(100000));
    await waitFor(() => w.closed, { what: 'close on an oversized message' });
    assert.equal(w.closed.code, 1009);
    const again = await wsConnect(hub, token);
    again.send({ type: 'ping' });
    await again.next((m) => m.type === 'pong');
    again.close();
  });

  await t.test('an SOS event raises a critical alert on the WebSocket; acknowledging updates it', async () => {
    await mosquittoPub(broker, { ...credsA, topic: 'ecc/unit/bc-01/event',
      message: JSON.stringify({ ts: NOW(), kind: 'sos', lat: 47.1, lon: 129.2 }) });
    const m = await ws.next((x) => x.type === 'alert' && x.alert.kind === 'sos');
    assert.equal(m.alert.severity, 'critical');
    assert.equal(m.alert.unit, 'bc-01');
    const r = await request(hub, 'POST', `/api/v1/alerts/${m.alert.id}/ack`, { token });
    assert.equal(r.status, 200);
    assert.equal(r.json.alert.state, 'acked');
    await ws.next((x) => x.type === 'alert' && x.alert.id === m.alert.id && x.alert.state === 'acked');
    const again = await request(hub, 'POST', `/api/v1/alerts/${m.alert.id}/ack`, { token });
    assert.equal(again.status, 409);
  });

  await t.test('a silent unit goes offline with an alert, and the alert clears when it reports again', async () => {
    const m = await ws.next((x) => x.type === 'alert' && x.alert.kind === 'offline' && x.alert.unit === 'hh-02', 10000);
    assert.equal(m.alert.state, 'open');
    await ws.next((x) => x.type === 'units' && x.units.some((u) => u.id === 'hh-02' && u.online === false), 5000);
    const tst = Math.floor(NOW() / 1000);
    await mosquittoPub(broker, { ...credsB, topic: 'owntracks/lina/phone',
      message: JSON.stringify({ _type: 'location', tst, lat: 47.14, lon: 129.29 }) });
    await ws.next((x) => x.type === 'alert' && x.alert.id === m.alert.id && x.alert.state === 'cleared');
  });

  ws.close();
});
