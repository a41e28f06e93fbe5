// Live video over WebRTC in headless Chromium: the live page's player asks
// the hub over /ws, the hub relays the signalling to the gateway over MQTT,
// and the gateway's webrtcbin sends the camera's H.264 as it is (no
// transcoding). Every ICE candidate is 127.0.0.1 (the test runs in a
// loopback-only network namespace). The picture is checked from a canvas:
// the right size, moving, and carrying ecc-devsim's burned-in time. Who
// watched goes to the audit log; a role without access gets a refusal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, request, waitFor, cleanup, addUser, wsConnect } from '../lib/harness.mjs';
import { startGateway, waitStream, cameraUnit } from '../lib/media.mjs';
import { launch, loginPage, artifact } from '../lib/browser.mjs';
import { decodeTimecode } from '../lib/timecode.mjs';

const WEBRTC = '[webrtc]\naddresses = 127.0.0.1\n';

// The live page's picture: its state, size, time, and the burned-in clock.
async function frame(page) {
  const got = await page.evaluate(() => {
    const v = document.querySelector('#lv-player video');
    const c = document.createElement('canvas');
    c.width = v.videoWidth;
    c.height = v.videoHeight;
    if (!c.width) return { w: 0 };
    const g = c.getContext('2d');
    g.drawImage(v, 0, 0);
    const px = g.getImageData(0, 0, c.width, c.height).data;
    let lit = 0;
    for (let i = 0; i < px.length; i += 4) lit += px[i] + px[i + 1] + px[i + 2] > 60;
    return { w: c.width, h: c.height, t: v.currentTime, rs: v.readyState, lit: lit / (px.length / 4),
      rgba: Array.from(px), state: window.__eccLive?.state, now: Date.now() };
  });
  if (got.w) got.shown = decodeTimecode(Uint8ClampedArray.from(got.rgba), got.w, got.h);
  delete got.rgba;
  return got;
}

test('Chromium watches a unit live over WebRTC; who watched is audited; others are refused', async (t) => {
  const { hub, dir, token } = await stack(t, 'rtc');
  const gw = await startGateway(hub, dir, { extra: WEBRTC });
  cleanup(t, () => gw.proc.stopClean());
  const { sim, stream } = await cameraUnit(hub, token, dir,
    { id: 'bc-07', name: '执法记录仪7', camera: { width: 640, height: 360, bitrate: 800 } });
  cleanup(t, () => sim.stopClean());
  await waitStream(hub, token, stream.id, 'live', 20000);

  const context = await launch(t);
  const page = await loginPage(context, hub);
  await page.goto(`${hub.url}/live.html?stream=${stream.id}`);
  await page.waitForFunction(() => {
    const v = document.querySelector('#lv-player video');
    return v && v.readyState >= 2 && v.videoWidth > 0;
  }, null, { timeout: 20000 });
  const first = await frame(page);
  assert.equal(first.w, 640, 'the source\'s width');
  assert.equal(first.h, 360);
  assert.ok(first.lit > 0.2, `the picture is not black (${(first.lit * 100).toFixed(0)} % lit)`);
  assert.notEqual(first.shown, null, 'the picture carries the camera\'s time strip');
  // Live: the time advances for 5 s and the picture's clock follows the wall.
  await new Promise((r) => setTimeout(r, 5000));
  const later = await frame(page);
  assert.ok(later.t - first.t >= 4, `currentTime advanced ${later.t - first.t} s in 5 s`);
  assert.ok(later.shown - first.shown >= 4000, `the burned-in clock moved ${later.shown - first.shown} ms`);
  assert.equal(later.state, 'live');
  t.diagnostic(`picture is ${later.now - later.shown} ms behind the wall clock (camera to canvas, one machine)`);
  await page.screenshot({ path: artifact('webrtc-live.png') });

  // Who watched, in the audit log.
  const audit = async () => (await request(hub, 'GET', '/api/v1/audit?limit=200', { token })).json.entries;
  const start = (await audit()).find((e) => e.action === 'view.start' && e.target === `stream:${stream.id}`);
  assert.ok(start, 'view.start audited');
  assert.equal(start.actor, 'admin');
  await page.close();
  await waitFor(async () => (await audit()).some((e) => e.action === 'view.end' && e.actor === 'admin'),
    { timeout: 20000, what: 'view.end audited when the page closes' });

  // An officer of another team, and a judge, get a refusal and no offer.
  for (const [name, role, extra] of [['li4', 'officer', { team: '二队' }], ['judge1', 'judge', {}]]) {
    const tok = await addUser(hub, token, name, role, extra);
    const ws = await wsConnect(hub, tok);
    ws.send({ type: 'watch', stream: stream.id, ref: 'x' });
    const err = await ws.next((m) => m.type === 'error' && m.ref === 'x');
    assert.equal(err.code, 'forbidden', `${role}: ${JSON.stringify(err)}`);
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!ws.messages.some((m) => m.type === 'offer' || m.type === 'watching'), `${role} got no offer`);
    ws.close();
    assert.ok((await audit()).some((e) => e.action === 'view.start' && e.actor === name && e.result === 'denied'));
  }
  // Bad requests get clear errors.
  const ws = await wsConnect(hub, token);
  ws.send({ type: 'watch', stream: 999999, ref: 'y' });
  assert.equal((await ws.next((m) => m.type === 'error' && m.ref === 'y')).code, 'not_found');
  ws.send({ type: 'answer', view: 'vnope', sdp: 'v=0' });
  assert.equal((await ws.next((m) => m.type === 'error' && m.code === 'not_found')).code, 'not_found');
  ws.close();
});
