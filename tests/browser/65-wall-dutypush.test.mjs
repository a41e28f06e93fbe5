// Duty changes reach the other wallboards over the WebSocket, without a
// reload and long before the fallback poll (2 min): the commander's screen
// sees the duty officer sign in, an open duty log shows another screen's
// entry, the hand-over note reaches the next shift's browser within 2 s,
// and its confirmation clears it on the author's screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, addUser, request } from '../lib/harness.mjs';
import { launch, loginPage, artifact } from '../lib/browser.mjs';

const PW = 'Test-Pass-2025!';
const HOUR = 3600000;

test('duty pushed to other browsers: sign-in, log, hand-over, confirm', async (t) => {
  const { hub, token } = await stack(t, 'dutypush');
  await addUser(hub, token, 'wang', 'duty', { display_name: '王值班' });
  await addUser(hub, token, 'li', 'duty', { display_name: '李值班' });
  await addUser(hub, token, 'zhao', 'commander', { display_name: '赵指挥' });
  const now = Date.now();
  const r = await request(hub, 'POST', '/api/v1/duty/roster/import', { token, body: { shifts: [
    { username: 'wang', role: 'duty', starts: now - 60000, ends: now + HOUR },
    { username: 'zhao', role: 'commander', starts: now - 60000, ends: now + HOUR },
    // The next shift is already in the room for the hand-over.
    { username: 'li', role: 'duty', starts: now - 60000, ends: now + 2 * HOUR }] } });
  assert.equal(r.status, 201, r.text);

  const open = async (user) => {
    const page = await loginPage(await launch(t), hub, user, PW);
    await page.waitForSelector('#duty li[data-user="wang"] .signed.no');
    // Gone if the page reloads: everything below must arrive without one.
    await page.evaluate(() => { window.__noReload = true; });
    return page;
  };
  const cmd = await open('zhao');
  const wang = await open('wang');
  const li = await open('li');
  const within = async (page, ms, fn, arg, what) => {
    const t0 = Date.now();
    await page.waitForFunction(fn, arg, { timeout: ms, polling: 20 });
    t.diagnostic(`${what}: ${Date.now() - t0} ms`);
  };

  // Sign-in: on the commander's screen within a second.
  await wang.click('#duty-signin');
  await within(cmd, 1000, () => !!document.querySelector('#duty li[data-user="wang"] .signed.yes'), null, 'sign-in -> commander');
  await within(li, 1000, () => !!document.querySelector('#duty li[data-user="wang"] .signed.yes'), null, 'sign-in -> next shift');

  // A duty log entry: in the log the commander has open.
  await cmd.click('#duty-log');
  await cmd.waitForSelector('dialog#duty-log-dialog[open]');
  await wang.click('#duty-log');
  await wang.fill('dialog#duty-log-dialog textarea', '01:10 南岔镇现场已清场');
  await wang.click('dialog#duty-log-dialog button[type="submit"]');
  await within(cmd, 1000, () => document.querySelector('dialog#duty-log-dialog .duty-log')?.textContent.includes('南岔镇现场已清场'),
    null, 'log entry -> open log elsewhere');
  await wang.click('dialog#duty-log-dialog .close');
  await cmd.click('dialog#duty-log-dialog .close');

  // The hand-over note: on the next shift's screen within 2 s.
  assert.equal(await li.locator('#handover-pending').count(), 0);
  await wang.click('#duty-handover');
  await wang.fill('dialog#duty-handover-dialog textarea', '两组仍在外，请注意接应。');
  await wang.click('dialog#duty-handover-dialog button[type="submit"]');
  await within(li, 2000, () => /两组仍在外/.test(document.querySelector('#handover-pending')?.textContent || '')
    && !!document.getElementById('handover-confirm'), null, 'hand-over -> next shift');
  assert.match(await li.textContent('#handover-pending'), /王值班/);
  await li.screenshot({ path: artifact('wall-dutypush-handover-1920x1080.png') });
  await li.setViewportSize({ width: 3840, height: 2160 });
  await li.screenshot({ path: artifact('wall-dutypush-handover-3840x2160.png') });
  await li.setViewportSize({ width: 1920, height: 1080 });

  // Confirmed: gone from the author's and the commander's screens.
  await wang.waitForSelector('#handover-pending');
  await li.click('#handover-confirm');
  await within(wang, 1000, () => !document.getElementById('handover-pending'), null, 'confirm -> author');
  await within(cmd, 1000, () => !document.getElementById('handover-pending'), null, 'confirm -> commander');

  for (const p of [cmd, wang, li]) {
    assert.equal(await p.evaluate(() => window.__noReload), true, 'no reload');
    assert.deepEqual(p.errors, []);
  }
});
