// Incidents and nearest-unit dispatch (应急调度) with real processes: units
// of ecc-devsim stand at known points ("at" in the units file); an incident
// logged at a point ranks the nearest online unit first (haversine from the
// last position), offline units last; one dispatch sends the chosen unit an
// instruction over MQTT with the site as target point; the simulated unit
// acknowledges it and drives there, and the hub records the acknowledgment
// and the arrival inside the incident's radius from the unit's telemetry.
// An urgent incident not closed by its deadline ([incidents]
// urgent_deadline, 2 hours by default, shortened here to 3 s) raises an
// incident_overdue alert that climbs to the commander; closing clears it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { stack, addUnit, addUser, wsConnect, request, waitFor, cleanup, mosquittoPub, sleep, Proc, BIN, SLOW_UNWIND } from '../lib/harness.mjs';

const SITE = { lat: 47.1400, lon: 129.2900 };
// metres north of the site -> latitude (1° of latitude is about 111.2 km)
const north = (m) => ({ lat: SITE.lat + m / 111195, lon: SITE.lon });

test('an incident ranks units, dispatches the nearest, records arrival and escalates a missed deadline', async (t) => {
  const { hub, token, dir, broker } = await stack(t, 'incidents', {
    incidents: { urgent_deadline: 3, radius: 60 },
    alerts: { escalate_after: 2 },
    telemetry: { offline_after: 3 },
  });
  const mk = (id, kind = 'bodycam') => addUnit(hub, token, { id, name: id, kind, team: '执行一组' });
  const near = await mk('near', 'vehicle'), far = await mk('far', 'vehicle');
  const gone = await mk('gone'); // reported once, then silent: offline
  await mk('never'); // never reported: no position
  await mosquittoPub(broker, { username: gone.mqtt.username, password: gone.mqtt.password, topic: 'ecc/unit/gone/telemetry',
    message: JSON.stringify({ ts: Date.now(), ...north(100) }) });
  const file = path.join(dir, 'units.json');
  fs.writeFileSync(file, JSON.stringify([
    { id: 'near', kind: 'vehicle', username: near.mqtt.username, password: near.mqtt.password, at: north(400), goto_speed: 60, ack_after: 0.3 },
    { id: 'far', kind: 'vehicle', username: far.mqtt.username, password: far.mqtt.password, at: north(2500) },
  ]));
  const sim = new Proc('ecc-devsim', BIN.devsim, ['--units', file, '--mqtt-port', String(broker.port),
    '--events-every', '0', '--no-cameras', '--rate', '4'], { env: SLOW_UNWIND });
  cleanup(t, () => sim.stopClean());
  const duty = await addUser(hub, token, 'duty1', 'duty');
  const commander = await addUser(hub, token, 'cmd1', 'commander');
  const officer = await addUser(hub, token, 'off1', 'officer', { team: '执行一组' });
  const ws = await wsConnect(hub, commander, { subscribe: ['dispatch', 'alerts'] });
  await waitFor(async () => {
    const units = (await request(hub, 'GET', '/api/v1/units', { token })).json.units;
    const by = Object.fromEntries(units.map((u) => [u.id, u]));
    return by.near.online && by.far.online && !by.gone.online;
  }, { timeout: 15000, what: 'near and far online, gone offline' });

  let incident;
  await t.test('an incident logged at a point ranks the nearest online unit first', async () => {
    const r = await request(hub, 'POST', '/api/v1/incidents', { token: duty,
      body: { source: 'party', summary: '申请人报称被执行人车辆停在东风路', ...SITE, urgency: 'normal' } });
    assert.equal(r.status, 201, r.text);
    incident = r.json.incident;
    assert.equal(incident.state, 'new');
    assert.equal(incident.radius_m, 60);
    assert.equal(incident.deadline, null);
    await ws.next((m) => m.type === 'incident' && m.incident.id === incident.id);
    const c = (await request(hub, 'GET', `/api/v1/incidents/${incident.id}/candidates`, { token: duty })).json.candidates;
    assert.deepEqual(c.map((x) => x.unit), ['near', 'far', 'gone', 'never']);
    assert.ok(Math.abs(c[0].distance_m - 400) < 20, `near is ${c[0].distance_m} m away`);
    assert.ok(Math.abs(c[1].distance_m - 2500) < 20, `far is ${c[1].distance_m} m away`);
    assert.ok(c[0].online && c[1].online && !c[2].online && !c[3].online);
    assert.ok(c[0].last_seen > Date.now() - 5000);
    assert.ok(Math.abs(c[2].distance_m - 100) < 5, 'an offline unit is ranked after every online one, however near');
    assert.equal(c[3].distance_m, null);
    const online = (await request(hub, 'GET', `/api/v1/incidents/${incident.id}/candidates?offline=0`, { token: duty })).json.candidates;
    assert.deepEqual(online.map((x) => x.unit), ['near', 'far']);
  });

  await t.test('one dispatch reaches the unit; acknowledgment and arrival are recorded', async () => {
    const r = await request(hub, 'POST', `/api/v1/incidents/${incident.id}/dispatch`, { token: duty, body: { units: ['near'] } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.incident.state, 'dispatched');
    const instr = r.json.incident.units[0].instruction;
    await sim.waitForOutput(/unit=near: heading to 47\.140000,129\.290000/, 10000);
    const i = (await request(hub, 'GET', `/api/v1/instructions/${instr}`, { token: duty })).json.instruction;
    assert.deepEqual(i.point, SITE);
    assert.equal(i.incident, incident.id);
    const acked = await ws.next((m) => m.type === 'incident' && m.incident.id === incident.id && m.incident.acknowledged_at,
      10000, 'the incident acknowledged');
    assert.equal(acked.incident.units[0].unit, 'near');
    assert.ok(acked.incident.units[0].acked_at);
    // 400 m at 60 m/s: inside the 60 m radius after about 6 s
    const arrived = await ws.next((m) => m.type === 'incident' && m.incident.id === incident.id && m.incident.state === 'arrived',
      20000, 'the arrival');
    const u = arrived.incident.units[0];
    assert.ok(u.arrived_at >= u.acked_at && u.acked_at >= u.dispatched_at, JSON.stringify(u));
    assert.ok(u.arrived_at - u.dispatched_at >= 4000, 'it took the drive to get there');
    const pos = (await request(hub, 'GET', '/api/v1/units/near', { token })).json.unit.position;
    assert.ok(Math.abs(pos.lat - SITE.lat) * 111195 < 61, `near reports ${pos.lat},${pos.lon}`);
    // dispatching the same unit again, or an unknown one, is refused
    let bad = await request(hub, 'POST', `/api/v1/incidents/${incident.id}/dispatch`, { token: duty, body: { units: ['near'] } });
    assert.equal(bad.status, 409);
    bad = await request(hub, 'POST', `/api/v1/incidents/${incident.id}/dispatch`, { token: duty, body: { units: ['far', 'ghost'] } });
    assert.equal(bad.status, 404);
    assert.match(bad.json.error.message, /ghost/);
    assert.equal((await request(hub, 'GET', `/api/v1/incidents/${incident.id}`, { token })).json.incident.units.length, 1,
      'all or none: far was not dispatched either');
    const closed = await request(hub, 'POST', `/api/v1/incidents/${incident.id}/close`, { token: duty, body: { outcome: '车辆已扣押' } });
    assert.equal(closed.status, 200, closed.text);
    assert.equal(closed.json.incident.state, 'closed');
    assert.equal(closed.json.incident.outcome, '车辆已扣押');
    assert.equal((await request(hub, 'POST', `/api/v1/incidents/${incident.id}/close`, { token: duty, body: { outcome: 'x' } })).status, 409);
    const actions = (await request(hub, 'GET', '/api/v1/audit?limit=1000', { token })).json.entries
      .filter((e) => e.target === `incident:${incident.id}`).map((e) => e.action);
    for (const x of ['incident.create', 'incident.dispatch', 'incident.ack', 'incident.arrive', 'incident.close']) {
      assert.ok(actions.includes(x), `${x} audited: ${actions}`);
    }
  });

  await t.test('an urgent incident not closed by its deadline escalates; one closed in time does not', async () => {
    const t0 = Date.now();
    const late = (await request(hub, 'POST', '/api/v1/incidents', { token: duty,
      body: { source: 'call110', summary: '执行110：被执行人转移财产', ...north(3000), urgency: 'urgent' } })).json.incident;
    const early = (await request(hub, 'POST', '/api/v1/incidents', { token: duty,
      body: { source: 'tip', summary: '举报线索', ...north(3500), urgency: 'urgent' } })).json.incident;
    assert.ok(late.deadline - late.created_at === 3000, 'the configured deadline');
    assert.equal((await request(hub, 'POST', `/api/v1/incidents/${early.id}/close`, { token: duty, body: { outcome: '线索不实' } })).status, 200);
    const alert = await ws.next((m) => m.type === 'alert' && m.alert.kind === 'incident_overdue', 10000, 'incident_overdue');
    assert.ok(Date.now() - t0 >= 3000);
    assert.equal(alert.alert.subject, `incident:${late.id}`);
    assert.equal(alert.alert.severity, 'critical');
    const esc = await ws.next((m) => m.type === 'alert' && m.alert.id === alert.alert.id && m.alert.escalated_at, 8000, 'escalation');
    assert.ok(esc.alert.escalated_at);
    await sleep(500);
    const overdue = (await request(hub, 'GET', '/api/v1/alerts?state=open', { token })).json.alerts.filter((a) => a.kind === 'incident_overdue');
    assert.deepEqual(overdue.map((a) => a.subject), [`incident:${late.id}`], 'the incident closed in time raised nothing');
    const open = (await request(hub, 'GET', '/api/v1/incidents?state=open', { token: duty })).json.incidents;
    assert.deepEqual(open.map((x) => x.id), [late.id]);
    assert.ok(open[0].overdue_at);
    await request(hub, 'POST', `/api/v1/incidents/${late.id}/close`, { token: duty, body: { outcome: '已到场处置' } });
    await ws.next((m) => m.type === 'alert' && m.alert.id === alert.alert.id && m.alert.state === 'cleared', 5000, 'the alert cleared');
  });

  await t.test('a dispatch may open an operation of the case: started, the unit then held by it', async () => {
    const kase = await request(hub, 'POST', '/api/v1/cases', { token, body: {
      number: '（2026）黑0781执611号', filed_on: '2026-11-02', team: '执行一组' } });
    assert.equal(kase.status, 201, kase.text);
    const noCase = (await request(hub, 'POST', '/api/v1/incidents', { token: duty,
      body: { source: 'party', ...SITE } })).json.incident;
    let r = await request(hub, 'POST', `/api/v1/incidents/${noCase.id}/dispatch`,
      { token: duty, body: { units: ['far'], operation: true } });
    assert.equal(r.status, 400, 'an operation needs the incident\'s case');
    assert.match(r.json.error.message, /case/);
    assert.equal((await request(hub, 'GET', `/api/v1/incidents/${noCase.id}`, { token })).json.incident.state, 'new',
      'and nobody was sent');
    const inc = (await request(hub, 'POST', '/api/v1/incidents', { token: duty,
      body: { source: 'party', ...SITE, case: kase.json.case.id, summary: '被执行人车辆出现' } })).json.incident;
    r = await request(hub, 'POST', `/api/v1/incidents/${inc.id}/dispatch`,
      { token: duty, body: { units: ['far'], operation: true } });
    assert.equal(r.status, 200, r.text);
    assert.equal(typeof r.json.operation, 'number');
    const op = (await request(hub, 'GET', `/api/v1/operations/${r.json.operation}`, { token })).json.operation;
    assert.equal(op.state, 'active');
    assert.deepEqual(op.units, ['far']);
    assert.equal(op.case_id, kase.json.case.id);
    assert.equal(op.site.type, 'circle');
    assert.match(op.title, /被执行人车辆出现/);
    // on an operation now: not offered for another incident
    const other = (await request(hub, 'POST', '/api/v1/incidents', { token: duty, body: { source: 'tip', ...SITE } })).json.incident;
    const cands = (await request(hub, 'GET', `/api/v1/incidents/${other.id}/candidates`, { token })).json.candidates;
    assert.ok(!cands.some((c) => c.unit === 'far'), 'a unit on an operation is not a candidate');
    assert.equal((await request(hub, 'POST', `/api/v1/operations/${op.id}/stop`, { token: duty })).status, 200);
  });

  await t.test('roles and bad input get clear 4xx answers', async () => {
    const post = (body, tok = duty) => request(hub, 'POST', '/api/v1/incidents', { token: tok, body });
    assert.equal((await post({ source: 'tip', ...SITE }, officer)).status, 403);
    assert.equal((await request(hub, 'GET', '/api/v1/incidents', { token: officer })).status, 403);
    assert.equal((await post({ source: 'rumour', ...SITE })).status, 400);
    assert.equal((await post({ source: 'tip', lat: 95, lon: 0 })).status, 400);
    assert.equal((await post({ source: 'tip' })).status, 400);
    assert.equal((await post({ source: 'tip', ...SITE, case: 424242 })).status, 404);
    assert.equal((await post({ source: 'tip', ...SITE, urgency: 'now' })).status, 400);
    assert.equal((await post({ source: 'tip', ...SITE, radius_m: 1 })).status, 400);
    const raw = await request(hub, 'POST', '/api/v1/incidents', { token: duty, raw: '{"source":', headers: { 'content-type': 'application/json' } });
    assert.equal(raw.status, 400);
    const fresh = (await post({ source: 'support', ...SITE })).json.incident;
    for (const body of [{}, { units: [] }, { units: 'near' }, { units: [7] }, { units: ['far'], operation: 'yes' }]) {
      const r = await request(hub, 'POST', `/api/v1/incidents/${fresh.id}/dispatch`, { token: duty, body });
      assert.equal(r.status, 400, JSON.stringify(body));
    }
    assert.equal((await request(hub, 'POST', `/api/v1/incidents/${fresh.id}/close`, { token: duty, body: {} })).status, 400);
    assert.equal((await request(hub, 'GET', '/api/v1/incidents/999999', { token })).status, 404);
    assert.equal((await request(hub, 'GET', '/api/v1/incidents/999999/candidates', { token })).status, 404);
    assert.equal((await request(hub, 'GET', '/api/v1/incidents?state=lost', { token })).status, 400);
  });
  ws.close();
});
