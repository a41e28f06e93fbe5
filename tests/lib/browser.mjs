// Debian's headless Chromium driven by playwright-core, with a fresh profile
// and no network beyond loopback (DESIGN.md, Tests).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { cleanup } from './harness.mjs';
import { decodeTimecode } from './timecode.mjs';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns,MediaRouter,DialMediaRouteProvider',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

// A phone: 360x800, touch, location allowed (the handheld page).
export const MOBILE = { viewport: { width: 360, height: 800 }, isMobile: true, hasTouch: true,
  deviceScaleFactor: 2, permissions: ['geolocation'] };

// args: more Chromium flags for this test; mobile: a phone (MOBILE), with
// geolocation {latitude, longitude, accuracy} to start from.
export async function launch(t, { args = [], mobile = false, geolocation } = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ecc-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, args: [...CHROMIUM_ARGS, ...args],
    viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
    ...(mobile ? MOBILE : {}), ...(geolocation ? { geolocation } : {}),
  });
  // With the test's other cleanups (harness.mjs): a failing one (a daemon's
  // sanitizer report) must not leave Chromium running and the test hanging.
  cleanup(t, async () => { await context.close(); fs.rmSync(profile, { recursive: true, force: true }); });
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

// The live page's picture (#lv-player video): its size, currentTime, share
// of lit pixels, the player's state and mode, the sound bytes decoded, and
// `shown`, ecc-devsim's burned-in clock (ms), read again from the next
// frames while unreadable (a frame caught while the decoder recovers), up
// to `tries` times; null if it never was. w 0: no picture yet. selector:
// another <video> (a room's tile). clock false: no clock read (every pixel
// shipped out for it: a shared screen's 1280x720 took minutes on a loaded
// machine), one try.
export async function liveFrame(page, { tries = 10, selector = '#lv-player video', clock = true } = {}) {
  let got;
  for (let i = 0; i < tries; i++) {
    got = await page.evaluate(({ selector, clock }) => {
      const v = document.querySelector(selector);
      if (!v || !v.videoWidth) return { w: 0, shown: null };
      const c = document.createElement('canvas');
      c.width = v.videoWidth;
      c.height = v.videoHeight;
      const g = c.getContext('2d');
      g.drawImage(v, 0, 0);
      const px = g.getImageData(0, 0, c.width, c.height).data;
      let lit = 0;
      for (let j = 0; j < px.length; j += 4) lit += px[j] + px[j + 1] + px[j + 2] > 60;
      return { w: c.width, h: c.height, t: v.currentTime, rs: v.readyState, lit: lit / (px.length / 4),
        rgba: clock ? Array.from(px) : null, state: window.__eccLive?.state, mode: window.__eccLive?.mode,
        audio: v.webkitAudioDecodedByteCount, now: Date.now() };
    }, { selector, clock });
    if (!clock) {
      delete got.rgba;
      return { ...got, shown: null };
    }
    if (got.w) got.shown = decodeTimecode(Uint8ClampedArray.from(got.rgba), got.w, got.h);
    delete got.rgba;
    if (!got.w || got.shown !== null) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
  return got;
}

// The loudest sample of a MediaStream's sound over ms (the page's own
// WebAudio; every sample seen, not a poll). expr: the stream, evaluated in
// the page; -1 when it has no sound track.
export async function audioPeak(page, expr, ms = 3000) {
  return page.evaluate(async ({ expr, ms }) => {
    // eslint-disable-next-line no-eval
    const stream = (0, eval)(expr);
    if (!stream || !stream.getAudioTracks().length) return -1;
    const ctx = new AudioContext();
    await ctx.resume();
    const src = ctx.createMediaStreamSource(stream);
    const proc = ctx.createScriptProcessor(2048, 1, 1);
    let max = 0;
    proc.onaudioprocess = (ev) => {
      for (const v of ev.inputBuffer.getChannelData(0)) max = Math.max(max, Math.abs(v));
    };
    src.connect(proc);
    proc.connect(ctx.destination);
    await new Promise((r) => setTimeout(r, ms));
    await ctx.close();
    return max;
  }, { expr, ms });
}
