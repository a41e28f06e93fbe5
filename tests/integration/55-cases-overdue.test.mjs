// A case with overdue flow nodes has one alert that names them and the
// person responsible, reaches the wall's WebSocket within seconds and,
// unacknowledged, is escalated to the team's leader (pushed to the leader's
// own sessions); it follows as nodes are done and is cleared when none is
// left. The case's judge and the officers of its team may acknowledge it,
// others not. A calendar file added or changed recomputes the open deadlines
// (the folder is watched, and the reload route does it at once).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { stack, request, addUser, wsConnect, BUILD, waitFor } from '../lib/harness.mjs';

test('overdue nodes: one alert per case on the wall within seconds, escalation, recompute', async (t) => {
  const dir0 = fs.mkdtempSync('/tmp/ecc-cal-');
  for (const f of ['2025.json', '2026.json']) fs.copyFileSync(path.join(BUILD, 'calendar', f), path.join(dir0, f));
  t.after(() => fs.rmSync(dir0, { recursive: true, force: true }));
  const { hub, token } = await stack(t, 'cases-overdue',
    { alerts: { escalate_after: 2 }, cases: { scan_seconds: 1, calendars: dir0 } });
  const judge1 = await addUser(hub, token, 'judge1', 'judge', { display_name: '张法官' });
  const judge2 = await addUser(hub, token, 'judge2', 'judge');
  const leader1 = await addUser(hub, token, 'leader1', 'officer', { team: '执行一组', display_name: '王组长' });
  const officer2 = await addUser(hub, token, 'officer2', 'officer', { team: '执行二组' });
  const duty = await addUser(hub, token, 'duty1', 'duty');
  const wall = await wsConnect(hub, duty, { subscribe: ['alerts'] });
  t.after(() => wall.close());
  // The leader's and the judges' own sessions.
  const leaderWs = await wsConnect(hub, leader1, { subscribe: ['alerts'] });
  t.after(() => leaderWs.close());
  const judge1Ws = await wsConnect(hub, judge1, { subscribe: ['alerts'] });
  t.after(() => judge1Ws.close());
  const judge2Ws = await wsConnect(hub, judge2, { subscribe: ['alerts'] });
  t.after(() => judge2Ws.close());
  assert.equal((await request(hub, 'PUT', `/api/v1/cases/teams/${encodeURIComponent('执行一组')}`,
    { token, body: { leader: 'leader1' } })).status, 200);
  assert.equal((await request(hub, 'PUT', `/api/v1/cases/teams/x`, { token, body: { leader: 'nobody' } })).status, 400);

  let kase, notice, m;
  await t.test('a case with overdue nodes reaches the wall within seconds, naming them and the judge', async () => {
    const t0 = Date.now();
    // Filed on Monday 2 Nov 2026: the notice (3 working days) was due 5 Nov.
    const r = await request(hub, 'POST', '/api/v1/cases', { token, body: {
      number: '（2026）黑0781执500号', filed_on: '2026-11-02', judge: 'judge1', team: '执行一组' } });
    assert.equal(r.status, 201);
    kase = r.json.case;
    notice = kase.nodes.find((n) => n.code === 'notice');
    assert.equal(notice.due, '2026-11-05');
    assert.equal(notice.state, 'overdue');
    m = await wall.next((x) => x.type === 'alert' && x.alert.kind === 'node_overdue' &&
      x.alert.subject === `case:${kase.id}`, 5000, 'the overdue alert on the wall');
    const took = Date.now() - t0;
    assert.ok(took < 5000, `${took} ms`);
    t.diagnostic(`overdue alert on the wall ${took} ms after the case was added`);
    assert.equal(m.alert.assignee, 'judge1');
    assert.equal(m.alert.severity, 'medium');
    assert.match(m.alert.message, /（2026）黑0781执500号.*执行通知书.*2026-11-05.*张法官/);
    const overdue = kase.nodes.filter((n) => n.state === 'overdue');
    assert.ok(overdue.length >= 2, 'several overdue nodes');
    assert.match(m.alert.message, new RegExp(`超期节点 ${overdue.length} 个`));
    assert.equal(m.alert.escalated_at, null);
    // The judge's own session gets it; another judge's does not.
    await judge1Ws.next((x) => x.type === 'alert' && x.alert.id === m.alert.id, 5000, "the judge's session");
  });

  await t.test('unacknowledged, it escalates to the team leader, pushed to the leader', async () => {
    const esc = await wall.next((x) => x.type === 'alert' && x.alert.id === m.alert.id && x.alert.escalated_at,
      8000, 'the escalation');
    assert.equal(esc.alert.escalated_to, 'leader1');
    assert.ok(esc.alert.escalated_at - m.alert.ts >= 2000);
    const pushed = await leaderWs.next((x) => x.type === 'alert' && x.alert.id === m.alert.id && x.alert.escalated_at,
      5000, "the escalation on the leader's session");
    assert.equal(pushed.alert.escalated_to, 'leader1');
    assert.ok(!judge2Ws.messages.some((x) => x.type === 'alert' && x.alert.id === m.alert.id),
      "another judge's session does not get it");
  });

  await t.test("one alert per case, not per node or per scan; others' alerts are not theirs", async () => {
    await new Promise((res) => setTimeout(res, 2500)); // a few scans
    const alerts = (await request(hub, 'GET', '/api/v1/alerts?limit=200', { token })).json.alerts
      .filter((a) => a.subject?.startsWith(`case:${kase.id}`));
    assert.equal(alerts.length, 1, JSON.stringify(alerts.map((a) => a.subject)));
    const board = (await request(hub, 'GET', '/api/v1/cases/board', { token: duty })).json;
    const team = board.teams.find((x) => x.team === '执行一组');
    assert.ok(team.overdue >= 5, JSON.stringify(team).slice(0, 200));
    assert.ok(team.nodes.every((n) => n.state === 'overdue' || n.state === 'due_today'));
    // The judge lists it among its alerts; another judge and another
    // team's officer neither see nor acknowledge it.
    const mine = (await request(hub, 'GET', '/api/v1/alerts?state=open', { token: judge1 })).json.alerts;
    assert.ok(mine.some((a) => a.id === m.alert.id));
    assert.ok(mine.every((a) => a.subject?.startsWith('case:')));
    const other = (await request(hub, 'GET', '/api/v1/alerts', { token: judge2 })).json.alerts;
    assert.ok(!other.some((a) => a.id === m.alert.id));
    assert.equal((await request(hub, 'POST', `/api/v1/alerts/${m.alert.id}/ack`, { token: judge2 })).status, 403);
    assert.equal((await request(hub, 'POST', `/api/v1/alerts/${m.alert.id}/ack`, { token: officer2 })).status, 403);
    assert.equal((await request(hub, 'POST', '/api/v1/alerts/999999/ack', { token: judge2 })).status, 404);
  });

  await t.test("the case's judge acknowledges it", async () => {
    const a = await request(hub, 'POST', `/api/v1/alerts/${m.alert.id}/ack`, { token: judge1 });
    assert.equal(a.status, 200, a.text);
    assert.equal(a.json.alert.state, 'acked');
    assert.equal(a.json.alert.acked_by, 'judge1');
    await wall.next((x) => x.type === 'alert' && x.alert.id === m.alert.id && x.alert.state === 'acked',
      5000, 'the acknowledgment on the wall');
    assert.equal((await request(hub, 'POST', `/api/v1/alerts/${m.alert.id}/ack`, { token: judge1 })).status, 409);
  });

  await t.test('a node done leaves the others in the alert; the last one done clears it', async () => {
    const d = await request(hub, 'POST', `/api/v1/cases/${kase.id}/nodes/${notice.id}/done`, { token, body: {} });
    assert.equal(d.status, 200);
    const node = d.json.case.nodes.find((n) => n.id === notice.id);
    assert.equal(node.in_time, false, 'done after its deadline');
    const left = d.json.case.nodes.filter((n) => n.state === 'overdue');
    const upd = await wall.next((x) => x.type === 'alert' && x.alert.id === m.alert.id &&
      x.alert.message.includes(`超期节点 ${left.length} 个`), 5000, 'the alert naming the nodes left');
    assert.doesNotMatch(upd.alert.message, /执行通知书/);
    assert.equal(upd.alert.state, 'acked', 'still acknowledged');
    // An officer of the case's team records the rest.
    for (const n of left) {
      const r = await request(hub, 'POST', `/api/v1/cases/${kase.id}/nodes/${n.id}/done`, { token: leader1, body: {} });
      assert.equal(r.status, 200, r.text);
    }
    await wall.next((x) => x.type === 'alert' && x.alert.id === m.alert.id && x.alert.state === 'cleared',
      5000, 'the alert cleared');
    await new Promise((res) => setTimeout(res, 1500)); // a scan
    const alerts = (await request(hub, 'GET', '/api/v1/alerts?limit=200', { token })).json.alerts
      .filter((a) => a.subject === `case:${kase.id}` && a.state !== 'cleared');
    assert.equal(alerts.length, 0, 'no new alert for a case without overdue nodes');
  });

  await t.test('an officer of the team acknowledges a case alert too', async () => {
    const r = await request(hub, 'POST', '/api/v1/cases', { token, body: {
      number: '（2026）黑0781执502号', filed_on: '2026-11-03', judge: 'judge1', team: '执行一组' } });
    assert.equal(r.status, 201);
    const a = await wall.next((x) => x.type === 'alert' && x.alert.subject === `case:${r.json.case.id}`,
      5000, 'the second case alert');
    const k = await request(hub, 'POST', `/api/v1/alerts/${a.alert.id}/ack`, { token: leader1 });
    assert.equal(k.status, 200, k.text);
    assert.equal(k.json.alert.acked_by, 'leader1');
  });

  await t.test('a new calendar file recomputes the open deadlines', async () => {
    const r = await request(hub, 'POST', '/api/v1/cases', { token, body: {
      number: '（2026）黑0781执501号', filed_on: '2026-12-30', judge: 'judge1', team: '执行一组' } });
    const notice = r.json.case.nodes.find((n) => n.code === 'notice');
    assert.equal(notice.due, '2027-01-04');
    assert.equal(notice.provisional, true);
    // The 2027 notice arrives (a test calendar: 1 Jan and 4 Jan off).
    fs.writeFileSync(path.join(dir0, '2027.json'), JSON.stringify({ year: 2027, source: 'test',
      holidays: [{ name: '元旦', from: '2027-01-01', to: '2027-01-01' }, { name: 'test', from: '2027-01-04', to: '2027-01-04' }],
      workdays: [] }));
    const due = async () => (await request(hub, 'GET', `/api/v1/cases/${r.json.case.id}`, { token })).json.case
      .nodes.find((n) => n.code === 'notice');
    await waitFor(async () => (await due()).provisional === false, { timeout: 5000, what: 'the folder scan to recompute' });
    assert.equal((await due()).due, '2027-01-06');
    // A file rewritten and reloaded by hand: at once.
    fs.writeFileSync(path.join(dir0, '2027.json'), JSON.stringify({ year: 2027, source: 'test', holidays: [], workdays: [] }));
    const rl = await request(hub, 'POST', '/api/v1/cases/calendar/reload', { token });
    assert.equal(rl.status, 200, rl.text);
    assert.ok(rl.json.changed >= 1);
    assert.equal((await due()).due, '2027-01-04');
    // The wall's counts, rebuilt after the whole recompute, still equal the
    // open nodes they count.
    const board = (await request(hub, 'GET', '/api/v1/cases/board', { token })).json.teams.find((x) => x.team === '执行一组');
    const sup = async (state) => (await request(hub, 'GET', `/api/v1/cases/supervision?state=${state}&team=${encodeURIComponent('执行一组')}`, { token })).json.total;
    assert.equal(board.overdue, await sup('overdue'));
    assert.equal(board.due_today, await sup('due_today'));
    // A malformed file is refused; the calendar in use stays.
    fs.writeFileSync(path.join(dir0, '2027.json'), '{"year": 2027, "holidays": [], "workdays": ["2027-01-05"]}');
    const bad = await request(hub, 'POST', '/api/v1/cases/calendar/reload', { token });
    assert.equal(bad.status, 400);
    assert.match(bad.json.error.message, /2027\.json.*weekend/);
    assert.equal((await due()).due, '2027-01-04');
    const audit = (await request(hub, 'GET', '/api/v1/audit?limit=100', { token })).json.entries;
    assert.ok(audit.some((e) => e.action === 'calendar.reload'));
    // A deadline no open node points to any more (the filing date was
    // corrected) is not recomputed with the calendar; a node created on it
    // later still gets the calendar's date.
    const p = await request(hub, 'PATCH', `/api/v1/cases/${r.json.case.id}`, { token, body: { filed_on: '2026-11-20' } });
    assert.equal(p.status, 200, p.text);
    fs.writeFileSync(path.join(dir0, '2027.json'), JSON.stringify({ year: 2027, source: 'test',
      holidays: [{ name: '元旦', from: '2027-01-01', to: '2027-01-01' }, { name: 'test', from: '2027-01-04', to: '2027-01-04' }],
      workdays: [] }));
    assert.equal((await request(hub, 'POST', '/api/v1/cases/calendar/reload', { token })).status, 200);
    assert.equal((await due()).due, '2026-11-25');
    const r503 = await request(hub, 'POST', '/api/v1/cases', { token, body: {
      number: '（2026）黑0781执503号', filed_on: '2026-12-30', judge: 'judge1', team: '执行一组' } });
    assert.equal(r503.status, 201);
    const n503 = r503.json.case.nodes.find((n) => n.code === 'notice');
    assert.equal(n503.due, '2027-01-06');
    assert.equal(n503.provisional, false);
  });

  await t.test("a calendar change that moves nodes back inside their deadline shrinks the case's alert", async () => {
    const r = await request(hub, 'POST', '/api/v1/cases', { token, body: {
      number: '（2026）黑0781执504号', filed_on: '2026-11-16', judge: 'judge1', team: '执行一组' } });
    assert.equal(r.status, 201);
    const kid = r.json.case.id;
    const late = r.json.case.nodes.filter((n) => n.state === 'overdue');
    assert.ok(late.length >= 4, `${late.length} overdue`);
    await wall.next((x) => x.type === 'alert' && x.alert.subject === `case:${kid}` &&
      x.alert.message.includes(`超期节点 ${late.length} 个`), 5000, 'the alert naming every overdue node');
    // The court was closed from the filing day to the end of the month.
    const y26 = JSON.parse(fs.readFileSync(path.join(dir0, '2026.json'), 'utf8'));
    y26.holidays.push({ name: 'test', from: '2026-11-16', to: '2026-11-30' });
    fs.writeFileSync(path.join(dir0, '2026.json'), JSON.stringify(y26));
    assert.equal((await request(hub, 'POST', '/api/v1/cases/calendar/reload', { token })).status, 200);
    const now = (await request(hub, 'GET', `/api/v1/cases/${kid}`, { token })).json.case.nodes.filter((n) => n.state === 'overdue');
    assert.ok(now.length >= 1 && now.length < late.length, `${now.length} still overdue`);
    const m2 = await wall.next((x) => x.type === 'alert' && x.alert.subject === `case:${kid}` &&
      x.alert.message.includes(`超期节点 ${now.length} 个`), 5000, 'the alert naming the nodes still overdue');
    assert.doesNotMatch(m2.alert.message, /执行通知书/);
    // The judge acknowledges it; then an event dated back brings a node
    // overdue already. The acknowledgment covered the nodes overdue then:
    // the new one comes in a new, open alert naming every overdue node, and
    // the acknowledged one is cleared.
    assert.equal((await request(hub, 'POST', `/api/v1/alerts/${m2.alert.id}/ack`, { token: judge1 })).status, 200);
    const ev = await request(hub, 'POST', `/api/v1/cases/${kid}/events`, { token, body: { kind: 'money_arrived', on: '2026-11-10' } });
    assert.equal(ev.status, 201, ev.text);
    const more = ev.json.case.nodes.filter((n) => n.state === 'overdue');
    assert.ok(more.length > now.length, `${more.length} overdue after the event`);
    const m3 = await wall.next((x) => x.type === 'alert' && x.alert.subject === `case:${kid}` &&
      x.alert.id !== m2.alert.id && x.alert.state === 'open' &&
      x.alert.message.includes(`超期节点 ${more.length} 个`), 5000, 'a new alert naming the new overdue node');
    assert.match(m3.alert.message, /案款核算并通知/);
    const open = (await request(hub, 'GET', '/api/v1/alerts?limit=200', { token })).json.alerts
      .filter((a) => a.subject === `case:${kid}` && a.state !== 'cleared');
    assert.deepEqual(open.map((a) => a.id), [m3.alert.id], 'one alert per case still');
    // A node done since leaves it open (nothing new is overdue).
    const rest = more.find((n) => n.code !== more[0].code) || more[0];
    const d = await request(hub, 'POST', `/api/v1/cases/${kid}/nodes/${rest.id}/done`, { token, body: {} });
    assert.equal(d.status, 200, d.text);
    if (more.length > 1) {
      const m4 = await wall.next((x) => x.type === 'alert' && x.alert.id === m3.alert.id &&
        x.alert.message.includes(`超期节点 ${more.length - 1} 个`), 5000, 'the same alert, one node fewer');
      assert.equal(m4.alert.state, 'open');
    }
  });
});
