// bench/evidence: see bench/evidence (the shell wrapper) for what it measures.
//
// Synthesis: per unit, HOURS*3600/SEGMENT segment files of MBPS*SEGMENT/8 MB
// of random bytes (one random buffer per unit, its first 16 bytes made
// unique per file so every file hashes differently), filed under
// DIR/rec/UNIT/, and one recordings row each (SHA-256 computed while
// writing) inserted with sqlite3 into the hub's database, as a gateway's
// report would have filed it. Units are added through the REST API.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { spawn } from 'node:child_process';
import { BIN, BUILD, execFileP, tmpDir, startBroker, startHub, login, request, addUnit } from '../tests/lib/harness.mjs';
import { parseArgs, median, f1, f2, cpuTicks, TICK } from './lib.mjs';


const args = parseArgs();
const UNITS = Number(args.units || 10);
const HOURS = Number(args.hours || 2);
const MBPS = Number(args.mbps || 2);
const SEG = Number(args.segment || 10);
const RUNS = Number(args.runs || 1);
const VERIFY = path.join(BUILD, 'tools/verify/ecc-verify');

const perUnit = Math.round((HOURS * 3600) / SEG);
const segBytes = Math.round((MBPS * 1e6 * SEG) / 8);
const total = UNITS * perUnit * segBytes;
const MB = (b) => b / 1e6;

function timed(cmd, argv, opts = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const p = spawn(cmd, argv, { stdio: ['ignore', opts.stdout || 'ignore', 'pipe'], ...opts.spawn });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.on('error', reject);
    p.on('exit', (code) => {
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      resolve({ code, s, err });
    });
  });
}

const dir = tmpDir('bench-evidence');
const rec = path.join(dir, 'rec');
console.log(`bench/evidence: ${UNITS} units x ${HOURS} h at ${MBPS} Mbps in ${SEG} s segments = `
  + `${UNITS * perUnit} files, ${f1(total / 1e9)} GB; build ${BUILD}; folder ${dir}`);

const broker = await startBroker(dir);
const hub = await startHub(broker, dir, { recordings: { retention_days: 36500, retention_check: 86400 } });
let exitCode = 0;
try {
  const token = await login(hub);
  const t0 = Date.now() - HOURS * 3600 * 1000 - 60000;
  let sql = 'BEGIN;\n';
  let ts = Date.now();
  // every unit first: writing the files blocks this process for minutes,
  // longer than the hub keeps an idle connection
  for (let u = 0; u < UNITS; u++) {
    const id = `bc-${String(u + 1).padStart(2, '0')}`;
    await addUnit(hub, token, { id, name: id, kind: 'bodycam' });
  }
  for (let u = 0; u < UNITS; u++) {
    const id = `bc-${String(u + 1).padStart(2, '0')}`;
    fs.mkdirSync(path.join(rec, id), { recursive: true });
    const buf = crypto.randomBytes(segBytes);
    for (let i = 0; i < perUnit; i++) {
      buf.writeUInt32BE(u, 0);
      buf.writeUInt32BE(i, 4);
      const a = t0 + i * SEG * 1000, b = a + SEG * 1000;
      const rel = `${id}/${a}.mp4`;
      fs.writeFileSync(path.join(rec, rel), buf);
      const sha = crypto.createHash('sha256').update(buf).digest('hex');
      sql += `INSERT INTO recordings(unit_id, gateway, root, path, t0, t1, bytes, sha256, filed_at)`
        + ` VALUES('${id}', 'bench', '${rec}', '${rel}', ${a}, ${b}, ${segBytes}, '${sha}', ${b});\n`;
    }
  }
  sql += 'COMMIT;\n';
  await new Promise((resolve, reject) => {
    const p = spawn('sqlite3', [path.join(dir, 'ecc.db')], { stdio: ['pipe', 'inherit', 'inherit'] });
    p.on('exit', (c) => (c ? reject(new Error(`sqlite3 exited ${c}`)) : resolve()));
    p.stdin.end(sql);
  });
  console.log(`synthesized in ${f1((Date.now() - ts) / 1000)} s`);

  const files = [];
  for (const u of fs.readdirSync(rec).sort()) for (const f of fs.readdirSync(path.join(rec, u)).sort()) files.push(path.join(rec, u, f));
  const pub = (await execFileP(BIN.hub, ['--config', hub.config, 'evidence-key'])).stdout.split('\n')[0];
  const rows = { floor: [], exportNull: [], copy: [], export: [], verify: [], health: [], floorAfter: [] };
  for (let run = 0; run < RUNS; run++) {
    // the floor: one openssl process hashing every segment file, one core
    const listFile = path.join(dir, 'files.txt');
    fs.writeFileSync(listFile, files.join('\0'));
    let r = await timed('sh', ['-c', `xargs -0 -n 2000 openssl dgst -sha256 < '${listFile}'`]);
    if (r.code) throw new Error(`openssl: ${r.err}`);
    rows.floor.push(r.s);
    // the export: one package per unit (without operations, a unit's range
    // is the route), each verified and deleted before the next, so that the
    // page cache holds the same for every step; the times are summed
    let s = 0, vs = 0, bytes = 0, sNull = 0, sCopy = 0;
    const unitFiles = (id) => files.filter((f) => path.basename(path.dirname(f)) === id);
    for (let u = 0; u < UNITS; u++) {
      const id = `bc-${String(u + 1).padStart(2, '0')}`;
      const out = path.join(dir, `${id}.tar`);
      const url = `${hub.url}/api/v1/units/${id}/evidence?from=${t0 - 1}&to=${Date.now()}`;
      // the export alone: the package read by curl and thrown away
      r = await timed('curl', ['-sS', '--fail', '-o', '/dev/null', '-H', `authorization: Bearer ${token}`, url]);
      if (r.code) throw new Error(`export ${id}: ${r.err}`);
      sNull += r.s;
      // what writing the same bytes to a file costs without any export:
      // cat of the unit's segments into one file (the floor of a GET to a file)
      const unitList = path.join(dir, `${id}.list`);
      fs.writeFileSync(unitList, unitFiles(id).join('\0'));
      r = await timed('sh', ['-c', `xargs -0 cat < '${unitList}' > '${out}'`]);
      if (r.code) throw new Error(`cat: ${r.err}`);
      sCopy += r.s;
      fs.rmSync(out);
      let polling = true;
      const poll = (async () => {
        while (polling) {
          const a = process.hrtime.bigint();
          try { // an idle keep-alive connection may have been closed meanwhile
            await request(hub, 'GET', '/api/v1/health');
            rows.health.push(Number(process.hrtime.bigint() - a) / 1e6);
          } catch { rows.healthErrors = (rows.healthErrors || 0) + 1; }
          await new Promise((res) => setTimeout(res, 100));
        }
      })();
      const hubTicks0 = cpuTicks(hub.proc.pid);
      r = await timed('/usr/bin/time', ['-f', '%U %S', '-o', path.join(dir, 'client.cpu'), 'curl', '-sS', '--fail',
        '-o', out, '-H', `authorization: Bearer ${token}`, url]);
      rows.hubCpu = (rows.hubCpu || 0) + (cpuTicks(hub.proc.pid) - hubTicks0) / TICK;
      rows.clientCpu = (rows.clientCpu || 0) + fs.readFileSync(path.join(dir, 'client.cpu'), 'utf8').trim().split(/\s+/).slice(-2).reduce((a, x) => a + Number(x), 0);
      polling = false;
      await poll;
      if (r.code) throw new Error(`export ${id}: ${r.err}`);
      s += r.s;
      bytes += fs.statSync(out).size;
      r = await timed(VERIFY, [out, '--key', pub]);
      if (r.code) throw new Error(`ecc-verify ${out} failed`);
      vs += r.s;
      fs.rmSync(out);
    }
    rows.export.push(s);
    rows.exportNull.push(sNull);
    rows.copy.push(sCopy);
    rows.verify.push(vs);
    // the floor again: the exports' tar files pushed segments out of the
    // page cache (18 GB of segments and 1.8 GB of tar against 23 GB of RAM)
    r = await timed('sh', ['-c', `xargs -0 -n 2000 openssl dgst -sha256 < '${listFile}'`]);
    rows.floorAfter.push(r.s);
    console.log(`run ${run + 1}: floor ${f1(rows.floor[run])} s, export ${f1(sNull)} s, `
      + `cat to a file ${f1(sCopy)} s, export to a file ${f1(s)} s (${f1(MB(bytes) / 1e3)} GB of tar), verify ${f1(vs)} s`);
  }
  const fl = median(rows.floor), cp = median(rows.copy);
  console.log(`\n${'what'.padEnd(40)} ${'s'.padStart(8)} ${'MB/s'.padStart(8)} ${'x floor'.padStart(8)}`);
  for (const [name, k, floor] of [['openssl dgst -sha256 (floor)', 'floor', fl],
    ['the floor again, after the exports', 'floorAfter', fl], ['export (GET, read and dropped)', 'exportNull', fl],
    ['ecc-verify --key', 'verify', fl], ['cat to a file (floor of a GET to a file)', 'copy', cp],
    ['export (GET to a file)', 'export', cp]]) {
    const m = median(rows[k]);
    console.log(`${name.padEnd(40)} ${f1(m).padStart(8)} ${f1(MB(total) / m).padStart(8)} ${f2(m / floor).padStart(8)}`);
  }
  console.log(`(export to a file against the hashing floor: ${f2(median(rows.export) / fl)}x)`);
  console.log(`CPU during the exports to a file (all runs): hub ${f1(rows.hubCpu)} s, curl ${f1(rows.clientCpu)} s`);
  const hs = [...rows.health].sort((a, b) => a - b);
  console.log(`the hub's loop while exporting: GET /api/v1/health every 100 ms, ${hs.length} answers, `
    + `median ${f1(median(hs))} ms, max ${f1(hs[hs.length - 1])} ms`);
  console.log(`(${MB(total).toFixed(0)} MB of segments; medians of ${RUNS} run${RUNS > 1 ? 's' : ''}; target within 1.2x of the floor)`);
} catch (e) {
  console.error(e);
  exitCode = 1;
} finally {
  await hub.proc.stop();
  await broker.stop();
  if (!args.keep) fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);
