// Instructions (指令) and reports up (上报) with real processes: the hub sends
// an instruction over MQTT to a simulated unit (ecc-devsim), which answers on
// its ack topic; delivery and acknowledgment times come back in the API and
// on the WebSocket. A unit that never acknowledges gets the instruction
// again every [instructions] resend_after seconds, and after resend_max
// re-sends an instruction_unacked alert is raised, which then climbs to the
// commander ([alerts] escalate_after). Officers acknowledge on their pages;
// a report up reaches each named leader, records who acknowledged when, and
// escalates for the leader who did not. Roles and bad input get clear 4xx.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { stack, addUnit, addUser, wsConnect, request, waitFor, cleanup, Proc, BIN, SLOW_UNWIND } from '../lib/harness.mjs';

const TEAM = '执行一组';

async function startSim(t, hub, dir, units) {
  const file = path.join(dir, 'units.json');
  fs.writeFileSync(file, JSON.stringify(units));
  const sim = new Proc('ecc-devsim', BIN.devsim, ['--units', file, '--mqtt-port', String(hub.broker.port),
    '--events-every', '0', '--no-cameras', '--rate', '2'], { env: SLOW_UNWIND });
  cleanup(t, () => sim.stopClean());
  return sim;
}

const audit = async (hub, token) => (await request(hub, 'GET', '/api/v1/audit?limit=1000', { token })).json.entries;

test('instructions reach simulated units, are acknowledged, re-sent and escalated', async (t) => {
  const { hub, token, dir } = await stack(t, 'instr', {
    instructions: { resend_after: 1, resend_max: 2 },
    reports: { escalate_after: 2 },
    alerts: { escalate_after: 2 },
  });
  const a = await addUnit(hub, token, { id: 'bc-01', name: '李明', kind: 'bodycam', team: TEAM });
  const b = await addUnit(hub, token, { id: 'bc-02', name: '王强', kind: 'bodycam', team: TEAM });
  const sim = await startSim(t, hub, dir, [
    { id: 'bc-01', kind: 'bodycam', username: a.mqtt.username, password: a.mqtt.password, ack_after: 0.5 },
    { id: 'bc-02', kind: 'bodycam', username: b.mqtt.username, password: b.mqtt.password, ack: false },
  ]);
  await waitFor(async () => (await request(hub, 'GET', '/api/v1/units', { token })).json.units.every((u) => u.online),
    { timeout: 15000, what: 'both simulated units online' });
  const commander = await addUser(hub, token, 'cmd1', 'commander');
  const duty = await addUser(hub, token, 'duty1', 'duty');
  const officer = await addUser(hub, token, 'off1', 'officer', { team: TEAM });
  const outsider = await addUser(hub, token, 'off2', 'officer', { team: '执行二组' });
  const wsCmd = await wsConnect(hub, commander, { subscribe: ['dispatch', 'alerts'] });
  const wsOff = await wsConnect(hub, officer, { subscribe: ['dispatch'] });
  const wsOut = await wsConnect(hub, outsider, { subscribe: ['dispatch'] });

  await t.test('an instruction reaches the unit; delivery and acknowledgment times come back', async () => {
    const t0 = Date.now();
    const r = await request(hub, 'POST', '/api/v1/instructions', { token: duty,
      body: { unit: 'bc-01', text: '立即前往东风路与长江路交口', point: { lat: 47.14, lon: 129.29 }, urgency: 'urgent' } });
    assert.equal(r.status, 201, r.text);
    const id = r.json.instruction.id;
    assert.equal(r.json.instruction.deliveries.length, 1);
    assert.equal(r.json.instruction.deliveries[0].recipient, 'bc-01');
    await sim.waitForOutput(new RegExp(`unit=bc-01: instruction ${id} acknowledged`), 10000);
    const acked = await wsCmd.next((m) => m.type === 'instruction' && m.instruction.id === id
      && m.instruction.state === 'acked', 10000, 'the acknowledgment on the WebSocket');
    const d = acked.instruction.deliveries[0];
    assert.ok(d.sent_at >= t0 && d.delivered_at >= d.sent_at && d.acked_at >= d.delivered_at, JSON.stringify(d));
    assert.ok(d.acked_at - d.delivered_at >= 300, 'the unit acknowledged after its 0.5 s delay');
    assert.equal(d.acked_by, 'unit:bc-01');
    assert.equal(d.resends, 0);
    assert.match(sim.out, /unit=bc-01: heading to 47\.140000,129\.290000/);
    // the officer of the unit's team sees it; an officer of another team does not
    await wsOff.next((m) => m.type === 'instruction' && m.instruction.id === id);
    assert.ok(!wsOut.messages.some((m) => m.type === 'instruction' && m.instruction.id === id));
    const got = await request(hub, 'GET', `/api/v1/instructions/${id}`, { token: commander });
    assert.equal(got.json.instruction.deliveries[0].acked_at, d.acked_at);
    const actions = (await audit(hub, token)).filter((e) => e.target === `instruction:${id}`).map((e) => e.action);
    for (const x of ['instruction.create', 'instruction.delivered', 'instruction.ack']) assert.ok(actions.includes(x), `${x} audited: ${actions}`);
  });

  await t.test('an unacknowledged instruction is re-sent, then escalates', async () => {
    const r = await request(hub, 'POST', '/api/v1/instructions', { token: duty, body: { target_kind: 'unit', target: 'bc-02', text: '回报位置' } });
    assert.equal(r.status, 201, r.text);
    const id = r.json.instruction.id;
    const alert = await wsCmd.next((m) => m.type === 'alert' && m.alert.kind === 'instruction_unacked'
      && m.alert.unit === 'bc-02', 15000, 'the instruction_unacked alert');
    assert.match(alert.alert.message, /回报位置/);
    const i = (await request(hub, 'GET', `/api/v1/instructions/${id}`, { token })).json.instruction;
    const d = i.deliveries[0];
    assert.equal(i.state, 'escalated');
    assert.equal(d.resends, 2);
    assert.ok(d.delivered_at, 'the unit did receive it');
    assert.equal(d.acked_at, null);
    assert.equal(d.alert, alert.alert.id);
    assert.ok(d.escalated_at - d.sent_at >= 3000, 'three sends a second apart before the alert');
    // the unit received the first send and both re-sends
    const received = sim.out.match(new RegExp(`unit=bc-02: command instruction`, 'g')) || [];
    assert.ok(received.length >= 3, `bc-02 received it ${received.length} times`);
    // nobody acknowledges the alert: it climbs to the commander
    const esc = await wsCmd.next((m) => m.type === 'alert' && m.alert.id === alert.alert.id && m.alert.escalated_at,
      8000, 'the alert escalating');
    assert.ok(esc.alert.escalated_at);
    const actions = (await audit(hub, token)).filter((e) => e.target === `instruction:${id}`).map((e) => e.action);
    assert.equal(actions.filter((x) => x === 'instruction.resend').length, 2, String(actions));
    assert.ok(actions.includes('instruction.escalate'));
    // an officer of the unit's team acknowledges on the page: the alert clears
    const ack = await request(hub, 'POST', `/api/v1/instructions/${id}/ack`, { token: officer, body: { reply: '收到' } });
    assert.equal(ack.status, 200, ack.text);
    const mine = ack.json.instruction.deliveries.find((x) => x.recipient === 'off1');
    assert.equal(mine.acked_by, 'off1');
    assert.equal(mine.reply, '收到');
  });

  await t.test('officers acknowledge only what is addressed to them', async () => {
    const r = await request(hub, 'POST', '/api/v1/instructions', { token: commander, body: { team: TEAM, text: '全组集合' } });
    assert.equal(r.status, 201, r.text);
    const id = r.json.instruction.id;
    // the team's units over MQTT, and its officer without a unit on the page
    assert.deepEqual(r.json.instruction.deliveries.map((x) => x.recipient).sort(), ['bc-01', 'bc-02', 'off1']);
    await wsOff.next((m) => m.type === 'instruction' && m.instruction.id === id);
    const no = await request(hub, 'POST', `/api/v1/instructions/${id}/ack`, { token: outsider });
    assert.equal(no.status, 403);
    assert.equal((await request(hub, 'GET', `/api/v1/instructions/${id}`, { token: outsider })).status, 403);
    assert.ok(!(await request(hub, 'GET', '/api/v1/instructions', { token: outsider })).json.instructions.some((x) => x.id === id));
    assert.equal((await request(hub, 'POST', `/api/v1/instructions/${id}/ack`, { token: officer })).status, 200);
    assert.equal((await request(hub, 'POST', `/api/v1/instructions/${id}/ack`, { token: officer })).status, 409);
    const toUser = await request(hub, 'POST', '/api/v1/instructions', { token: duty, body: { user: 'off2', text: '请回电' } });
    assert.equal(toUser.status, 201);
    const pushed = await wsOut.next((m) => m.type === 'instruction' && m.instruction.id === toUser.json.instruction.id);
    assert.equal(pushed.instruction.deliveries[0].recipient_kind, 'user');
    const ok = await request(hub, 'POST', `/api/v1/instructions/${toUser.json.instruction.id}/ack`, { token: outsider });
    assert.equal(ok.json.instruction.state, 'acked');
  });

  await t.test('roles and bad input get clear 4xx answers', async () => {
    const post = (tok, body, raw) => request(hub, 'POST', '/api/v1/instructions', raw ? { token: tok, raw, headers: { 'content-type': 'application/json' } } : { token: tok, body });
    let r = await post(duty, { unit: 'nope', text: 'x' });
    assert.equal(r.status, 404);
    assert.match(r.json.error.message, /no such unit/);
    r = await post(officer, { unit: 'bc-01', text: 'x' });
    assert.equal(r.status, 403);
    r = await post(duty, null, '{"unit": "bc-01", "text": ');
    assert.equal(r.status, 400);
    r = await post(duty, { unit: 'bc-01' });
    assert.equal(r.status, 400);
    assert.match(r.json.error.message, /text/);
    r = await post(duty, { unit: 'bc-01', text: 'x', point: { lat: 123, lon: 0 } });
    assert.equal(r.status, 400);
    r = await post(duty, { unit: 'bc-01', text: 'x', urgency: 'panic' });
    assert.equal(r.status, 400);
    r = await post(duty, { team: '没有这个组', text: 'x' });
    assert.equal(r.status, 404);
    r = await post(duty, { operation: '99', text: 'x' });
    assert.equal(r.status, 404);
    assert.equal((await request(hub, 'GET', '/api/v1/instructions/abc', { token })).status, 400);
    assert.equal((await request(hub, 'GET', '/api/v1/instructions/999999', { token })).status, 404);
    assert.equal((await request(hub, 'POST', '/api/v1/instructions/999999/ack', { token: officer })).status, 404);
    r = await request(hub, 'POST', '/api/v1/instructions/1/ack', { token: officer, raw: '{bad', headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 400);
  });

  await t.test('a report up reaches each named leader; the one who does not acknowledge escalates', async () => {
    const leader2 = await addUser(hub, token, 'lead2', 'commander');
    const wsL2 = await wsConnect(hub, leader2, { subscribe: ['dispatch'] });
    const t0 = Date.now();
    const r = await request(hub, 'POST', '/api/v1/reports', { token: duty,
      body: { text: '被执行人聚众阻挠执行，请求增援', leaders: ['cmd1', 'lead2'], urgency: 'urgent' } });
    assert.equal(r.status, 201, r.text);
    const id = r.json.report.id;
    assert.deepEqual(r.json.report.leaders.map((l) => l.leader), ['cmd1', 'lead2']);
    assert.ok(r.json.report.leaders.every((l) => l.told_at >= t0 && l.acked_at === null));
    await wsCmd.next((m) => m.type === 'report' && m.report.id === id);
    await wsL2.next((m) => m.type === 'report' && m.report.id === id);
    assert.ok(!wsOff.messages.some((m) => m.type === 'report'), 'an officer not named does not get it');
    const ack = await request(hub, 'POST', `/api/v1/reports/${id}/ack`, { token: commander, body: { reply: '马上到' } });
    assert.equal(ack.status, 200, ack.text);
    assert.equal(ack.json.report.state, 'partly_acked');
    assert.equal((await request(hub, 'POST', `/api/v1/reports/${id}/ack`, { token: officer })).status, 403);
    assert.equal((await request(hub, 'POST', `/api/v1/reports/${id}/ack`, { token: commander })).status, 409);
    const alert = await wsCmd.next((m) => m.type === 'alert' && m.alert.kind === 'report_unacked', 8000, 'report_unacked');
    assert.equal(alert.alert.assignee, 'lead2');
    const rep = (await request(hub, 'GET', `/api/v1/reports/${id}`, { token: duty })).json.report;
    const l1 = rep.leaders.find((l) => l.leader === 'cmd1'), l2 = rep.leaders.find((l) => l.leader === 'lead2');
    assert.ok(l1.acked_at >= l1.told_at && l1.escalated_at === null);
    assert.equal(l1.reply, '马上到');
    assert.ok(l2.acked_at === null && l2.escalated_at - l2.told_at >= 2000);
    assert.equal((await request(hub, 'GET', `/api/v1/reports/${id}`, { token: officer })).status, 403);
    const list = (await request(hub, 'GET', '/api/v1/reports', { token: leader2 })).json.reports;
    assert.ok(list.some((x) => x.id === id));
    // the late leader acknowledges: the alert clears
    assert.equal((await request(hub, 'POST', `/api/v1/reports/${id}/ack`, { token: leader2 })).status, 200);
    await wsCmd.next((m) => m.type === 'alert' && m.alert.id === alert.alert.id && m.alert.state === 'cleared');
    let bad = await request(hub, 'POST', '/api/v1/reports', { token: duty, body: { text: 'x', leaders: ['nobody'] } });
    assert.equal(bad.status, 404);
    bad = await request(hub, 'POST', '/api/v1/reports', { token: duty, body: { text: 'x', leaders: [] } });
    assert.equal(bad.status, 400);
    bad = await request(hub, 'POST', '/api/v1/reports', { token: duty, body: { leaders: ['cmd1'] } });
    assert.equal(bad.status, 400);
    const actions = (await audit(hub, token)).filter((e) => e.target === `report:${id}`).map((e) => e.action);
    for (const x of ['report.create', 'report.ack', 'report.escalate']) assert.ok(actions.includes(x), `${x}: ${actions}`);
    wsL2.close();
  });

  wsCmd.close();
  wsOff.close();
  wsOut.close();
});
