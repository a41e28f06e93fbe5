// The telemetry benchmark (see bench/telemetry for how to run it).
//
// Per QoS:
//   floor      mosquitto_pub -l -> mosquitto -> mosquitto_sub, M messages:
//              the rate a bare MQTT path reaches on this machine right now;
//   saturate   ecc-devsim bench publishes N units as fast as the floor and
//              more; the hub stores and pushes to K WebSocket subscribers:
//              positions stored per second, delivered per subscriber per second;
//   latency    N units at a fixed total rate (default 10,000/s): publish ->
//              WebSocket latency p50/p99, hub CPU and RSS.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import {
  startBroker, startHub, login, request, brokerClient, tmpDir, BIN, sleep, execFileP,
} from '../tests/lib/harness.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((a, v, i, all) => {
  if (v.startsWith('--')) a.push([v.slice(2), all[i + 1]]);
  return a;
}, []));
const UNITS = Number(args.units || 2000);
const SUBS = Number(args.subscribers || 10);
const SECONDS = Number(args.seconds || 10);
const QOS = (args.qos || '0,1').split(',').map(Number);
const LAT_RATE = Number(args['latency-rate'] || 10000);
const FLOOR_MSGS = Number(args['floor-messages'] || 100000);
const REPEAT = Number(args.repeat || 3);

const pct = (xs, p) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const cpuTicks = (pid) => {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]);
};
const rssMiB = (pid) => Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;
const TICK = 100; // clock ticks per second on Linux

// The bare path: mosquitto_pub -l publishes one message per input line.
async function floor(broker, creds, qos, n) {
  const common = ['-h', '127.0.0.1', '-p', String(broker.port), '-u', creds.username, '-P', creds.password, '-q', String(qos)];
  const sub = spawn('mosquitto_sub', [...common, '-t', 'bench/floor', '-C', String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let got = 0, first = 0;
  sub.stdout.on('data', (d) => {
    if (!first) first = Date.now();
    for (const b of d) if (b === 10) got++;
  });
  await sleep(300);
  const line = `${JSON.stringify({ ts: Date.now(), lat: 47.138, lon: 129.286, speed: 1.2, heading: 90, battery: 80 })}\n`;
  const pub = spawn('mosquitto_pub', [...common, '-t', 'bench/floor', '-l'], { stdio: ['pipe', 'ignore', 'inherit'] });
  const t0 = Date.now();
  const chunk = line.repeat(1000);
  for (let i = 0; i < n / 1000; i++) {
    if (!pub.stdin.write(chunk)) await new Promise((r) => pub.stdin.once('drain', r));
  }
  pub.stdin.end();
  const done = new Promise((r) => sub.on('exit', r));
  const timeout = sleep(30000).then(() => sub.kill());
  await Promise.race([done, timeout]);
  const secs = (Date.now() - t0) / 1000;
  pub.kill();
  return { messages: got, seconds: secs, rate: got / secs };
}

// K WebSocket subscribers, each in its own worker thread (so that one
// subscriber's JSON parsing does not delay another's clock); each records
// publish -> receive latency (ms) of the positions it gets.
const SUBSCRIBER = `
const { parentPort, workerData } = require('node:worker_threads');
const WebSocket = require(workerData.ws);
const ws = new WebSocket(workerData.url, 'ecc.v1', { headers: { authorization: 'Bearer ' + workerData.token } });
let positions = 0, lat = [], types = {};
ws.on('message', (d) => {
  const now = Date.now();
  const m = JSON.parse(d);
  types[m.type] = (types[m.type] || 0) + 1;
  if (m.type === 'hello') ws.send('{"type":"subscribe","channels":["units"]}');
  if (m.type === 'subscribed') parentPort.postMessage({ ready: true });
  if (m.type !== 'positions') return;
  for (const p of m.positions) { positions++; lat.push(now - p.ts); }
});
parentPort.on('message', (cmd) => {
  if (cmd === 'reset') { positions = 0; lat = []; }
  if (cmd === 'report') parentPort.postMessage({ positions, lat, types });
  if (cmd === 'close') { ws.close(); parentPort.close(); }
});
`;

async function subscribers(hub, token, k) {
  const { Worker } = await import('node:worker_threads');
  const { createRequire } = await import('node:module');
  const wsPath = createRequire(import.meta.url).resolve('ws');
  const subs = [];
  for (let i = 0; i < k; i++) {
    const w = new Worker(SUBSCRIBER, { eval: true, workerData: { ws: wsPath, url: `ws://127.0.0.1:${hub.port}/ws`, token } });
    await new Promise((r) => w.once('message', r));
    const ask = (cmd) => new Promise((r) => { w.once('message', r); w.postMessage(cmd); });
    subs.push({ reset: () => w.postMessage('reset'), report: () => ask('report'), close: () => w.postMessage('close') });
  }
  return subs;
}

async function devsim(broker, creds, { rate, qos, seconds, connections }) {
  const per = rate / UNITS;
  const { stdout } = await execFileP(BIN.devsim, ['bench', '--count', String(UNITS), '--rate', String(per),
    '--qos', String(qos), '--duration', String(seconds), '--username', creds.username, '--password', creds.password,
    '--mqtt-port', String(broker.port), '--connections', String(connections), '--prefix', 'b'],
  { maxBuffer: 1 << 20 }).catch((e) => ({ stdout: e.stdout || '{}' }));
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

// Waits until the hub has taken in, and stored, everything published so far.
async function drain(hub, token) {
  let last = -1;
  for (let i = 0; i < 120; i++) {
    const t = (await request(hub, 'GET', '/api/v1/stats', { token })).json.telemetry;
    if (t.received === last && t.stored + t.duplicates >= t.received) return;
    last = t.received;
    await sleep(500);
  }
}

async function phase(hub, token, broker, creds, subs, { rate, qos, connections }) {
  await drain(hub, token);
  const all0 = (await request(hub, 'GET', '/api/v1/stats', { token })).json;
  const stats0 = all0.telemetry;
  const cpu0 = cpuTicks(hub.proc.pid);
  const bcpu0 = cpuTicks(broker.proc.pid);
  const scpu0 = process.cpuUsage();
  for (const s of subs) s.reset();
  const t0 = Date.now();
  const pub = await devsim(broker, creds, { rate, qos, seconds: SECONDS, connections });
  await drain(hub, token); // sustained rates count the time to take in the backlog too
  const secs = (Date.now() - t0) / 1000;
  const all1 = (await request(hub, 'GET', '/api/v1/stats', { token })).json;
  const stats1 = all1.telemetry;
  const sentPerSub = (all1.ws_backlog.sent_positions - all0.ws_backlog.sent_positions) / subs.length / secs;
  const cpu = (cpuTicks(hub.proc.pid) - cpu0) / TICK / secs;
  const bcpu = (cpuTicks(broker.proc.pid) - bcpu0) / TICK / secs;
  const su = process.cpuUsage(scpu0);
  const scpu = (su.user + su.system) / 1e6 / secs;
  const reports = await Promise.all(subs.map((s) => s.report()));
  const lat = reports.flatMap((r) => r.lat);
  const delivered = reports.reduce((a, r) => a + r.positions, 0) / subs.length / secs;
  return {
    published_per_s: pub.rate, stored_per_s: (stats1.stored - stats0.stored) / secs,
    delivered_per_s_per_subscriber: delivered, hub_sent_per_s_per_subscriber: sentPerSub, p50_ms: pct(lat, 50), p99_ms: pct(lat, 99),
    hub_cpu_percent: 100 * cpu, broker_cpu_percent: 100 * bcpu, subscribers_cpu_percent: 100 * scpu,
    stored_fraction: (stats1.stored - stats0.stored) / Math.max(1, pub.sent), hub_rss_mib: rssMiB(hub.proc.pid), sent: pub.sent, acked: pub.acked,
  };
}

async function main() {
  const dir = tmpDir('bench');
  const broker = await startBroker(dir);
  const hub = await startHub(broker, dir, { mqtt: { provision: 'false' }, limits: { http_body_max: 1048576 } });
  const token = await login(hub);
  const creds = await brokerClient(broker, 'bench', 'ecc/unit/#');
  const floorCreds = await brokerClient(broker, 'floor', 'bench/#');
  // bench/ is for the floor only: let floor read it.
  await execFileP('mosquitto_ctrl', ['-h', '127.0.0.1', '-p', String(broker.port), '-u', broker.username, '-P',
    broker.password, 'dynsec', 'addRoleACL', 'floor-role', 'subscribePattern', 'bench/#', 'allow']);
  for (let i = 0; i < UNITS; i += 1) {
    await request(hub, 'POST', '/api/v1/units', { token, body: { id: `b${String(i).padStart(4, '0')}`, name: `单元${i}`, kind: 'handheld' } });
  }
  const subs = await subscribers(hub, token, SUBS);
  console.log(`# ECC telemetry benchmark: ${UNITS} units, ${SUBS} WebSocket subscribers, ${SECONDS} s per phase,`
    + ` ${os.cpus().length} cores (${os.cpus()[0].model})`);
  const results = {};
  for (const qos of QOS) {
    // mosquitto 2.0.11 drops a QoS 1 publisher that floods past ~34,000
    // unacknowledged messages ("out of memory"): 25,000 per QoS 1 run.
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await floor(broker, floorCreds, qos, qos ? Math.min(FLOOR_MSGS, 25000) : FLOOR_MSGS));
    const f = runs.sort((a, b) => a.rate - b.rate)[1]; // the median of three
    console.log(`QoS ${qos} floor: mosquitto_pub -l -> mosquitto_sub: median of 3 runs ${runs.map((r) => Math.round(r.rate)).join(', ')} = ${Math.round(f.rate)} msg/s`);
    const sat = args['no-saturate'] ? null : await phase(hub, token, broker, creds, subs, { rate: Math.round(f.rate), qos, connections: 4 });
    if (sat) {
    console.log(`QoS ${qos} saturate (asked the floor rate, ${Math.round(f.rate)}/s): published ${Math.round(sat.published_per_s)}/s, `
      + `stored ${Math.round(sat.stored_per_s)}/s (${(100 * sat.stored_per_s / f.rate).toFixed(0)}% of floor), `
      + `delivered ${Math.round(sat.delivered_per_s_per_subscriber)}/s per subscriber (hub sent ${Math.round(sat.hub_sent_per_s_per_subscriber)}/s) `
      + `(${(100 * sat.delivered_per_s_per_subscriber / f.rate).toFixed(0)}% of floor), hub CPU ${sat.hub_cpu_percent.toFixed(0)}%, broker ${sat.broker_cpu_percent.toFixed(0)}%, `
      + `subscribers ${sat.subscribers_cpu_percent.toFixed(0)}%`);
    }
    const lats = [];
    for (let i = 0; i < REPEAT; i++) lats.push(await phase(hub, token, broker, creds, subs, { rate: LAT_RATE, qos, connections: 2 }));
    const lat = lats.sort((a, b) => a.p99_ms - b.p99_ms)[Math.floor(lats.length / 2)]; // the run with the median p99
    console.log(`QoS ${qos} at ${LAT_RATE}/s (${REPEAT} runs, median by p99): stored ${(100 * lat.stored_fraction).toFixed(1)}% of published, `
      + `publish->WebSocket p50 ${lat.p50_ms} ms p99 ${lat.p99_ms} ms (all runs' p99: ${lats.map((x) => x.p99_ms).join(', ')} ms), `
      + `hub CPU ${lat.hub_cpu_percent.toFixed(0)}%, hub RSS ${lat.hub_rss_mib.toFixed(1)} MiB`);
    results[`qos${qos}`] = { floor: f, saturate: sat, latency: lat };
  }
  console.log(`hub RSS with ${UNITS} units at the end: ${rssMiB(hub.proc.pid).toFixed(1)} MiB`);
  console.log(JSON.stringify(results));
  for (const s of subs) s.close();
  await hub.proc.stop();
  await broker.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

main().catch((e) => { console.error(e); process.exit(1); });
