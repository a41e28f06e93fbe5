// Track replay with its recordings: a unit with a camera records (a real
// gateway, ecc-devsim's camera with its burned-in clock); on the wallboard
// the replay's slider shows the recorded frame of the slider's moment (the
// clock read back from the picture moves as the slider does), a moment
// without a recording says so, and playing at 5x plays the video along at
// 5x, in step with the slider. A second unit added to the replay shows its
// own recording beside the first, at the same moment. At both resolutions,
// with screenshots.
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
  // seven segments (14 s): the 5x run below starts at the first and has
  // until the replay's end to start its video (2.8 s at least: a loaded
  // machine's first seek took more than the 1.6 s that three gave)
  const segs = await waitFor(async () => {
    const s = await segments(hub, token, 'bc-75');
    return s.length >= 7 && s;
  }, { timeout: 40000, what: 'seven segments' });

  const page = await loginPage(await launch(t), hub);
  await page.waitForSelector('#unit-list li[data-unit="bc-75"]');
  await page.click('#unit-list li[data-unit="bc-75"]');
  await page.click('#unit-card button[data-action="replay"]');
  await page.waitForSelector('#replay:not([hidden]) #replay-slider');
  await page.waitForFunction(() => window.__ecc.replay.video.player, null, { timeout: 15000 });
  assert.equal(await page.isVisible('.replay-rec[data-unit="bc-75"] video'), true,
    await page.evaluate(() => document.getElementById('replay').outerHTML.slice(0, 3000)));

  const seek = (ms) => page.evaluate((v) => {
    const s = document.getElementById('replay-slider');
    s.value = String(v);
    s.dispatchEvent(new Event('input'));
  }, ms);
  // The picture once the video is where the slider says: the clock in it.
  const frame = () => page.evaluate(async () => {
    const r = window.__ecc.replay, v = document.querySelector('.replay-rec[data-unit="bc-75"] video');
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
  // (b is in the segment's second 1 s fragment, the one without its key
  // frame: README, Status, says why that once showed the key frame)
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
  await page.waitForSelector('.replay-rec[data-unit="bc-75"][data-state="gap"]');
  assert.equal(await page.textContent('.replay-rec[data-unit="bc-75"] .replay-rec-state'), '此刻无录像');
  assert.equal(await page.evaluate(() => document.querySelector('.replay-rec[data-unit="bc-75"] video').paused), true);

  // Playing at 5x from the first segment: the video starts and plays along
  // at 5x.
  await page.selectOption('#replay-speed', '5');
  await seek(segs[0].t0 + 200);
  await frame();
  const run = await page.evaluate(async () => {
    const r = window.__ecc.replay, v = document.querySelector('.replay-rec[data-unit="bc-75"] video');
    const busy = r.video.seeking; // a paused seek still waiting for its paint
    const events = [], e0 = performance.now();
    for (const name of ['play', 'pause', 'seeking', 'seeked', 'waiting', 'playing']) {
      v.addEventListener(name, () => events.push(`${name}@${(performance.now() - e0).toFixed(0)}:${v.currentTime.toFixed(2)}`));
    }
    document.getElementById('replay-play').click();
    // the video starts with a seek to where the slider will be once it is
    // done (a second or two on a loaded machine); then it plays along
    const t0 = performance.now();
    while (v.paused && performance.now() - t0 < 8000) await new Promise((res) => setTimeout(res, 50));
    const startMs = performance.now() - t0;
    await new Promise((res) => setTimeout(res, 1000));
    const out = { rate: v.playbackRate, paused: v.paused, drift: r.video.player.wallNow() - r.t, played: r.t, startMs, busy, seekMs: r.video.seekMs,
      error: r.video.lastError, events: events.slice(0, 20).join(' '), ready: v.readyState, buffered: [...Array(v.buffered.length).keys()].map((i) => `${v.buffered.start(i).toFixed(1)}-${v.buffered.end(i).toFixed(1)}`).join(' '), at: v.currentTime };
    document.getElementById('replay-play').click();
    out.pausedAfter = v.paused;
    return out;
  });
  t.diagnostic(`5x: video started after ${run.startMs.toFixed(0)} ms; 1 s on, slider at +${((run.played - segs[0].t0 - 200) / 1000).toFixed(1)} s, video ${run.drift.toFixed(0)} ms from it (a seek under way at play: ${run.busy}; seeks take ${run.seekMs.toFixed(0)} ms; at ${run.at.toFixed(2)} s, ready ${run.ready}, buffered ${run.buffered}, last error ${run.error}; ${run.events})`);
  assert.equal(run.rate, 5);
  assert.equal(run.paused, false, 'the video plays while the replay plays');
  assert.ok(Math.abs(run.drift) < 1500, `the video stays with the slider (${run.drift.toFixed(0)} ms)`);
  assert.equal(run.pausedAfter, true, 'and pauses with it');

  // Two units side by side: a second camera (started only now, so that the
  // seeks above run on the load they always had) records; replayed
  // together, each box shows its own unit's recording of the same moment.
  const second = await cameraUnit(hub, token, dir,
    { id: 'bc-76', name: '执法记录仪76', camera: { width: 320, height: 180, bitrate: 300 } });
  cleanup(t, () => second.sim.stopClean());
  const two = await waitFor(async () => {
    const s = await segments(hub, token, 'bc-76');
    return s.length >= 2 && s;
  }, { timeout: 30000, what: 'two segments of the second unit' });
  const both = two[1].t0 + 500;
  await waitFor(async () => (await segments(hub, token, 'bc-75')).some((x) => x.t0 <= both && x.t1 > both),
    { timeout: 20000, what: 'the first camera\'s segment of that moment filed' });
  await page.evaluate(() => { window.__ecc.replay.to = Date.now(); return window.__ecc.replay.add('bc-76'); });
  await page.waitForFunction(() => [...window.__ecc.replay.videos.values()].every((v) => v.player),
    null, { timeout: 15000 });
  assert.equal(await page.$$eval('.replay-rec', (b) => b.map((x) => x.dataset.unit).join()), 'bc-75,bc-76');
  assert.equal(await page.textContent('.replay-rec[data-unit="bc-76"] .replay-rec-name'), '执法记录仪76');
  const pictures = await page.evaluate(async (ms) => {
    const r = window.__ecc.replay, s = document.getElementById('replay-slider');
    s.value = String(ms);
    s.dispatchEvent(new Event('input'));
    const out = {};
    for (const [id, rv] of r.videos) {
      const v = rv.box.querySelector('video'), t0 = performance.now();
      while (performance.now() - t0 < 10000) {
        if (!rv.seeking && !v.seeking && v.readyState >= 2 && Math.abs(rv.player.wallNow() - r.t) < 100) break;
        await new Promise((res) => setTimeout(res, 20));
      }
      const c = document.createElement('canvas');
      c.width = v.videoWidth;
      c.height = v.videoHeight;
      c.getContext('2d').drawImage(v, 0, 0);
      out[id] = { w: c.width, h: c.height, state: rv.state, media: rv.player.wallNow(),
        rgba: Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data) };
    }
    return out;
  }, both);
  for (const id of ['bc-75', 'bc-76']) {
    const f = pictures[id];
    assert.equal(f.state, 'recorded', id);
    const shown = decodeTimecode(Uint8ClampedArray.from(f.rgba), f.w, f.h);
    assert.notEqual(shown, null, `${id}: a timestamp strip in the frame`);
    t.diagnostic(`two units, slider at ${both}: ${id} (${f.w}x${f.h}) says ${shown - both} ms`);
    assert.ok(shown - both <= 80 && shown - both >= -2000, `${id}: picture ${shown - both} ms from the slider`);
  }
  assert.equal(pictures['bc-76'].w, 320, 'the second box shows the second camera (320 wide)');
  await page.screenshot({ path: artifact('wall-replayvideo-two-units.png') });
  assert.deepEqual(page.errors, []);
});
