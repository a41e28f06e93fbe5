// Track replay with its recordings: a unit with a camera records (a real
// gateway, ecc-devsim's camera with its burned-in clock); on the wallboard
// the replay's slider shows the recorded frame of the slider's moment (the
// clock read back from the picture moves as the slider does), a moment
// without a recording says so, and playing at 5x plays the video along at
// 5x, in step with the slider. At both resolutions, with screenshots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, waitFor, cleanup } from '../lib/harness.mjs';
import { startGateway, waitStream, segments, cameraUnit } from '../lib/media.mjs';
import { launch, loginPage, artifact } from '../lib/browser.mjs';
import { decodeTimecode } from '../lib/timecode.mjs';

test('track replay plays the recorded video in step with the slider', async (t) => {
  const { hub, dir, token } = await stack(t, 'replayvideo');
  const gw = await startGateway(hub, dir, { segmentSeconds: 2 });
  cleanup(t, () => gw.proc.stopClean());
  const { sim, stream } = await cameraUnit(hub, token, dir,
    { id: 'bc-75', name: '执法记录仪75', camera: { width: 640, height: 360, bitrate: 600 } });
  cleanup(t, () => sim.stopClean());
  await waitStream(hub, token, stream.id, 'live', 20000);
  const segs = await waitFor(async () => {
    const s = await segments(hub, token, 'bc-75');
    return s.length >= 3 && s;
  }, { timeout: 30000, what: 'three segments' });

  const page = await loginPage(await launch(t), hub);
  await page.waitForSelector('#unit-list li[data-unit="bc-75"]');
  await page.click('#unit-list li[data-unit="bc-75"]');
  await page.click('#unit-card button[data-action="replay"]');
  await page.waitForSelector('#replay:not([hidden]) #replay-slider');
  await page.waitForFunction(() => window.__ecc.replay.video.player, null, { timeout: 15000 });
  assert.equal(await page.isVisible('#replay-rec video'), true);

  const seek = (ms) => page.evaluate((v) => {
    const s = document.getElementById('replay-slider');
    s.value = String(v);
    s.dispatchEvent(new Event('input'));
  }, ms);
  // The picture once the video is where the slider says: the clock in it.
  const frame = () => page.evaluate(async () => {
    const r = window.__ecc.replay, v = document.getElementById('replay-rec-video');
    const t0 = performance.now();
    while (performance.now() - t0 < 10000) {
      if (!r.video.seeking && !v.seeking && v.readyState >= 2 && Math.abs(r.video.player.wallNow() - r.t) < 100) break;
      await new Promise((res) => setTimeout(res, 20));
    }
    const c = document.createElement('canvas');
    c.width = v.videoWidth;
    c.height = v.videoHeight;
    const g = c.getContext('2d');
    g.drawImage(v, 0, 0);
    return { w: c.width, h: c.height, slider: r.t, media: r.video.player.wallNow(), state: r.video.state,
      rgba: Array.from(g.getImageData(0, 0, c.width, c.height).data) };
  });
  const shownAt = async (ms) => {
    await seek(ms);
    const f = await frame();
    assert.equal(f.state, 'recorded');
    assert.ok(Math.abs(f.media - ms) < 100, `the video at ${f.media}, the slider at ${ms}`);
    const shown = decodeTimecode(Uint8ClampedArray.from(f.rgba), f.w, f.h);
    assert.notEqual(shown, null, 'a timestamp strip in the frame');
    t.diagnostic(`slider at ${ms}: picture says ${shown - ms >= 0 ? '+' : ''}${shown - ms} ms`);
    return shown;
  };
  // Two moments in one segment: the pictures are as far apart as the
  // slider moved. Each picture is earlier than its moment by the ingest
  // delay (a segment's wall-clock start is when its key frame reached the
  // gateway; the clock in the picture is the camera's), never later; the
  // third moment is in the next segment.
  const a = segs[1].t0 + 300, b = segs[1].t0 + 1300, c = segs[2].t0 + 500;
  const sa = await shownAt(a), sb = await shownAt(b), sc = await shownAt(c);
  assert.ok(Math.abs((sb - sa) - (b - a)) <= 80, `slider ${b - a} ms apart, pictures ${sb - sa} ms apart`);
  for (const [want, shown] of [[a, sa], [b, sb], [c, sc]]) assert.ok(shown - want <= 80 && shown - want >= -2000, `picture ${shown - want} ms from the slider`);
  for (const [w, h] of [[1920, 1080], [3840, 2160]]) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: artifact(`wall-replayvideo-${w}x${h}.png`) });
  }
  await page.setViewportSize({ width: 1920, height: 1080 });

  // A moment before any recording: paused, and the box says so.
  await seek(segs[0].t0 - 60000);
  await page.waitForSelector('#replay-rec[data-state="gap"]');
  assert.equal(await page.textContent('#replay-rec .replay-rec-state'), '此刻无录像');
  assert.equal(await page.evaluate(() => document.getElementById('replay-rec-video').paused), true);

  // Playing at 5x from the first segment: the video plays along at 5x.
  await page.selectOption('#replay-speed', '5');
  await seek(segs[0].t0 + 200);
  await frame();
  const run = await page.evaluate(async () => {
    const r = window.__ecc.replay, v = document.getElementById('replay-rec-video');
    document.getElementById('replay-play').click();
    await new Promise((res) => setTimeout(res, 1000));
    const out = { rate: v.playbackRate, paused: v.paused, drift: r.video.player.wallNow() - r.t, played: r.t };
    document.getElementById('replay-play').click();
    out.pausedAfter = v.paused;
    return out;
  });
  t.diagnostic(`5x for 1 s: slider moved ${((run.played - segs[0].t0 - 200) / 1000).toFixed(1)} s, video ${run.drift.toFixed(0)} ms from it`);
  assert.equal(run.rate, 5);
  assert.equal(run.paused, false, 'the video plays while the replay plays');
  assert.ok(Math.abs(run.drift) < 1500, `the video stays with the slider (${run.drift.toFixed(0)} ms)`);
  assert.equal(run.pausedAfter, true, 'and pauses with it');
  assert.deepEqual(page.errors, []);
});
