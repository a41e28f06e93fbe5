// The handheld benchmark (see bench/handheld for how to run it): SOS to
// alert shown on the wall, from the handheld page (a 2 s hold in a phone
// browser, over the hub's WebSocket) and from an MQTT device (a message
// published to ecc/unit/{unit}/event), alternated in the same run against
// the same hub and the same wall. The time runs from the moment the hold
// completes (the page sends; the 2 s hold itself is by design and added
// below) or the MQTT publish is handed to the client, to the moment the
// wall's alert list shows the new alert (a MutationObserver, then the
// next animation frame: painted). Both browsers and the MQTT client share
// this machine's clock.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startBroker, startHub, login, request, addUnit, addUser, mqttConnect, tmpDir, sleep, waitFor } from '../tests/lib/harness.mjs';
import { CHROMIUM_ARGS, MOBILE } from '../tests/lib/browser.mjs';
import { parseArgs, pct, f1 } from './lib.mjs';

const args = parseArgs();
const PRESSES = Number(args.presses || 50);
const PASS = 'Test-Pass-2025!';
const START = { latitude: 47.136, longitude: 129.28, accuracy: 8 };

async function browser(opts) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ecc-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
    viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...opts,
  });
  const close = async () => { await context.close(); fs.rmSync(profile, { recursive: true, force: true }); };
  return { context, close };
}

async function logIn(page, hub, path_, username, password) {
  await page.goto(`${hub.url}${path_}`);
  await page.waitForSelector('#username');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('#login-submit');
  await page.waitForURL(`${hub.url}${path_}`);
}

const dir = tmpDir('bench-handheld');
const broker = await startBroker(dir);
const hub = await startHub(broker, dir, { telemetry: { offline_after: 3600 }, alerts: { escalate_after: 3600 } });
const closers = [];
try {
  const token = await login(hub);
  const unit = await addUnit(hub, token, { id: 'hh-01', name: '李娜', kind: 'handheld', team: '执行一组' });
  await addUser(hub, token, 'li', 'officer', { display_name: '李娜', team: '执行一组', unit: 'hh-01' });
  const device = await mqttConnect(broker, { username: unit.mqtt.username, password: unit.mqtt.password });
  closers.push(() => device.endAsync());

  const wallB = await browser({});
  closers.push(wallB.close);
  const wall = await wallB.context.newPage();
  await logIn(wall, hub, '/', 'admin', hub.adminPassword);
  await wall.waitForFunction(() => window.__ecc?.bus);
  await wall.evaluate(() => {
    window.__shown = new Map(); // alert id -> painted at (epoch ms)
    new MutationObserver(() => {
      for (const li of document.querySelectorAll('#alert-list li[data-alert]')) {
        const id = Number(li.dataset.alert);
        if (window.__shown.has(id)) continue;
        window.__shown.set(id, 0);
        requestAnimationFrame(() => window.__shown.set(id, Date.now()));
      }
    }).observe(document.getElementById('alert-list'), { childList: true, subtree: true });
  });

  const phoneB = await browser({ ...MOBILE, geolocation: START });
  closers.push(phoneB.close);
  const phone = await phoneB.context.newPage();
  await logIn(phone, hub, '/m/', 'li', PASS);
  await phone.waitForFunction(() => window.__hh?.reporter.live() && window.__hh.reporter.acked >= 1, null, { timeout: 15000 });
  const b = await phone.locator('#sos-button').boundingBox();

  // The next alert id the wall paints after `before` (ids seen so far).
  const nextShown = async (before) => waitFor(async () => wall.evaluate((n) => {
    const fresh = [...window.__shown].filter(([id, at]) => id > n && at > 0);
    return fresh.length ? fresh[0] : null;
  }, before), { timeout: 10000, interval: 5, what: 'the alert on the wall' });
  const lastId = () => wall.evaluate(() => Math.max(0, ...window.__shown.keys()));

  const page = [], pressed = [], mqtt = [];
  for (let i = 0; i < PRESSES; i++) {
    // the handheld page: hold until it sends
    let before = await lastId();
    const n = await phone.evaluate(() => window.__hh.sos.sent.length);
    await phone.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    const pressAt = Date.now();
    await phone.mouse.down();
    await phone.waitForFunction((k) => window.__hh.sos.sent.length > k, n, { timeout: 5000, polling: 'raf' });
    await phone.mouse.up();
    const sentAt = await phone.evaluate(() => window.__hh.sos.sent.at(-1).at);
    let [, shownAt] = await nextShown(before);
    page.push(shownAt - sentAt);
    pressed.push(shownAt - pressAt);
    // an MQTT device's event
    before = await lastId();
    const t0 = Date.now();
    await device.publishAsync('ecc/unit/hh-01/event', JSON.stringify({ ts: t0, kind: 'sos' }), { qos: 1 });
    [, shownAt] = await nextShown(before);
    mqtt.push(shownAt - t0);
    await sleep(50);
  }
  const alerts = (await request(hub, 'GET', '/api/v1/alerts?limit=200', { token })).json.alerts.filter((a) => a.kind === 'sos');
  const row = (name, xs) => `${name.padEnd(50)} ${f1(pct(xs, 50)).padStart(8)} ${f1(pct(xs, 95)).padStart(8)} ${f1(Math.max(...xs)).padStart(8)}`;
  console.log(`SOS to alert shown on the wall, ms, ${PRESSES} each, alternated (${alerts.length} sos alerts raised)`);
  console.log(`${'path'.padEnd(50)} ${'p50'.padStart(8)} ${'p95'.padStart(8)} ${'max'.padStart(8)}`);
  console.log(row('handheld page: hold complete -> wall', page));
  console.log(row('handheld page: press -> wall (with the 2 s hold)', pressed));
  console.log(row('MQTT ecc/unit/hh-01/event -> wall', mqtt));
} finally {
  for (const c of closers.reverse()) await c().catch(() => {});
  await hub.proc.stop();
  await broker.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
