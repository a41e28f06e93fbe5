// The phone-camera benchmark (see bench/publish for how to run it).
//
// Camera to wall on one machine: the "phone" (a headless Chromium logged in
// as an officer who carries a unit) draws its own clock (UTC ms) into
// ecc-devsim's timestamp strip (tests/lib/timecode.mjs's layout) on a
// 640x480 canvas at 30 frames a second and publishes the canvas and a tone
// with wallboard/js/media/publisher.js; the gateway records it as the
// unit's stream and serves it to the wall (a second Chromium, an admin, the
// live player of /live.html) over WebRTC. The wall reads the strip of every
// frame it presents (requestVideoFrameCallback, canvas) and compares it
// with its own clock at the frame's expected display time. Same machine,
// same clock: no synchronisation error. The figure includes the phone's
// canvas capture and H.264 encode (OpenH264), the network hops (phone ->
// gateway -> wall, loopback), the gateway's jitter buffer and the wall's
// decode and display.
import fs from 'node:fs';
import os from 'node:os';
import { startBroker, startHub, login, tmpDir, sleep, addUser, addUnit } from '../tests/lib/harness.mjs';
import { startGateway, waitStream } from '../tests/lib/media.mjs';
import { CHROMIUM_ARGS, loginPage } from '../tests/lib/browser.mjs';
import { COLS, BITS, CELLS, geometry, crc4 } from '../tests/lib/timecode.mjs';
import { chromium } from 'playwright-core';
import { parseArgs, pct, FRAME_LATENCY_SCRIPT } from './lib.mjs';

const args = parseArgs();
const SECONDS = Number(args.seconds || 20);
const WARMUP = Number(args.warmup || 3);
const WIDTH = 640, HEIGHT = 480, FPS = 30;
const PASSWORD = 'Test-Pass-2025!'; // harness.mjs addUser's

// On the wall: for every presented frame, the strip's value and the frame's
// expected display time on the wall clock, in window.__lat (the decoder is
// timecode.mjs's, injected; it gets the strip's rows only).
const wallScript = FRAME_LATENCY_SCRIPT;

// On the phone: a canvas carrying its clock in the strip, a moving bar (so
// the encoder has motion to code) and a tone; published.
const phoneScript = `
const COLS = ${COLS}, BITS = ${BITS}, CELLS = ${CELLS};
${geometry.toString()}
${crc4.toString()}
window.__startCamera = async () => {
  const W = ${WIDTH}, H = ${HEIGHT};
  const c = document.createElement('canvas');
  c.width = W; c.height = H;
  const g = c.getContext('2d');
  const geo = geometry(W, H);
  const draw = () => {
    const now = Date.now();
    g.fillStyle = '#404850'; g.fillRect(0, 0, W, H);
    g.fillStyle = '#c0a040'; g.fillRect((now / 5) % W, H / 2, 40, 80);
    const bits = [1, 0];
    for (let i = BITS - 1; i >= 0; i--) bits.push(Math.floor(now / 2 ** i) % 2);
    const crc = crc4(now);
    for (let i = 3; i >= 0; i--) bits.push((crc >> i) & 1);
    for (let i = 0; i < CELLS; i++) {
      g.fillStyle = bits[i] ? '#fff' : '#000';
      g.fillRect(geo.x0 + (i % COLS) * geo.cell, geo.y0 + Math.floor(i / COLS) * geo.cell, geo.cell, geo.cell);
    }
  };
  draw();
  setInterval(draw, 1000 / ${FPS});
  const media = c.captureStream(${FPS});
  const ac = new AudioContext();
  const osc = ac.createOscillator();
  const dest = ac.createMediaStreamDestination();
  osc.connect(dest); osc.start();
  media.addTrack(dest.stream.getAudioTracks()[0]);
  const { Publisher } = await import('/js/media/publisher.js');
  window.__pub = new Publisher({ media });
  await window.__pub.start();
};`;

async function main() {
  const root = tmpDir('bench-publish');
  const broker = await startBroker(root);
  const hub = await startHub(broker, root);
  const token = await login(hub);
  const gw = await startGateway(hub, root, { extra: '[webrtc]\naddresses = 127.0.0.1\n' });
  await addUnit(hub, token, { id: 'ph-01', name: '手机测试', kind: 'handheld' });
  await addUser(hub, token, 'bench1', 'officer', { unit: 'ph-01' });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
    args: [...CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required'] });
  console.log(`# ECC phone-camera benchmark: a ${WIDTH}x${HEIGHT}@${FPS} canvas published by headless Chromium`
    + ` (H.264 by OpenH264, Opus) through ecc-gateway to the wall's live player (a second Chromium), one machine;`
    + ` warm-up ${WARMUP} s, window ${SECONDS} s, ${os.cpus().length} cores. Target: camera to wall p50 < 400 ms.`);
  let r = null;
  try {
    const phoneCtx = await browser.newContext({ viewport: { width: 400, height: 800 } });
    await phoneCtx.addInitScript(phoneScript);
    const phone = await loginPage(phoneCtx, hub, 'bench1', PASSWORD);
    await phone.evaluate(() => window.__startCamera());
    await phone.waitForFunction(() => window.__pub.state === 'live', null, { timeout: 30000 });
    const stream = await phone.evaluate(() => window.__pub.stream);
    await waitStream(hub, token, stream, 'live', 30000);

    const wallCtx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    await wallCtx.addInitScript(wallScript);
    const wall = await loginPage(wallCtx, hub);
    await wall.goto(`${hub.url}/live.html?stream=${stream}`);
    await wall.waitForFunction(() => window.__eccLive?.state === 'live', null, { timeout: 30000 });
    await wall.evaluate(() => window.__measure(document.querySelector('#lv-player video')));
    await sleep(WARMUP * 1000);
    await wall.evaluate(() => { window.__lat = []; });
    await sleep(SECONDS * 1000);
    const lat = await wall.evaluate(() => window.__lat);
    r = { what: 'phone->wall', frames: lat.length, p50: pct(lat, 50), p95: pct(lat, 95),
      min: Math.min(...lat), max: Math.max(...lat) };
    console.log(`  phone camera -> wall  p50 ${Math.round(r.p50)} ms  p95 ${Math.round(r.p95)} ms  `
      + `(min ${Math.round(r.min)}, max ${Math.round(r.max)}; ${r.frames} frames in ${SECONDS} s)`);
  } finally {
    await browser.close();
    await gw.proc.stop(20000);
    await hub.proc.stop();
    await broker.stop();
    if (!args.keep) fs.rmSync(root, { recursive: true, force: true });
  }
  if (r) {
    console.log(`phone camera to wall p50 ${Math.round(r.p50)} ms [target < 400: ${r.p50 < 400 ? 'met' : 'NOT met'}],`
      + ` p95 ${Math.round(r.p95)} ms`);
  }
  console.log(JSON.stringify(r));
  process.exit(0);
}

main().catch((e) => { console.error(e); process.exit(1); });
