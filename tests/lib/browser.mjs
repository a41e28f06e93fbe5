// Debian's headless Chromium driven by playwright-core, with a fresh profile
// and no network beyond loopback (DESIGN.md, Tests).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns,MediaRouter,DialMediaRouteProvider',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

export async function launch(t) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ecc-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
    viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
  });
  t.after(async () => { await context.close(); fs.rmSync(profile, { recursive: true, force: true }); });
  return context;
}

// Where screenshots go (kept as test artifacts).
export function artifact(name) {
  const dir = path.join(process.env.ECC_BUILD || '.', 'test-artifacts');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

export async function loginPage(context, hub, username = 'admin', password = hub.adminPassword) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.errors = errors;
  await page.goto(`${hub.url}/`);
  await page.waitForSelector('#username');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('#login-submit');
  await page.waitForURL(`${hub.url}/`);
  return page;
}
