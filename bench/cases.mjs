// bench/cases: see bench/cases (the shell wrapper) for what it measures.
import fs from 'node:fs';
import path from 'node:path';
import { BIN, BUILD, execFileP, tmpDir, startBroker, startHub, login, request } from '../tests/lib/harness.mjs';
import { parseArgs, pct, f1, f2 } from './lib.mjs';

const args = parseArgs();
const N = Number(args.cases || 100000);
const RUNS = Number(args.runs || 500);
const HTTP = Number(args.http || 200);
const TEAMS = 20;
const JUDGES = 200;

// The filing nodes of every case (casenodes.c's table): code, count, unit.
const KINDS = [['entry', 0, 'wd'], ['triage1', 0, 'wd'], ['online_inquiry', 1, 'wd'], ['notice', 3, 'wd'],
  ['traditional_inquiry', 10, 'wd'], ['field_investigation', 3, 'wd'], ['triage2', 3, 'wd'],
  ['panel_decision', 4, 'wd'], ['traditional_registered', 15, 'd']];

const dir = tmpDir('bench-cases');
const cal = path.join(dir, 'calendar');
fs.mkdirSync(cal);
for (const f of ['2025.json', '2026.json']) fs.copyFileSync(path.join(BUILD, 'calendar', f), path.join(cal, f));
const config = path.join(dir, 'hub.ini');
const db = path.join(dir, 'ecc.db');
fs.writeFileSync(config, `[hub]\ndatabase = ${db}\n[cases]\ncalendars = ${cal}\nscan_seconds = 3600\n`);
const hubCli = async (...a) => JSON.parse((await execFileP(BIN.hub, ['--config', config, ...a], { maxBuffer: 1 << 20 })).stdout);
async function sql(text) {
  return new Promise((resolve, reject) => {
    const p = execFileP('sqlite3', [db]);
    p.child.stdin.end(text);
    p.then(resolve, reject);
  });
}

console.log(`bench/cases: ${N.toLocaleString()} open cases, ${TEAMS} teams, ${JUDGES} judges; build ${BUILD}`);
await hubCli('cases', 'recompute'); // creates and migrates the database
let t0 = Date.now();
// Filed over the last 60 days: some nodes due today, many overdue, some ahead.
await sql(`PRAGMA journal_mode=WAL; BEGIN;
WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < ${N})
INSERT INTO cases(number, year, filed_on, applicants, respondents, amount_fen, judge, team, created_at, updated_at, search)
SELECT '（2026）黑0781执' || n || '号', 2026, date('now', '+8 hours', '-' || (n % 60) || ' days'), '["申请人' || n || '"]',
  '["被执行人' || n || '"]', (n % 1000) * 100000, 'judge' || (n % ${JUDGES}), '执行' || (n % ${TEAMS}) || '组',
  0, 0, '（2026）黑0781执' || n || '号' FROM i;
CREATE TEMP TABLE kinds AS ${KINDS.map(([c, n, u]) => `SELECT '${c}' AS code, ${n} AS count, '${u}' AS unit`).join(' UNION ALL ')};
-- each (unit, count, filing day) one deadline row, the filing day as a placeholder
INSERT INTO case_deadlines(unit, count, anchor, due)
SELECT DISTINCT k.unit, k.count, c.filed_on, c.filed_on FROM cases c, temp.kinds k;
INSERT INTO case_nodes(case_id, code, anchor, count, unit, due, team, judge, created_at, deadline)
SELECT c.id, k.code, c.filed_on, k.count, k.unit, c.filed_on, c.team, c.judge, 0, d.id FROM cases c, temp.kinds k
 JOIN case_deadlines d ON d.unit = k.unit AND d.count = k.count AND d.anchor = c.filed_on ORDER BY k.rowid, c.id;
-- a fifth of the nodes done on their anchor day
UPDATE case_nodes SET state = 'done', done_on = anchor, done_at = 0, done_by = judge WHERE id % 5 = 0;
COMMIT; ANALYZE;`);
const counts = (await sql("SELECT count(*), sum(state = 'open') FROM case_nodes;")).stdout.trim().split('|').map(Number);
console.log(`generated in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${counts[0].toLocaleString()} nodes, ${counts[1].toLocaleString()} open`);

// 1. The first computation: every open deadline written (placeholders -> dues).
const first = await hubCli('cases', 'recompute');
// 2. Nothing changed: the cost of checking every deadline.
const same = await hubCli('cases', 'recompute');
// 3. A calendar file changes: 2026 gains a holiday two weeks ago (a court
// closed for a day) and 2027's notice arrives.
const y26 = JSON.parse(fs.readFileSync(path.join(cal, '2026.json'), 'utf8'));
const d = new Date(Date.now() + 8 * 3600e3 - 14 * 86400e3);
while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d.setUTCDate(d.getUTCDate() - 1);
const extra = d.toISOString().slice(0, 10);
y26.holidays.push({ name: 'bench', from: extra, to: extra });
fs.writeFileSync(path.join(cal, '2026.json'), JSON.stringify(y26));
fs.writeFileSync(path.join(cal, '2027.json'), JSON.stringify({ year: 2027, source: 'bench',
  holidays: [{ name: '元旦', from: '2027-01-01', to: '2027-01-01' }], workdays: [] }));
const changed = await hubCli('cases', 'recompute');
console.log('\nrecompute (ecc-hub cases recompute: one transaction, synchronous=FULL)');
console.log(`  first computation, every open deadline written: ${f1(first.ms)} ms (${first.changed.toLocaleString()} nodes, ${first.rules} distinct anchors)`);
console.log(`  unchanged calendar, every deadline checked:    ${f1(same.ms)} ms (${same.changed} changed)`);
console.log(`  after a calendar change (+1 holiday ${extra}, +2027): ${f1(changed.ms)} ms (${changed.changed.toLocaleString()} nodes changed)`);

// 4. The supervision query against the floor, alternating, in one process.
const tm = await hubCli('cases', 'timings', String(RUNS));
console.log(`\nsupervision query (due today and overdue per team), ${RUNS} runs each, alternating, SQLite in process`);
console.log(`  query:               p50 ${f2(tm.query.p50)} ms   p99 ${f2(tm.query.p99)} ms   (${tm.query.rows} teams)`);
console.log(`  floor SELECT count(*): p50 ${f2(tm.floor.p50)} ms   p99 ${f2(tm.floor.p99)} ms`);

// 5. The same through the running hub: GET /api/v1/cases/board (counts per
// team and the 200 oldest nodes), and a team's overdue list.
const broker = await startBroker(dir);
const hub = await startHub(broker, dir, { hub: { database: db }, cases: { calendars: cal, scan_seconds: 3600 } });
try {
  const token = await login(hub);
  const time = async (p) => {
    const xs = [];
    for (let i = 0; i < HTTP; i++) {
      const s = performance.now();
      const r = await request(hub, 'GET', p, { token });
      if (r.status !== 200) throw new Error(`${p}: ${r.status}`);
      xs.push(performance.now() - s);
    }
    return xs;
  };
  const board = await time('/api/v1/cases/board');
  const team = await time(`/api/v1/cases/supervision?state=overdue&team=${encodeURIComponent('执行7组')}&limit=100`);
  const next = await time('/api/v1/cases/supervision?limit=100');
  // A deep page: the cursor after 100 pages of 100 (10,000 cases in).
  let after = 0;
  for (let i = 0; i < 100; i++) {
    const r = await request(hub, 'GET', `/api/v1/cases/supervision?limit=100${after ? `&after=${after}` : ''}`, { token });
    after = r.json.next;
  }
  const deep = await time(`/api/v1/cases/supervision?limit=100&after=${after}`);
  const judge = await time('/api/v1/cases/supervision?limit=100&judge=judge7');
  console.log(`\nthrough the hub's REST API, ${HTTP} requests each, one at a time`);
  console.log(`  GET /cases/board:                         p50 ${f2(pct(board, 50))} ms   p99 ${f2(pct(board, 99))} ms`);
  console.log(`  GET /cases/supervision?state=overdue&team: p50 ${f2(pct(team, 50))} ms   p99 ${f2(pct(team, 99))} ms`);
  console.log(`  GET /cases/supervision (next node per case): p50 ${f2(pct(next, 50))} ms   p99 ${f2(pct(next, 99))} ms`);
  console.log(`    the 101st page (after=cursor):            p50 ${f2(pct(deep, 50))} ms   p99 ${f2(pct(deep, 99))} ms`);
  console.log(`    one judge's (judge=judge7):               p50 ${f2(pct(judge, 50))} ms   p99 ${f2(pct(judge, 99))} ms`);
} finally {
  await hub.proc.stop();
  await broker.stop();
  if (!args.keep) fs.rmSync(dir, { recursive: true, force: true });
}
console.log('\ntargets: recompute after a calendar change < 2000 ms; supervision query p99 < 50 ms');
