// The handheld page reports the phone's position: at 360x800 with a fake
// geolocation, an officer logged in at /m/ sends each fix over the hub's
// WebSocket into the telemetry path of MQTT devices: the unit's marker on
// a wall in a second browser moves to it, the REST track holds every fix
// with the phone's own time, accuracy and speed reach the unit. Only an
// officer whose account has a unit may report, and only as that unit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addUser, request, waitFor, wsConnect } from '../lib/harness.mjs';
import { artifact } from '../lib/browser.mjs';
import { handheldStack, openHandheld, openWall, zigzag, START, TEAM } from '../lib/handheld.mjs';

test('the handheld page: positions reach the wall and the track', async (t) => {
  const { hub, token, officer } = await handheldStack(t, 'hh-pos');
  const t0 = Date.now();
  const { context, page } = await openHandheld(t, hub);

  // The page: who, which unit, in Chinese, one column that fits 360 px.
  assert.equal(await page.textContent('#m-name'), '李娜');
  assert.equal(await page.textContent('#m-unit'), 'hh-01');
  assert.equal(await page.textContent('#m-conn'), '实时');
  assert.equal(await page.textContent('#cam-start'), '开始执法记录');
  const fit = await page.evaluate(() => ({ w: document.documentElement.scrollWidth, vw: innerWidth,
    sos: document.getElementById('sos-button').getBoundingClientRect().width }));
  assert.ok(fit.w <= fit.vw, `nothing wider than the screen (${fit.w} > ${fit.vw})`);
  assert.ok(fit.sos >= 180, `a large SOS button (${fit.sos} px)`);
  assert.equal(await page.evaluate(() => document.querySelector('link[rel=manifest]').href), `${hub.url}/m/manifest.webmanifest`);
  const manifest = await request(hub, 'GET', '/m/manifest.webmanifest');
  assert.equal(manifest.headers.get('content-type'), 'application/manifest+json');
  assert.equal(manifest.json.scope, '/m/');

  const wall = await openWall(t, hub);

  // The first fix (START), then a walk: each reaches the hub and the wall.
  await page.waitForFunction(() => window.__hh.reporter.acked >= 1, null, { timeout: 10000 });
  const steps = 6;
  for (let i = 1; i <= steps; i++) {
    await context.setGeolocation(zigzag(i));
    await page.waitForFunction((n) => window.__hh.reporter.acked >= n, i + 1, { timeout: 5000 });
    const want = zigzag(i);
    await wall.waitForFunction(({ lat, lon }) => {
      const p = window.__ecc.store.units.get('hh-01')?.position;
      return p && Math.abs(p.lat - lat) < 1e-6 && Math.abs(p.lon - lon) < 1e-6;
    }, { lat: want.latitude, lon: want.longitude }, { timeout: 3000 });
  }
  await wall.waitForFunction(() => window.__ecc.layer.drawn.some((d) => d.id === 'hh-01'), null, { timeout: 3000 });
  await wall.screenshot({ path: artifact('handheld-wall.png') });
  await page.screenshot({ path: artifact('handheld-page.png') });

  const recorded = await page.evaluate(() => window.__hh.position.recorded);
  assert.equal(recorded.length, steps + 1, 'one fix per position change');
  assert.ok(recorded.every((p) => p.ts >= t0 - 1000 && p.ts <= Date.now()), 'fixes carry the phone\'s time');
  assert.equal(await page.evaluate(() => window.__hh.outbox.count), 0, 'the outbox is empty once acknowledged');
  // The unit as the REST API sees it: online, at the last fix, with its accuracy.
  const unit = (await request(hub, 'GET', '/api/v1/units/hh-01', { token })).json.unit;
  assert.equal(unit.online, true);
  assert.equal(unit.position.lat, zigzag(steps).latitude);
  assert.equal(unit.position.acc, zigzag(steps).accuracy);
  // The track: every fix, at the phone's time, in order.
  const track = (await request(hub, 'GET', `/api/v1/units/hh-01/track?from=${t0 - 5000}&to=${Date.now() + 1000}&max_points=1000`, { token })).json;
  assert.deepEqual(track.properties.times, recorded.map((p) => p.ts));
  assert.deepEqual(track.geometry.coordinates.map(([lon, lat]) => [lat, lon]), recorded.map((p) => [p.lat, p.lon]));
  assert.deepEqual(page.errors, []);

  // Only an officer with a unit reports, and only as that unit.
  const admin = await wsConnect(hub, token);
  admin.send({ type: 'pos', positions: [{ seq: 1, ts: Date.now(), lat: START.latitude, lon: START.longitude }] });
  const err = await admin.next((m) => m.type === 'error');
  assert.equal(err.error.code, 'forbidden');
  assert.match(err.error.message, /officer whose account has a unit/);
  admin.send({ type: 'event', seq: 2, ts: Date.now(), kind: 'sos' });
  await waitFor(() => admin.messages.filter((m) => m.type === 'error').length === 2, { what: 'a second refusal' });
  admin.close();
  const loose = await addUser(hub, token, 'wu', 'officer', { team: TEAM }); // no unit
  const ws = await wsConnect(hub, loose);
  ws.send({ type: 'pos', positions: [{ seq: 1, ts: Date.now(), lat: 47.2, lon: 129.3 }] });
  assert.equal((await ws.next((m) => m.type === 'error')).error.code, 'forbidden');
  ws.close();
  // The officer's own socket: a bad position is refused by seq with the reason; a unit
  // field in the message changes nothing (the account's unit is the one).
  const own = await wsConnect(hub, officer);
  own.send({ type: 'pos', unit: 'other', positions: [{ seq: 7, ts: Date.now(), lat: 95, lon: 129.3 },
    { seq: 8, ts: Date.now(), lat: 47.5, lon: 129.5 }] });
  const ack = await own.next((m) => m.type === 'pos_ack');
  assert.deepEqual(ack.seqs, [8]);
  assert.equal(ack.refused[0].seq, 7);
  assert.match(ack.refused[0].why, /lat/);
  own.send({ type: 'pos', positions: 'no' });
  assert.equal((await own.next((m) => m.type === 'error')).error.code, 'bad_request');
  own.close();
  const u2 = (await request(hub, 'GET', '/api/v1/units/hh-01', { token })).json.unit;
  assert.equal(u2.position.lat, 47.5);
  // The page without a unit says so and reports nothing.
  const denied = await request(hub, 'PUT', '/api/v1/users/li/unit', { token, body: { unit: 'nope' } });
  assert.equal(denied.status, 404);
  assert.equal((await request(hub, 'PUT', '/api/v1/users/li/unit', { token, body: { unit: 5 } })).status, 400);
});
