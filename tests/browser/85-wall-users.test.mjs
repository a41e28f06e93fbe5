// The admin page manages accounts: an admin locks a duty officer who is
// watching the wallboard in another browser (that screen drops to the
// login page at once and the password no longer works), unlocks the
// account, changes its role (the next login has it), and is told why the
// own account cannot be locked. At 1920x1080 and 3840x2160, with
// screenshots; the labels follow the language toggle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, addUser, request } from '../lib/harness.mjs';
import { launch, loginPage, artifact } from '../lib/browser.mjs';

test('admin page: lock, unlock and role of a user', async (t) => {
  const { hub, token } = await stack(t, 'users-page');
  await addUser(hub, token, 'sun', 'duty', { display_name: '孙值班' });
  const PW = 'Test-Pass-2025!';
  const admin = await loginPage(await launch(t), hub);
  admin.on('dialog', (d) => d.accept());
  await admin.goto(`${hub.url}/admin.html`);
  const sunRow = '#user-table tr[data-user="sun"]';
  await admin.waitForSelector(`${sunRow} button.lock`);
  assert.equal(await admin.inputValue(`${sunRow} select.role`), 'duty');

  // Sun on the wallboard in a second browser.
  const sun = await loginPage(await launch(t), hub, 'sun', PW);
  await sun.waitForFunction(() => window.__ecc?.bus);

  // Locked: sun's screen goes to the login page within a second or two.
  await admin.click(`${sunRow} button.lock`);
  await admin.waitForSelector(`${sunRow}[data-locked="1"] button.unlock`);
  const t0 = Date.now();
  await sun.waitForURL(/\/login/, { timeout: 2000 });
  t.diagnostic(`lock -> the user's wallboard at the login page: ${Date.now() - t0} ms`);
  assert.equal(await admin.textContent(`${sunRow} td:nth-child(5)`), '已锁定（停用）');
  assert.equal(await admin.textContent('#user-status'), '已锁定 sun');
  assert.equal((await request(hub, 'POST', '/api/v1/login', { body: { username: 'sun', password: PW } })).status, 403);
  // On the login page the officer is told the account is locked, not that
  // the password is wrong.
  await sun.fill('#username', 'sun');
  await sun.fill('#password', PW);
  await sun.click('#login-submit');
  await sun.waitForFunction(() => document.querySelector('#login-error')?.textContent);
  assert.equal(await sun.textContent('#login-error'), '账户已被管理员锁定，请联系管理员解锁');
  for (const [w, h] of [[1920, 1080], [3840, 2160]]) {
    await admin.setViewportSize({ width: w, height: h });
    await admin.screenshot({ path: artifact(`wall-users-${w}x${h}.png`) });
  }
  await admin.setViewportSize({ width: 1920, height: 1080 });

  // Unlocked, then made a commander: the next login is a commander's.
  await admin.click(`${sunRow} button.unlock`);
  await admin.waitForSelector(`${sunRow}[data-locked="0"] button.lock`);
  await admin.selectOption(`${sunRow} select.role`, 'commander');
  await admin.waitForFunction(() => /孙|sun/.test(document.getElementById('user-status').textContent)
    && /指挥长/.test(document.getElementById('user-status').textContent));
  const me = await request(hub, 'POST', '/api/v1/login', { body: { username: 'sun', password: PW } });
  assert.equal(me.status, 200);
  assert.equal(me.json.user.role, 'commander');
  assert.equal(await admin.inputValue(`${sunRow} select.role`), 'commander');

  // The own account: refused, and the page says why.
  await admin.click('#user-table tr[data-user="admin"] button.lock');
  await admin.waitForSelector('#user-status.error');
  assert.equal(await admin.textContent('#user-status'), '不能锁定或降级本人账号，也不能锁定或降级最后一个系统管理员');
  await admin.selectOption('#user-table tr[data-user="admin"] select.role', 'duty');
  await admin.waitForFunction(() => document.querySelector('#user-table tr[data-user="admin"] select.role')?.value === 'admin');
  assert.equal((await request(hub, 'GET', '/api/v1/me', { token })).json.user.role, 'admin');

  // The language toggle changes the labels.
  await admin.click('#lang');
  await admin.waitForFunction(() => document.querySelector('#user-table tr[data-user="sun"] button.lock')?.textContent === 'Lock');
  assert.equal(await admin.textContent(`${sunRow} select.role option[value="commander"]`), 'Commander');
  assert.deepEqual(admin.errors, []);
  assert.deepEqual(sun.errors, []);
});
