// The consultation rooms benchmark (see bench/rooms for how to run it).
//
// One ecc-gateway driven by the real hub carries a room (issue 9) whose
// participants each publish camera and microphone (Chromium's fake
// devices) into their own room stream on the gateway (H.264 + Opus, WebRTC
// on 127.0.0.1) and receive every other participant's, with the room's
// recording turned on (POST /rooms/{id}/recording). Rooms of 2, 4 and 8
// participants, grown one after the other in the same room.
//
// The load generator shares the machine with the gateway, so it is kept
// small and measured too: every participant is a page of ONE Chromium (its
// own browser context: its own login and cookies), at a small viewport,
// with a fake camera of --camera (default 320x240 at 15 fps) instead of the
// room page's 640x480. The first --full (default 2) are the real room page
// (/room/{id}), which decodes and shows every tile; the others are light:
// a wallboard page that joins, publishes with the wallboard's Publisher and
// watches every other stream with its signalling, but takes the frames out
// before the decoder (rooms-page.mjs). The gateway does the same for both.
//
// Per room size, after a warm-up, over a window: the gateway's CPU (% of one
// core, utime+stime from /proc/PID/stat, per second: median and mean) and
// RSS (median); the hub's; all of Chromium's (and per participant); every
// participant's sent and decoded (light: received) frame rates, so a
// participant missing from someone's grid is reported; the segments the
// hub filed; a perf profile of the gateway in the largest room.
// Against the floor of the same run: the same gateway, room open with its
// recording flag on, nobody in.
//
// Mouth-to-ear audio latency between the first two participants A and B:
// Chromium's fake microphone plays a beep file (made here with ffmpeg:
// 50 ms every second, tones of 600, 1000, 1400, 1800 Hz in turn, so a beep
// is told from the next even when the latency passes a second). A's page times the beep onsets on its own
// captured track, B's page on A's tile (through the gateway) and, at the
// same time, on A's tracks sent straight to B over a direct
// RTCPeerConnection (127.0.0.1 candidates): the floor, on the very same
// beeps. Both pages are in one browser (same clock; onsets are converted
// from the AudioContext's time the same way on both).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import {
  startBroker, startHub, login, addUser, request, tmpDir, BIN, sleep, Proc, waitFor,
} from '../tests/lib/harness.mjs';
import { CHROMIUM_ARGS, loginPage } from '../tests/lib/browser.mjs';
import { chromium } from 'playwright-core';
import { parseArgs, median, pct, cpuTicks, rssMiB, TICK, f1, f2 } from './lib.mjs';
import { benchPage } from './rooms-page.mjs';

const args = parseArgs();
const QUICK = !!args.quick;
const SIZES = String(args.sizes || (QUICK ? '2,8' : '2,4,8')).split(',').map(Number).sort((a, b) => a - b);
const WARMUP = Number(args.warmup || (QUICK ? 4 : 8));
const SECONDS = Number(args.seconds || (QUICK ? 8 : 20));
const BEEPS = Number(args.beeps || (QUICK ? 12 : 30));
const [CAM_W, CAM_H, CAM_FPS] = String(args.camera || '320x240@15').split(/[x@]/).map(Number);
const PERF = !args['no-perf'] && !QUICK;
const RECORD = !args['no-recording']; // off: what the hearing's recording costs, by difference
const FULL = Number(args.full ?? 2); // the first FULL participants are room pages; the others light
const PASSWORD = 'Test-Pass-2025!'; // harness.mjs addUser's
const FAKE = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required'];
const BEEP_MS = 1000;
// beep i (one a second) is a tone of FREQS[i % 4]: latencies up to four
// periods are told apart
const FREQS = [600, 1000, 1400, 1800];

// ---- processes and their CPU ---------------------------------------------

const pids = () => fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
const ppid = (pid) => Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);

// Chromium's processes: the browser (its command line has the marker) and
// every descendant, by its --type (renderer, gpu-process, utility, ...).
let MARK = '';
function chromiumProcs() {
  const parent = new Map();
  let root = 0;
  for (const pid of pids()) {
    try {
      parent.set(pid, ppid(pid));
      if (!root && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(MARK)
        && !fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=')) root = pid;
    } catch { /* gone */ }
  }
  const out = [];
  for (const pid of parent.keys()) {
    for (let p = pid; p > 1; p = parent.get(p) || 0) {
      if (p === root) {
        let type = 'browser';
        try { type = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').match(/--type=([a-z-]+)/)?.[1] || 'browser'; } catch { /* gone */ }
        if (type === 'utility') {
          try { type = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').match(/--utility-sub-type=([\w.]+)/)?.[1] || type; } catch { /* gone */ }
          type = type.replace(/^.*\.mojom\./, '').replace(/Service$/, '');
        }
        out.push({ pid, type });
        break;
      }
    }
  }
  return out;
}

// Busy clock ticks of the whole box, every core (/proc/stat).
const boxTicks = () => {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return f.slice(0, 8).reduce((s, x) => s + x, 0) - f[3] - f[4];
};

const ticksOf = (pid) => { try { return cpuTicks(pid); } catch { return NaN; } };
const rssOf = (pid) => { try { return rssMiB(pid); } catch { return NaN; } };

function chromiumTicks() {
  const by = {};
  for (const { pid, type } of chromiumProcs()) {
    const k = type === 'renderer' ? 'renderer' : type === 'gpu-process' ? 'gpu' : type === 'browser' ? 'browser' : 'other';
    const t = ticksOf(pid);
    if (Number.isFinite(t)) by[k] = (by[k] || 0) + t;
  }
  return by;
}

const chromiumRss = () => chromiumProcs().reduce((s, p) => s + (rssOf(p.pid) || 0), 0);

// ---- the participants' figures ----------------------------------------------

const stats = (parts) => Promise.all(parts.map((p) => p.page.evaluate(() => window.__bench.stats()).catch((e) => ({ error: String(e.message || e) }))));

// Per participant, over the window: frames encoded per second and, for
// every other participant, frames decoded per second on this one's tile,
// the seconds its tile was live or absent, and the peer connections it
// took (more than one: the tile was dropped or restarted).
function rates(parts, before, after, secs) {
  return parts.map((p, i) => {
    const a = before[i] || {}, b = after[i] || {};
    const sentFps = b.sent ? (b.sent.frames - (a.sent?.frames || 0)) / secs : NaN;
    const recv = {};
    for (const q of parts) {
      if (q === p) continue;
      const x = b.recv?.[q.pid], y = a.recv?.[q.pid] || { decoded: 0, audioPackets: 0, pcs: 0, liveS: 0, goneS: 0 };
      const k = p.light ? 'frames' : 'decoded';
      recv[q.name] = x
        ? { fps: ((x[k] || 0) - (y[k] || 0)) / secs, w: x.w, h: x.h, audio: x.audioPackets - y.audioPackets, jb: x.jb,
          restarts: x.pcs - y.pcs - (y.pcs ? 0 : 1), liveS: x.liveS - y.liveS, goneS: x.goneS - y.goneS, state: x.state }
        : { fps: 0, audio: 0, missing: 'never had a tile' };
    }
    return { name: p.name, light: p.light, pub: b.pub, sentFps, sent: b.sent, recv };
  });
}

// ---- measuring a window --------------------------------------------------

async function measure(procs, parts) {
  await sleep(WARMUP * 1000);
  const before = await stats(parts);
  const c0 = Object.fromEntries(Object.entries(procs).map(([k, pid]) => [k, ticksOf(pid)]));
  const b0 = chromiumTicks();
  const x0 = boxTicks(), n0 = ticksOf(process.pid);
  const t0 = process.hrtime.bigint();
  const perSec = { gateway: [] };
  const rss = { gateway: [], hub: [], chromium: [] };
  let last = c0.gateway, lt = t0;
  for (let i = 0; i < SECONDS; i++) {
    await sleep(1000);
    const now = process.hrtime.bigint(), c = ticksOf(procs.gateway);
    perSec.gateway.push((100 * (c - last)) / TICK / (Number(now - lt) / 1e9));
    last = c;
    lt = now;
    rss.gateway.push(rssOf(procs.gateway));
    rss.hub.push(rssOf(procs.hub));
    if (parts.length) rss.chromium.push(chromiumRss());
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const b1 = chromiumTicks();
  const box = (100 * (boxTicks() - x0)) / TICK / secs, node = (100 * (ticksOf(process.pid) - n0)) / TICK / secs;
  const after = await stats(parts);
  const cpu = (k) => (100 * (ticksOf(procs[k]) - c0[k])) / TICK / secs;
  const browser = {};
  for (const k of new Set([...Object.keys(b0), ...Object.keys(b1)])) browser[k] = (100 * ((b1[k] || 0) - (b0[k] || 0))) / TICK / secs;
  const browserTotal = Object.values(browser).reduce((s, x) => s + x, 0);
  const others = box - cpu('gateway') - cpu('hub') - cpu('broker') - browserTotal - node;
  return {
    box, others, node, load: fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0],
    secs, gwMedian: median(perSec.gateway), gwMean: cpu('gateway'), gwMax: Math.max(...perSec.gateway),
    gwRss: median(rss.gateway), hub: cpu('hub'), broker: cpu('broker'), hubRss: median(rss.hub),
    browser, browserTotal, browserRss: median(rss.chromium),
    parts: rates(parts, before, after, secs),
  };
}

// ---- latency -------------------------------------------------------------

// Each of B's onsets minus the latest of A's before it of the same tone
// (within four beep periods): the mouth-to-ear latency of that beep.
function match(sent, got) {
  const lat = [];
  for (const b of got) {
    let best = null;
    for (const a of sent) if (a.k === b.k && a.t <= b.t && b.t - a.t < FREQS.length * BEEP_MS - 200) best = a.t;
    if (best !== null) lat.push(b.t - best);
  }
  return lat;
}

async function latency(a, b) {
  const offer = await a.page.evaluate(() => window.__bench.directOffer());
  const answer = await b.page.evaluate((sdp) => window.__bench.directAnswer(sdp), offer);
  await a.page.evaluate((sdp) => window.__bench.directAccept(sdp), answer);
  try {
    await b.page.waitForFunction(() => window.__bench.direct?.video?.currentTime > 0.5, null, { timeout: 20000 });
    const tile = await b.page.waitForFunction((pid) => window.__eccRoom.grid.tiles.get(pid)?.player.video.srcObject
      ?.getAudioTracks().length > 0, a.pid, { timeout: 20000 }).then(() => true, () => false);
    if (!tile) return { error: `${b.name} has no tile of ${a.name} with sound` };
    await a.page.evaluate((f) => window.__bench.listen('sent', window.__eccRoom.publisher.media, f), FREQS);
    await b.page.evaluate(async ([pid, f]) => {
      await window.__bench.listen('room', window.__eccRoom.grid.tiles.get(pid).player.video.srcObject, f);
      await window.__bench.listen('direct', await window.__bench.directStream(), f);
    }, [a.pid, FREQS]);
    // the onsets of the first second may precede A's detector: skipped below
    const jb0 = await b.page.evaluate((pid) => window.__bench.jb(pid), a.pid);
    await sleep((BEEPS + 1.5) * BEEP_MS);
    const jb1 = await b.page.evaluate((pid) => window.__bench.jb(pid), a.pid);
    const jb = (k) => (jb0[k] && jb1[k] && jb1[k].n > jb0[k].n ? (1000 * (jb1[k].d - jb0[k].d)) / (jb1[k].n - jb0[k].n) : NaN);
    const sent = await a.page.evaluate(() => window.__bench.hits('sent'));
    const room = await b.page.evaluate(() => window.__bench.hits('room'));
    const direct = await b.page.evaluate(() => window.__bench.hits('direct'));
    const start = sent[0]?.t ?? Infinity;
    const lr = match(sent, room.filter((x) => x.t > start));
    const ld = match(sent, direct.filter((x) => x.t > start));
    return { beeps: sent.length, room: lr, direct: ld, roomHeard: room.length, directHeard: direct.length,
      jbRoom: jb('room'), jbDirect: jb('direct') };
  } finally {
    await a.page.evaluate(() => { window.__bench.stop('sent'); window.__bench.directClose(); }).catch(() => {});
    await b.page.evaluate(() => { window.__bench.stop('room'); window.__bench.stop('direct'); window.__bench.directClose(); }).catch(() => {});
  }
}

// ---- perf ----------------------------------------------------------------

let perfProc = null; // stopped with the rest, by its PID

function perfTop(pid, dir, seconds) {
  const data = path.join(dir, 'perf.data');
  return new Promise((resolve) => {
    const p = perfProc = spawn('perf', ['record', '-F', '499', '-g', '-p', String(pid), '-o', data, '--', 'sleep', String(seconds)],
      { stdio: 'ignore' });
    p.on('exit', () => {
      perfProc = null;
      try {
        const rep = execFileSync('perf', ['report', '-i', data, '--stdio', '--no-children', '--sort', 'dso,sym',
          '-g', 'none', '--percent-limit', '1.5'], { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'ignore'] });
        const byThread = execFileSync('perf', ['report', '-i', data, '--stdio', '--no-children', '--sort', 'comm',
          '-g', 'none', '--percent-limit', '3'], { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'ignore'] });
        const byDso = execFileSync('perf', ['report', '-i', data, '--stdio', '--no-children', '--sort', 'dso',
          '-g', 'none', '--percent-limit', '2'], { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'ignore'] });
        const rows = (s) => s.split('\n').filter((l) => /^\s+\d/.test(l)).map((l) => l.trim().replace(/\s+/g, ' '));
        resolve({ syms: rows(rep).slice(0, 18), threads: rows(byThread).slice(0, 10), dsos: rows(byDso).slice(0, 12) });
      } catch (e) {
        resolve({ error: String(e.message || e).split('\n')[0] });
      }
    });
  });
}

// ---- output --------------------------------------------------------------

function cpuLine(what, r, floor) {
  const over = floor ? ` (+${f1(r.gwMedian - floor.gwMedian)} over the floor${floor.gwMedian >= 0.5 ? `, ${f2(r.gwMedian / floor.gwMedian)}x` : ''})` : '';
  const b = r.browser;
  return `${what.padEnd(34)} gateway CPU median ${f1(r.gwMedian).padStart(5)}% of one core${over}, mean ${f1(r.gwMean)}%, `
    + `max ${f1(r.gwMax)}%; RSS ${f1(r.gwRss)} MiB | hub ${f1(r.hub)}% ${f1(r.hubRss)} MiB, mosquitto ${f1(r.broker)}%`
    + (r.browserTotal ? ` | Chromium ${f1(r.browserTotal)}% (renderers ${f1(b.renderer)}%, gpu ${f1(b.gpu)}%, browser ${f1(b.browser)}%,`
      + ` other ${f1(b.other)}%), RSS summed over its processes ${f1(r.browserRss)} MiB` : '')
    + ` | the box: ${f1(r.box)}% busy of ${os.cpus().length * 100}%, ${f1(r.others)}% of it not this bench's, load ${r.load}`;
}

function partLines(r, n) {
  const lines = [];
  let ok = 0, want = 0;
  const missing = [];
  const perPart = r.browser.renderer / n;
  for (const p of r.parts) {
    const recv = Object.entries(p.recv).map(([name, x]) => {
      want++;
      const good = x.fps > 0.5 * CAM_FPS && x.audio > 0;
      if (good) ok++;
      else missing.push(`${p.name} <- ${name} (${x.missing || `${f1(x.fps)} fps, ${x.audio} audio packets, now ${x.state}`})`);
      const churn = x.restarts > 0 || x.goneS > 0 ? ` [tile restarted ${x.restarts}x, absent ${x.goneS} s]` : '';
      return `${name} ${x.missing ? x.missing : `${f1(x.fps)} fps${x.w ? ` ${x.w}x${x.h}` : ''}${x.audio > 0 ? '' : ' NO AUDIO'}${churn}`}`;
    });
    const s = p.sent;
    lines.push(`    ${p.name.padEnd(4)} ${p.light ? 'light    ' : 'room page'} sends ${s ? `${s.w}x${s.h} ${f1(p.sentFps)} fps (${s.encoder}${s.limit && s.limit !== 'none' ? `, limited by ${s.limit}` : ''})` : `nothing (${p.pub})`}`
      + `; ${p.light ? 'receives (frames taken out before the decoder, by RTP timestamp)' : 'decodes'} ${recv.join(', ') || '-'}`);
  }
  const jb = r.parts.flatMap((p) => Object.values(p.recv).map((x) => x.jb)).filter(Number.isFinite);
  lines.push(`    every participant received every other's video and sound (room pages: decoded, light: received): ${ok === want ? 'yes' : 'NO'} (${ok}/${want} streams at > ${f1(0.5 * CAM_FPS)} fps with sound)`
    + (missing.length ? `; missing: ${missing.join('; ')}` : '')
    + `; per participant ~${f1(perPart)}% CPU in its renderer; audio jitter buffer median ${f1(median(jb))} ms`);
  return { lines, ok, want };
}

function latLine(l) {
  const rp50 = pct(l.room, 50), dp50 = pct(l.direct, 50), ratio = rp50 / dp50;
  return {
    ratio,
    text: `    mouth-to-ear A->B over ${l.beeps} beeps: room (through the gateway) p50 ${f1(rp50)} ms, p95 ${f1(pct(l.room, 95))} ms`
      + ` (${l.room.length} matched of ${l.roomHeard} heard); direct RTCPeerConnection p50 ${f1(dp50)} ms, p95 ${f1(pct(l.direct, 95))} ms`
      + ` (${l.direct.length} matched of ${l.directHeard} heard); B's audio jitter buffer: room ${f1(l.jbRoom)} ms, direct ${f1(l.jbDirect)} ms; p50 room/direct ${f2(ratio)}x [target <= 1.3x: ${ratio <= 1.3 ? 'met' : 'NOT met'}]`,
  };
}

// ---- the run ---------------------------------------------------------------

async function main() {
  const root = tmpDir('bench-rooms');
  const beep = path.join(root, 'beep.wav');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i',
    `aevalsrc=exprs='0.5*sin(2*PI*(${FREQS[0]}+${FREQS[1] - FREQS[0]}*mod(floor(t)\\,4))*t)*lt(mod(t\\,1)\\,0.05)':s=48000:d=20`,
    '-ac', '1', '-c:a', 'pcm_s16le', beep]);
  const broker = await startBroker(root);
  const hub = await startHub(broker, root);
  const admin = await login(hub);
  const gr = await hub.cli(['gateway', 'add', 'gwr', '--json']);
  if (gr.code !== 0) throw new Error(`gateway add: ${gr.stderr}`);
  const g = JSON.parse(gr.stdout);
  const conf = path.join(root, 'gw.ini');
  const recDir = path.join(root, 'rec');
  fs.writeFileSync(conf, `[gateway]\nid = gwr\ncapacity = 64\nrecordings = ${recDir}\nsegment_seconds = 10\n`
    + `snapshots = ${path.join(root, 'snap')}\n[webrtc]\naddresses = 127.0.0.1\n`
    + `[mqtt]\nhost = 127.0.0.1\nport = ${broker.port}\nusername = ${g.username}\npassword = ${g.password}\n`);
  const gw = new Proc('ecc-gateway', BIN.gateway, ['--config', conf]);
  let browser = null;
  const stopAll = async () => {
    if (perfProc) { try { process.kill(perfProc.pid, 'SIGINT'); } catch { /* gone */ } }
    await browser?.close().catch(() => {});
    if (args.keep) {
      fs.writeFileSync(path.join(root, 'gateway.log'), gw.out);
      fs.writeFileSync(path.join(root, 'hub.log'), hub.proc.out);
      console.log(`kept ${root} (gateway.log, hub.log)`);
    }
    await gw.stop(20000);
    await hub.proc.stop();
    await broker.stop();
    if (!args.keep) fs.rmSync(root, { recursive: true, force: true });
  };
  process.once('SIGINT', () => { stopAll().finally(() => process.exit(130)); });
  process.once('SIGTERM', () => { stopAll().finally(() => process.exit(143)); });
  try {
    await gw.waitForOutput(/connected to/);
    const procs = { gateway: gw.pid, hub: hub.proc.pid, broker: broker.proc.pid };
    const max = SIZES.at(-1);
    const names = Array.from({ length: max }, (_, i) => `p${i + 1}`);
    const tokens = [];
    for (const n of names) tokens.push(await addUser(hub, admin, n, 'duty', { display_name: `参与人${n}` }));
    const api = (i, method, p, body) => request(hub, method, `/api/v1${p}`, { token: tokens[i], body });
    const r = await api(0, 'POST', '/rooms', { title: '性能测试会商', kind: '会商', scheduled_at: Date.now() });
    if (r.status !== 201) throw new Error(`POST /rooms: ${r.status} ${r.text}`);
    const id = r.json.room.id;
    if (max > 1) {
      const inv = await api(0, 'POST', `/rooms/${id}/invitations`, { users: names.slice(1) });
      if (inv.status >= 300) throw new Error(`invitations: ${inv.status} ${inv.text}`);
    }

    MARK = `ecc-bench-rooms-${process.pid}-${Date.now()}`;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium', headless: true,
      args: [...CHROMIUM_ARGS, ...FAKE, `--use-file-for-fake-audio-capture=${beep}`, `--${MARK}`],
    });
    console.log(`# ECC rooms benchmark: one ecc-gateway (Release) driven by the real hub; a consultation room with its recording`
      + ` turned on; rooms of ${SIZES.join(', ')} participants, grown in one room; warm-up ${WARMUP} s, window ${SECONDS} s,`
      + ` ${os.cpus().length} cores shared with whatever else runs.`);
    console.log(`# Every participant: its own context (login) in ONE headless Chromium, viewport 640x360, fake camera at`
      + ` ${CAM_W}x${CAM_H}@${CAM_FPS} (asked of the fake device; the room page asks 640x480) and fake microphone (a beep file),`
      + ` published to the gateway (H.264 + Opus) and receiving every other participant's stream from it.`
      + ` p1..p${Math.min(FULL, max)}: "room page", the real /room/{id} page, which decodes and shows every tile.`
      + (max > FULL ? ` p${FULL + 1}..p${max}: "light", a wallboard page that joins, publishes with the wallboard's Publisher`
        + ' and watches every other stream with its signalling, but takes each frame out before the decoder (the gateway forwards'
        + ' the same; the browser decodes and renders nothing), so the load generator leaves the gateway a core.' : ''));
    console.log('# Targets: the 8-participant room with recording within one core (100%); audio p50 room/direct <= 1.3x.');

    // the floor: the room open, its recording flag on, nobody in
    if (RECORD) {
      const rec = await api(0, 'POST', `/rooms/${id}/recording`);
      console.log(`recording: POST /api/v1/rooms/${id}/recording -> ${rec.status}${rec.status === 200 ? ` (room.recording ${rec.json?.room?.recording})` : ` ${rec.text}`}`);
    } else {
      console.log('recording: off (--no-recording): these figures do not include the hearing\'s recording');
    }
    const floor = await measure(procs, []);
    console.log(cpuLine('floor: room open, recording, nobody', floor));

    const parts = [];
    const out = { floor, sizes: {} };
    let segSeen = 0;
    const filed = () => (hub.proc.out.match(/segment filed/g) || []).length;
    const files = () => {
      try { return execFileSync('find', [recDir, '-type', 'f', '-name', '*.mp4'], { encoding: 'utf8' }).split('\n').filter(Boolean); } catch { return []; }
    };
    for (const size of SIZES) {
      // join the next participants, one after the other
      for (let i = parts.length; i < size; i++) {
        const context = await browser.newContext({ viewport: { width: 640, height: 360 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
        await context.addInitScript(benchPage, { w: CAM_W, h: CAM_H, fps: CAM_FPS });
        const page = await loginPage(context, hub, names[i], PASSWORD);
        const light = i >= FULL;
        let pid;
        if (light) {
          // a wallboard page that plays nothing by itself
          await page.goto(`${hub.url}/live.html?stream=0`);
          pid = await page.evaluate((room) => window.__bench.light(room), id);
        } else {
          await page.goto(`${hub.url}/room/${id}`);
          pid = await page.waitForFunction(() => window.__eccRoom.room?.you, null, { timeout: 20000 }).then((h) => h.jsonValue());
        }
        parts.push({ name: names[i], context, page, pid, light });
      }
      // every one sees every other live (or the window shows who does not)
      const t0 = Date.now();
      const ready = await Promise.all(parts.map((p) => p.page.waitForFunction((n) => {
        const L = window.__bench.lightRoom;
        if (L) {
          const v = [...L.views.values()];
          return L.pub.state === 'live' && v.length === n - 1 && v.every((x) => x.state === 'connected' && x.frames > 0);
        }
        const tiles = [...window.__eccRoom.grid.tiles.values()];
        return window.__eccRoom.publisher?.state === 'live' && tiles.length === n - 1
          && tiles.every((t) => t.player.state === 'live' && t.player.video.videoWidth > 0);
      }, size, { timeout: 90000 }).then(() => true, () => false)));
      const readyS = (Date.now() - t0) / 1000;
      const late = parts.filter((_, i) => !ready[i]).map((p) => p.name);
      if (late.length) console.log(`  [after 90 s, ${late.join(', ')} still did not show every other tile live]`);
      if (late.length === parts.length && !parts[0].light) {
        const dbg = await parts[0].page.evaluate(() => ({ status: document.getElementById('rm-status').textContent,
          pub: window.__eccRoom.publisher?.state, tiles: [...window.__eccRoom.grid.tiles.keys()] }));
        console.log(`  nobody sees the whole room: ${JSON.stringify(dbg)}; the gateway's last warnings:\n    `
          + gw.out.split('\n').filter((l) => /WARN|CRIT|ERROR/.test(l)).slice(-10).join('\n    '));
      }
      const f0 = filed(), n0 = files().length;
      const m = await measure(procs, parts);
      const segs = { filed: filed() - f0, files: files().length - n0 };
      segSeen += segs.filed;
      console.log(cpuLine(`room of ${size} (${late.length ? 'NOT all live, waited' : 'all live after'} ${readyS.toFixed(0)} s)`, m, floor)
        + ` | Chromium per participant ${f1(m.browserTotal / size)}%`);
      const pl = partLines(m, size);
      for (const l of pl.lines) console.log(l);
      console.log(`    recording: room flag ${RECORD ? 'on' : 'off (--no-recording)'}; segments filed by the hub during the window: ${segs.filed}, new MP4 files`
        + ` in the gateway's recordings: ${segs.files}${segs.filed + segs.files === 0 ? ' (nothing recorded: these figures do not include the hearing\'s recording)' : ''}`);
      out.sizes[size] = { ...m, ok: pl.ok, want: pl.want, segs };
      if (parts.length >= 2) {
        const l = parts[1].light ? { error: 'the first two participants must be room pages (--full 2 or more)' }
          : await latency(parts[0], parts[1]).catch((e) => ({ error: String(e.message || e).split('\n')[0] }));
        if (l.error) console.log(`    mouth-to-ear: not measured: ${l.error}`);
        else {
          const ll = latLine(l);
          console.log(ll.text);
          out.sizes[size].latency = { ...l, ratio: ll.ratio };
        }
      }
      if (PERF && size === max) {
        const p = await perfTop(gw.pid, root, Math.min(SECONDS, 15));
        if (p.error) console.log(`    perf: ${p.error}`);
        else {
          console.log(`    perf record -g on the gateway (room of ${size}), by thread:\n      ${p.threads.join('\n      ')}`);
          console.log(`    by library (self, >= 2%):\n      ${p.dsos.join('\n      ')}`);
          console.log(`    by symbol (self, >= 1.5%):\n      ${p.syms.join('\n      ')}`);
        }
      }
    }
    const big = out.sizes[max];
    const two = out.sizes[SIZES.find((s) => s >= 2)];
    console.log(`summary: room of ${max} with recording: gateway ${f1(big.gwMedian)}% of one core (median) [target <= 100%: `
      + `${big.gwMedian <= 100 ? 'met' : 'NOT met'}]${segSeen ? '' : ' (no segment filed: recording not included)'}; `
      + `every stream received: ${big.ok}/${big.want}; `
      + (two?.latency ? `audio mouth-to-ear (room of ${SIZES.find((s) => s >= 2)}) p50 room ${f1(pct(two.latency.room, 50))} ms vs direct`
        + ` ${f1(pct(two.latency.direct, 50))} ms = ${f2(two.latency.ratio)}x [target <= 1.3x: ${two.latency.ratio <= 1.3 ? 'met' : 'NOT met'}]`
        : 'audio mouth-to-ear: not measured'));
    const json = { floor: { gw: floor.gwMedian, rss: floor.gwRss } };
    for (const [s, v] of Object.entries(out.sizes)) {
      json[s] = { gw: v.gwMedian, gwMean: v.gwMean, rss: v.gwRss, chromium: v.browserTotal, ok: v.ok, want: v.want, segs: v.segs,
        latRoomP50: pct(v.latency?.room || [], 50), latDirectP50: pct(v.latency?.direct || [], 50) };
    }
    console.log(JSON.stringify(json));
  } catch (e) {
    console.error(`${e.stack || e}\nthe gateway's last words:\n${gw.out.slice(-2000)}\nthe hub's last words:\n${hub.proc.out.slice(-2000)}`);
    process.exitCode = 1;
  } finally {
    await stopAll();
  }
  process.exit(process.exitCode || 0);
}

main().catch((e) => { console.error(e); process.exit(1); });
