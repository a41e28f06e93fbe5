// The admin page: an admin adds a user, unlocks a locked account, sets a
// password, adds a unit and reads its MQTT credentials (shown once), sees
// the broker's state; the unit's first position, published with those
// credentials by mosquitto_pub, appears on the wallboard's map. At
// 1920x1080 and 3840x2160, with screenshots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, request, login, mosquittoPub } from '../lib/harness.mjs';
import { launch, loginPage, artifact } from '../lib/browser.mjs';

test('admin page: users, units with credentials shown once, health; the new unit on the map', async (t) => {
  const { hub, broker, token } = await stack(t, 'admin');
  const context = await launch(t);
  const page = await loginPage(context, hub);
  await page.waitForSelector('#admin-link:not([hidden])');
  await page.click('#admin-link');
  await page.waitForSelector('#user-table tr[data-user="admin"]');

  // A user added with the form.
  await page.fill('#user-add input[name="username"]', 'sun');
  await page.fill('#user-add input[name="display_name"]', '孙值班');
  await page.selectOption('#user-add select[name="role"]', 'duty');
  await page.fill('#user-add input[name="team"]', '值班室');
  await page.fill('#user-add input[name="password"]', 'Duty-Pass-2025!');
  await page.click('#user-add button[type="submit"]');
  await page.waitForSelector('#user-table tr[data-user="sun"]');
  assert.match(await page.textContent('#user-table tr[data-user="sun"]'), /孙值班.*值班员.*值班室/);
  // Locked after five wrong passwords; one click unlocks.
  for (let i = 0; i < 5; i++) await request(hub, 'POST', '/api/v1/login', { body: { username: 'sun', password: 'wrong' } });
  await page.evaluate(() => window.__eccAdmin.users());
  await page.waitForSelector('#user-table tr[data-user="sun"] button.unlock');
  await page.click('#user-table tr[data-user="sun"] button.unlock');
  await page.waitForFunction(() => !document.querySelector('#user-table tr[data-user="sun"] button.unlock'));
  // A new password.
  await page.fill('#user-table tr[data-user="sun"] input[type="password"]', 'Reset-Pass-2026!');
  await page.click('#user-table tr[data-user="sun"] button.ghost');
  await page.waitForFunction(() => /sun/.test(document.getElementById('user-status').textContent));
  assert.ok(await login(hub, 'sun', 'Reset-Pass-2026!'), 'the new password works');
  // A bad one is refused with the hub's reason.
  await page.fill('#user-table tr[data-user="sun"] input[type="password"]', '123');
  await page.click('#user-table tr[data-user="sun"] button.ghost');
  await page.waitForSelector('#user-status.error');
  assert.equal(await page.textContent('#user-status'), '密码不符合要求（至少 10 位）');

  // A unit: its MQTT credentials shown once.
  await page.fill('#unit-add input[name="id"]', 'bc-81');
  await page.fill('#unit-add input[name="name"]', '执法记录仪81');
  await page.selectOption('#unit-add select[name="kind"]', 'bodycam');
  await page.fill('#unit-add input[name="team"]', '执行三组');
  await page.fill('#unit-add input[name="stream"]', 'rtsp://127.0.0.1:8554/bc-81');
  await page.click('#unit-add button[type="submit"]');
  await page.waitForSelector('#unit-creds:not([hidden]) code.mqtt_password');
  const creds = await page.evaluate(() => ({
    username: document.querySelector('#unit-creds code.mqtt_username').textContent,
    password: document.querySelector('#unit-creds code.mqtt_password').textContent }));
  assert.equal(creds.username, 'bc-81');
  assert.ok(creds.password.length >= 16, 'a real password');
  await page.waitForSelector('#unit-table tr[data-unit="bc-81"]');
  // Its camera's stream was added with it, for a gateway to take.
  const streams = (await request(hub, 'GET', '/api/v1/streams', { token })).json.streams;
  assert.deepEqual(streams.map((x) => [x.unit, x.url]), [['bc-81', 'rtsp://127.0.0.1:8554/bc-81']]);
  await page.evaluate(() => window.__eccAdmin.units());
  assert.match(await page.textContent('#unit-table tr[data-unit="bc-81"]'), /rtsp:\/\/127\.0\.0\.1:8554\/bc-81/);
  assert.equal(await page.textContent('#broker-state'), '消息总线（MQTT）：已连接');
  assert.match(await page.textContent('#hub-disk'), /\d+\.\d GB/);
  for (const [w, h] of [[1920, 1080], [3840, 2160]]) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: artifact(`wall-admin-${w}x${h}.png`) });
  }
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.click('#unit-creds button');
  assert.equal(await page.locator('#unit-creds code').count(), 0, 'hidden and gone from the page');
  // Not shown again anywhere.
  assert.ok(!(await request(hub, 'GET', '/api/v1/units/bc-81', { token })).text.includes(creds.password));

  // The unit's first position reaches the wallboard's map.
  await page.click('a[href="/"]');
  await page.waitForFunction(() => window.__ecc?.store.units.has('bc-81'));
  assert.equal(await page.evaluate(() => window.__ecc.layer.drawn.length), 0);
  const t0 = Date.now();
  await mosquittoPub(broker, { username: creds.username, password: creds.password, topic: 'ecc/unit/bc-81/telemetry',
    message: JSON.stringify({ ts: Date.now(), lat: 47.137, lon: 129.286, heading: 10 }) });
  await page.waitForFunction(() => window.__ecc.layer.drawn.some((d) => d.id === 'bc-81'), null, { timeout: 2000 });
  t.diagnostic(`first position -> marker: ${Date.now() - t0} ms`);
  // Admins only.
  const tok = await login(hub, 'sun', 'Reset-Pass-2026!');
  assert.equal((await request(hub, 'GET', '/api/v1/users', { token: tok })).status, 403);
  assert.deepEqual(page.errors, []);
});
