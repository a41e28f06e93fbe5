// An overdue flow node raises an alert that reaches the wall's WebSocket
// within seconds, names the person responsible and, unacknowledged, is
// escalated to the team's leader; recording the node done clears it. A
// calendar file added or changed recomputes the open deadlines (the folder is
// watched, and the reload route does it at once).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { stack, request, addUser, wsConnect, BUILD, waitFor } from '../lib/harness.mjs';

test('overdue nodes: alert on the wall within seconds, escalation, recompute', async (t) => {
  const dir0 = fs.mkdtempSync('/tmp/ecc-cal-');
  for (const f of ['2025.json', '2026.json']) fs.copyFileSync(path.join(BUILD, 'calendar', f), path.join(dir0, f));
  t.after(() => fs.rmSync(dir0, { recursive: true, force: true }));
  const { hub, token } = await stack(t, 'cases-overdue',
    { alerts: { escalate_after: 2 }, cases: { scan_seconds: 1, calendars: dir0 } });
  await addUser(hub, token, 'judge1', 'judge', { display_name: '张法官' });
  await addUser(hub, token, 'leader1', 'officer', { team: '执行一组', display_name: '王组长' });
  const duty = await addUser(hub, token, 'duty1', 'duty');
  const wall = await wsConnect(hub, duty, { subscribe: ['alerts'] });
  t.after(() => wall.close());
  assert.equal((await request(hub, 'PUT', `/api/v1/cases/teams/${encodeURIComponent('执行一组')}`,
    { token, body: { leader: 'leader1' } })).status, 200);
  assert.equal((await request(hub, 'PUT', `/api/v1/cases/teams/x`, { token, body: { leader: 'nobody' } })).status, 400);

  let kase, notice, m;
  await t.test('an overdue node reaches the wall within seconds and names the judge', async () => {
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
      x.alert.subject === `case:${kase.id}/node:${notice.id}`, 5000, 'the overdue alert on the wall');
    const took = Date.now() - t0;
    assert.ok(took < 5000, `${took} ms`);
    t.diagnostic(`overdue alert on the wall ${took} ms after the case was added`);
    assert.equal(m.alert.assignee, 'judge1');
    assert.equal(m.alert.severity, 'medium');
    assert.match(m.alert.message, /（2026）黑0781执500号.*执行通知书.*2026-11-05.*张法官/);
    assert.equal(m.alert.escalated_at, null);
  });

  await t.test('unacknowledged, it escalates to the team leader', async () => {
    const esc = await wall.next((x) => x.type === 'alert' && x.alert.id === m.alert.id && x.alert.escalated_at,
      8000, 'the escalation');
    assert.equal(esc.alert.escalated_to, 'leader1');
    assert.ok(esc.alert.escalated_at - m.alert.ts >= 2000);
  });

  await t.test('the node recorded done clears its alert', async () => {
    const d = await request(hub, 'POST', `/api/v1/cases/${kase.id}/nodes/${notice.id}/done`, { token, body: {} });
    assert.equal(d.status, 200);
    const node = d.json.case.nodes.find((n) => n.id === notice.id);
    assert.equal(node.in_time, false, 'done after its deadline');
    await wall.next((x) => x.type === 'alert' && x.alert.id === m.alert.id && x.alert.state === 'cleared',
      5000, 'the alert cleared');
  });

  await t.test('one alert per overdue node, not one per scan', async () => {
    await new Promise((res) => setTimeout(res, 2500)); // a few scans
    const alerts = (await request(hub, 'GET', '/api/v1/alerts?limit=200', { token })).json.alerts
      .filter((a) => a.subject?.startsWith(`case:${kase.id}/`));
    const subjects = alerts.map((a) => a.subject);
    assert.equal(new Set(subjects).size, subjects.length);
    const board = (await request(hub, 'GET', '/api/v1/cases/board', { token: duty })).json;
    const team = board.teams.find((x) => x.team === '执行一组');
    assert.ok(team.overdue >= 5, JSON.stringify(team).slice(0, 200));
    assert.ok(team.nodes.every((n) => n.state === 'overdue' || n.state === 'due_today'));
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
  });
});
