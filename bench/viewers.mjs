// The viewers benchmark (see bench/viewers for how to run it).
//
// One ecc-gateway, driven by the real hub, ingests and records ecc-devsim
// camera streams (1920x1080@25 H.264 ~2 Mbit/s, one clip encoded once,
// RTSP/TCP). WebRTC viewers join through the hub's /ws from a headless
// Chromium, with the wallboard's own signalling module (js/media/signal.js).
// A viewer receives everything a browser receives (ICE, DTLS, SRTP, RTP,
// RTCP, NACKs) but takes each assembled frame out before the decoder
// (encoded insertable streams): 50 decoders of 1080p would swamp the
// machine the gateway is measured on, and decoding is the browser's cost,
// not the gateway's. Each viewer counts its frames.
//
// Phases, each measured after a warm-up over a window (CPU = utime+stime of
// the gateway from /proc, in % of one core; RSS = VmRSS median):
//   one stream:  0 viewers (the floor: ingest + recording + thumbnails),
//                then 1, 10, 50 viewers of that stream;
//   16-tile wall: 16 streams, 0 viewers (floor), then one viewer each.
// The gateway's log is checked for a video transcode (there must be none).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  startBroker, startHub, login, request, addUnit, tmpDir, BIN, sleep, Proc, waitFor,
} from '../tests/lib/harness.mjs';
import { CHROMIUM_ARGS, loginPage } from '../tests/lib/browser.mjs';
import { chromium } from 'playwright-core';
import {
  parseArgs, median, cpuTicks, rssMiB, TICK, f1, f2, startCameras as startCamerasAt,
} from './lib.mjs';

const args = parseArgs();
const VIEWERS = String(args.viewers || '1,10,50').split(',').map(Number);
const WALL = Number(args.wall ?? 16);
const WARMUP = Number(args.warmup || 5);
const SECONDS = Number(args.seconds || 15);
const FPS = 25, WIDTH = 1920, HEIGHT = 1080, KBPS = 2000;
const PER_PAGE = 25; // one WebSocket per page; the hub allows 32 views on one

// In the page: viewers of one stream, each its own RTCPeerConnection,
// frames counted and dropped before decoding.
const pageScript = `
window.__viewers = [];
window.__addViewer = async (stream) => {
  const { Signal } = await import('/js/media/signal.js');
  const n = window.__viewers.length;
  const signal = Signal.shared();
  const v = { frames: 0, bytes: 0, state: 'asking' };
  window.__viewers.push(v);
  const h = {
    onWatching(msg) {
      v.view = msg.view;
      const pc = new RTCPeerConnection({ encodedInsertableStreams: true });
      v.pc = pc;
      pc.ontrack = (ev) => {
        const { readable } = ev.receiver.createEncodedStreams();
        const reader = readable.getReader();
        const video = ev.track.kind === 'video';
        (async () => {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return;
            if (video) { v.frames++; v.bytes += value.data.byteLength; }
          }
        })();
      };
      pc.onicecandidate = (e) => {
        if (e.candidate && e.candidate.candidate) signal.ice(v.view, e.candidate.sdpMLineIndex ?? 0, e.candidate.candidate);
      };
      pc.onconnectionstatechange = () => { v.state = pc.connectionState; };
    },
    async onOffer(msg) {
      await v.pc.setRemoteDescription({ type: 'offer', sdp: msg.sdp });
      const answer = await v.pc.createAnswer();
      await v.pc.setLocalDescription(answer);
      signal.answer(v.view, answer.sdp);
    },
    onIce(msg) { v.pc?.addIceCandidate({ candidate: msg.candidate, sdpMLineIndex: msg.mline }).catch(() => {}); },
    onEnd(reason) { v.state = 'ended: ' + reason; },
    onError(msg) { v.state = 'error: ' + msg.message; },
  };
  signal.watch(stream, h);
  return n;
};
window.__counts = () => window.__viewers.map((v) => ({ frames: v.frames, state: v.state }));`;

const startCameras = (n) => startCamerasAt(n, { width: WIDTH, height: HEIGHT, fps: FPS, kbps: KBPS });

// Every Chromium process of the profile (the viewers' cost, for context).
let PROFILE = '';
const chromiumTicks = () => {
  let n = 0;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(PROFILE)) n += cpuTicks(pid);
    } catch { /* gone */ }
  }
  return n;
};

const counts = async (pages) => (await Promise.all(pages.map((p) => p.evaluate(() => window.__counts())))).flat();

// The process's open file descriptors and threads (a limit a viewer's
// sockets, timers and tasks could reach).
function openFiles(pid) {
  try {
    const threads = Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/^Threads:\s+(\d+)/m)[1]);
    return { fds: fs.readdirSync(`/proc/${pid}/fd`).length, threads };
  } catch {
    return { fds: NaN, threads: NaN };
  }
}

// CPU and RSS of pid over the window; every viewer's frames per second.
async function measure(pid, pages = []) {
  await sleep(WARMUP * 1000);
  const c0 = cpuTicks(pid), b0 = chromiumTicks(), t0 = process.hrtime.bigint();
  const before = await counts(pages);
  const rss = [];
  for (let i = 0; i < SECONDS; i++) {
    await sleep(1000);
    rss.push(rssMiB(pid));
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const after = await counts(pages);
  const fps = after.map((a, i) => (a.frames - (before[i]?.frames || 0)) / secs);
  return {
    ...openFiles(pid),
    cpu: (100 * (cpuTicks(pid) - c0)) / TICK / secs, rss: median(rss),
    browserCpu: (100 * (chromiumTicks() - b0)) / TICK / secs,
    minFps: fps.length ? Math.min(...fps) : NaN, medFps: median(fps),
    states: [...new Set(after.map((a) => a.state))].join(','),
  };
}

// Adds a viewer of stream on the last of pages (a new page, from newPage,
// every PER_PAGE viewers), once the one before it is connected (the hub
// limits each socket's message rate).
async function addViewer(pages, newPage, stream) {
  let page = pages.at(-1);
  let n = page ? await page.evaluate(() => window.__viewers.length) : PER_PAGE;
  if (n >= PER_PAGE) {
    page = await newPage();
    pages.push(page);
    n = 0;
  }
  await page.evaluate((s) => window.__addViewer(s), stream);
  await page.waitForFunction((i) => window.__viewers[i].frames > 0, n, { timeout: 60000 })
    .catch(async () => { throw new Error(`viewer ${n + 1} of page ${pages.length}: ${await page.evaluate((i) => window.__viewers[i].state, n)}`); });
}

function line(what, r, floor) {
  const ratio = floor ? ` (${f2(r.cpu / floor.cpu)}x the floor; +${f2((r.cpu - floor.cpu) / (r.viewers || 1))}%/viewer)` : '';
  return `  ${what.padEnd(26)} CPU ${f1(r.cpu).padStart(6)}% of one core${ratio}  RSS ${f1(r.rss)} MiB  ${r.fds} fds, ${r.threads} threads`
    + (r.viewers ? `  viewers: min ${f1(r.minFps)} fps, median ${f1(r.medFps)} fps (${r.states}); Chromium ${f1(r.browserCpu)}%` : '');
}

async function main() {
  const root = tmpDir('bench-viewers');
  const broker = await startBroker(root);
  const hub = await startHub(broker, root);
  const token = await login(hub);
  const gr = await hub.cli(['gateway', 'add', 'gwv', '--json']);
  if (gr.code !== 0) throw new Error(`gateway add: ${gr.stderr}`);
  const g = JSON.parse(gr.stdout);
  const conf = path.join(root, 'gw.ini');
  fs.writeFileSync(conf, `[gateway]\nid = gwv\ncapacity = 64\nrecordings = ${path.join(root, 'rec')}\n`
    + `snapshots = ${path.join(root, 'snap')}\n[webrtc]\naddresses = 127.0.0.1\n`
    + `[mqtt]\nhost = 127.0.0.1\nport = ${broker.port}\nusername = ${g.username}\npassword = ${g.password}\n`);
  const cams = await startCameras(Math.max(1, WALL));
  const gw = new Proc('ecc-gateway', BIN.gateway, ['--config', conf]);
  await gw.waitForOutput(/connected to/);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ecc-chromium-'));
  PROFILE = profile;
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, viewport: { width: 800, height: 600 },
  });
  await context.addInitScript(pageScript);
  console.log(`# ECC viewers benchmark: ${WIDTH}x${HEIGHT}@${FPS} H.264 ~${KBPS} kbit/s per stream (ecc-devsim cameras, RTSP/TCP),`
    + ` ingested, recorded and thumbnailed by one ecc-gateway; WebRTC viewers in one headless Chromium (frames taken out`
    + ` before decoding); warm-up ${WARMUP} s, window ${SECONDS} s, ${os.cpus().length} cores.`);
  console.log('# Targets: 50 viewers of one stream within one core (100%); a 16-tile wall within one core, no video transcoding.');
  const streams = [];
  const addStreams = async (n) => {
    for (let i = streams.length; i < n; i++) {
      await addUnit(hub, token, { id: `vw${i}`, name: `摄像机${i}`, kind: 'bodycam' });
      const r = await request(hub, 'POST', '/api/v1/streams', { token, body: { unit: `vw${i}`, url: cams.url(i) } });
      if (r.status !== 201) throw new Error(`POST /api/v1/streams: ${r.status} ${r.text}`);
      streams.push(r.json.stream.id);
    }
    await waitFor(async () => {
      const all = (await request(hub, 'GET', '/api/v1/streams', { token })).json.streams;
      return all.filter((s) => s.state === 'live' && s.health?.recording).length >= n;
    }, { timeout: 90000, interval: 250, what: `${n} streams live and recording` });
  };
  const out = {};
  try {
    await addStreams(1);
    const floor1 = await measure(gw.pid);
    console.log(line('1 stream, 0 viewers', floor1));
    // a page of the wallboard that plays nothing by itself
    let loggedIn = false;
    const blank = async () => {
      const p = loggedIn ? await context.newPage() : await loginPage(context, hub);
      loggedIn = true;
      await p.goto(`${hub.url}/live.html?stream=0`);
      return p;
    };
    const pages = [];
    let have = 0;
    for (const n of VIEWERS) {
      let why = '';
      try {
        for (; have < n; have++) await addViewer(pages, blank, streams[0]);
      } catch (e) {
        why = String(e.message || e).split('\n')[0];
      }
      const failedAt = why ? openFiles(gw.pid) : null;
      const r = { ...(await measure(gw.pid, pages)), viewers: have };
      out[`v${n}`] = r;
      console.log(line(`1 stream, ${have} viewer${have > 1 ? 's' : ''}`, r, floor1)
        + (why ? `  [asked for ${n}; the next did not join: ${why}]` : ''));
      if (why) {
        // what the gateway said, for the next look at it
        const said = gw.out.split('\n').filter((l) => /WARNING|CRITICAL|ERROR|error/.test(l)).slice(-25);
        console.log(`  when it failed: ${failedAt.fds} fds, ${failedAt.threads} threads; the gateway's last warnings:\n    ${said.join('\n    ')}`);
      }
      if (why) break;
    }
    for (const p of pages) await p.close();
    await sleep(3000);
    if (WALL) {
      await addStreams(WALL);
      const floorW = await measure(gw.pid);
      console.log(line(`${WALL} streams, 0 viewers`, floorW));
      const wall = [];
      for (let i = 0; i < WALL; i++) await addViewer(wall, blank, streams[i]);
      const r = { ...(await measure(gw.pid, wall)), viewers: WALL };
      out.wall = r;
      console.log(line(`${WALL} streams, 1 viewer each`, r, floorW));
      for (const p of wall) await p.close();
    }
    const transcodes = (gw.out.match(/H\.264 transcode for live viewers started/g) || []).length;
    const v50 = VIEWERS.map((n) => out[`v${n}`]).filter(Boolean).at(-1);
    console.log((v50 ? `${v50.viewers} viewers of one stream: ${f1(v50.cpu)}% of one core [target <= 100%: ${v50.cpu <= 100 ? 'met' : 'NOT met'}]; ` : '')
      + (out.wall ? `${WALL}-tile wall: ${f1(out.wall.cpu)}% [target <= 100%: ${out.wall.cpu <= 100 ? 'met' : 'NOT met'}]; ` : '')
      + `video transcodes started: ${transcodes} [target 0: ${transcodes === 0 ? 'met' : 'NOT met'}]`);
    console.log(JSON.stringify(out));
  } catch (e) {
    console.error(`${e.message}\nthe hub's last words:\n${hub.proc.out.slice(-3000)}`);
    throw e;
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
    await gw.stop(20000);
    await cams.proc.stop(10000);
    await hub.proc.stop();
    await broker.stop();
    if (!args.keep) fs.rmSync(root, { recursive: true, force: true });
  }
  process.exit(0);
}

main().catch((e) => { console.error(e); process.exit(1); });
