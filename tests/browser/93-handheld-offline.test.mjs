// The handheld page without the hub: positions taken while the hub is down
// wait in IndexedDB and reach the track on reconnect with the phone's own
// times, in order, none lost and none twice; the page itself opens from its
// service worker with the hub stopped (reload and a new tab), still knows
// its officer and unit, and queues what it takes until the hub is back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from '../lib/harness.mjs';
import { artifact } from '../lib/browser.mjs';
import { handheldStack, openHandheld, zigzag } from '../lib/handheld.mjs';

const queued = (page) => page.evaluate(() => window.__hh.outbox.count);

async function track(hub, token, from) {
  const r = await request(hub, 'GET', `/api/v1/units/hh-01/track?from=${from}&to=${Date.now() + 1000}&max_points=5000`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json.properties.times;
}

test('the handheld page: offline positions queue and arrive; the page opens with the hub down', async (t) => {
  const { hub, token } = await handheldStack(t, 'hh-offline');
  const t0 = Date.now();
  const { context, page } = await openHandheld(t, hub);
  await page.waitForFunction(() => window.__hh.reporter.acked >= 1, null, { timeout: 10000 });
  let step = 0;
  const move = async () => {
    step++;
    const n = await page.evaluate(() => window.__hh.position.recorded.length);
    await context.setGeolocation(zigzag(step));
    await page.waitForFunction((k) => window.__hh.position.recorded.length > k, n, { timeout: 5000 });
  };
  for (let i = 0; i < 2; i++) await move();
  await page.waitForFunction(() => window.__hh.outbox.count === 0, null, { timeout: 5000 });
  const online = await page.evaluate(() => window.__hh.position.recorded.map((p) => p.ts));
  assert.equal(online.length, 3);
  // The service worker controls the page (the app shell is cached).
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 10000 });

  // ---- the hub goes away: fixes queue on the phone ----
  await hub.proc.stopClean();
  await page.waitForFunction(() => document.getElementById('m-conn').textContent === '离线', null, { timeout: 5000 });
  for (let i = 0; i < 10; i++) await move();
  assert.equal(await queued(page), 10, 'ten fixes wait in the outbox');
  assert.equal(await page.textContent('#pos-queue'), '10');
  await page.screenshot({ path: artifact('handheld-offline.png') });

  // ---- the page opens from the service worker with the hub stopped ----
  await page.reload();
  await page.waitForFunction(() => window.__hh?.outbox, null, { timeout: 10000 });
  assert.equal(await page.textContent('#m-name'), '李娜');
  assert.equal(await page.textContent('#m-unit'), 'hh-01');
  assert.equal(await page.textContent('#m-conn'), '离线');
  assert.equal(await page.textContent('#sos-hint'), '按住 2 秒发出紧急求助');
  assert.equal(await queued(page), 10, 'the queue outlived the reload');
  const tab = await context.newPage();
  await tab.goto(`${hub.url}/m/`);
  await tab.waitForFunction(() => window.__hh?.outbox, null, { timeout: 10000 });
  assert.equal(await tab.textContent('#m-name'), '李娜');
  await tab.screenshot({ path: artifact('handheld-sw-hub-down.png') });
  await tab.close();
  // Fixes taken after the reload queue behind the others.
  for (let i = 0; i < 3; i++) await move();
  // (the fixes of the reloaded page and of the tab where the phone already
  // was are not sent again)
  assert.equal(await queued(page), 13);
  const waiting = await page.evaluate(async () => (await window.__hh.outbox.all()).map((i) => i.body.ts));
  assert.deepEqual(waiting, [...waiting].sort((a, b) => a - b), 'queued in the order taken');

  // ---- the hub is back: the queue goes out in order, once ----
  const back = Date.now();
  await hub.start();
  await page.waitForFunction(() => window.__hh.outbox.count === 0 && window.__hh.reporter.live(), null, { timeout: 20000 });
  assert.equal(await page.textContent('#m-conn'), '实时');
  const times = await track(hub, token, t0 - 5000);
  assert.deepEqual(times, [...online, ...waiting], 'every fix once, in order, at the time it was taken');
  assert.equal(new Set(times).size, 16, 'none twice');
  assert.ok(times.slice(3).every((ts) => ts < back), 'the queued fixes keep the time they were taken');
  // The unit is where the phone is now, not at a queued fix.
  const unit = (await request(hub, 'GET', '/api/v1/units/hh-01', { token })).json.unit;
  assert.equal(unit.position.ts, times.at(-1));
  assert.equal(unit.position.lat, zigzag(step).latitude);
  // Sent again (as after an ack lost with the connection), nothing is stored twice.
  await page.evaluate(async () => {
    await window.__hh.outbox.add({ kind: 'pos', body: window.__hh.position.recorded.at(-1) });
    await window.__hh.reporter.flush();
  });
  await page.waitForFunction(() => window.__hh.outbox.count === 0, null, { timeout: 5000 });
  assert.deepEqual(await track(hub, token, t0 - 5000), times);
});
