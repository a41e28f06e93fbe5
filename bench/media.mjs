// The media benchmark (see bench/media for how to run it).
//
// Per N (number of streams), `--repeat` rounds, each round:
//   floor    one gst-launch-1.0 -e with N branches
//            rtspsrc (TCP, latency 200) ! rtph264depay ! h264parse ! queue !
//            splitmuxsink (async-finalize, mp4mux fragment-duration=1000,
//            60 s segments: the gateway's recording settings);
//   gateway  the same N RTSP mounts registered with the hub (POST
//            /api/v1/streams), ingested and recorded by a fresh ecc-gateway
//            that takes its orders from the hub over MQTT.
// Both read the same ecc-devsim cameras server (one clip, encoded once).
// Each phase: wait until all N record (files exist / the hub says "live"),
// `--warmup` s, then CPU (utime+stime from /proc/PID/stat) over `--seconds`
// s and VmRSS sampled every second (median). After the process is stopped
// (EOS / SIGTERM: segments finalized), every recorded file is read with
// ffprobe: lost frames = frames the timeline spans (25 fps, first to last
// PTS) minus video packets present, summed over the files, plus the frames
// of warm-up + window a stream's recording does not cover (a recording that
// stopped early); a stream with no file at all counts as everything lost.
// Figures are medians over the rounds; floor and gateway alternate so that
// the shared machine's noise hits both alike.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  startBroker, startHub, login, request, addUnit, tmpDir, BIN, sleep, execFileP, Proc, waitFor,
} from '../tests/lib/harness.mjs';
import {
  parseArgs, median, cpuTicks, rssMiB, TICK, f1, f2, startCameras as startCamerasAt,
} from './lib.mjs';

const args = parseArgs();
const STREAMS = String(args.streams || '10,30').split(',').map(Number);
const REPEAT = Number(args.repeat || 3);
const WARMUP = Number(args.warmup || 5);
const SECONDS = Number(args.seconds || 20);
const MAX_STEP = args.max ? Number(args.max === true ? 10 : args.max) : 0;
const FPS = 25, WIDTH = 1920, HEIGHT = 1080, KBPS = 2000, LATENCY = 200;
const SEGMENT_S = 60;
const CORES = os.cpus().length;

// Context switches of every thread of pid (voluntary + involuntary).
const ctxSwitches = (pid) => {
  let n = 0;
  for (const t of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const st = fs.readFileSync(`/proc/${pid}/task/${t}/status`, 'utf8');
      for (const m of st.matchAll(/ctxt_switches:\s+(\d+)/g)) n += Number(m[1]);
    } catch { /* the thread ended */ }
  }
  return n;
};
const threads = (pid) => Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/Threads:\s+(\d+)/)[1]);
const pad = (i) => String(i).padStart(4, '0');
const unitId = (i) => `mb${pad(i)}`;

// The warm-up, then the measuring window: CPU of `pid` (and of the camera
// server, for context) in % of one core, RSS (median of 1 s samples).
// --perf: `perf record -g` of pid over the window, then where the CPU went
// by thread, by library and by function (top lines of `perf report`).
async function profile(pid) {
  const data = path.join(os.tmpdir(), `ecc-bench-perf-${pid}.data`);
  try {
    await execFileP('perf', ['record', '-q', '-g', '-F', '499', '-p', String(pid), '-o', data, '--', 'sleep', String(SECONDS)]);
    const top = async (sort, lines) => {
      const { stdout } = await execFileP('perf', ['report', '-i', data, '--stdio', '--no-children', '-g', 'none',
        '--percent-limit', '1', '--sort', sort], { maxBuffer: 64 << 20 });
      return stdout.split('\n').filter((l) => /^\s+\d/.test(l)).slice(0, lines).map((l) => l.trim().replace(/\s+/g, ' '));
    };
    return { threads: await top('comm', 12), dsos: await top('dso', 12), symbols: await top('dso,symbol', 25) };
  } catch (e) {
    return { error: String(e.message || e).slice(0, 300) };
  } finally {
    fs.rmSync(data, { force: true });
  }
}

async function measure(pid, others = {}) {
  await sleep(WARMUP * 1000);
  const t0 = process.hrtime.bigint();
  const c0 = cpuTicks(pid);
  const x0 = ctxSwitches(pid);
  const prof = args.perf ? profile(pid) : null;
  const o0 = Object.fromEntries(Object.entries(others).map(([k, p]) => [k, cpuTicks(p)]));
  const rss = [];
  for (let i = 0; i < SECONDS; i++) {
    await sleep(1000);
    rss.push(rssMiB(pid));
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const out = {
    cpu: (100 * (cpuTicks(pid) - c0)) / TICK / secs, rss: median(rss), rssMax: Math.max(...rss), threads: threads(pid),
    ctxPerS: (ctxSwitches(pid) - x0) / secs,
  };
  if (prof) out.profile = await prof;
  for (const [k, p] of Object.entries(others)) out[`${k}Cpu`] = (100 * (cpuTicks(p) - o0[k])) / TICK / secs;
  return out;
}

function walk(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : (e.name.endsWith('.mp4') ? [p] : []);
  });
}

// One file: video packets present vs frames its PTS range spans.
async function probe(file) {
  try {
    const { stdout } = await execFileP('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries',
      'packet=pts_time', '-of', 'csv=p=0', file], { maxBuffer: 1 << 26 });
    const ts = stdout.split('\n').filter((l) => l.trim() !== '' && l.trim() !== 'N/A').map(Number);
    if (!ts.length) return { packets: 0, expected: 0, span: 0 };
    const lo = Math.min(...ts), hi = Math.max(...ts);
    const expected = Math.round((hi - lo) * FPS) + 1;
    return { packets: ts.length, expected, span: (hi - lo) + 1 / FPS };
  } catch (e) {
    return { packets: 0, expected: 0, span: 0, error: String(e.message).split('\n')[0] };
  }
}

// Lost frames over the N streams; `streamOf(file)` names a file's stream.
async function lostFrames(dir, n, streamOf, phaseSeconds) {
  const files = walk(dir);
  const per = new Map();
  const queue = [...files];
  const workers = Array.from({ length: Math.max(1, CORES) }, async () => {
    while (queue.length) {
      const f = queue.shift();
      const r = await probe(f);
      const k = streamOf(f);
      const a = per.get(k) || { packets: 0, expected: 0, span: 0, files: 0, errors: [] };
      a.packets += r.packets; a.expected += r.expected; a.span += r.span; a.files++;
      if (r.error) a.errors.push(r.error);
      per.set(k, a);
    }
  });
  await Promise.all(workers);
  let lost = 0, packets = 0, missing = 0, minSpan = Infinity, errors = 0;
  for (let i = 0; i < n; i++) {
    const a = per.get(unitId(i));
    if (!a || !a.packets) { missing++; lost += Math.round(phaseSeconds * FPS); continue; }
    lost += Math.max(0, a.expected - a.packets);
    // A recording that stopped early (or started late) does not cover the
    // phase: the frames it misses are lost too.
    lost += Math.max(0, Math.round((phaseSeconds - a.span) * FPS));
    packets += a.packets;
    minSpan = Math.min(minSpan, a.span);
    errors += a.errors.length;
  }
  return { lost, packets, missing, minSpan, files: files.length, errors };
}

const startCameras = (n) => startCamerasAt(n, { width: WIDTH, height: HEIGHT, fps: FPS, kbps: KBPS });

// ---- the floor: one bare gst-launch-1.0 --------------------------------------

async function floor(cams, n, root) {
  const dir = path.join(root, `floor-${n}-${Date.now()}`);
  const desc = [];
  for (let i = 0; i < n; i++) {
    fs.mkdirSync(path.join(dir, unitId(i)), { recursive: true });
    desc.push('rtspsrc', `location=${cams.url(i)}`, `latency=${LATENCY}`, 'protocols=tcp', '!', 'rtph264depay', '!',
      'h264parse', 'config-interval=-1', '!', 'video/x-h264,stream-format=avc,alignment=au', '!',
      'queue', 'max-size-time=3000000000', 'max-size-buffers=0', 'max-size-bytes=0', '!',
      'splitmuxsink', `location=${path.join(dir, unitId(i), 'f%05d.mp4')}`, `max-size-time=${SEGMENT_S * 1e9}`,
      'async-finalize=true', 'muxer-factory=mp4mux', 'muxer-properties=properties,fragment-duration=(uint)1000');
  }
  const p = new Proc('floor gst-launch-1.0', 'gst-launch-1.0', ['-e', '-q', ...desc]);
  const t0 = Date.now();
  await waitFor(() => {
    if (p.child.exitCode !== null) throw new Error(`gst-launch-1.0 exited: ${p.out.slice(-2000)}`);
    return walk(dir).filter((f) => fs.statSync(f).size > 0).length >= n;
  }, { timeout: 60000, interval: 200, what: `the floor to record ${n} streams` }).catch((e) => { console.error(String(e)); });
  const startS = (Date.now() - t0) / 1000;
  const m = await measure(p.pid, { cams: cams.proc.pid });
  p.signal('SIGINT'); // -e: EOS, the open segments are finalized
  const t = setTimeout(() => p.signal('SIGKILL'), 30000);
  await p.exited;
  clearTimeout(t);
  const frames = await lostFrames(dir, n, (f) => path.basename(path.dirname(f)), WARMUP + SECONDS);
  if (!args.keep) fs.rmSync(dir, { recursive: true, force: true });
  return { ...m, ...frames, startS };
}

// ---- the gateway, driven by the hub ------------------------------------------

async function gateway(ctx, cams, n, root) {
  const { hub, token, gw } = ctx;
  const rec = path.join(root, `gw-${n}-${Date.now()}`);
  const conf = path.join(root, 'gw.ini');
  fs.writeFileSync(conf, `[gateway]\nid = ${gw.id}\ncapacity = ${Math.max(64, n)}\nrecordings = ${rec}\n`
    + `snapshots = ${path.join(root, 'snap')}\nsegment_seconds = ${SEGMENT_S}\nrtsp_latency_ms = ${LATENCY}\n`
    + `[mqtt]\nhost = 127.0.0.1\nport = ${hub.broker.port}\nusername = ${gw.username}\npassword = ${gw.password}\n`);
  const ids = [];
  for (let i = 0; i < n; i++) {
    const r = await request(hub, 'POST', '/api/v1/streams', { token, body: { unit: unitId(i), url: cams.url(i) } });
    if (r.status !== 201) throw new Error(`POST /api/v1/streams: ${r.status} ${r.text}`);
    ids.push(r.json.stream.id);
  }
  const p = new Proc('ecc-gateway', BIN.gateway, ['--config', conf]);
  const t0 = Date.now();
  await p.waitForOutput(/connected to/);
  const mine = async () => {
    const r = await request(hub, 'GET', '/api/v1/streams', { token });
    return r.json.streams.filter((s) => ids.includes(s.id));
  };
  await waitFor(async () => {
    if (p.child.exitCode !== null) throw new Error(`ecc-gateway exited: ${p.out.slice(-2000)}`);
    return (await mine()).filter((s) => s.state === 'live' && s.health?.recording).length >= n;
  }, { timeout: 90000, interval: 250, what: `${n} streams live and recording` }).catch((e) => { console.error(String(e)); });
  const startS = (Date.now() - t0) / 1000;
  const m = await measure(p.pid, { cams: cams.proc.pid });
  const health = await mine();
  const fps = health.map((s) => s.health?.fps ?? 0);
  const reconnects = health.reduce((a, s) => a + (s.health?.reconnects || 0), 0);
  const notLive = health.filter((s) => s.state !== 'live').length;
  const stop = await p.stop(30000);
  // Why streams reconnected, from the gateway's log (kept with --keep).
  fs.writeFileSync(path.join(root, `gateway-${n}-${Date.now()}.log`), p.out);
  const why = {};
  for (const m of p.out.matchAll(/stream=\S+: (.*); reconnecting/g)) why[m[1]] = (why[m[1]] || 0) + 1;
  const warnings = (p.out.match(/WARNING|CRITICAL/g) || []).length;
  for (const id of ids) await request(hub, 'DELETE', `/api/v1/streams/${id}`, { token });
  // recordings/<unit>/YYYY/MM/DD/<unit>_<stream>_<time>.mp4
  const frames = await lostFrames(rec, n, (f) => path.relative(rec, f).split(path.sep)[0], WARMUP + SECONDS);
  if (!args.keep) fs.rmSync(rec, { recursive: true, force: true });
  return {
    ...m, ...frames, startS, minFps: Math.min(...fps), reconnects, notLive,
    exit: stop.code ?? stop.signal, why, warnings,
  };
}

function line(name, n, r) {
  return `  ${name.padEnd(7)} N=${String(n).padEnd(3)} CPU ${f1(r.cpu).padStart(6)}% (${f2(r.cpu / n)}%/stream)  `
    + `RSS ${f1(r.rss).padStart(6)} MiB (${f2(r.rss / n)} MiB/stream)  threads ${r.threads}  `
    + `lost ${r.lost}/${r.lost + r.packets} frames${r.missing ? ` (${r.missing} streams unrecorded)` : ''}  `
    + `shortest recording ${f1(r.minSpan)} s  files ${r.files}  cameras CPU ${f1(r.camsCpu)}%`
    + (r.minFps !== undefined ? `  health: min fps ${f1(r.minFps)}, reconnects ${r.reconnects}, not live ${r.notLive}` : '')
    + `  ctx switches ${Math.round(r.ctxPerS)}/s  (ready in ${f1(r.startS)} s)`
    + (r.why && Object.keys(r.why).length ? `\n          reconnect reasons: ${JSON.stringify(r.why)}` : '')
    + (r.warnings ? `  gateway warnings: ${r.warnings}` : '')
    + (r.exit !== undefined && r.exit !== 0 ? `  gateway exit: ${r.exit}` : '')
    + (r.profile ? `\n${profileText(r.profile)}` : '');
}

function profileText(p) {
  if (p.error) return `          perf: ${p.error}`;
  const block = (title, ls) => `          ${title}:\n${ls.map((l) => `            ${l}`).join('\n')}`;
  return [block('CPU by thread (perf, % of samples)', p.threads), block('by library', p.dsos),
    block('by function', p.symbols)].join('\n');
}

async function main() {
  const root = tmpDir('bench-media');
  const broker = await startBroker(root);
  const hub = await startHub(broker, root);
  const token = await login(hub);
  const gr = await hub.cli(['gateway', 'add', 'gwb', '--json']);
  if (gr.code !== 0) throw new Error(`gateway add: ${gr.stderr}`);
  const gw = { id: 'gwb', ...JSON.parse(gr.stdout) };
  const ctx = { hub, token, gw, units: 0 };
  const ensureUnits = async (n) => {
    for (; ctx.units < n; ctx.units++) await addUnit(hub, token, { id: unitId(ctx.units), name: `摄像机${ctx.units}`, kind: 'bodycam' });
  };
  const gst = (await execFileP('gst-launch-1.0', ['--version'])).stdout.split('\n')[1] || '';
  console.log(`# ECC media benchmark: ${WIDTH}x${HEIGHT}@${FPS} H.264 ~${KBPS} kbit/s per stream (ecc-devsim cameras, RTSP/TCP),`
    + ` recorded in ${SEGMENT_S} s fMP4 segments; warm-up ${WARMUP} s, window ${SECONDS} s, ${REPEAT} rounds per N,`
    + ` ${CORES} cores (${os.cpus()[0].model}), ${gst.trim()}`);
  console.log('# CPU in % of one core over the window; RSS = VmRSS median over the window; lost = frames the recorded'
    + ' timeline spans minus frames in the files (ffprobe), plus warm-up+window not covered by a recording. Targets: gateway CPU within 1.5x of the floor; RSS < 5 MB per stream.');
  const results = {};
  const runN = async (n, withFloor) => {
    await ensureUnits(n);
    const cams = await startCameras(n);
    const rounds = { floor: [], gateway: [] };
    try {
      for (let i = 0; i < REPEAT; i++) {
        // alternate which goes first
        const order = !withFloor || args['no-floor'] ? ['gateway'] : (i % 2 ? ['gateway', 'floor'] : ['floor', 'gateway']);
        for (const which of order) {
          const r = which === 'floor' ? await floor(cams, n, root) : await gateway(ctx, cams, n, root);
          rounds[which].push(r);
          console.log(line(which, n, r));
        }
      }
    } finally {
      await cams.proc.stop();
    }
    const sum = (rs) => (rs.length ? {
      cpu: median(rs.map((r) => r.cpu)), rss: median(rs.map((r) => r.rss)), lost: rs.reduce((a, r) => a + r.lost, 0),
      frames: rs.reduce((a, r) => a + r.packets + r.lost, 0), camsCpu: median(rs.map((r) => r.camsCpu)),
    } : null);
    const g = sum(rounds.gateway), fl = sum(rounds.floor);
    results[n] = { gateway: g, floor: fl, rounds };
    const ratio = fl ? g.cpu / fl.cpu : NaN;
    const rssRatio = fl ? g.rss / fl.rss : NaN;
    console.log(`N=${n} median of ${REPEAT}:`);
    if (fl) {
      console.log(`  floor    CPU ${f2(fl.cpu / n)}%/stream (${f1(fl.cpu)}% total)  RSS ${f2(fl.rss / n)} MiB/stream (${f1(fl.rss)} MiB)`
        + `  lost ${fl.lost} of ${fl.frames} frames`);
    }
    console.log(`  gateway  CPU ${f2(g.cpu / n)}%/stream (${f1(g.cpu)}% total)  RSS ${f2(g.rss / n)} MiB/stream (${f1(g.rss)} MiB)`
      + `  lost ${g.lost} of ${g.frames} frames`
      + `   [target RSS < 5 MB/stream: ${g.rss / n < 5 ? 'met' : 'NOT met'}]`);
    if (fl) {
      console.log(`  gateway/floor  CPU ${f2(ratio)}x [target <= 1.5x: ${ratio <= 1.5 ? 'met' : 'NOT met'}]  RSS ${f2(rssRatio)}x`);
    }
    return { g, fl };
  };
  let largest = 0;
  for (const n of STREAMS) {
    const { g, fl } = await runN(n, true);
    if (g.lost === 0) largest = Math.max(largest, n);
    void fl;
  }
  // What one more stream costs, with the fixed part (libraries, threads,
  // the hub connection) taken out: the slope between the smallest and the
  // largest N.
  const ns = Object.keys(results).map(Number).filter((n) => results[n].floor).sort((a, b) => a - b);
  if (ns.length >= 2) {
    const a = results[ns[0]], b = results[ns.at(-1)], dn = ns.at(-1) - ns[0];
    const slope = (k, q) => (b[k][q] - a[k][q]) / dn;
    console.log(`marginal per stream (N=${ns[0]}..${ns.at(-1)}): gateway CPU ${f2(slope('gateway', 'cpu'))}%, RSS ${f2(slope('gateway', 'rss'))} MiB;`
      + ` floor CPU ${f2(slope('floor', 'cpu'))}%, RSS ${f2(slope('floor', 'rss'))} MiB;`
      + ` gateway/floor CPU ${f2(slope('gateway', 'cpu') / slope('floor', 'cpu'))}x`);
  }
  if (MAX_STEP) {
    let n = Math.max(...STREAMS);
    for (;;) {
      n += MAX_STEP;
      const { g } = await runN(n, false);
      if (g.lost > 0 || g.cpu >= 95 * CORES) break;
      largest = n;
    }
  }
  console.log(`largest N tried with no lost frames (gateway): ${largest || 'none'}`
    + `${MAX_STEP ? '' : ' (of the N tried; --max STEP searches further)'}`);
  console.log(JSON.stringify(Object.fromEntries(Object.entries(results).map(([n, r]) => [n, { gateway: r.gateway, floor: r.floor }]))));
  await hub.proc.stop();
  await broker.stop();
  if (!args.keep) fs.rmSync(root, { recursive: true, force: true });
  else console.log(`kept ${root}`);
  process.exit(0);
}

main().catch((e) => { console.error(e); process.exit(1); });
