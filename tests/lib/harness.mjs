// The test harness: starts the real programs (mosquitto with dynamic
// security, ecc-hub, ecc-gateway, ecc-devsim, gpsd via gpsfake) on free
// loopback ports in a test's own folder, talks to them with real clients,
// and stops everything it started, by PID, when the test ends.
import { spawn, execFile } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import WebSocket from 'ws';

export const SOURCE = process.env.ECC_SOURCE || path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BUILD = process.env.ECC_BUILD || path.join(SOURCE, 'build/asan');
export const BIN = {
  hub: path.join(BUILD, 'server/ecc-hub'),
  gateway: path.join(BUILD, 'gateway/ecc-gateway'),
  devsim: path.join(BUILD, 'devices/ecc-devsim'),
};
// Full stacks for LeakSanitizer in programs that load GStreamer: GLib's
// one-time allocations at library load (suppressed by _dl_init in lsan.supp)
// are recognised only with slow unwinding.
export const SLOW_UNWIND = { ASAN_OPTIONS: `${process.env.ASAN_OPTIONS || ''}:fast_unwind_on_malloc=0` };
export const execFileP = promisify(execFile);
// Daemons live in /usr/sbin, which a normal user's PATH may lack.
if (!`:${process.env.PATH}:`.includes(':/usr/sbin:')) process.env.PATH = `${process.env.PATH}:/usr/sbin:/sbin`;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const started = new Set();

// Stops whatever a test file left running (also on failure).
process.on('exit', () => {
  for (const p of started) {
    try { process.kill(p.child.pid, 'SIGKILL'); } catch { /* gone */ }
  }
});

export async function freePort() {
  const srv = net.createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address();
  srv.close();
  await once(srv, 'close');
  return port;
}

export function tmpDir(name) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ecc-${name}-`));
}

export async function waitFor(fn, { timeout = 10000, interval = 50, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) { last = e; }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${last})`);
    await sleep(interval);
  }
}

const SANITIZER = /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: UndefinedBehavior/;

// One child process with its output kept for assertions and post-mortems.
export class Proc {
  constructor(name, cmd, args, { env = {}, cwd, group = false, stdin } = {}) {
    this.name = name;
    this.out = '';
    this.child = spawn(cmd, args, {
      cwd, env: { ...process.env, ...env }, detached: group,
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (stdin !== undefined) this.child.stdin.end(stdin);
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => { started.delete(this); resolve({ code, signal }); });
    });
    for (const s of [this.child.stdout, this.child.stderr]) {
      s.setEncoding('utf8');
      s.on('data', (d) => {
        this.out += d;
        if (process.env.ECC_TEST_VERBOSE) process.stderr.write(`[${this.name}] ${d}`);
      });
    }
    this.group = group;
    started.add(this);
  }

  get pid() { return this.child.pid; }

  async waitForOutput(re, timeout = 15000) {
    return waitFor(() => this.out.match(re), { timeout, what: `${this.name} to print ${re}` });
  }

  signal(sig) {
    try {
      if (this.group) process.kill(-this.child.pid, sig);
      else process.kill(this.child.pid, sig);
    } catch { /* already gone */ }
  }

  // SIGTERM, then SIGKILL after `timeout`. Returns {code, signal}.
  async stop(timeout = 15000) {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.signal('SIGTERM');
    const t = setTimeout(() => this.signal('SIGKILL'), timeout);
    const r = await this.exited;
    clearTimeout(t);
    return r;
  }

  async kill9() {
    this.signal('SIGKILL');
    return this.exited;
  }

  // Throws when the process wrote a sanitizer report.
  assertClean() {
    const m = this.out.match(SANITIZER);
    if (m) throw new Error(`${this.name} reported: ${m[0]}\n${this.out.slice(-6000)}`);
  }

  // Stops with SIGTERM and demands exit code 0 and no sanitizer report.
  async stopClean() {
    const r = await this.stop();
    this.assertClean();
    if (r.code !== 0) throw new Error(`${this.name} exited ${r.code ?? r.signal}:\n${this.out.slice(-4000)}`);
    return r;
  }
}

// ---- mosquitto ----------------------------------------------------------

export async function startBroker(dir, { port } = {}) {
  port = port || await freePort();
  const password = `Bk-${Math.random().toString(36).slice(2)}-9aZ`;
  const dynsec = path.join(dir, 'dynsec.json');
  if (!fs.existsSync(dynsec)) {
    await execFileP('mosquitto_ctrl', ['dynsec', 'init', dynsec, 'ecc-hub', password]);
  }
  const conf = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(conf, [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous false',
    'plugin /usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so',
    `plugin_opt_config_file ${dynsec}`,
    'persistence true',
    `persistence_location ${dir}/`,
    'max_queued_messages 100000',
    'set_tcp_nodelay true',
    `user ${os.userInfo().username}`,
    'log_type error', 'log_type warning', 'log_type notice',
    '',
  ].join('\n'));
  const broker = { port, dir, conf, username: 'ecc-hub', password, proc: null };
  broker.start = async () => {
    broker.proc = new Proc('mosquitto', 'mosquitto', ['-c', conf]);
    await waitFor(() => canConnect(port), { what: `mosquitto on ${port}` });
  };
  broker.stop = () => broker.proc.stop();
  await broker.start();
  return broker;
}

export function canConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

export async function mqttConnect(broker, { username, password, clientId, clean = true } = {}) {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
    username, password, clientId: clientId || `test-${Math.random().toString(16).slice(2)}`,
    protocolVersion: 5, clean, reconnectPeriod: 0, connectTimeout: 5000,
  });
  return c;
}

// ---- ecc-hub ------------------------------------------------------------

export function hubConfig(broker, dir, port, extra = {}) {
  const groups = {
    hub: { listen: '127.0.0.1', port, database: path.join(dir, 'ecc.db'), www: path.join(BUILD, 'www'),
      admin_password_file: path.join(dir, 'admin.pw') },
    mqtt: { host: '127.0.0.1', port: broker.port, username: broker.username, password: broker.password },
  };
  for (const [g, kv] of Object.entries(extra)) groups[g] = { ...(groups[g] || {}), ...kv };
  return Object.entries(groups)
    .map(([g, kv]) => `[${g}]\n${Object.entries(kv).map(([k, v]) => `${k} = ${v}`).join('\n')}\n`)
    .join('\n');
}

export async function startHub(broker, dir, extra = {}, { env = {}, noHealth = false } = {}) {
  const port = await freePort();
  const config = path.join(dir, 'hub.ini');
  fs.writeFileSync(config, hubConfig(broker, dir, port, extra));
  const hub = { port, dir, config, url: `http://127.0.0.1:${port}`, broker };
  hub.start = async () => {
    hub.proc = new Proc('ecc-hub', BIN.hub, ['--config', config], { env });
    await hub.proc.waitForOutput(/listening on/);
    if (!noHealth) {
      await waitFor(async () => (await request(hub, 'GET', '/api/v1/health')).json?.mqtt,
        { what: 'the hub to reach the broker' });
    }

  };
  hub.cli = (args, opts = {}) => cli(config, args, opts);
  await hub.start();
  hub.adminPassword = fs.readFileSync(path.join(dir, 'admin.pw'), 'utf8').trim();
  return hub;
}

// Runs `ecc-hub --config CONFIG args...`; resolves {code, stdout, stderr}.
export function cli(config, args, { input } = {}) {
  return new Promise((resolve) => {
    const p = spawn(BIN.hub, ['--config', config, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.stdin.end(input ?? '');
    p.on('exit', (code) => {
      if (SANITIZER.test(stderr)) throw new Error(`ecc-hub ${args.join(' ')}: sanitizer report\n${stderr}`);
      resolve({ code, stdout, stderr });
    });
  });
}

export async function request(hub, method, p, { token, body, raw, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  let payload;
  if (raw !== undefined) payload = raw;
  else if (body !== undefined) { payload = JSON.stringify(body); h['content-type'] = 'application/json'; }
  const res = await fetch(`${hub.url}${p}`, { method, headers: h, body: payload });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, json, text, headers: res.headers };
}

export async function login(hub, username = 'admin', password = hub.adminPassword) {
  const r = await request(hub, 'POST', '/api/v1/login', { body: { username, password } });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.text}`);
  return r.json.token;
}

const STRONG = 'Test-Pass-2025!';
export async function addUser(hub, adminToken, username, role, extra = {}) {
  const r = await request(hub, 'POST', '/api/v1/users',
    { token: adminToken, body: { username, password: STRONG, role, ...extra } });
  if (r.status !== 201) throw new Error(`add user ${username}: ${r.status} ${r.text}`);
  return login(hub, username, STRONG);
}

export async function addUnit(hub, token, spec) {
  const r = await request(hub, 'POST', '/api/v1/units', { token, body: spec });
  if (r.status !== 201) throw new Error(`add unit ${spec.id}: ${r.status} ${r.text}`);
  return r.json;
}

// A WebSocket client that keeps every message and can wait for one.
export async function wsConnect(hub, token, { subscribe = [] } = {}) {
  const ws = new WebSocket(`ws://127.0.0.1:${hub.port}/ws`, 'ecc.v1',
    { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const client = { ws, messages: [], closed: null };
  ws.on('message', (d) => { client.messages.push(JSON.parse(d.toString())); });
  ws.on('close', (code, reason) => { client.closed = { code, reason: reason.toString() }; });
  await once(ws, 'open');
  client.send = (m) => ws.send(typeof m === 'string' ? m : JSON.stringify(m));
  client.next = (pred, timeout = 5000, what = 'a WebSocket message') =>
    waitFor(() => client.messages.find(pred), { timeout, what, interval: 10 });
  client.close = () => { ws.close(); };
  if (token) await client.next((m) => m.type === 'hello');
  if (subscribe.length) {
    client.send({ type: 'subscribe', channels: subscribe });
    await client.next((m) => m.type === 'subscribed');
  }
  return client;
}

// Publishes one message with mosquitto_pub (MQTT v5, QoS 1).
export async function mosquittoPub(broker, { username, password, topic, message, qos = 1 }) {
  return execFileP('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(broker.port), '-V', '5',
    '-u', username, '-P', password, '-q', String(qos), '-t', topic, '-m', message]);
}

export function rssKiB(pid) {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(s.match(/VmRSS:\s+(\d+)/)[1]);
}

// ---- a whole stack per test file ------------------------------------------

// Cleanups run last-registered first (node:test runs `after` hooks in
// registration order): what a test starts after the stack stops before it.
export function cleanup(t, fn) {
  if (!t.eccCleanups) {
    t.eccCleanups = [];
    t.after(async () => {
      let first;
      while (t.eccCleanups.length) {
        try { await t.eccCleanups.pop()(); } catch (e) { first ??= e; }
      }
      if (first) throw first;
    });
  }
  t.eccCleanups.push(fn);
}

// Broker + hub in a fresh folder; stopped when the test ends, checking the
// hub exited cleanly (exit code 0, no sanitizer report).
export async function stack(t, name, hubExtra = {}, opts = {}) {
  const dir = tmpDir(name);
  const broker = await startBroker(dir);
  cleanup(t, async () => {
    await broker.stop();
    if (!process.env.ECC_TEST_KEEP) fs.rmSync(dir, { recursive: true, force: true });
  });
  const hub = await startHub(broker, dir, hubExtra, opts);
  cleanup(t, () => hub.proc.stopClean());

  const token = await login(hub);
  return { dir, broker, hub, token };
}

// ---- gpsd through gpsfake -------------------------------------------------

// gpsfake replays an NMEA log through a real gpsd on `port`. It ignores
// SIGTERM and leaves its gpsd behind, so it runs in its own process group
// and stops with SIGKILL to the whole group.
export async function startGpsfake(dir, port, log) {
  const file = path.join(dir, `gps-${Date.now()}.nmea`);
  fs.writeFileSync(file, log);
  const p = new Proc('gpsfake', 'gpsfake', ['-c', '0.5', '-P', String(port), '-q', '-1', file], { group: true });
  await waitFor(() => canConnect(port), { what: `gpsd on ${port}` });
  return {
    proc: p,
    stop: async () => { p.signal('SIGKILL'); await p.exited; await waitFor(async () => !(await canConnect(port)), { what: 'gpsd gone' }); },
  };
}

// A broker identity made with mosquitto_ctrl (tests and benchmarks only):
// may publish under `pattern` (e.g. "ecc/unit/#"). Returns {username, password}.
export async function brokerClient(broker, username, pattern) {
  const password = `Cl-${Math.random().toString(36).slice(2)}-7aZ`;
  const ctrl = (...a) => execFileP('mosquitto_ctrl', ['-h', '127.0.0.1', '-p', String(broker.port),
    '-u', broker.username, '-P', broker.password, 'dynsec', ...a]);
  await ctrl('createRole', `${username}-role`);
  await ctrl('addRoleACL', `${username}-role`, 'publishClientSend', pattern, 'allow');
  await ctrl('createClient', username, '-p', password);
  await ctrl('addClientRole', username, `${username}-role`);
  return { username, password };
}
