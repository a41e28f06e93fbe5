// The operation view of the handheld page: the officer's active operation
// with its case number, the time since it started (ticking), the site on a
// small map and the positions of the operation's units (the phone's own
// and a team mate's MQTT device); an instruction to the operation reaches
// the phone's inbox.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addUnit, addUser, mosquittoPub, request } from '../lib/harness.mjs';
import { artifact } from '../lib/browser.mjs';
import { handheldStack, openHandheld, START, TEAM } from '../lib/handheld.mjs';

const CASE = '（2026）黑0781执812号';

test('the handheld page: the active operation, its site and team on the map', async (t) => {
  const { hub, broker, token } = await handheldStack(t, 'hh-op');
  const mate = await addUnit(hub, token, { id: 'bc-02', name: '张伟', kind: 'bodycam', team: TEAM });
  await addUser(hub, token, 'judge1', 'judge');
  const c = await request(hub, 'POST', '/api/v1/cases', { token, body: { number: CASE, filed_on: '2026-11-20', judge: 'judge1', team: TEAM } });
  assert.equal(c.status, 201, c.text);
  const { page } = await openHandheld(t, hub);
  assert.equal(await page.textContent('#op-none'), '没有进行中的行动');
  assert.equal(await page.isVisible('#op-body'), false);

  const op = await request(hub, 'POST', '/api/v1/operations', { token, body: {
    case_id: c.json.case.id, type: 'seizure', title: '查封车辆', team: TEAM,
    site: { type: 'circle', lat: START.latitude + 0.001, lon: START.longitude + 0.001, radius_m: 300 },
    units: ['hh-01', 'bc-02'], members: ['li'] } });
  assert.equal(op.status, 201, op.text);
  const id = op.json.operation.id;
  assert.equal((await request(hub, 'POST', `/api/v1/operations/${id}/start`, { token })).status, 200);
  await mosquittoPub(broker, { username: mate.mqtt.username, password: mate.mqtt.password, topic: 'ecc/unit/bc-02/telemetry',
    message: JSON.stringify({ ts: Date.now(), lat: 47.1372, lon: 129.2815 }) });

  await page.reload();
  await page.waitForSelector('#op-body:not([hidden])', { timeout: 10000 });
  assert.equal(await page.textContent('#op-case'), CASE);
  assert.equal(await page.textContent('#op-title'), '查封车辆');
  const e1 = await page.textContent('#op-elapsed');
  assert.match(e1, /^00:00:\d{2}$/);
  await page.waitForFunction((e) => document.getElementById('op-elapsed').textContent > e, e1, { timeout: 3000 });
  // The site and both units on the small map.
  await page.waitForFunction(() => window.__hh.op.shown().length === 2, null, { timeout: 5000 });
  const shown = Object.fromEntries((await page.evaluate(() => window.__hh.op.shown())).map((m) => [m.id, [m.lat, m.lon]]));
  assert.deepEqual(shown['bc-02'], [47.1372, 129.2815]);
  assert.deepEqual(shown['hh-01'], [START.latitude, START.longitude]);
  const box = await page.evaluate(() => {
    const r = document.getElementById('op-map').getBoundingClientRect();
    return { w: r.width, h: r.height, paths: document.querySelectorAll('#op-map path.leaflet-interactive').length };
  });
  assert.ok(box.w >= 300 && box.h >= 200, `a map that can be read (${box.w}x${box.h})`);
  assert.equal(box.paths, 3, 'the site and two units drawn');
  // A team mate moves: the marker follows.
  await mosquittoPub(broker, { username: mate.mqtt.username, password: mate.mqtt.password, topic: 'ecc/unit/bc-02/telemetry',
    message: JSON.stringify({ ts: Date.now(), lat: 47.1378, lon: 129.2822 }) });
  await page.waitForFunction(() => window.__hh.op.shown().find((m) => m.id === 'bc-02').lat === 47.1378, null, { timeout: 3000 });
  await page.locator('#m-operation').scrollIntoViewIfNeeded();
  await page.screenshot({ path: artifact('handheld-operation.png') });

  // An instruction to the operation reaches the phone.
  const r = await request(hub, 'POST', '/api/v1/instructions', { token, body: { operation: String(id), text: '行动开始，封锁出口' } });
  assert.equal(r.status, 201, r.text);
  await page.waitForFunction(() => [...document.querySelectorAll('#inbox-list li.instr .text')].some((e) => e.textContent === '行动开始，封锁出口'), null, { timeout: 3000 });
  // Ended: the view says there is none (after the next reload of the list).
  assert.equal((await request(hub, 'POST', `/api/v1/operations/${id}/stop`, { token })).status, 200);
  await page.evaluate(() => window.__hh.op.load());
  assert.equal(await page.isVisible('#op-none'), true);
  assert.deepEqual(page.errors, []);
});
