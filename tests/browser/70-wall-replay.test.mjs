// Track replay on the wallboard: from a unit's card, its stored track over
// a time range; the slider puts the marker where the unit was at that
// moment (interpolated between stored points), and playing at 60x moves
// it along the track at sixty times real time. At both resolutions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, addUnit, mqttConnect, request, waitFor } from '../lib/harness.mjs';
import { launch, loginPage, artifact } from '../lib/browser.mjs';

const H8 = 8 * 3600000;
const local = (ms) => new Date(ms + H8).toISOString().slice(0, 16);

test('track replay moves the marker along the stored track at 1x to 60x', async (t) => {
  const { hub, broker, token } = await stack(t, 'replay');
  const u = await addUnit(hub, token, { id: 'veh-71', name: '指挥车71', kind: 'vehicle', team: '执行一组' });
  const c = await mqttConnect(broker, { username: u.mqtt.username, password: u.mqtt.password });
  t.after(() => c.endAsync());
  // A drive north ten minutes ago: a point every 10 s for 200 s.
  const T0 = Math.floor((Date.now() - 600000) / 1000) * 1000;
  const at = (i) => ({ ts: T0 + i * 10000, lat: 47.13 + i * 0.0005, lon: 129.28 + (i % 2) * 0.0002 });
  for (let i = 0; i <= 20; i++)
    await c.publishAsync('ecc/unit/veh-71/telemetry', JSON.stringify({ ...at(i), speed: 5, heading: 0 }), { qos: 1 });
  await waitFor(async () => (await request(hub, 'GET', `/api/v1/units/veh-71/track?from=${T0 - 1000}&to=${Date.now()}`, { token }))
    .json.properties.points_total === 21, { what: 'the track stored' });

  const context = await launch(t);
  const page = await loginPage(context, hub);
  await page.waitForSelector('#unit-list li[data-unit="veh-71"]');
  await page.click('#unit-list li[data-unit="veh-71"]');
  await page.click('#unit-card button[data-action="replay"]');
  await page.waitForSelector('#replay:not([hidden]) #replay-slider');
  await page.waitForFunction(() => window.__ecc.replay.tracks.get('veh-71')?.times.length >= 2);
  const pts = await page.evaluate(() => window.__ecc.replay.tracks.get('veh-71').times.length);
  t.diagnostic(`track points after simplification: ${pts}`);

  // The slider at T0 + 55 s: half-way between points 5 and 6 in time.
  const seek = (ms) => page.evaluate((v) => {
    const s = document.getElementById('replay-slider');
    s.value = String(v);
    s.dispatchEvent(new Event('input'));
  }, ms);
  await seek(T0 + 55000);
  let p = await page.evaluate(() => window.__ecc.replay.positions.get('veh-71'));
  const want = (at(5).lat + at(6).lat) / 2;
  assert.ok(Math.abs(p.lat - want) < 0.0002, `at T0+55 s the marker is at ${p.lat}, the track there ${want}`);
  // The marker is drawn there.
  const drawn = await page.evaluate(() => {
    const r = window.__ecc.replay, m = r.markers.get('veh-71'), ll = m.getLatLng();
    return { onMap: r.group.hasLayer(m), lat: ll.lat };
  });
  assert.ok(drawn.onMap);
  assert.equal(drawn.lat, p.lat);
  assert.match(await page.textContent('#replay-clock'), new RegExp(new Intl.DateTimeFormat('zh-CN',
    { timeZone: 'Asia/Shanghai', hour12: false, hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(T0 + 55000)));
  for (const [w, h] of [[1920, 1080], [3840, 2160]]) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: artifact(`wall-replay-${w}x${h}.png`) });
  }
  await page.setViewportSize({ width: 1920, height: 1080 });

  // Playing at 60x: about two minutes of track in two seconds.
  await page.selectOption('#replay-speed', '60');
  await seek(T0);
  const p0 = await page.evaluate(() => window.__ecc.replay.positions.get('veh-71'));
  // Played and paused with the button, timed inside the page.
  const { wall, t1 } = await page.evaluate(async () => {
    const b = document.getElementById('replay-play'), w0 = performance.now();
    b.click();
    await new Promise((r) => setTimeout(r, 2000));
    b.click();
    return { wall: performance.now() - w0, t1: window.__ecc.replay.t };
  });
  p = await page.evaluate(() => window.__ecc.replay.positions.get('veh-71'));
  const rate = (t1 - T0) / wall;
  t.diagnostic(`60x: ${((t1 - T0) / 1000).toFixed(1)} s of track in ${wall.toFixed(0)} ms (${rate.toFixed(1)}x)`);
  assert.ok(rate > 40 && rate <= 62, `replay ran at ${rate.toFixed(1)}x`);
  assert.ok(p.lat > p0.lat + 0.003, `the marker moved north along the track (${p0.lat} -> ${p.lat})`);
  const i = Math.floor((t1 - T0) / 10000);
  assert.ok(p.lat >= at(i).lat - 1e-6 && p.lat <= at(Math.min(i + 1, 20)).lat + 1e-6, 'and is where the track was at that time');

  // This unit recorded nothing: no video beside the slider (75-wall-replayvideo
  // plays one that did).
  await page.waitForFunction(() => window.__ecc.replay.video.checked && window.__ecc.replay.video.state === 'none');
  assert.equal(await page.isHidden('.replay-rec[data-unit="veh-71"]'), true);
  // A narrower range: the slider spans it.
  const a = Math.ceil((T0 + 30000) / 60000) * 60000, b = a + 120000; // whole minutes
  await page.fill('#replay-from', local(a));
  await page.fill('#replay-to', local(b));
  await page.click('#replay-load');
  await page.waitForFunction((x) => Number(document.getElementById('replay-slider').min) === x, a);
  assert.equal(Number(await page.getAttribute('#replay-slider', 'max')), b);
  await page.click('#replay-close');
  assert.equal(await page.isHidden('#replay'), true);
  assert.deepEqual(page.errors, []);
});
