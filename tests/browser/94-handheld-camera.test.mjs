// The handheld page's body camera (issue 10, part 5): the officer presses
// "开始执法记录" on /m/ and the phone publishes its camera and microphone
// over WebRTC (wallboard/js/media/publisher.js) to the gateway, which records it
// as the officer's unit's stream in crash-safe segments (read back by
// ffprobe: H.264 and Opus) and serves it live to the wall like any camera
// (a video wall tile, the live page, and the fallback).
// The publisher's connection is then cut under it: it publishes again by
// itself, the recording resumes in a new segment after the gap, and the
// wall's player plays again. Start and end are audited with the user; a
// user who carries no unit is refused. Every candidate is 127.0.0.1 (the
// test runs in a loopback-only network namespace, DESIGN.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { stack, request, waitFor, cleanup, addUser, addUnit, wsConnect } from '../lib/harness.mjs';
import { startGateway, waitStream, segments, ffprobe } from '../lib/media.mjs';
import { launch, loginPage, artifact } from '../lib/browser.mjs';
import { openHandheld, START } from '../lib/handheld.mjs';

const WEBRTC = '[webrtc]\naddresses = 127.0.0.1\n';
const FAKE_CAMERA = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];
const PASSWORD = 'Test-Pass-2025!'; // harness.mjs addUser's

// The wall's live page: its player's state, picture size and time.
const wallFrame = (page) => page.evaluate(() => {
  const v = document.querySelector('#lv-player video');
  return { state: window.__eccLive?.state, w: v?.videoWidth || 0, t: v?.currentTime || 0, ready: v?.readyState || 0 };
});

async function wallPlays(page, what) {
  await page.waitForFunction(() => {
    const v = document.querySelector('#lv-player video');
    return v && v.readyState >= 2 && v.videoWidth > 0 && window.__eccLive?.state === 'live';
  }, null, { timeout: 30000 }).catch(async (e) => {
    throw new Error(`${what}: the wall shows no picture (${e.message}); player: `
      + `${await page.evaluate(() => `${window.__eccLive?.state}: ${window.__eccLive?.lastError}`)}`);
  });
  const a = await wallFrame(page);
  await new Promise((r) => setTimeout(r, 3000));
  const b = await wallFrame(page);
  assert.ok(b.t - a.t >= 2, `${what}: the wall's video plays (${(b.t - a.t).toFixed(2)} s in 3 s)`);
  return b;
}

test('a phone publishes its camera: recorded as its unit, live on the wall, reconnects by itself into a new segment', async (t) => {
  const { hub, dir, token } = await stack(t, 'publish');
  const gw = await startGateway(hub, dir, { extra: WEBRTC, segmentSeconds: 2 });
  cleanup(t, () => gw.proc.stopClean());
  await addUnit(hub, token, { id: 'hh-03', name: '单兵3', kind: 'handheld' });
  await addUser(hub, token, 'zhao6', 'officer', { unit: 'hh-03', team: '一队' });

  // A user who carries no unit has no camera to publish.
  const admin = await wsConnect(hub, token);
  admin.send({ type: 'publish' });
  const refused = await admin.next((m) => m.type === 'error');
  assert.equal(refused.error.code, 'forbidden');
  admin.close();

  // The officer's phone: the handheld page's "开始执法记录" button.
  const phone = await launch(t, { args: FAKE_CAMERA, mobile: true, geolocation: START });
  const { page } = await openHandheld(t, hub, { username: 'zhao6', password: PASSWORD, context: phone });
  assert.equal(await page.textContent('#cam-state'), '未在记录');
  await page.click('#cam-start');
  await page.waitForFunction(() => window.__hh.camera.pub);
  await page.evaluate(() => {
    const pub = window.__hh.camera.pub;
    window.__pub = pub;
    window.__pubStates = [pub.state];
    pub.addEventListener('state', (e) => window.__pubStates.push(e.detail.state));
    pub.addEventListener('error', (e) => window.__pubStates.push(`error ${e.detail.code}: ${e.detail.message}`));
  });
  await page.waitForFunction(() => window.__pub.state === 'live', null, { timeout: 20000 }).catch(async (e) => {
    throw new Error(`the publisher is not live (${e.message}): ${await page.evaluate(() => JSON.stringify(window.__pubStates))}`);
  });
  const { stream: sid, session: first } = await page.evaluate(() => ({ stream: window.__pub.stream, session: window.__pub.session }));
  // the page says it records, and shows what the camera sees
  await page.waitForFunction(() => document.getElementById('cam-state').dataset.state === 'live'
    && document.getElementById('cam-preview').videoWidth > 0);
  assert.equal(await page.textContent('#cam-start'), '停止执法记录');
  await page.screenshot({ path: artifact('handheld-camera-phone.png') });
  const stream = await waitStream(hub, token, sid, 'live', 20000);
  assert.equal(stream.unit, 'hh-03');
  assert.equal(stream.url, 'webrtc:');
  assert.equal(stream.source, 'publish');
  await waitFor(async () => {
    const h = (await request(hub, 'GET', `/api/v1/streams/${sid}`, { token })).json.stream.health;
    return h.vcodec === 'h264' && h.acodec === 'opus' && h.width > 0;
  }, { timeout: 10000, what: 'the gateway takes H.264 and Opus from the phone' });
  // only loopback candidates went to the phone
  const sent = await page.evaluate(async () => {
    const r = await window.__pub.pc.getStats();
    let out = null;
    r.forEach((x) => { if (x.type === 'outbound-rtp' && x.kind === 'video') out = x; });
    const pair = [...r.values()].find((x) => x.type === 'candidate-pair' && x.nominated);
    return { frames: out?.framesEncoded || 0, remote: pair && r.get(pair.remoteCandidateId)?.address };
  });
  assert.ok(sent.frames > 0, 'the phone encodes its camera');
  assert.equal(sent.remote, '127.0.0.1');

  // The wall (an admin, in another browser) plays the unit's stream live.
  const wall = await launch(t);
  const wallPage = await loginPage(wall, hub);
  // On the wallboard's video wall, in a tile like any camera.
  await wallPage.waitForSelector('.wall-tile .live-player[data-state="live"]', { timeout: 30000 });
  assert.equal(await wallPage.textContent('.wall-tile .wall-caption'), '单兵3');
  await wallPage.goto(`${hub.url}/live.html?stream=${sid}`);
  const shown = await wallPlays(wallPage, 'published camera');
  assert.ok(shown.w >= 160, `the picture has its width (${shown.w})`);
  await wallPage.screenshot({ path: artifact('handheld-camera-wall.png') });
  // The fallback (fMP4 through the hub into MSE, H.264 and Opus) plays it too.
  const fallback = await wall.newPage();
  await fallback.goto(`${hub.url}/live.html?stream=${sid}&mode=fmp4`);
  await wallPlays(fallback, 'published camera, fallback');
  await fallback.close();

  // Recorded as the unit's stream: segments ffprobe reads, H.264 and Opus.
  const segs = await waitFor(async () => {
    const s = (await segments(hub, token, 'hh-03')).filter((x) => !x.cut_short);
    return s.length >= 2 && s;
  }, { timeout: 20000, what: 'two closed segments of hh-03' });
  const probe = await ffprobe(path.join(gw.recordings, segs[0].path));
  const video = probe.streams.find((s) => s.codec_type === 'video');
  const audio = probe.streams.find((s) => s.codec_type === 'audio');
  assert.equal(video?.codec_name, 'h264', JSON.stringify(probe));
  assert.ok(video.width > 0);
  assert.equal(audio?.codec_name, 'opus', JSON.stringify(probe));
  assert.ok(Number(probe.format.duration) > 1, `a segment of ${probe.format.duration} s`);

  // The phone's connection breaks: it publishes again by itself, and the
  // recording resumes in a new segment after the gap.
  const cutAt = Date.now();
  await page.evaluate(() => { window.__pubStates.length = 0; window.__pub.pc.close(); });
  await page.waitForFunction(() => window.__pub.state === 'live' && window.__pubStates.includes('reconnecting'),
    null, { timeout: 30000 }).catch(async (e) => {
    throw new Error(`the publisher did not come back (${e.message}): ${await page.evaluate(() => JSON.stringify(window.__pubStates))}`);
  });
  const second = await page.evaluate(() => window.__pub.session);
  assert.notEqual(second, first, 'a new session');
  const resumed = await waitFor(async () => (await segments(hub, token, 'hh-03'))
    .find((x) => !x.cut_short && x.t0 > cutAt), { timeout: 30000, what: 'a segment recorded after the reconnect' });
  const before = (await segments(hub, token, 'hh-03')).filter((x) => x.t1 <= resumed.t0);
  assert.ok(before.length >= 2, 'the segments before the break are kept');
  const gap = resumed.t0 - Math.max(...before.map((x) => x.t1));
  t.diagnostic(`the recording's gap across the reconnect: ${gap} ms`);
  assert.ok(gap >= 0, 'the new segment starts after the old one ended');
  // the unit's timeline (the wall's playback) shows the gap, when there is
  // one to show: it marks breaks over 2 s (GAP_MS in recordings.c), and a
  // reconnect can be quicker than that (49 ms once)
  const tl = (await request(hub, 'GET', `/api/v1/units/hh-03/recordings?from=0&to=${resumed.t1}`, { token })).json;
  const gapShown = tl.gaps.some((g) => g.from <= resumed.t0 && g.to >= resumed.t0 && g.from >= cutAt - 3000);
  assert.equal(gapShown, gap > 2000, `the timeline shows the gap of ${gap} ms if over 2 s (${JSON.stringify(tl.gaps)})`);
  const probe2 = await ffprobe(path.join(gw.recordings, resumed.path));
  assert.ok(probe2.streams.some((s) => s.codec_type === 'video' && s.codec_name === 'h264'));
  // and the wall plays again
  await wallPlays(wallPage, 'after the reconnect');

  // Audited: who published, when it ended.
  const audit = (await request(hub, 'GET', '/api/v1/audit?limit=200', { token })).json.entries;
  const starts = audit.filter((e) => e.action === 'publish.start' && e.target === `stream:${sid}`);
  assert.ok(starts.length >= 2, `publish.start for both sessions (${starts.length})`);
  assert.ok(starts.every((e) => e.actor === 'zhao6'));
  assert.ok(audit.some((e) => e.action === 'publish.end' && e.actor === 'zhao6'
    && JSON.parse(e.detail).session === first), 'the first session\'s end is audited');

  // The officer stops: the session ends on purpose, the stream waits.
  await page.click('#cam-start');
  assert.equal(await page.textContent('#cam-state'), '未在记录');
  assert.equal(await page.evaluate(() => window.__pub.state), 'stopped');
  await waitFor(async () => (await request(hub, 'GET', '/api/v1/audit?limit=200', { token })).json.entries
    .some((e) => e.action === 'publish.end' && JSON.parse(e.detail).reason === 'stopped by the officer'),
  { timeout: 10000, what: 'the stop audited' });
  await waitStream(hub, token, sid, 'waiting', 15000);
});
