// A viewer joining between key frames of a source that cannot be asked for
// one (a drone pushing SRT: no back channel) starts from the gateway's
// cached GOP, not at the next key frame. The drone here sends a key frame
// every 20 s; the page is opened when the cache holds 3 to 8 s of the
// current GOP, so the next key frame is at least 12 s away: a picture
// before then can only come from the cache. The cached frames go to the
// browser in a burst (stamped a millisecond apart), so the viewer is live,
// not a GOP behind. The same for the fallback path (fMP4 into MSE).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { stack, addUnit, request, waitFor, freePort, cleanup, Proc, BIN, SLOW_UNWIND } from '../lib/harness.mjs';
import { startGateway, waitStream } from '../lib/media.mjs';
import { launch, loginPage, artifact, liveFrame } from '../lib/browser.mjs';

const GOP_S = 20;

async function gopNow(hub, token, id) {
  return (await request(hub, 'GET', `/api/v1/streams/${id}`, { token })).json.stream.health.gop;
}

// Waits until the cache holds 3 to 8 s; returns the ms it held then.
async function midGop(hub, token, id) {
  return waitFor(async () => {
    const g = await gopNow(hub, token, id);
    return g && g.ms >= 3000 && g.ms <= 8000 && g.ms;
  }, { timeout: 2 * GOP_S * 1000, interval: 100, what: 'the cache 3-8 s into a GOP' });
}

async function joins(t, page, hub, token, stream, mode) {
  const held = await midGop(hub, token, stream.id);
  const asked = Date.now();
  // the next key frame comes GOP_S - held ms after the cache's first
  const keyIn = GOP_S * 1000 - held;
  await page.goto(`${hub.url}/live.html?stream=${stream.id}${mode === 'fmp4' ? '&mode=fmp4' : ''}`);
  await page.waitForFunction(() => {
    const v = document.querySelector('#lv-player video');
    return v && v.readyState >= 2 && v.videoWidth > 0 && window.__eccLive?.state === 'live';
  }, null, { timeout: Math.max(keyIn - 1000 - (Date.now() - asked), 1) }).catch(async (e) => {
    await page.screenshot({ path: artifact(`webrtc-join-${mode}-failed.png`) });
    throw new Error(`${mode}: no picture before the next key frame (${e.message}); the player says: `
      + `${await page.evaluate(() => `${window.__eccLive?.mode} ${window.__eccLive?.state}: ${window.__eccLive?.lastError}`)}`);
  });
  const pictureAt = Date.now() - asked;
  assert.ok(pictureAt < keyIn, `${mode}: a picture ${pictureAt} ms after asking, before the next key frame (${keyIn} ms)`);
  const first = await liveFrame(page, { tries: 20 });
  t.diagnostic(`${mode}: the cache held ${held} ms; picture ${pictureAt} ms after opening the page, `
    + `the next key frame was ${keyIn} ms away`);
  assert.equal(first.mode, mode);
  assert.equal(first.w, 640);
  assert.notEqual(first.shown, null, `${mode}: the picture carries the camera's time strip`);
  await new Promise((r) => setTimeout(r, 3000));
  const later = await liveFrame(page, { tries: 20 });
  assert.ok(later.shown - first.shown >= 2000, `${mode}: the picture moves (${later.shown - first.shown} ms in 3 s)`);
  const behind = later.now - later.shown;
  t.diagnostic(`${mode}: ${behind} ms behind the camera after the burst`);
  // Replayed at its own pace the cache would leave the viewer 3-8 s behind.
  assert.ok(behind < 2500, `${mode}: live, not a GOP behind (${behind} ms)`);
  await page.screenshot({ path: artifact(`webrtc-join-${mode}.png`) });
}

test('a viewer joining between key frames of an SRT drone starts from the cached GOP', async (t) => {
  const { hub, dir, token } = await stack(t, 'join');
  const gw = await startGateway(hub, dir, { extra: '[webrtc]\naddresses = 127.0.0.1\n' });
  cleanup(t, () => gw.proc.stopClean());
  const r = await addUnit(hub, token, { id: 'dr-21', name: '无人机21', kind: 'drone' });
  const file = path.join(dir, 'units.json');
  fs.writeFileSync(file, JSON.stringify([{ id: 'dr-21', kind: 'drone', name: '无人机21',
    username: r.mqtt.username, password: r.mqtt.password,
    camera: { width: 640, height: 360, bitrate: 600, transport: 'srt', gop: GOP_S } }]));
  const sim = new Proc('ecc-devsim', BIN.devsim, ['--units', file, '--mqtt-port', String(hub.broker.port),
    '--events-every', '0', '--rtsp-port', String(await freePort()),
    '--srt-target', `srt://127.0.0.1:${await freePort()}`], { env: SLOW_UNWIND });
  cleanup(t, () => sim.stopClean());
  const stream = await waitFor(async () => (await request(hub, 'GET', '/api/v1/streams', { token }))
    .json.streams.find((s) => s.unit === 'dr-21'), { timeout: 15000, what: 'the drone announces its stream' });
  await waitStream(hub, token, stream.id, 'live', 30000);

  const context = await launch(t);
  const page = await loginPage(context, hub);
  await joins(t, page, hub, token, stream, 'webrtc');
  const page2 = await context.newPage();
  await joins(t, page2, hub, token, stream, 'fmp4');
  await page.close();
  await page2.close();
});
