// The instructions inbox of the handheld page: an instruction sent from the
// wall's form to the officer's unit arrives on the phone at once with a
// beep and a vibration, is marked delivered (the wall shows the time), and
// one tap acknowledges it with a reply (the wall shows the time and the
// reply is stored). One sent to the team arrives too; one to another unit
// does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addUnit, request, sleep } from '../lib/harness.mjs';
import { artifact } from '../lib/browser.mjs';
import { handheldStack, openHandheld, openWall, TEAM } from '../lib/handheld.mjs';

const HHMMSS = /\d{2}:\d{2}:\d{2}/;

test('the handheld page: an instruction from the wall arrives, rings and is acknowledged', async (t) => {
  const { hub, token } = await handheldStack(t, 'hh-inbox');
  await addUnit(hub, token, { id: 'bc-09', name: '王强', kind: 'bodycam', team: '执行二组' });
  const { page } = await openHandheld(t, hub);
  await page.evaluate(() => { window.__vib = []; navigator.vibrate = (p) => { window.__vib.push(p); return true; }; });
  await page.click('#m-inbox h2'); // a first touch: the page may play sound from now on
  assert.equal(await page.textContent('#inbox-list li.none'), '暂无指令');
  const wall = await openWall(t, hub);

  // ---- sent from the wall's form ----
  await wall.click('#instr-new');
  await wall.selectOption('#instr-kind', 'unit');
  await wall.fill('#instr-target', 'hh-01');
  await wall.fill('#instr-text', '立即前往东门，配合查封');
  const sentAt = Date.now();
  await wall.click('#instr-send');
  await page.waitForSelector('#inbox-list li.instr.new', { timeout: 3000 });
  t.diagnostic(`wall -> phone: ${Date.now() - sentAt} ms`);
  assert.equal(await page.textContent('#inbox-list li.instr .text'), '立即前往东门，配合查封');
  assert.equal(await page.evaluate(() => window.__hh.alarm.beeps), 1, 'a beep');
  assert.deepEqual(await page.evaluate(() => window.__vib), [[300, 150, 300]], 'a vibration');
  const id = Number(await page.getAttribute('#inbox-list li.instr', 'data-id'));
  // Delivered: the wall shows when.
  const row = `#instr-list li[data-id="${id}"] .deliveries li[data-recipient="hh-01"]`;
  await wall.waitForSelector(`${row}.d-delivered`, { timeout: 3000 });
  assert.match(await wall.textContent(`${row} .st`), new RegExp(`送达 ${HHMMSS.source}`));
  await page.screenshot({ path: artifact('handheld-inbox.png') });

  // ---- one tap acknowledges, with a reply ----
  await page.fill('#inbox-list li.instr .reply', '收到，十分钟到');
  await page.click('#inbox-list li.instr button.ack');
  await page.waitForSelector('#inbox-list li.instr.acked .done');
  assert.match(await page.textContent('#inbox-list li.instr .done'), new RegExp(`已确认 ${HHMMSS.source}`));
  await wall.waitForSelector(`${row}.d-acked`, { timeout: 3000 });
  assert.match(await wall.textContent(`${row} .st`), new RegExp(`确认 ${HHMMSS.source}`));
  await wall.screenshot({ path: artifact('handheld-inbox-wall.png') });
  const instr = (await request(hub, 'GET', `/api/v1/instructions/${id}`, { token })).json.instruction;
  const d = instr.deliveries.find((x) => x.recipient === 'hh-01');
  assert.ok(d.delivered_at >= sentAt && d.delivered_at <= d.acked_at, `delivered ${d.delivered_at}, acked ${d.acked_at}`);
  assert.equal(d.acked_by, 'li');
  assert.equal(d.reply, '收到，十分钟到');
  const audit = (await request(hub, 'GET', '/api/v1/audit?limit=50', { token })).json.entries;
  assert.ok(audit.some((a) => a.action === 'instruction.delivered' && a.actor === 'unit:hh-01'));
  assert.ok(audit.some((a) => a.action === 'instruction.ack' && a.actor === 'li'));

  // ---- to the team: arrives; to another unit: does not ----
  let r = await request(hub, 'POST', '/api/v1/instructions', { token, body: { team: TEAM, text: '全组集合' } });
  assert.equal(r.status, 201, r.text);
  r = await request(hub, 'POST', '/api/v1/instructions', { token, body: { unit: 'bc-09', text: '不是给你的' } });
  assert.equal(r.status, 201, r.text);
  await page.waitForFunction(() => [...document.querySelectorAll('#inbox-list li.instr .text')].some((e) => e.textContent === '全组集合'), null, { timeout: 3000 });
  await sleep(500);
  const texts = await page.$$eval('#inbox-list li.instr .text', (es) => es.map((e) => e.textContent));
  assert.deepEqual(texts, ['全组集合', '立即前往东门，配合查封']);
  assert.equal(await page.evaluate(() => window.__hh.alarm.beeps), 2);
  // Reloaded, the inbox shows the same (from the hub), without ringing again.
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll('#inbox-list li.instr').length === 2, null, { timeout: 10000 });
  assert.equal(await page.evaluate(() => window.__hh.alarm.beeps), 0);
  assert.equal(await page.locator('#inbox-list li.instr.acked').count(), 1);
  // English.
  await page.click('#lang');
  assert.equal(await page.textContent('#m-inbox h2'), 'Instructions');
  assert.equal(await page.textContent('#inbox-list li.instr.new button.ack'), 'Acknowledge');
  assert.deepEqual(page.errors, []);
});
