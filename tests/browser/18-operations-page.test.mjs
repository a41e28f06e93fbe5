// One operation's page: its site and its unit's track on the map, a time
// axis with its events (start, stop, chained segments), its instruction and
// a lane per unit of its recorded segments, and the replay with the unit's
// recordings: a click on a segment of the axis moves the slider there and
// the unit's box shows the recorded picture of that moment (the camera's
// burned-in clock read back). Chinese by default, at 1920x1080, with a
// screenshot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, request, waitFor, cleanup } from '../lib/harness.mjs';
import { startGateway, waitStream, cameraUnit } from '../lib/media.mjs';
import { launch, loginPage, artifact } from '../lib/browser.mjs';
import { decodeTimecode } from '../lib/timecode.mjs';

test('an operation\'s page: site, tracks, time axis, and its recordings in step with the slider', async (t) => {
  const { hub, dir, token, broker } = await stack(t, 'ops-page');
  const api = (method, p, body) => request(hub, method, `/api/v1${p}`, { token, body });
  const gw = await startGateway(hub, dir, { segmentSeconds: 2 });
  cleanup(t, () => gw.proc.stopClean());
  const { sim, stream } = await cameraUnit(hub, token, dir,
    { id: 'bc-18', name: '执法记录仪18', camera: { width: 640, height: 360, bitrate: 600 } });
  cleanup(t, () => sim.stopClean());
  await waitStream(hub, token, stream.id, 'live', 20000);
  void broker;
  const kase = await api('POST', '/cases', { number: '（2026）黑0781执818号', filed_on: '2026-11-02', team: '执行一组' });
  assert.equal(kase.status, 201, kase.text);
  let r = await api('POST', '/operations', { case_id: kase.json.case.id, type: 'search', title: '搜查现场',
    site: { type: 'circle', lat: 47.138, lon: 129.286, radius_m: 2000 }, units: ['bc-18'] });
  assert.equal(r.status, 201, r.text);
  const id = r.json.operation.id;
  assert.equal((await api('POST', `/operations/${id}/start`)).status, 200);
  assert.equal((await api('POST', '/instructions', { target_kind: 'operation', target: String(id), text: '注意安全' })).status, 201);
  await waitFor(async () => (await api('GET', `/operations/${id}/chain`)).json.count >= 3,
    { timeout: 30000, what: 'three segments chained' });
  assert.equal((await api('POST', `/operations/${id}/stop`)).status, 200);
  const chain = await waitFor(async () => {
    const c = (await api('GET', `/operations/${id}/chain`)).json;
    return c.links.some((l) => l.t1 >= c.links[0].t0) && c;
  }, { what: 'the chain' });

  const page = await loginPage(await launch(t), hub);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(`${hub.url}/operation.html?id=${id}`);
  await page.waitForFunction(() => window.__eccOp?.replay.video?.player, null, { timeout: 20000 });
  assert.match(await page.textContent('#op-head'), /（2026）黑0781执818号 · 搜查 · 搜查现场 · 已结束/);
  assert.deepEqual(await page.evaluate(() => {
    const { map, site } = window.__eccOp;
    return [map.hasLayer(site), site.getRadius(), map.getBounds().contains(site.getLatLng())];
  }), [true, 2000, true], 'the site is drawn, in view');
  const tracks = await page.evaluate(() => window.__eccOp.replay.tracks.get('bc-18')?.times.length ?? 0);
  t.diagnostic(`${tracks} track points of bc-18 in the operation's span`);
  const marks = await page.$$eval('.op-mark', (b) => b.map((x) => x.title));
  assert.ok(marks.some((m) => m.includes('开始行动')), `the start on the axis: ${marks.length} marks`);
  assert.ok(marks.some((m) => m.includes('结束行动')));
  assert.ok(marks.some((m) => m.includes('指令：注意安全')), 'the instruction on the axis');
  const segs = await page.$$('.op-lane[data-unit="bc-18"] .op-seg');
  // (the segment open at stop may be chained after the page's first look)
  const shownSegs = await page.evaluate(() => window.__eccOp.tl.segments.map((s) => s.t0));
  assert.equal(segs.length, shownSegs.length, 'a bar per chained segment');
  assert.ok(segs.length >= chain.count, `${segs.length} bars, ${chain.count} segments before the page`);

  // A click on the second segment: the slider goes there and the box shows it.
  await segs[1].click();
  const want = shownSegs[1];
  const f = await page.evaluate(async () => {
    const r = window.__eccOp.replay, rv = r.video, v = rv.box.querySelector('video'), t0 = performance.now();
    while (performance.now() - t0 < 10000) {
      if (!rv.seeking && !v.seeking && v.readyState >= 2 && Math.abs(rv.player.wallNow() - r.t) < 100) break;
      await new Promise((res) => setTimeout(res, 20));
    }
    const c = document.createElement('canvas');
    c.width = v.videoWidth;
    c.height = v.videoHeight;
    c.getContext('2d').drawImage(v, 0, 0);
    return { slider: r.t, state: rv.state, w: c.width, h: c.height,
      rgba: Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data) };
  });
  assert.equal(f.slider, want, 'the slider at the segment\'s start');
  assert.equal(f.state, 'recorded');
  const shown = decodeTimecode(Uint8ClampedArray.from(f.rgba), f.w, f.h);
  assert.notEqual(shown, null, 'the camera\'s clock in the picture');
  t.diagnostic(`axis click at ${want}: the picture says ${shown - want} ms`);
  assert.ok(shown - want <= 80 && shown - want >= -2000, `picture ${shown - want} ms from the slider`);
  await page.screenshot({ path: artifact('operation-page-1920x1080.png') });
  assert.deepEqual(page.errors, []);
});
