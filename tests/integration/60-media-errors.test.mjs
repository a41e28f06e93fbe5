// Bad input on the media side: URLs the hub refuses, hosts that do not
// answer, sources that speak garbage. Each gets a clear error or an error
// state with retries; the gateway keeps recording its good stream and
// exits cleanly (no sanitizer report) at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import dgram from 'node:dgram';
import crypto from 'node:crypto';
import { stack, addUnit, request, waitFor, freePort, cleanup, sleep } from '../lib/harness.mjs';
import { startGateway, srtSource, waitStream } from '../lib/media.mjs';

// A TCP server that answers every connection with random bytes.
async function garbageTcp(t) {
  const server = net.createServer((c) => {
    c.on('error', () => {});
    const timer = setInterval(() => c.write(crypto.randomBytes(1400)), 20);
    c.on('close', () => clearInterval(timer));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup(t, () => new Promise((resolve) => { server.close(resolve); server.closeAllConnections?.(); }));
  return server.address().port;
}

// Random UDP datagrams at a port (an SRT listener sees no handshake).
function garbageUdp(t, port) {
  const sock = dgram.createSocket('udp4');
  const timer = setInterval(() => sock.send(crypto.randomBytes(1316), port, '127.0.0.1'), 20);
  cleanup(t, () => { clearInterval(timer); sock.close(); });
}

test('bad URLs are refused with a clear error', async (t) => {
  const { hub, token } = await stack(t, 'merr1');
  await addUnit(hub, token, { id: 'bc-01', name: 'bc-01', kind: 'bodycam' });
  const bad = [
    [{ unit: 'bc-01', url: 'http://127.0.0.1/video' }, 400, /url must be/],
    [{ unit: 'bc-01', url: 'file:///etc/passwd' }, 400, /url must be/],
    [{ unit: 'bc-01', url: 'rtsp://127.0.0.1/a b' }, 400, /url must be/],
    [{ unit: 'bc-01', url: `rtsp://127.0.0.1/${'x'.repeat(2000)}` }, 400, /url must be/],
    [{ unit: 'bc-01', url: 'rtsp://127.0.0.1/x', transport: 'quic' }, 400, /transport/],
    [{ unit: 'bc-01', url: 42 }, 400, /unit and url are required/],
    [{ unit: 'no-such-unit', url: 'rtsp://127.0.0.1/x' }, 404, /no such unit/],
  ];
  for (const [body, status, why] of bad) {
    const r = await request(hub, 'POST', '/api/v1/streams', { token, body });
    assert.equal(r.status, status, JSON.stringify(body));
    assert.match(r.json.error.message, why, JSON.stringify(body));
  }
  const raw = await request(hub, 'POST', '/api/v1/streams', { token, raw: '{"unit":"bc-01","url":' });
  assert.equal(raw.status, 400);
  const list = await request(hub, 'GET', '/api/v1/streams', { token });
  assert.deepEqual(list.json.streams, [], 'nothing was added');
  for (const path of ['/api/v1/streams/0', '/api/v1/streams/abc', '/api/v1/streams/999']) {
    const r = await request(hub, 'DELETE', path, { token });
    assert.ok([400, 404].includes(r.status), `${path} ${r.status}`);
  }
});

test('unreachable and garbage sources end in an error state; the gateway goes on', async (t) => {
  const { hub, dir, token } = await stack(t, 'merr2');
  const gw = await startGateway(hub, dir, { segmentSeconds: 3 });
  cleanup(t, () => gw.proc.stopClean());
  const closed = await freePort();   // nothing listens here
  const tcp = await garbageTcp(t);
  const srtGarbage = await freePort();
  const srtGood = await freePort();
  const cases = {
    'rtsp-closed': `rtsp://127.0.0.1:${closed}/live`,
    'rtsp-garbage': `rtsp://127.0.0.1:${tcp}/live`,
    // (no RTMP server fed garbage: librtmp then allocates what the garbage
    // claims, and under ASan its teardown blocks the loop for seconds)
    'rtmp-closed': `rtmp://127.0.0.1:${closed}/live/x`,
    'srt-garbage': `srt://127.0.0.1:${srtGarbage}?mode=listener`,
    'rtsp-nohost': 'rtsp://:0/',
    good: `srt://127.0.0.1:${srtGood}?mode=listener`,
  };
  const ids = {};
  for (const [unit, url] of Object.entries(cases)) {
    await addUnit(hub, token, { id: unit, name: unit, kind: 'bodycam' });
    const r = await request(hub, 'POST', '/api/v1/streams', { token, body: { unit, url } });
    assert.equal(r.status, 201, `${unit}: ${r.text}`);
    ids[unit] = r.json.stream.id;
  }
  garbageUdp(t, srtGarbage);
  const src = srtSource(srtGood);
  cleanup(t, () => src.kill9());
  await waitStream(hub, token, ids.good, 'live');

  // The sources that can fail at once are retried with backoff and say why.
  for (const unit of ['rtsp-closed', 'rtsp-garbage', 'rtmp-closed', 'rtsp-nohost']) {
    let st;
    const s = await waitFor(async () => {
      st = (await request(hub, 'GET', `/api/v1/streams/${ids[unit]}`, { token })).json.stream;
      return st.health?.reconnects >= 2 && st.state !== 'live' && st;
    }, { timeout: 40000, what: `${unit} retried twice` }).catch((e) => {
      throw new Error(`${e.message}: ${JSON.stringify(st)}`);
    });
    assert.equal(typeof s.health.error, 'string', `${unit} names its error`);
    assert.ok(s.health.error.length > 0);
    t.diagnostic(`${unit}: ${s.state}, ${s.health.reconnects} retries, "${s.health.error}"`);
  }
  // An SRT listener fed garbage never goes live.
  await sleep(3000);
  const sg = (await request(hub, 'GET', `/api/v1/streams/${ids['srt-garbage']}`, { token })).json.stream;
  assert.notEqual(sg.state, 'live');
  t.diagnostic(`srt-garbage: ${sg.state}`);

  // Meanwhile the good stream was never disturbed and kept recording.
  const good = (await request(hub, 'GET', `/api/v1/streams/${ids.good}`, { token })).json.stream;
  const goodLog = () => `${JSON.stringify(good.health)}\n` +
    gw.proc.out.split('\n').filter((l) => l.includes(`stream=s${ids.good}:`)).join('\n') +
    `\nsource: ${src.out.slice(-2000)}`;
  assert.equal(good.state, 'live', goodLog());
  // A reconnect is allowed only when the encoder itself dropped its call
  // (a loaded machine can starve the caller's SRT thread): then it says so.
  if (good.health.reconnects !== 0) {
    assert.match(src.out, /ERROR|error/, `the gateway dropped a healthy source: ${goodLog()}`);
    t.diagnostic(`the source dropped its call: ${goodLog()}`);
  }
  await waitFor(async () => {
    const r = await request(hub, 'GET', `/api/v1/units/good/recordings?from=0&to=${Date.now() + 60000}`, { token });
    return r.json.segments.length >= 1;
  }, { timeout: 20000, what: 'a segment of the good stream' });

  // Deleting the failing streams stops their retries.
  for (const unit of ['rtsp-closed', 'rtsp-garbage', 'rtmp-closed', 'srt-garbage', 'rtsp-nohost']) {
    const r = await request(hub, 'DELETE', `/api/v1/streams/${ids[unit]}`, { token });
    assert.equal(r.status, 200);
  }
  await waitFor(async () => (await request(hub, 'GET', '/api/v1/streams', { token })).json.streams.length === 1,
    { what: 'only the good stream left' });
  gw.proc.assertClean();
});
