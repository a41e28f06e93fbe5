// The handheld page's tests: a stack with an officer whose account has a
// unit, a phone logged in at /m/, and a wall logged in at /.
import { stack, addUnit, addUser, login } from './harness.mjs';
import { launch, loginPage } from './browser.mjs';

export const PASS = 'Test-Pass-2025!';
export const TEAM = '执行一组';
export const START = { latitude: 47.136, longitude: 129.28, accuracy: 8 };

// Broker, hub, unit hh-01 (a handheld of team 执行一组) and officer "li"
// (李娜) whose unit it is; tokens of admin and li.
export async function handheldStack(t, name, hubExtra = {}) {
  const s = await stack(t, name, { telemetry: { offline_after: 600 }, ...hubExtra });
  s.unit = await addUnit(s.hub, s.token, { id: 'hh-01', name: '李娜', kind: 'handheld', team: TEAM });
  s.officer = await addUser(s.hub, s.token, 'li', 'officer', { display_name: '李娜', team: TEAM, unit: 'hh-01' });
  return s;
}

// A phone context at START, logged in at /m/ as username; resolves to the
// page once its reporter is attached (the hub said hello).
export async function openHandheld(t, hub, { username = 'li', password = PASS, context } = {}) {
  const ctx = context || await launch(t, { mobile: true, geolocation: START });
  const page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.goto(`${hub.url}/m/`);
  await page.waitForSelector('#username');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('#login-submit');
  await page.waitForURL(`${hub.url}/m/`);
  await page.waitForFunction(() => window.__hh?.reporter.live(), null, { timeout: 10000 });
  return { context: ctx, page };
}

// The wall in a desktop browser, as admin.
export async function openWall(t, hub) {
  const context = await launch(t);
  const page = await loginPage(context, hub);
  await page.waitForFunction(() => window.__ecc?.bus, null, { timeout: 10000 });
  return page;
}

// Moves the phone: a zig-zag (every point off the line by ~100 m, so the
// track API keeps them all), step i from START.
export function zigzag(i) {
  const r = (x) => Number(x.toFixed(7));
  return { latitude: r(START.latitude + i * 0.0005), longitude: r(START.longitude + (i % 2 ? 0.0015 : 0)), accuracy: 5 + (i % 7) };
}

export { login };
