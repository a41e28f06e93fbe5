// The wallboard benchmark (see bench/wallboard for how to run it).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';
import { startBroker, startHub, login, request, brokerClient, tmpDir, BIN, sleep } from '../tests/lib/harness.mjs';
import { CHROMIUM_ARGS } from '../tests/lib/browser.mjs';
import { startGateway } from '../tests/lib/media.mjs';
import { parseArgs, cpuTicks, TICK, median, pct, f1, startCameras } from './lib.mjs';

const args = parseArgs();
const UNITS = Number(args.units || 2000);
const SECONDS = Number(args.seconds || 20);
const SOAK_UNITS = Number(args['soak-units'] || 200);
const SOAK_TILES = Number(args['soak-tiles'] ?? 9);
const SOAK_MINUTES = Number(args['soak-minutes'] || 30);
const SAMPLE_S = Number(args['sample-seconds'] || 30);

// provision: device identities in the broker (the gateway of the soak
// needs the hub to provision; 2,000 units do not).
async function stack(name, { provision = false } = {}) {
  const dir = tmpDir(name);
  const broker = await startBroker(dir);
  const hub = await startHub(broker, dir, { mqtt: { provision: String(provision) }, telemetry: { offline_after: 30 } });
  const token = await login(hub);
  const creds = await brokerClient(broker, 'bench', 'ecc/unit/#');
  const stop = async () => { await hub.proc.stop(); await broker.stop(); fs.rmSync(dir, { recursive: true, force: true }); };
  return { dir, broker, hub, token, creds, stop };
}

async function addUnits(hub, token, n) {
  const kinds = ['bodycam', 'handheld', 'vehicle', 'drone'];
  for (let i = 0; i < n; i++) {
    await request(hub, 'POST', '/api/v1/units', { token,
      body: { id: `b${String(i).padStart(4, '0')}`, name: `单元${i}`, kind: kinds[i % 4], team: `执行${(i % 5) + 1}组` } });
  }
}

// ecc-devsim publishing every unit at 1 Hz for `seconds` (in the background).
function publish(broker, creds, n, seconds) {
  const p = spawn(BIN.devsim, ['bench', '--count', String(n), '--rate', '1', '--qos', '0', '--duration', String(seconds),
    '--username', creds.username, '--password', creds.password, '--mqtt-port', String(broker.port),
    '--connections', '4', '--prefix', 'b'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return { done: new Promise((r) => p.on('exit', r)), kill: () => p.kill() };
}

async function browser(hub) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ecc-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
    viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  await page.goto(`${hub.url}/login`);
  await page.fill('#username', 'admin');
  await page.fill('#password', hub.adminPassword);
  await page.click('#login-submit');
  await page.waitForURL(`${hub.url}/`);
  await page.waitForFunction(() => window.__ecc?.store);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const close = async () => { await context.close(); fs.rmSync(profile, { recursive: true, force: true }); };
  return { page, cdp, metrics, close };
}

async function frameRate() {
  const s = await stack('bench-wall-fps');
  try {
    await addUnits(s.hub, s.token, UNITS);
    const pub = publish(s.broker, s.creds, UNITS, SECONDS + 25 + (args.profile ? 30 : 0));
    const b = await browser(s.hub);
    await b.page.waitForFunction((n) => window.__ecc.layer.drawn.length >= n * 0.95, UNITS, { timeout: 30000, polling: 1000 })
      .catch(() => {});
    // Every unit in view, then measure while they move.
    await b.page.evaluate(() => {
      const pts = [...window.__ecc.store.units.values()].filter((u) => u.position).map((u) => [u.position.lat, u.position.lon]);
      window.__ecc.map.fitBounds(pts, { padding: [20, 20] });
      const layer = window.__ecc.layer, draw = layer.draw.bind(layer);
      window.__drawMs = [];
      layer.draw = () => { const t0 = performance.now(); draw(); window.__drawMs.push(performance.now() - t0); };
    });
    await sleep(2000);
    const m0 = await b.metrics();
    const r = await b.page.evaluate(async (secs) => {
      const layer = window.__ecc.layer, f0 = layer.frames, t0 = performance.now();
      const before = new Map(layer.drawn.map((d) => [d.id, d.x + d.y]));
      window.__drawMs = [];
      let raf = 0;
      await new Promise((res) => { const f = () => { raf++; if (performance.now() - t0 < secs * 1000) requestAnimationFrame(f); else res(); }; requestAnimationFrame(f); });
      const dt = (performance.now() - t0) / 1000;
      const moved = layer.drawn.filter((d) => before.has(d.id) && before.get(d.id) !== d.x + d.y).length;
      return { raf: raf / dt, draws: (layer.frames - f0) / dt, drawMs: window.__drawMs, drawn: layer.drawn.length, moved, dt, zoom: window.__ecc.map.getZoom() };
    }, SECONDS);
    const m1 = await b.metrics();
    const busy = (k) => (m1[k] - m0[k]) / (r.dt + 0) * 1000; // ms per second of wall time (m0 is 0.x s earlier)
    console.log(`# wallboard frame rate: ${UNITS} units at 1 Hz, 1920x1080, ${SECONDS} s measured`);
    console.log(`markers drawn ${r.drawn}, moved during the run ${r.moved}, map zoom ${r.zoom}; load average ${os.loadavg().map(f1).join(' ')}`);
    console.log(`animation frames ${f1(r.raf)} /s, canvas redraws ${f1(r.draws)} /s`);
    console.log(`canvas draw time: median ${f1(median(r.drawMs))} ms, p95 ${f1(pct(r.drawMs, 95))} ms, max ${f1(Math.max(...r.drawMs))} ms`);
    console.log(`main thread busy ${f1(busy('TaskDuration'))} ms/s (script ${f1(busy('ScriptDuration'))} ms/s, layout ${f1(busy('LayoutDuration'))} ms/s)`);
    // Busy is wall time and grows when other processes take the cores; the
    // CPU time the page's main thread and its renderer process used does not.
    console.log(`main thread CPU ${f1(busy('ThreadTime'))} ms/s, renderer process CPU ${f1(busy('ProcessTime'))} ms/s`);
    if (args.profile) await profile(b, args.profile);
    await b.close();
    pub.kill();
  } finally {
    await s.stop();
  }
}

// --profile FILE: after the measurement, 10 s of the page's JavaScript under
// the CDP Profiler: FILE gets the .cpuprofile (for DevTools), the console
// the functions with the most self time.
async function profile(b, file) {
  await b.cdp.send('Profiler.enable');
  await b.cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await b.cdp.send('Profiler.start');
  await sleep(10000);
  const { profile: prof } = await b.cdp.send('Profiler.stop');
  fs.writeFileSync(file, JSON.stringify(prof));
  const self = new Map(), dt = new Map();
  for (let i = 0; i < prof.samples.length; i++) dt.set(prof.samples[i], (dt.get(prof.samples[i]) || 0) + (prof.timeDeltas[i] || 0));
  let total = 0;
  for (const n of prof.nodes) {
    const f = n.callFrame, us = dt.get(n.id) || 0;
    total += us;
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(js|vendor)\//, '$1/')}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) || 0) + us);
  }
  console.log(`# profile (${file}): self time over ${f1(total / 1e6)} s`);
  for (const [k, us] of [...self].sort((x, y) => y[1] - x[1]).slice(0, 25)) console.log(`${f1(us / 1000).padStart(8)} ms  ${f1(100 * us / total).padStart(5)} %  ${k}`);
  // What the main thread does besides JavaScript: 5 s of trace events
  // (devtools.timeline), their time summed by name (nested ones overlap).
  const events = [];
  b.cdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
  const done = new Promise((r) => b.cdp.once('Tracing.tracingComplete', r));
  await b.cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,toplevel', transferMode: 'ReportEvents' });
  await sleep(5000);
  await b.cdp.send('Tracing.end');
  await done;
  const main = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const sum = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || !main.has(`${e.pid}:${e.tid}`)) continue;
    sum.set(e.name, (sum.get(e.name) || 0) + (e.dur || 0));
  }
  console.log('# trace: main thread, 5 s, ms per second by event (inclusive)');
  for (const [k, us] of [...sum].sort((x, y) => y[1] - x[1]).slice(0, 20)) console.log(`${f1(us / 5000).padStart(8)} ms/s  ${k}`);
}

async function soak() {
  const s = await stack('bench-wall-soak', { provision: SOAK_TILES > 0 });
  let cams, gw;
  try {
    await addUnits(s.hub, s.token, SOAK_UNITS);
    if (SOAK_TILES > 0) {
      gw = await startGateway(s.hub, s.dir, { capacity: SOAK_TILES + 2, extra: '[webrtc]\naddresses = 127.0.0.1\n' });
      cams = await startCameras(SOAK_TILES, { width: 640, height: 360, fps: 25, kbps: 800 });
      for (let i = 0; i < SOAK_TILES; i++) {
        await request(s.hub, 'POST', '/api/v1/streams', { token: s.token,
          body: { unit: `b${String(i).padStart(4, '0')}`, url: cams.url(i), record: false } });
      }
      let live = 0;
      for (let i = 0; i < 60 && live < SOAK_TILES; i++) {
        await sleep(1000);
        const { streams } = (await request(s.hub, 'GET', '/api/v1/streams', { token: s.token })).json;
        live = streams.filter((x) => x.state === 'live').length;
        if (i === 59) console.log(`streams: ${streams.map((x) => `${x.id}:${x.state}@${x.gateway}`).join(' ')}`);
      }
      console.log(`streams live before the page opens: ${live} of ${SOAK_TILES}`);
    }
    const pub = publish(s.broker, s.creds, SOAK_UNITS, SOAK_MINUTES * 60 + 60);
    const b = await browser(s.hub);
    if (SOAK_TILES > 0) {
      await b.page.click(`#wall-layouts button[data-layout="${SOAK_TILES > 4 ? 9 : 4}"]`);
      await sleep(15000);
      await b.page.evaluate(() => window.__ecc.wall.fill());
    }
    console.log(`# wallboard soak: ${SOAK_UNITS} units at 1 Hz, ${SOAK_TILES} live tiles, ${SOAK_MINUTES} min, a sample every ${SAMPLE_S} s`);
    console.log('minute  heap_MiB  dom_nodes  listeners  live_tiles  hub_cpu_%');
    const rows = [];
    const t0 = Date.now();
    let cpu0 = cpuTicks(s.hub.proc.pid), w0 = Date.now();
    while (Date.now() - t0 < SOAK_MINUTES * 60000) {
      await sleep(SAMPLE_S * 1000);
      await b.cdp.send('HeapProfiler.collectGarbage').catch(() => {});
      const m = await b.metrics();
      const live = await b.page.evaluate(() => document.querySelectorAll('.wall-tile .live-player[data-state="live"]').length);
      const cpu1 = cpuTicks(s.hub.proc.pid), w1 = Date.now();
      const row = { min: (w1 - t0) / 60000, heap: m.JSHeapUsedSize / 2 ** 20, nodes: m.Nodes, listeners: m.JSEventListeners, live,
        cpu: 100 * (cpu1 - cpu0) / TICK / ((w1 - w0) / 1000) };
      cpu0 = cpu1; w0 = w1;
      rows.push(row);
      console.log(`${f1(row.min).padStart(6)}  ${f1(row.heap).padStart(8)}  ${String(row.nodes).padStart(9)}  ${String(row.listeners).padStart(9)}  ${String(live).padStart(10)}  ${f1(row.cpu).padStart(9)}`);
    }
    const from = rows.find((r) => r.min >= Math.min(5, SOAK_MINUTES / 2)) || rows[0], to = rows.at(-1);
    const growth = (k) => 100 * (to[k] - from[k]) / from[k];
    console.log(`growth from minute ${f1(from.min)} to ${f1(to.min)}: heap ${f1(growth('heap'))} %, DOM nodes ${f1(growth('nodes'))} %,`
      + ` listeners ${f1(growth('listeners'))} % (target: under 10 %)`);
    await b.close();
    pub.kill();
  } finally {
    await cams?.proc.stop().catch(() => {});
    await gw?.proc?.stop().catch(() => {});
    await s.stop();
  }
}

if (!args['skip-fps']) await frameRate();
if (!args['skip-soak']) await soak();
process.exit(0);
