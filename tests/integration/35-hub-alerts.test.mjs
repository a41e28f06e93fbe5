// Alerts climb: an alert nobody acknowledges within [alerts] escalate_after
// is escalated to the commander, on the WebSocket and in the API; a low
// battery raises an alert once and clears when the battery recovers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, addUnit, addUser, wsConnect, mosquittoPub, request } from '../lib/harness.mjs';

test('alerts escalate and clear', async (t) => {
  const { hub, broker, token } = await stack(t, 'alerts', { alerts: { escalate_after: 2 } });
  const u = await addUnit(hub, token, { id: 'hh-01', name: '赵磊', kind: 'handheld', team: '执行二组' });
  const creds = { username: u.mqtt.username, password: u.mqtt.password };
  const commander = await addUser(hub, token, 'cmd1', 'commander');
  const duty = await addUser(hub, token, 'duty1', 'duty');
  const wsc = await wsConnect(hub, commander, { subscribe: ['alerts'] });
  const wsd = await wsConnect(hub, duty, { subscribe: ['alerts'] });

  await t.test('an unacknowledged SOS is escalated to the commander', async () => {
    await mosquittoPub(broker, { ...creds, topic: 'ecc/unit/hh-01/event',
      message: JSON.stringify({ ts: Date.now(), kind: 'sos', text: '被围堵' }) });
    const raised = await wsd.next((m) => m.type === 'alert' && m.alert.kind === 'sos');
    assert.equal(raised.alert.escalated_at, null);
    assert.match(raised.alert.message, /紧急求助.*被围堵/);
    const esc = await wsc.next((m) => m.type === 'alert' && m.alert.id === raised.alert.id && m.alert.escalated_at,
      6000, 'the escalation');
    assert.equal(esc.alert.escalated_to, 'commander');
    assert.ok(esc.alert.escalated_at - raised.alert.ts >= 2000);
    const list = (await request(hub, 'GET', '/api/v1/alerts?state=open', { token: commander })).json.alerts;
    assert.ok(list.find((a) => a.id === raised.alert.id).escalated_at);
    // The commander acknowledges; the duty officer's screen follows.
    assert.equal((await request(hub, 'POST', `/api/v1/alerts/${raised.alert.id}/ack`, { token: commander })).status, 200);
    const acked = await wsd.next((m) => m.type === 'alert' && m.alert.id === raised.alert.id && m.alert.state === 'acked');
    assert.equal(acked.alert.acked_by, 'cmd1');
  });

  await t.test('an acknowledged alert is not escalated', async () => {
    await mosquittoPub(broker, { ...creds, topic: 'ecc/unit/hh-01/event',
      message: JSON.stringify({ ts: Date.now(), kind: 'rec_start' }) });
    const raised = await wsd.next((m) => m.type === 'alert' && m.alert.kind === 'rec_start');
    assert.equal(raised.alert.severity, 'high');
    await request(hub, 'POST', `/api/v1/alerts/${raised.alert.id}/ack`, { token: duty });
    await new Promise((r) => setTimeout(r, 3500));
    const a = (await request(hub, 'GET', '/api/v1/alerts', { token })).json.alerts.find((x) => x.id === raised.alert.id);
    assert.equal(a.escalated_at, null);
  });

  await t.test('a low battery raises one alert, and recovery clears it', async () => {
    const send = (battery) => mosquittoPub(broker, { ...creds, topic: 'ecc/unit/hh-01/telemetry',
      message: JSON.stringify({ ts: Date.now(), lat: 47.1, lon: 129.2, battery }) });
    await send(50);
    await send(15);
    const low = await wsd.next((m) => m.type === 'alert' && m.alert.kind === 'battery_low');
    await send(14);
    await send(18); // inside the hysteresis: still low
    await send(60);
    await wsd.next((m) => m.type === 'alert' && m.alert.id === low.alert.id && m.alert.state === 'cleared');
    const all = (await request(hub, 'GET', '/api/v1/alerts?unit=hh-01', { token })).json.alerts;
    assert.equal(all.filter((a) => a.kind === 'battery_low').length, 1);
  });
  wsc.close();
  wsd.close();
});
