// Live video over WebRTC in headless Chromium: the live page's player asks
// the hub over /ws, the hub relays the signalling to the gateway over MQTT,
// and the gateway's webrtcbin sends the camera's H.264 as it is (no
// transcoding; an H.265 camera is transcoded once while watched). Every ICE
// candidate is 127.0.0.1 (the test runs in a loopback-only network
// namespace). The picture is checked from a canvas: the right size, moving,
// and carrying ecc-devsim's burned-in time. Two viewers of one stream: one
// leaves, the other plays on, the recording has no gap. Who watched goes to
// the audit log; a role without access gets a refusal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { stack, request, waitFor, cleanup, addUser, wsConnect, mosquittoPub } from '../lib/harness.mjs';
import { startGateway, waitStream, cameraUnit, segments } from '../lib/media.mjs';
import { launch, loginPage, artifact, liveFrame } from '../lib/browser.mjs';

const WEBRTC = '[webrtc]\naddresses = 127.0.0.1\n';

const frame = (page) => liveFrame(page);

// Opens the live page of a stream and checks the picture: 640x360, not
// black, carrying the camera's clock, moving for 5 s.
async function watchLive(t, page, hub, id, what) {
  await page.goto(`${hub.url}/live.html?stream=${id}`);
  await page.waitForFunction(() => {
    const v = document.querySelector('#lv-player video');
    return v && v.readyState >= 2 && v.videoWidth > 0;
  }, null, { timeout: 20000 }).catch(async (e) => {
    throw new Error(`${what}: no picture (${e.message}); the player says: `
      + `${await page.evaluate(() => `${window.__eccLive?.state}: ${window.__eccLive?.lastError}`)}`);
  });
  const first = await frame(page);
  await page.screenshot({ path: artifact(`webrtc-live-${what.replace(/[^A-Za-z0-9]+/g, '-')}.png`) });
  assert.equal(first.w, 640, `${what}: the source's width`);
  assert.equal(first.h, 360);
  assert.ok(first.lit > 0.2, `${what}: the picture is not black (${(first.lit * 100).toFixed(0)} % lit)`);
  assert.notEqual(first.shown, null, `${what}: the picture carries the camera's time strip`);
  await new Promise((r) => setTimeout(r, 5000));
  const later = await frame(page);
  assert.ok(later.t - first.t >= 4, `${what}: currentTime advanced ${later.t - first.t} s in 5 s`);
  assert.ok(later.shown - first.shown >= 4000, `${what}: the burned-in clock moved ${later.shown - first.shown} ms`);
  assert.equal(later.state, 'live');
  // The camera's tone arrives as Opus.
  const audio = await page.evaluate(async () => {
    const r = await window.__eccLive.pc.getStats();
    let a = null;
    r.forEach((x) => { if (x.type === 'inbound-rtp' && x.kind === 'audio') a = x; });
    return a && { packets: a.packetsReceived, codec: a.codecId ? r.get(a.codecId)?.mimeType : null };
  });
  assert.ok(audio && audio.packets > 100, `${what}: sound arrives (${JSON.stringify(audio)})`);
  assert.equal(audio.codec?.toLowerCase(), 'audio/opus');
  t.diagnostic(`${what}: picture ${later.now - later.shown} ms behind the wall clock (camera to canvas, one machine)`);
}

test('Chromium watches H.264 and H.265 units live over WebRTC; two viewers; who watched is audited; others are refused', async (t) => {
  // A configured STUN/TURN pair goes to the browsers; nothing answers on
  // it here, and viewing on the LAN (loopback) must not suffer from that.
  const { hub, dir, token } = await stack(t, 'rtc', { webrtc: { stun: 'stun:127.0.0.1:3478',
    turn: 'turn:127.0.0.1:3478', turn_username: 'ecc', turn_password: 'relay-pw' } });
  const gw = await startGateway(hub, dir, { extra: WEBRTC, segmentSeconds: 2 });
  cleanup(t, () => gw.proc.stopClean());
  const { sim, stream } = await cameraUnit(hub, token, dir,
    { id: 'bc-07', name: '执法记录仪7', camera: { width: 640, height: 360, bitrate: 800 } });
  cleanup(t, () => sim.stopClean());
  await waitStream(hub, token, stream.id, 'live', 20000);

  const context = await launch(t);
  const page = await loginPage(context, hub);
  // The wallboard's video wall plays the live camera in a tile; an SOS from
  // the unit marks its tile.
  await page.waitForSelector('.wall-tile .live-player[data-state="live"]', { timeout: 20000 }).catch(async (e) => {
    await page.screenshot({ path: artifact('webrtc-wall-failed.png') });
    throw new Error(`${e.message}: wall ${await page.evaluate(() => document.getElementById('video-wall')?.outerHTML.slice(0, 600))}; errors ${page.errors}`);
  });
  assert.equal(await page.textContent('.wall-tile .wall-caption'), '执法记录仪7');
  const creds = JSON.parse(fs.readFileSync(path.join(dir, 'units-bc-07.json'), 'utf8'))[0];
  await mosquittoPub(hub.broker, { username: creds.username, password: creds.password,
    topic: 'ecc/unit/bc-07/event', message: JSON.stringify({ ts: Date.now(), kind: 'sos' }) });
  await page.waitForSelector('.wall-tile.wall-alert', { timeout: 10000 });
  await page.screenshot({ path: artifact('webrtc-wall.png') });
  await watchLive(t, page, hub, stream.id, 'H.264');

  // A second viewer of the same stream; the first leaves, the second keeps
  // playing, and the recording goes on without a gap.
  const page2 = await context.newPage();
  await watchLive(t, page2, hub, stream.id, 'H.264, second viewer');
  // Who watched, in the audit log.
  const audit = async () => (await request(hub, 'GET', '/api/v1/audit?limit=200', { token })).json.entries;
  const start = (await audit()).find((e) => e.action === 'view.start' && e.target === `stream:${stream.id}`);
  assert.ok(start, 'view.start audited');
  assert.equal(start.actor, 'admin');
  await page.close();
  await waitFor(async () => (await audit()).some((e) => e.action === 'view.end' && e.actor === 'admin'),
    { timeout: 20000, what: 'view.end audited when the page closes' });
  const before = await frame(page2);
  await new Promise((r) => setTimeout(r, 3000));
  const after = await frame(page2);
  assert.ok(after.t - before.t >= 2.5, `the other viewer played on (${after.t - before.t} s in 3 s)`);
  assert.equal(after.state, 'live');
  const segs = (await segments(hub, token, 'bc-07')).filter((x) => !x.cut_short);
  assert.ok(segs.length >= 3, `${segs.length} segments recorded while watched`);
  for (let i = 1; i < segs.length; i++) {
    const gap = segs[i].t0 - segs[i - 1].t1;
    // a gap comes with the gateway's account of its recorder
    const why = () => {
      const lines = gw.proc.out.split('\n');
      // the stuck muxer's report first (it names what each input holds),
      // then the recorder's last words
      return [...lines.filter((l) => /muxer is stuck|recording stopped|cut short|WARNING|CRITICAL|ERROR/.test(l)),
        '...', ...lines.filter((l) => /ecc-gw-record/.test(l)).slice(-10)].join('\n');
    };
    assert.ok(Math.abs(gap) < 200, `no gap between segments ${i - 1} and ${i}: ${gap} ms`
      + (Math.abs(gap) < 200 ? '' : `\n${JSON.stringify(segs)}\n${why()}`));
  }
  await page2.close();

  // An H.265 camera: Chromium decodes no H.265 over WebRTC, so the gateway
  // transcodes it to H.264 once while someone watches.
  const h265 = await cameraUnit(hub, token, dir,
    { id: 'hh-08', name: '单兵8', kind: 'handheld', camera: { width: 640, height: 360, bitrate: 800, codec: 'h265' } });
  cleanup(t, () => h265.sim.stopClean());
  await waitStream(hub, token, h265.stream.id, 'live', 20000);
  const page3 = await context.newPage();
  await watchLive(t, page3, hub, h265.stream.id, 'H.265 transcoded');
  await page3.close();

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
  // Bad requests get clear errors; a good one gets the ICE servers.
  const ws = await wsConnect(hub, token);
  ws.send({ type: 'watch', stream: stream.id, ref: 'z' });
  const watching = await ws.next((m) => m.type === 'watching' && m.ref === 'z');
  assert.deepEqual(watching.ice_servers, [{ urls: 'stun:127.0.0.1:3478' },
    { urls: 'turn:127.0.0.1:3478', username: 'ecc', credential: 'relay-pw' }]);
  await ws.next((m) => m.type === 'offer' && m.view === watching.view, 10000);
  ws.send({ type: 'unwatch', view: watching.view });
  await ws.next((m) => m.type === 'view_end' && m.view === watching.view);
  ws.send({ type: 'watch', stream: 999999, ref: 'y' });
  assert.equal((await ws.next((m) => m.type === 'error' && m.ref === 'y')).code, 'not_found');
  ws.send({ type: 'answer', view: 'vnope', sdp: 'v=0' });
  assert.equal((await ws.next((m) => m.type === 'error' && m.code === 'not_found')).code, 'not_found');
  ws.close();
});
