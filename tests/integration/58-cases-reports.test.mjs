// The reports' figures match the rows they count: cases received and closed
// (and within the six-month legal period), nodes done in time, late and
// overdue, per day, per week, per team and per node type, alerts and their
// acknowledgment; the CSV export carries the same figures; a judge's report
// counts the own cases only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, request, addUser, waitFor } from '../lib/harness.mjs';

const FROM = '2026-10-01';
const TO = '2026-10-31';
const inRange = (d) => d && d >= FROM && d <= TO;

test('reports count what the rows say', async (t) => {
  const { hub, token } = await stack(t, 'cases-reports', { cases: { scan_seconds: 1 } });
  const judge1 = await addUser(hub, token, 'judge1', 'judge');
  await addUser(hub, token, 'judge2', 'judge');
  const post = (p, body) => request(hub, 'POST', p, { token, body });
  const get = async (p, tok = token) => (await request(hub, 'GET', p, { token: tok })).json;
  const add = async (number, filed_on, judge, team) => {
    const r = await post('/api/v1/cases', { number, filed_on, judge, team });
    assert.equal(r.status, 201, r.text);
    return r.json.case;
  };
  const c1 = await add('（2026）黑0781执801号', '2026-10-12', 'judge1', '执行一组');
  await add('（2026）黑0781执802号', '2026-10-12', 'judge1', '执行一组');
  const c3 = await add('（2026）黑0781执803号', '2026-03-02', 'judge1', '执行一组');
  const c4 = await add('（2026）黑0781执804号', '2026-10-13', 'judge2', '执行二组');
  const node = (c, code) => c.nodes.find((n) => n.code === code).id;
  assert.equal((await post(`/api/v1/cases/${c4.id}/nodes/${node(c4, 'notice')}/done`, { on: '2026-10-14' })).status, 200);
  assert.equal((await post(`/api/v1/cases/${c4.id}/nodes/${node(c4, 'online_inquiry')}/done`, { on: '2026-10-20' })).status, 200);
  assert.equal((await post(`/api/v1/cases/${c1.id}/close`, { kind: 'completed', on: '2026-10-20' })).status, 200);
  assert.equal((await post(`/api/v1/cases/${c3.id}/close`, { kind: 'completed', on: '2026-10-21' })).status, 200);

  // The rows, as the API lists them.
  const cases = [];
  for (const c of (await get('/api/v1/cases?limit=500')).cases) cases.push((await get(`/api/v1/cases/${c.id}`)).case);
  const nodes = cases.flatMap((c) => c.nodes.map((n) => ({ ...n, team: c.team })));
  const today = (await get('/api/v1/cases/calendar')).today;
  const count = (rows) => ({
    received: rows.cases.filter((c) => inRange(c.filed_on)).length,
    closed: rows.cases.filter((c) => inRange(c.closed_on)).length,
    nodes_in_time: rows.nodes.filter((n) => n.state === 'done' && inRange(n.done_on) && n.in_time).length,
    nodes_late: rows.nodes.filter((n) => n.state === 'done' && inRange(n.done_on) && !n.in_time).length,
    nodes_overdue: rows.nodes.filter((n) => inRange(n.due) &&
      ((n.state === 'done' && !n.in_time) || ((n.state === 'overdue' || n.state === 'due_today') && n.due < today))).length,
  });

  await t.test('the daily report: totals and each day match the rows', async () => {
    const r = await get(`/api/v1/cases/reports/daily?from=${FROM}&to=${TO}`);
    assert.equal(r.rows.length, 31);
    const want = count({ cases, nodes });
    for (const [k, v] of Object.entries(want)) assert.equal(r.total[k], v, k);
    // The figures by hand: 801, 802, 804 received; 801 (in 8 days) and 803
    // (filed in March: past six months) closed; 804's notice in time, its
    // online inquiry late; 802's nine nodes and 804's other seven open past
    // their deadlines, plus the late one.
    assert.deepEqual([r.total.received, r.total.closed, r.total.closed_in_period], [3, 2, 1]);
    assert.equal(r.total.closed_in_period_share, 0.5);
    assert.deepEqual([r.total.nodes_in_time, r.total.nodes_late, r.total.nodes_overdue], [1, 1, 17]);
    const day = (d) => r.rows.find((x) => x.from === d);
    assert.equal(day('2026-10-12').received, 2);
    assert.equal(day('2026-10-13').received, 1);
    assert.equal(day('2026-10-20').closed, 1);
    assert.equal(day('2026-10-20').nodes_late, 1);
    for (const k of ['received', 'closed', 'nodes_in_time', 'nodes_late', 'nodes_overdue'])
      assert.equal(r.rows.reduce((s, x) => s + x[k], 0), r.total[k], `days add up: ${k}`);
    const team = (x) => r.by_team.find((y) => y.team === x);
    assert.deepEqual([team('执行一组').received, team('执行一组').closed, team('执行二组').received], [2, 2, 1]);
    assert.equal(team('执行二组').nodes_overdue, nodes.filter((n) => n.team === '执行二组' && inRange(n.due) &&
      ((n.state === 'done' && !n.in_time) || n.state === 'overdue')).length);
    assert.equal(r.by_node.find((x) => x.code === 'notice').nodes_in_time, 1);
  });

  await t.test('the weekly report: whole weeks, the same totals', async () => {
    const r = await get(`/api/v1/cases/reports/weekly?from=${FROM}&to=${TO}`);
    assert.equal(r.from, '2026-09-28', 'weeks start on Monday');
    assert.ok(r.rows.every((x, i) => i === r.rows.length - 1 || x.to > x.from));
    const d = await get(`/api/v1/cases/reports/daily?from=2026-09-28&to=${TO}`);
    for (const k of ['received', 'closed', 'nodes_in_time', 'nodes_overdue']) assert.equal(r.total[k], d.total[k], k);
    assert.equal(r.rows.find((x) => x.from === '2026-10-12').received, 3);
  });

  await t.test('alerts and their acknowledgment are counted', async () => {
    // One alert per case with overdue nodes.
    const late = new Set((await get('/api/v1/cases/supervision?state=overdue&limit=1000')).nodes.map((n) => n.case));
    assert.ok(late.size >= 2, `${late.size} cases with overdue nodes`);
    const overdueAlerts = async () => (await get('/api/v1/alerts?limit=200')).alerts
      .filter((a) => a.kind === 'node_overdue' && a.state !== 'cleared');
    await waitFor(async () => (await overdueAlerts()).length >= late.size, { what: 'the overdue alerts', timeout: 10000 });
    assert.deepEqual((await overdueAlerts()).map((a) => a.subject).sort(), [...late].map((id) => `case:${id}`).sort());
    const open = await overdueAlerts();
    for (const a of open.slice(0, 2)) assert.equal((await post(`/api/v1/alerts/${a.id}/ack`)).status, 200);
    const all = (await get('/api/v1/alerts?limit=500')).alerts;
    const r = await get(`/api/v1/cases/reports/daily?from=${today}&to=${today}`);
    assert.equal(r.total.alerts, all.length);
    assert.equal(r.total.alerts_acked, all.filter((a) => a.acked_at).length);
    assert.equal(r.total.alerts_acked, 2);
    assert.ok(r.total.ack_median_s >= 0 && r.total.ack_median_s < 60);
  });

  await t.test('the CSV export carries the same figures', async () => {
    const res = await request(hub, 'GET', `/api/v1/cases/reports/daily?from=${FROM}&to=${TO}&format=csv`, { token });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /text\/csv/);
    assert.match(res.headers.get('content-disposition'), /attachment/);
    const lines = res.text.replace(/^\uFEFF/, '').split('\r\n');
    assert.match(lines[0], /^"开始日期","结束日期","收案数"/);
    const cells = (l) => l.split(',').map((x) => x.replace(/^"|"$/g, ''));
    const r = await get(`/api/v1/cases/reports/daily?from=${FROM}&to=${TO}`);
    for (let i = 0; i < r.rows.length; i++) {
      const c = cells(lines[i + 1]);
      assert.equal(c[0], r.rows[i].from);
      assert.equal(Number(c[2]), r.rows[i].received);
      assert.equal(Number(c[3]), r.rows[i].closed);
      assert.equal(Number(c[9]), r.rows[i].nodes_overdue);
    }
    assert.ok(lines.some((l) => l.startsWith('"执行团队"')));
  });

  await t.test('the wall counts per team equal the open nodes they count', async () => {
    const board = (await get('/api/v1/cases/board')).teams;
    for (const teamName of ['执行一组', '执行二组']) {
      const mine = nodes.filter((n) => n.team === teamName);
      const b = board.find((x) => x.team === teamName) || { overdue: 0, due_today: 0 };
      assert.equal(b.overdue, mine.filter((n) => n.state === 'overdue').length, teamName);
      assert.equal(b.due_today, mine.filter((n) => n.state === 'due_today').length, teamName);
    }
    const total = async (q) => (await get(`/api/v1/cases/supervision?${q}`)).total;
    assert.equal(await total('state=overdue'), nodes.filter((n) => n.state === 'overdue').length);
    assert.equal(await total(`state=overdue&team=${encodeURIComponent('执行二组')}`),
      nodes.filter((n) => n.state === 'overdue' && n.team === '执行二组').length);
    assert.equal(await total('state=overdue&judge=judge1'),
      nodes.filter((n) => n.state === 'overdue' && n.team === '执行一组').length);
    const j = (await get('/api/v1/cases/board', judge1)).teams;
    assert.deepEqual(j.map((x) => x.team), ['执行一组']);
    assert.equal(j[0].overdue, nodes.filter((n) => n.team === '执行一组' && n.state === 'overdue').length);
  });

  await t.test("a judge's report counts the own cases only", async () => {
    const r = await get(`/api/v1/cases/reports/daily?from=${FROM}&to=${TO}`, judge1);
    assert.equal(r.total.received, 2);
    assert.equal(r.total.closed, 2);
    assert.deepEqual(r.by_team.map((x) => x.team), ['执行一组']);
    assert.equal((await request(hub, 'GET', '/api/v1/cases/reports/monthly', { token })).status, 400);
    assert.equal((await request(hub, 'GET', '/api/v1/cases/reports/daily?from=2020-01-01&to=2026-01-01', { token })).status, 400);
  });
});
