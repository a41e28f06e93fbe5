// The operation view of the handheld page: the officer's active operation
// with its case number, the time since it started (ticking), the site on a
// small map and the positions of the operation's units (the phone's own
// and a team mate's MQTT device); an instruction to the operation reaches
// the phone's inbox, and the reply's photo is kept as evidence of the
// operation (its SHA-256 in the database and the audit log).
import crypto from 'node:crypto';
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
  // The reply carries a photo: evidence of the operation.
  const iid = r.json.instruction.id;
  const png = Buffer.from(await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 2400; c.height = 1200; // the page makes it at most 1600 wide
    const g = c.getContext('2d');
    g.fillStyle = '#246'; g.fillRect(0, 0, c.width, c.height);
    g.fillStyle = '#fc0'; g.font = '200px sans-serif'; g.fillText('东门 已封锁', 100, 600);
    return c.toDataURL('image/png').split(',')[1];
  }), 'base64');
  const li = `#inbox-list li.instr[data-id="${iid}"]`;
  await page.setInputFiles(`${li} input.photo`, { name: 'scene.png', mimeType: 'image/png', buffer: png });
  await page.fill(`${li} input.reply`, '已封锁，见照片');
  await page.click(`${li} button.ack`);
  await page.waitForSelector(`${li}.acked`, { timeout: 5000 });
  const photos = (await request(hub, 'GET', `/api/v1/instructions/${iid}/photos`, { token })).json.photos;
  assert.equal(photos.length, 1);
  const [ph] = photos;
  assert.equal(ph.operation, id);
  assert.equal(ph.unit, 'hh-01');
  assert.equal(ph.by, 'li');
  assert.equal(ph.content_type, 'image/jpeg');
  const file = await fetch(`${hub.url}/api/v1/photos/${ph.id}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(file.status, 200);
  assert.equal(file.headers.get('content-type'), 'image/jpeg');
  const bytes = Buffer.from(await file.arrayBuffer());
  assert.equal(bytes.length, ph.bytes);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff]);
  assert.equal(crypto.createHash('sha256').update(bytes).digest('hex'), ph.sha256);
  const audit = (await request(hub, 'GET', '/api/v1/audit?limit=100', { token })).json.entries;
  const row = audit.find((a) => a.action === 'instruction.photo');
  assert.equal(row.actor, 'li');
  assert.equal(row.target, `instruction:${iid}`);
  assert.deepEqual(JSON.parse(row.detail), { photo: ph.id, sha256: ph.sha256, bytes: ph.bytes, operation: id });
  assert.ok(audit.some((a) => a.action === 'photo.view' && a.target === `photo:${ph.id}`), 'the view is audited');
  const inst = (await request(hub, 'GET', `/api/v1/instructions/${iid}`, { token })).json.instruction;
  assert.equal(inst.deliveries.find((d) => d.recipient === 'hh-01').reply, '已封锁，见照片');
  // Only a JPEG or a PNG, at most 8 MiB, from one it is addressed to.
  const li2 = await request(hub, 'POST', '/api/v1/login', { body: { username: 'li', password: 'Test-Pass-2025!' } });
  const post = (raw, type, tok = li2.json.token) => request(hub, 'POST', `/api/v1/instructions/${iid}/photo`,
    { token: tok, raw, headers: { 'content-type': type } });
  let bad = await post('not a picture', 'text/plain');
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.message, /JPEG.*PNG/);
  bad = await post(Buffer.from('GIF89a....'), 'image/jpeg');
  assert.equal(bad.status, 400, 'the bytes are checked, not only the type');
  bad = await post(Buffer.alloc(9 << 20, 0xff), 'image/jpeg');
  assert.equal(bad.status, 413);
  const other = await addUser(hub, token, 'zhao', 'officer', { team: '执行二组' });
  assert.equal((await post(png, 'image/png', other)).status, 403);
  assert.equal((await request(hub, 'GET', `/api/v1/photos/${ph.id}`, { token: other })).status, 403);
  assert.equal((await request(hub, 'GET', `/api/v1/instructions/${iid}/photos`, { token: other })).status, 403);
  assert.equal((await request(hub, 'GET', '/api/v1/photos/999', { token })).status, 404);
  const again = await post(png, 'image/png');
  assert.equal(again.status, 201, again.text);
  assert.equal(again.json.photo.content_type, 'image/png');
  assert.equal(again.json.photo.sha256, crypto.createHash('sha256').update(png).digest('hex'));

  // Ended: the view says there is none (after the next reload of the list).
  assert.equal((await request(hub, 'POST', `/api/v1/operations/${id}/stop`, { token })).status, 200);
  await page.evaluate(() => window.__hh.op.load());
  assert.equal(await page.isVisible('#op-none'), true);
  assert.deepEqual(page.errors, []);
});
