// Duty (值班) on the wallboard: a commander imports the roster from a CSV
// file and adds a shift with the form, the duty officer signs in with one
// click, an SOS shows who it went to and, unacknowledged, that it climbed
// to the commander on duty, the duty log and the hand-over note, which
// reaches the next shift's officer, who confirms it. At 1920x1080 and
// 3840x2160, with screenshots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, addUnit, addUser, request, mosquittoPub } from '../lib/harness.mjs';
import { launch, loginPage, artifact } from '../lib/browser.mjs';

const PW = 'Test-Pass-2025!';
const HOUR = 3600000;
// A datetime-local value in Asia/Shanghai (the browsers' zone here).
const local = (ms) => new Date(ms + 8 * HOUR).toISOString().slice(0, 16);

test('duty on the wallboard: roster, sign-in, escalation, log, hand-over', async (t) => {
  const { hub, broker, token } = await stack(t, 'wallduty', { alerts: { escalate_after: 3 } });
  await addUser(hub, token, 'wang', 'duty', { display_name: '王值班' });
  await addUser(hub, token, 'li', 'duty', { display_name: '李值班' });
  await addUser(hub, token, 'zhao', 'commander', { display_name: '赵指挥' });
  const unit = await addUnit(hub, token, { id: 'bc-51', name: '执法记录仪51', kind: 'bodycam', team: '执行一组' });

  // The commander imports the roster from a CSV file.
  const ctxA = await launch(t);
  const cmd = await loginPage(ctxA, hub, 'zhao', PW);
  await cmd.waitForSelector('#duty:not([hidden]) #duty-roster');
  await cmd.click('#duty-roster');
  await cmd.waitForSelector('dialog#roster[open]');
  const now = Date.now();
  const csv = `username,role,starts,ends\nwang,duty,${new Date(now - 60000).toISOString()},${new Date(now + HOUR).toISOString()}\n`
    + `zhao,commander,${now - 60000},${now + HOUR}\nli,duty,${new Date(now + HOUR).toISOString()},${new Date(now + 2 * HOUR).toISOString()}\n`;
  // A bad file first: nothing is added and the line is named.
  await cmd.setInputFiles('#roster-csv', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('username,role,starts,ends\nwang,duty,yesterday,\n') });
  await cmd.waitForSelector('dialog#roster .status.error');
  assert.match(await cmd.textContent('dialog#roster .status'), /CSV 第 2 行有误/);
  await cmd.setInputFiles('#roster-csv', { name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await cmd.waitForFunction(() => document.querySelectorAll('dialog#roster tr[data-shift]').length === 3);
  assert.match(await cmd.textContent('dialog#roster .status'), /已添加 3 个班次/);
  await cmd.screenshot({ path: artifact('wall-duty-roster-1920x1080.png') });
  await cmd.click('dialog#roster .close');
  await cmd.evaluate(() => window.__ecc.duty.load());
  await cmd.waitForSelector('#duty li[data-user="wang"] .signed.no');

  // The duty officer signs in with one click.
  const ctxB = await launch(t);
  let officer = await loginPage(ctxB, hub, 'wang', PW);
  await officer.waitForSelector('#duty-signin');
  await officer.click('#duty-signin');
  await officer.waitForSelector('#duty li[data-user="wang"] .signed.yes');
  assert.equal(await officer.locator('#duty-signin').count(), 0);
  await cmd.evaluate(() => window.__ecc.duty.load());
  await cmd.waitForSelector('#duty li[data-user="wang"] .signed.yes');

  // An SOS goes to wang; unacknowledged, it climbs to zhao, the commander on duty.
  await mosquittoPub(broker, { username: unit.mqtt.username, password: unit.mqtt.password,
    topic: 'ecc/unit/bc-51/event', message: JSON.stringify({ ts: Date.now(), kind: 'sos' }) });
  await officer.waitForSelector('#alert-list li.sev-critical.open', { timeout: 2000 });
  assert.match(await officer.textContent('#alert-list li.sev-critical'), /值班处理人：wang/);
  await cmd.waitForSelector('#alert-list li.sev-critical.escalated .esc', { timeout: 8000 });
  assert.match(await cmd.textContent('#alert-list li.sev-critical .esc'), /已上报指挥长 zhao/);
  await officer.waitForSelector('#alert-list li.sev-critical.escalated');

  // The duty log and the hand-over note.
  await officer.click('#duty-log');
  await officer.fill('dialog#duty-log-dialog textarea', '23:05 接报执法记录仪51 SOS，已上报');
  await officer.click('dialog#duty-log-dialog button[type="submit"]');
  await officer.waitForFunction(() => document.querySelector('dialog#duty-log-dialog .duty-log')?.textContent.includes('已上报'));
  await officer.click('dialog#duty-log-dialog .close');
  await officer.click('#duty-handover');
  await officer.fill('dialog#duty-handover-dialog textarea', '南岔镇现场两组仍在外，请注意接应。');
  await officer.click('dialog#duty-handover-dialog button[type="submit"]');
  await officer.waitForSelector('#handover-pending');
  assert.equal(await officer.locator('#handover-confirm').count(), 0, 'the author does not confirm the own note');
  const log = (await request(hub, 'GET', '/api/v1/duty/log', { token })).json.entries;
  assert.equal(log[0].text, '23:05 接报执法记录仪51 SOS，已上报');

  // The next shift: the commander adds li now with the form; li logs in,
  // sees the note and confirms it.
  await cmd.click('#duty-roster');
  await cmd.fill('dialog#roster input[name="username"]', 'li');
  await cmd.selectOption('dialog#roster select[name="role"]', 'duty');
  await cmd.fill('dialog#roster input[name="starts"]', local(Date.now() - 60000));
  await cmd.fill('dialog#roster input[name="ends"]', local(Date.now() + HOUR));
  await cmd.click('dialog#roster button[type="submit"]');
  await cmd.waitForFunction(() => document.querySelectorAll('dialog#roster tr[data-shift]').length === 4);
  await cmd.click('dialog#roster .close');
  await officer.click('#logout');
  await officer.waitForURL(/login/);
  officer = await loginPage(ctxB, hub, 'li', PW);
  for (const [w, h] of [[1920, 1080], [3840, 2160]]) {
    await officer.setViewportSize({ width: w, height: h });
    await officer.waitForSelector('#handover-pending #handover-confirm');
    assert.match(await officer.textContent('#handover-pending'), /王值班.*南岔镇现场两组仍在外/);
    await officer.screenshot({ path: artifact(`wall-duty-handover-${w}x${h}.png`) });
  }
  await officer.click('#handover-confirm');
  await officer.waitForFunction(() => !document.getElementById('handover-pending'));
  const hs = (await request(hub, 'GET', '/api/v1/duty/handovers', { token })).json.handovers;
  assert.equal(hs[0].confirmed_by, 'li');
  // English labels too.
  await officer.click('#lang');
  assert.equal(await officer.textContent('#duty h2'), 'Duty');
  assert.match(await officer.textContent('#duty-signin'), /Sign in for duty/);
  await officer.click('#lang');
  assert.deepEqual(cmd.errors, []);
  assert.deepEqual(officer.errors, []);
});
