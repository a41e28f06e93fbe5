// An active operation survives the hub being killed (SIGKILL) and
// restarted: it is still active, its geofence remembers that a unit is
// outside (no second alert for the same excursion; back inside clears the
// one from before the crash), alerts still name it, and it stops cleanly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, addUnit, login, mqttConnect, request, waitFor, sleep } from '../lib/harness.mjs';

test('an active operation and its open geofence alert survive kill -9', async (t) => {
  const { hub, broker } = await stack(t, 'ops-restart');
  let token = await login(hub);
  const api = (method, p, body) => request(hub, method, `/api/v1${p}`, { token, body });
  const imp = await request(hub, 'POST', '/api/v1/cases/import', { token, headers: { 'content-type': 'text/csv' },
    raw: '案号,立案日期,申请执行人,被执行人,执行标的,执行团队\n（2026）黑0781执601号,2026-11-02,甲,乙,1000,执行一组\n' });
  assert.equal(imp.json.created, 1, imp.text);
  const caseId = (await api('GET', '/cases')).json.cases[0].id;
  const r = await addUnit(hub, token, { id: 'bc-07', name: '王强', kind: 'bodycam', team: '执行一组' });
  const creds = { username: r.mqtt.username, password: r.mqtt.password };
  let c = await mqttConnect(broker, creds);
  const place = (lat, lon) => c.publishAsync('ecc/unit/bc-07/telemetry', JSON.stringify({ ts: Date.now(), lat, lon }), { qos: 1 });
  const sos = (ts) => c.publishAsync('ecc/unit/bc-07/event', JSON.stringify({ ts, kind: 'sos' }), { qos: 1 });
  const geofence = async () => (await api('GET', '/alerts?unit=bc-07')).json.alerts.filter((a) => a.kind === 'geofence');

  let op = (await api('POST', '/operations', { case_id: caseId, type: 'search',
    site: { type: 'polygon', points: [[47.13, 129.28], [47.14, 129.28], [47.14, 129.29], [47.13, 129.29]] },
    units: ['bc-07'] })).json.operation;
  assert.equal((await api('POST', `/operations/${op.id}/start`)).status, 200);
  await place(47.135, 129.285);
  await place(47.15, 129.285); // 0.01 degrees north of the top edge: about 1112 m
  const before = await waitFor(async () => (await geofence())[0], { what: 'the geofence alert' });
  assert.match(before.message, /1112 米/);

  await hub.proc.kill9();
  await c.endAsync();
  await hub.start();
  token = await login(hub);
  c = await mqttConnect(broker, creds);

  op = (await api('GET', `/operations/${op.id}`)).json.operation;
  assert.equal(op.state, 'active', 'still active after the crash');
  await place(47.16, 129.285); // further out: the same excursion
  await sleep(700);
  const still = await geofence();
  assert.equal(still.length, 1, 'no second alert for the same excursion');
  assert.equal(still[0].state, 'open');
  const ts = Date.now();
  await sos(ts);
  const s = await waitFor(async () => (await api('GET', '/alerts?unit=bc-07')).json.alerts.find((a) => a.kind === 'sos' && a.device_ts === ts),
    { what: 'the SOS alert' });
  assert.equal(s.operation, op.id, 'alerts name the operation after the restart');
  await place(47.135, 129.285);
  await waitFor(async () => (await geofence())[0].state === 'cleared', { what: 'the alert from before the crash cleared' });
  await place(47.12, 129.285);
  await waitFor(async () => (await geofence()).some((a) => a.state === 'open'), { what: 'armed again' });
  const stop = await api('POST', `/operations/${op.id}/stop`);
  assert.equal(stop.status, 200, stop.text);
  assert.ok((await geofence()).every((a) => a.state === 'cleared'), 'stop clears the open geofence alert');
  await c.endAsync();
});
