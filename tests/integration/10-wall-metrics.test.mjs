// GET /metrics speaks the Prometheus text format, parsed here by an
// independent parser (parse-prometheus-text-format from npm), and its
// numbers follow what happens: positions in, WebSocket clients, alerts
// opened and acknowledged, streams added, recordings filed by a gateway,
// the gateway's free disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import parse from 'parse-prometheus-text-format';
import { stack, addUnit, request, wsConnect, waitFor, mosquittoPub, mqttConnect } from '../lib/harness.mjs';

async function scrape(hub) {
  const res = await fetch(`${hub.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  // Every line is a comment or "name{labels} value".
  for (const line of text.split('\n').filter(Boolean))
    assert.match(line, /^(# (HELP|TYPE) \w+ .+|[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? -?[0-9.e+]+)$/, line);
  const families = new Map(parse(text).map((f) => [f.name, f]));
  return {
    text,
    families,
    value(name, labels = {}) {
      const f = families.get(name);
      assert.ok(f, `${name} is exposed`);
      const m = f.metrics.find((x) => Object.entries(labels).every(([k, v]) => x.labels?.[k] === v));
      return m ? Number(m.value) : undefined;
    },
    sum(name) { return families.get(name).metrics.reduce((a, m) => a + Number(m.value), 0); },
  };
}

test('/metrics parses as Prometheus text and its figures move', async (t) => {
  const { hub, broker, token } = await stack(t, 'metrics');
  let m = await scrape(hub);
  const types = {
    ecc_positions_received_total: 'COUNTER', ecc_ws_clients: 'GAUGE', ecc_alerts_open: 'GAUGE',
    ecc_streams: 'GAUGE', ecc_recording_bytes: 'GAUGE', ecc_disk_free_bytes: 'GAUGE', ecc_units_online: 'GAUGE',
  };
  for (const [name, type] of Object.entries(types)) assert.equal(m.families.get(name)?.type, type, name);
  assert.ok(m.value('ecc_disk_free_bytes', { host: 'hub' }) > 0, 'the hub\'s disk free');
  assert.equal(m.value('ecc_positions_received_total'), 0);
  assert.equal(m.value('ecc_alerts_open'), 0);
  assert.equal(m.sum('ecc_streams'), 0);
  assert.equal(m.value('ecc_streams', { state: 'live' }), 0, 'every state has a series, at zero too');

  // Positions in: the counter grows by what was sent.
  const unit = await addUnit(hub, token, { id: 'bc-31', name: '执法记录仪31', kind: 'bodycam' });
  const pub = (topic, message) => mosquittoPub(broker, { username: unit.mqtt.username, password: unit.mqtt.password, topic, message });
  for (let i = 0; i < 5; i++)
    await pub('ecc/unit/bc-31/telemetry', JSON.stringify({ ts: Date.now() + i, lat: 47.1 + i * 0.001, lon: 129.2 }));
  await waitFor(async () => (await scrape(hub)).value('ecc_positions_received_total') === 5,
    { what: '5 positions counted' });
  m = await scrape(hub);
  assert.equal(m.value('ecc_units_online'), 1);

  // WebSocket clients.
  const before = m.value('ecc_ws_clients');
  const ws = await wsConnect(hub, token);
  assert.equal((await scrape(hub)).value('ecc_ws_clients'), before + 1);
  ws.close();
  await waitFor(async () => (await scrape(hub)).value('ecc_ws_clients') === before, { what: 'the client gone' });

  // An alert opened, then acknowledged.
  await pub('ecc/unit/bc-31/event', JSON.stringify({ ts: Date.now(), kind: 'sos' }));
  await waitFor(async () => (await scrape(hub)).value('ecc_alerts_open') === 1, { what: 'one alert open' });
  const { alerts } = (await request(hub, 'GET', '/api/v1/alerts', { token })).json;
  assert.equal((await request(hub, 'POST', `/api/v1/alerts/${alerts[0].id}/ack`, { token })).status, 200);
  assert.equal((await scrape(hub)).value('ecc_alerts_open'), 0);

  // A stream (no gateway yet: it waits) and a gateway that files a segment.
  const gw = await hub.cli(['gateway', 'add', 'gw1', '--json']);
  assert.equal(gw.code, 0, gw.stderr);
  const g = JSON.parse(gw.stdout);
  const s = await request(hub, 'POST', '/api/v1/streams', { token, body: { unit: 'bc-31', url: 'rtsp://127.0.0.1:1/cam' } });
  assert.equal(s.status, 201, s.text);
  assert.equal((await scrape(hub)).sum('ecc_streams'), 1);
  const gwc = await mqttConnect(broker, { username: g.username, password: g.password, clientId: g.username });
  await gwc.publishAsync('ecc/gw/gw1/status', JSON.stringify({ state: 'online', capacity: 8, recordings: '/tmp/rec',
    disk_free_mb: 1234, disk_total_mb: 5000 }), { qos: 1, retain: true });
  await gwc.publishAsync('ecc/gw/gw1/evt', JSON.stringify({ type: 'segment', unit: 'bc-31', stream: `s${s.json.id}`,
    path: 'bc-31/seg-1.mp4', t0: Date.now() - 2000, t1: Date.now(), bytes: 250000, sha256: 'a'.repeat(64) }), { qos: 1 });
  await waitFor(async () => (await scrape(hub)).value('ecc_recording_bytes') === 250000, { what: 'the segment\'s bytes' });
  assert.equal((await scrape(hub)).value('ecc_disk_free_bytes', { host: 'gateway', gateway: 'gw1' }), 1234 * 1024 * 1024);
  await gwc.endAsync();
});
