// The live player's fallback: where WebRTC cannot connect, the same player
// plays the same ingest as fragmented MP4 relayed by the hub (gateway ->
// MQTT -> hub -> the page's WebSocket -> MSE). WebRTC is made unable to
// connect, as behind a firewall that passes only the hub's HTTP: Chromium
// keeps WebRTC off UDP (--force-webrtc-ip-handling-policy=
// disable_non_proxied_udp, no proxy: it offers no candidate of its own) and
// the page drops the gateway's candidates (addIceCandidate does nothing), so
// ICE has no pair to try. The picture must come
// anyway: the source's size, moving, carrying the camera's clock, with its
// sound, and the view audited as fmp4. A page where the browser has no
// WebRTC at all goes straight to the fallback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, request, waitFor, cleanup } from '../lib/harness.mjs';
import { startGateway, waitStream, cameraUnit } from '../lib/media.mjs';
import { launch, loginPage, artifact, liveFrame } from '../lib/browser.mjs';

async function frame(page) {
  const got = await liveFrame(page, { tries: 20 });
  if (got.shown === null) throw new Error('no readable frame on the live page');
  return got;
}

async function playsFallback(t, page, hub, id, what) {
  const asked = Date.now();
  await page.goto(`${hub.url}/live.html?stream=${id}`);
  await page.waitForFunction(() => {
    const v = document.querySelector('#lv-player video');
    return v && v.readyState >= 2 && v.videoWidth > 0 && window.__eccLive?.state === 'live';
  }, null, { timeout: 30000 }).catch(async (e) => {
    await page.screenshot({ path: artifact(`fallback-${what}-failed.png`) });
    throw new Error(`${what}: no picture (${e.message}); the player says: `
      + `${await page.evaluate(() => `${window.__eccLive?.mode} ${window.__eccLive?.state}: ${window.__eccLive?.lastError}`)}`);
  });
  t.diagnostic(`${what}: picture ${Date.now() - asked} ms after opening the page`);
  const first = await frame(page);
  await page.screenshot({ path: artifact(`fallback-${what}.png`) });
  assert.equal(first.mode, 'fmp4', `${what}: the player fell back`);
  assert.equal(first.w, 640, `${what}: the source's width`);
  assert.equal(first.h, 360);
  assert.ok(first.lit > 0.2, `${what}: the picture is not black`);
  await new Promise((r) => setTimeout(r, 5000));
  const later = await frame(page);
  assert.ok(later.t - first.t >= 4, `${what}: currentTime advanced ${later.t - first.t} s in 5 s`);
  assert.ok(later.shown - first.shown >= 4000, `${what}: the burned-in clock moved ${later.shown - first.shown} ms`);
  assert.equal(later.state, 'live');
  assert.ok(later.audio > first.audio, `${what}: sound is decoded (${first.audio} -> ${later.audio} bytes)`);
  assert.match(await page.textContent('#lv-player .live-state'), /兼容模式/);
  const behind = later.now - later.shown;
  t.diagnostic(`${what}: picture ${behind} ms behind the wall clock (camera to canvas, one machine)`);
  assert.ok(behind < 3000, `${what}: live, not replayed (${behind} ms behind)`);
}

test('where WebRTC cannot connect the player plays fMP4 relayed by the hub; audited as such', async (t) => {
  const { hub, dir, token } = await stack(t, 'fallback');
  const gw = await startGateway(hub, dir, { extra: '[webrtc]\naddresses = 127.0.0.1\n' });
  cleanup(t, () => gw.proc.stopClean());
  const { sim, stream } = await cameraUnit(hub, token, dir,
    { id: 'bc-11', name: '执法记录仪11', camera: { width: 640, height: 360, bitrate: 800 } });
  cleanup(t, () => sim.stopClean());
  await waitStream(hub, token, stream.id, 'live', 20000);

  const context = await launch(t, { args: ['--force-webrtc-ip-handling-policy=disable_non_proxied_udp'] });
  await context.addInitScript(() => {
    if (!window.RTCPeerConnection) return;
    const Real = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Real {
      addIceCandidate() { return Promise.resolve(); }
    };
  });
  const page = await loginPage(context, hub);
  await playsFallback(t, page, hub, stream.id, 'no-udp');
  const audit = async () => (await request(hub, 'GET', '/api/v1/audit?limit=200', { token })).json.entries;
  const starts = (await audit()).filter((e) => e.action === 'view.start' && e.target === `stream:${stream.id}`);
  assert.ok(starts.some((e) => JSON.parse(e.detail).mode === 'webrtc'), 'WebRTC was tried first');
  assert.ok(starts.some((e) => JSON.parse(e.detail).mode === 'fmp4'), 'the fallback view is audited');

  // A browser without WebRTC at all: the fallback at once.
  const page2 = await context.newPage();
  await page2.addInitScript(() => { delete window.RTCPeerConnection; });
  await playsFallback(t, page2, hub, stream.id, 'no-webrtc');
  await page.close();
  await page2.close();
  await waitFor(async () => (await audit()).filter((e) => e.action === 'view.end'
    && e.target === `stream:${stream.id}` && JSON.parse(e.detail).bytes > 100000).length >= 2,
  { timeout: 20000, what: 'view.end audited with the bytes relayed' });
  const health = await waitFor(async () => {
    const s = (await request(hub, 'GET', '/api/v1/streams', { token })).json.streams.find((x) => x.id === stream.id);
    return s && s.health.viewers === 0 ? s : null;
  }, { timeout: 20000, what: 'the gateway dropped the fallback branches' });
  assert.equal(health.state, 'live');
});

// A player on the fallback tries WebRTC again (here every 3 s) and, once the
// network lets it through, swaps the WebRTC picture in and ends the relayed
// view. WebRTC is "blocked" in this browser by making RTCPeerConnection
// throw until the test lifts it; the recovery uses real WebRTC.
test('a player on the fallback goes back to WebRTC once it connects', async (t) => {
  const { hub, dir, token } = await stack(t, 'fallback-heal');
  const gw = await startGateway(hub, dir, { extra: '[webrtc]\naddresses = 127.0.0.1\n' });
  cleanup(t, () => gw.proc.stopClean());
  const { sim, stream } = await cameraUnit(hub, token, dir,
    { id: 'bc-12', name: '执法记录仪12', camera: { width: 640, height: 360, bitrate: 800 } });
  cleanup(t, () => sim.stopClean());
  await waitStream(hub, token, stream.id, 'live', 20000);

  const context = await launch(t);
  await context.addInitScript(() => {
    const Real = window.RTCPeerConnection;
    window.__eccBlockWebrtc = true;
    window.RTCPeerConnection = class extends Real {
      constructor(...args) {
        if (window.__eccBlockWebrtc) throw new Error('WebRTC blocked by the test');
        super(...args);
      }
    };
  });
  const page = await loginPage(context, hub);
  await page.goto(`${hub.url}/live.html?stream=${stream.id}&probe=3000`);
  await page.waitForFunction(() => window.__eccLive?.mode === 'fmp4' && window.__eccLive?.state === 'live',
    null, { timeout: 30000 });
  // Still blocked: a probe fails and the fallback plays on.
  await page.waitForFunction(() => /blocked/.test(window.__eccLive?.lastProbeError || ''), null, { timeout: 15000 });
  assert.equal(await page.evaluate(() => window.__eccLive.mode), 'fmp4');
  assert.equal(await page.locator('#lv-player .live-probe').count(), 0, 'the failed probe is gone');

  const healed = Date.now();
  await page.evaluate(() => { window.__eccBlockWebrtc = false; });
  await page.waitForFunction(() => window.__eccLive?.mode === 'webrtc' && window.__eccLive?.state === 'live',
    null, { timeout: 30000 }).catch(async (e) => {
    await page.screenshot({ path: artifact('fallback-heal-failed.png') });
    throw new Error(`still on the fallback (${e.message}): `
      + `${await page.evaluate(() => `${window.__eccLive?.mode} ${window.__eccLive?.state}: ${window.__eccLive?.lastProbeError}`)}`);
  });
  t.diagnostic(`back on WebRTC ${Date.now() - healed} ms after the block was lifted`);
  const first = await frame(page);
  assert.equal(first.mode, 'webrtc');
  assert.equal(first.w, 640);
  await new Promise((r) => setTimeout(r, 3000));
  const later = await frame(page);
  assert.ok(later.shown - first.shown >= 2000, `the burned-in clock moved ${later.shown - first.shown} ms`);
  assert.equal(later.state, 'live');
  assert.doesNotMatch(await page.textContent('#lv-player .live-state'), /兼容模式/);
  assert.equal(await page.locator('#lv-player video').count(), 1, 'one video on the tile');
  await page.screenshot({ path: artifact('fallback-healed.png') });

  // The relayed view ended: the gateway holds only the WebRTC viewer.
  const audit = async () => (await request(hub, 'GET', '/api/v1/audit?limit=200', { token })).json.entries;
  await waitFor(async () => (await audit()).some((e) => e.action === 'view.end'
    && e.target === `stream:${stream.id}` && JSON.parse(e.detail).mode === 'fmp4'),
  { timeout: 15000, what: 'the fallback view ended' });
  await waitFor(async () => {
    const s = (await request(hub, 'GET', '/api/v1/streams', { token })).json.streams.find((x) => x.id === stream.id);
    return s && s.health.viewers === 1;
  }, { timeout: 20000, what: 'one viewer left on the gateway' });
  await page.close();
});
