// The SOS button of the handheld page: held for 2 s it sends an "sos" event
// with the phone's position through the path of an MQTT device's event, so
// a wall in a second browser raises the alert (the unit's name, critical)
// and pops the unit's video tile; a short press raises nothing; a cancel
// with a reason reaches the wall the same way as a device's sos_cancel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request, sleep } from '../lib/harness.mjs';
import { artifact } from '../lib/browser.mjs';
import { handheldStack, openHandheld, openWall, START } from '../lib/handheld.mjs';

async function hold(page, ms) {
  const b = await page.locator('#sos-button').boundingBox();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
  await page.mouse.down();
  await sleep(ms);
  await page.mouse.up();
}

const alertsOf = async (hub, token, kind) =>
  (await request(hub, 'GET', '/api/v1/alerts?limit=100', { token })).json.alerts.filter((a) => a.unit === 'hh-01' && a.kind === kind);

test('the handheld page: SOS held 2 s raises the alert and pops the video; a short press nothing', async (t) => {
  const { hub, token } = await handheldStack(t, 'hh-sos');
  // hh-01 has a camera (no gateway here: its tile shows the player waiting).
  const s = await request(hub, 'POST', '/api/v1/streams', { token, body: { unit: 'hh-01', url: 'rtsp://127.0.0.1:1/cam' } });
  assert.equal(s.status, 201, s.text);
  const { page } = await openHandheld(t, hub);
  await page.waitForFunction(() => window.__hh.reporter.acked >= 1, null, { timeout: 10000 });
  const wall = await openWall(t, hub);
  await wall.waitForSelector('#alert-list');
  assert.equal(await wall.locator('.wall-tile[data-unit="hh-01"]').count(), 0, 'not on the wall before');
  assert.equal(await page.isVisible('#sos-cancel-form'), false, 'nothing to cancel yet');

  // ---- a short press (1.2 s): nothing ----
  await hold(page, 1200);
  await sleep(1500);
  assert.deepEqual(await alertsOf(hub, token, 'sos'), [], 'no alert from a short press');
  assert.equal(await page.evaluate(() => window.__hh.sos.sent.length), 0);
  assert.equal(await wall.locator('#alert-list li.sev-critical').count(), 0);
  assert.equal(await page.textContent('#sos-state'), '');

  // ---- held 2 s: the alert on the wall, the video popped ----
  const t0 = Date.now();
  await hold(page, 2300);
  await wall.waitForSelector('#alert-list li.sev-critical.open', { timeout: 3000 });
  t.diagnostic(`SOS released -> alert shown: ${Date.now() - t0 - 2300} ms after the hold`);
  assert.match(await wall.textContent('#alert-list li.sev-critical'), /李娜.*紧急求助/);
  await wall.waitForSelector('.wall-tile.wall-alert[data-unit="hh-01"]', { timeout: 3000 });
  await wall.waitForSelector('#unit-list li.selected[data-unit="hh-01"]');
  assert.equal(await wall.evaluate(() => window.__ecc.layer.highlighted.has('hh-01')), true, 'the unit ringed on the map');
  const [sos] = await alertsOf(hub, token, 'sos');
  assert.equal(sos.severity, 'critical');
  assert.equal(sos.lat, START.latitude);
  assert.equal(sos.lon, START.longitude);
  const sent = await page.evaluate(() => window.__hh.sos.sent);
  assert.equal(sent.length, 1);
  assert.ok(sos.device_ts >= sent[0].at && sos.device_ts <= sent[0].at + 1000, 'the phone\'s time of the press');
  await page.waitForFunction(() => document.getElementById('sos-state').textContent === '紧急求助已送达指挥中心');
  await wall.screenshot({ path: artifact('handheld-sos-wall.png') });
  await page.screenshot({ path: artifact('handheld-sos-page.png') });

  // ---- cancelled with a reason: as a device's sos_cancel ----
  assert.equal(await page.isVisible('#sos-cancel-form'), true);
  await page.fill('#sos-reason', '误触，现场安全');
  await page.click('#sos-cancel');
  await page.waitForFunction(() => document.getElementById('sos-state').textContent === '已取消紧急求助');
  const [cancel] = await alertsOf(hub, token, 'sos_cancel');
  assert.match(cancel.message, /取消紧急求助: 误触，现场安全/);
  await wall.waitForFunction((id) => !!document.querySelector(`#alert-list li[data-alert="${id}"]`), cancel.id, { timeout: 3000 });
  assert.match(await wall.textContent(`#alert-list li[data-alert="${cancel.id}"]`), /李娜.*取消紧急求助/);
  assert.equal((await alertsOf(hub, token, 'sos')).length, 1, 'one SOS, one press');
  // A page may raise only the events of a body camera's buttons.
  await page.evaluate(() => window.__hh.outbox.add({ kind: 'event', body: { ts: Date.now(), kind: 'fall' } }).then(() => window.__hh.reporter.flush()));
  await page.waitForFunction(() => window.__hh.outbox.count === 0);
  assert.deepEqual(await alertsOf(hub, token, 'fall'), []);
  assert.deepEqual(page.errors, []);
});
