// The latency benchmark (see bench/latency for how to run it).
//
// Glass-to-glass on one machine: ecc-devsim burns each frame's capture time
// (UTC ms) into a strip of cells; a headless Chromium viewer reads the
// strip of every frame it presents (requestVideoFrameCallback, canvas) and
// compares it with its own clock at the frame's expected display time. Same
// machine, same clock: no synchronisation error.
//
// Paths, measured in the same run, one after the other, from the same
// camera (1280x720@25 H.264, ~2 Mbit/s, a key frame every 2 s):
//   webrtc   camera -> RTSP -> ecc-gateway -> WebRTC (the live player)
//   fallback camera -> RTSP -> ecc-gateway -> fMP4 over MQTT -> ecc-hub ->
//            WebSocket -> MSE (the same player, ?mode=fmp4)
//   hls      camera -> RTSP -> gst-launch hlssink2 (1 s segments) ->
//            hls.js from npm (the reference many command-center products ship)
// The gateway's RTSP jitter buffer ([gateway] rtsp_latency_ms) is part of
// the glass-to-glass time: --rtsp-latency sets it (default: the gateway's
// default, 200 ms; over RTSP/TCP nothing is reordered, so 0 is safe there).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  startBroker, startHub, login, tmpDir, BIN, sleep, Proc, SOURCE,
} from '../tests/lib/harness.mjs';
import { startGateway, cameraUnit, waitStream } from '../tests/lib/media.mjs';
import { CHROMIUM_ARGS, loginPage } from '../tests/lib/browser.mjs';
import { chromium } from 'playwright-core';
import { parseArgs, pct, FRAME_LATENCY_SCRIPT } from './lib.mjs';

const args = parseArgs();
const SECONDS = Number(args.seconds || 20);
const WARMUP = Number(args.warmup || 3);
const RTSP_LATENCY = args['rtsp-latency'] === undefined ? null : Number(args['rtsp-latency']);
const WIDTH = 1280, HEIGHT = 720;


const pageScriptFixed = FRAME_LATENCY_SCRIPT;

async function measure(page, what) {
  await page.evaluate(() => { window.__lat = []; });
  await sleep(WARMUP * 1000);
  await page.evaluate(() => { window.__lat = []; });
  await sleep(SECONDS * 1000);
  const lat = await page.evaluate(() => window.__lat);
  const r = { what, frames: lat.length, p50: pct(lat, 50), p95: pct(lat, 95), min: Math.min(...lat), max: Math.max(...lat) };
  console.log(`  ${what.padEnd(8)} p50 ${Math.round(r.p50)} ms  p95 ${Math.round(r.p95)} ms  `
    + `(min ${Math.round(r.min)}, max ${Math.round(r.max)}; ${r.frames} frames in ${SECONDS} s)`);
  return r;
}

// A static file server for the HLS reference (playlist, segments, hls.js).
function serve(dir) {
  const types = { '.m3u8': 'application/vnd.apple.mpegurl', '.ts': 'video/mp2t', '.js': 'text/javascript', '.html': 'text/html' };
  const srv = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '');
    const file = rel === 'hls.min.js' ? path.join(SOURCE, 'node_modules/hls.js/dist/hls.min.js') : path.join(dir, rel);
    if (!file.startsWith(dir) && rel !== 'hls.min.js') { res.writeHead(403).end(); return; }
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404).end(); return; }
      res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(data);
    });
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv)));
}

async function main() {
  const root = tmpDir('bench-latency');
  const broker = await startBroker(root);
  const hub = await startHub(broker, root);
  const token = await login(hub);
  const extra = `${RTSP_LATENCY === null ? '' : `rtsp_latency_ms = ${RTSP_LATENCY}\n`}[webrtc]\naddresses = 127.0.0.1\n`;
  const gw = await startGateway(hub, root, { extra });
  const { sim, stream } = await cameraUnit(hub, token, root,
    { id: 'lat-01', name: '延迟测试', camera: { width: WIDTH, height: HEIGHT, bitrate: 2000 } });
  await waitStream(hub, token, stream.id, 'live', 30000);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ecc-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 720 },
  });
  await context.addInitScript(pageScriptFixed);
  console.log(`# ECC latency benchmark: glass-to-glass, ${WIDTH}x${HEIGHT}@25 H.264 ~2 Mbit/s (ecc-devsim, key frame every 2 s),`
    + ` RTSP/TCP into the gateway with rtsp_latency_ms=${RTSP_LATENCY ?? 'default (200)'}, headless Chromium on the same machine;`
    + ` warm-up ${WARMUP} s, window ${SECONDS} s, ${os.cpus().length} cores. Targets: WebRTC p50 <= 150 ms, p95 <= 250 ms.`);
  const results = [];
  let hls = null, srv = null;
  try {
    // WebRTC through the live player.
    const page = await loginPage(context, hub);
    await page.goto(`${hub.url}/live.html?stream=${stream.id}`);
    await page.waitForFunction(() => window.__eccLive?.state === 'live', null, { timeout: 30000 });
    await page.evaluate(() => window.__measure(document.querySelector('#lv-player video')));
    results.push(await measure(page, 'webrtc'));
    await page.close();

    // The fallback path: the same player asked for fMP4 through the hub.
    const fp = await context.newPage();
    await fp.goto(`${hub.url}/live.html?stream=${stream.id}&mode=fmp4`);
    await fp.waitForFunction(() => window.__eccLive?.state === 'live', null, { timeout: 30000 });
    await fp.evaluate(() => window.__measure(document.querySelector('#lv-player video')));
    results.push(await measure(fp, 'fallback'));
    await fp.close();

    // Plain HLS: hlssink2 pulling the same camera, played by hls.js.
    const hdir = path.join(root, 'hls');
    fs.mkdirSync(hdir);
    hls = new Proc('hlssink2', 'gst-launch-1.0', ['-e', 'rtspsrc', `location=${stream.url}`, 'protocols=tcp', 'latency=200',
      '!', 'rtph264depay', '!', 'h264parse', '!', 'hlssink2', 'target-duration=1', 'playlist-length=3', 'max-files=6',
      `location=${hdir}/seg%05d.ts`, `playlist-location=${hdir}/live.m3u8`]);
    srv = await serve(hdir);
    const port = srv.address().port;
    fs.writeFileSync(path.join(hdir, 'index.html'), `<!doctype html><video id=v muted autoplay playsinline></video>
<script src="/hls.min.js"></script><script>
const v = document.getElementById('v');
const h = new Hls({ lowLatencyMode: true, liveSyncDurationCount: 1 });
h.loadSource('/live.m3u8'); h.attachMedia(v); v.play().catch(() => {});
</script>`);
    for (let i = 0; i < 100 && !fs.existsSync(path.join(hdir, 'live.m3u8')); i++) await sleep(200);
    const hp = await context.newPage();
    await hp.goto(`http://127.0.0.1:${port}/index.html`);
    await hp.waitForFunction(() => document.getElementById('v').readyState >= 2, null, { timeout: 30000 });
    await hp.evaluate(() => window.__measure(document.getElementById('v')));
    results.push(await measure(hp, 'hls'));
    await hp.close();
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
    if (hls) await hls.stop(10000);
    if (srv) srv.close();
    await sim.stop(10000);
    await gw.proc.stop(20000);
    await hub.proc.stop();
    await broker.stop();
    if (!args.keep) fs.rmSync(root, { recursive: true, force: true });
  }
  const w = results.find((r) => r.what === 'webrtc'), h = results.find((r) => r.what === 'hls');
  const f = results.find((r) => r.what === 'fallback');
  if (w) {
    console.log(`webrtc p50 ${Math.round(w.p50)} ms [target <= 150: ${w.p50 <= 150 ? 'met' : 'NOT met'}], `
      + `p95 ${Math.round(w.p95)} ms [target <= 250: ${w.p95 <= 250 ? 'met' : 'NOT met'}]`
      + (f ? `; fallback p50 ${Math.round(f.p50)} ms (${(f.p50 / w.p50).toFixed(1)}x)` : '')
      + (h ? `; plain HLS p50 ${Math.round(h.p50)} ms (${(h.p50 / w.p50).toFixed(1)}x)` : ''));
  }
  console.log(JSON.stringify(results));
  process.exit(0);
}

main().catch((e) => { console.error(e); process.exit(1); });
