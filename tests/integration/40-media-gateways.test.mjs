// Several gateways: streams go to the least-loaded live one; when a gateway
// dies its streams continue on another within 10 s, and what it recorded
// stays playable through the hub.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, addUnit, request, waitFor, freePort, cleanup } from '../lib/harness.mjs';
import { startGateway, srtSource, waitStream, segments } from '../lib/media.mjs';

test('streams are re-homed when their gateway dies', async (t) => {
  const { hub, dir, token } = await stack(t, 'mgws');
  const gws = {};
  for (const id of ['gwa', 'gwb']) {
    gws[id] = await startGateway(hub, dir, { id, segmentSeconds: 3 });
    // The gateway this test kills only has its output checked.
    cleanup(t, () => (gws[id].killed ? gws[id].proc.assertClean() : gws[id].proc.stopClean()));
  }
  await waitFor(async () => (await request(hub, 'GET', '/api/v1/gateways', { token })).json.gateways
    .filter((g) => g.online).length === 2, { what: 'two gateways online' });
  const streams = [];
  for (const unit of ['dr-01', 'dr-02']) {
    await addUnit(hub, token, { id: unit, name: unit, kind: 'drone' });
    const port = await freePort();
    const r = await request(hub, 'POST', '/api/v1/streams',
      { token, body: { unit, url: `srt://127.0.0.1:${port}?mode=listener` } });
    assert.equal(r.status, 201);
    const src = srtSource(port);
    cleanup(t, () => src.kill9());
    streams.push(r.json.stream);
  }
  const live = await Promise.all(streams.map((s) => waitStream(hub, token, s.id, 'live')));
  assert.notEqual(live[0].gateway, live[1].gateway, 'one stream on each gateway');

  // Kill the gateway of the first stream; its recording so far stays playable.
  const victim = live[0].gateway, survivor = live[1].gateway;
  await waitFor(async () => (await segments(hub, token, 'dr-01')).length >= 1, { timeout: 20000, what: 'a segment' });
  const killed = Date.now();
  gws[victim].killed = true;
  await gws[victim].proc.kill9();
  let seen;
  const moved = await waitFor(async () => {
    seen = (await request(hub, 'GET', `/api/v1/streams/${streams[0].id}`, { token })).json.stream;
    return seen.gateway === survivor && seen.state === 'live' && seen;
  }, { timeout: 15000, what: 'the stream live on the other gateway' }).catch((e) => {
    throw new Error(`${e.message}\nstream: ${JSON.stringify(seen)}\n${survivor}: ${gws[survivor].proc.out.slice(-3000)}`);
  });
  const took = Date.now() - killed;
  t.diagnostic(`stream ${moved.id} live again on ${survivor} ${took} ms after ${victim} was killed`);
  assert.ok(took < 10000, `re-homed in ${took} ms`);
  // The other stream was not disturbed.
  const other = (await request(hub, 'GET', `/api/v1/streams/${streams[1].id}`, { token })).json.stream;
  assert.equal(other.gateway, survivor);
  assert.equal(other.health.reconnects, 0);
  // Segments from both gateways play through the hub.
  const segs = await waitFor(async () => {
    const s = await segments(hub, token, 'dr-01');
    return new Set(s.map((x) => x.gateway)).size === 2 && s;
  }, { timeout: 20000, what: 'segments from both gateways' });
  for (const s of segs) {
    const f = await request(hub, 'GET', `/api/v1/recordings/${s.id}/file`, { token, headers: { range: 'bytes=0-1023' } });
    assert.equal(f.status, 206, `${s.gateway} ${s.path}`);
  }
  const g = (await request(hub, 'GET', '/api/v1/gateways', { token })).json.gateways;
  assert.equal(g.find((x) => x.id === victim).online, false);
});
