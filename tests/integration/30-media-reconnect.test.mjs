// A body camera switched off and on again: the gateway notices the loss,
// retries with backoff, the hub raises a stream_stalled alert and shows the
// state on the WebSocket units channel; when the camera is back the stream
// goes live again by itself, the alert clears, and the recording resumes
// with the gap listed on the unit's timeline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, request, waitFor, cleanup, wsConnect, mqttConnect } from '../lib/harness.mjs';
import { startGateway, waitStream, segments, cameraUnit } from '../lib/media.mjs';

test('a camera that drops is retried, alerted and recovered', async (t) => {
  const { hub, broker, dir, token } = await stack(t, 'mrec');
  const gw = await startGateway(hub, dir, { segmentSeconds: 2 });
  cleanup(t, () => gw.proc.stopClean());
  const { sim, stream } = await cameraUnit(hub, token, dir, { id: 'bc-07', name: '执法记录仪7' });
  cleanup(t, () => sim.stopClean());
  await waitStream(hub, token, stream.id, 'live', 20000);
  await waitFor(async () => (await segments(hub, token, 'bc-07')).length >= 1, { timeout: 15000, what: 'a first segment' });
  const ws = await wsConnect(hub, token, { subscribe: ['units', 'alerts'] });
  cleanup(t, () => ws.close());

  const admin = await mqttConnect(broker, { username: broker.username, password: broker.password });
  cleanup(t, () => admin.endAsync());
  const camera = (on) => admin.publishAsync('ecc/unit/bc-07/cmd', JSON.stringify({ op: 'camera', on }), { qos: 1 });

  // Off: the stream leaves "live" on the units channel and an alert is raised.
  const off = Date.now();
  await camera(false);
  const down = await ws.next((m) => m.type === 'stream' && m.stream.id === stream.id && m.stream.state !== 'live',
    10000, 'the stream leaving live on the units channel');
  t.diagnostic(`camera off: units channel says ${down.stream.state} after ${Date.now() - off} ms`);
  const alert = await ws.next((m) => m.type === 'alert' && m.alert.kind === 'stream_stalled' && m.alert.unit === 'bc-07',
    10000, 'a stream_stalled alert');
  const alertAfter = Date.now() - off;
  t.diagnostic(`stream_stalled alert ${alertAfter} ms after the camera went off (${alert.alert.severity})`);
  assert.ok(alertAfter >= 2500, `no alert for a blip: raised after ${alertAfter} ms`);
  // The gateway keeps trying while the camera is off.
  const retried = await waitFor(async () => {
    const s = (await request(hub, 'GET', `/api/v1/streams/${stream.id}`, { token })).json.stream;
    return s.health.reconnects >= 2 && s;
  }, { timeout: 15000, what: 'two retries while the camera is off' });
  assert.notEqual(retried.state, 'live');
  assert.ok(retried.health.error, 'the stream says why it is down');
  const open = (await request(hub, 'GET', '/api/v1/alerts?state=open&unit=bc-07', { token })).json.alerts;
  assert.equal(open.filter((a) => a.kind === 'stream_stalled').length, 1, 'one alert, not one per retry');

  // On: live again within one backoff period, and the alert clears.
  const on = Date.now();
  await camera(true);
  await waitStream(hub, token, stream.id, 'live', 15000);
  const back = Date.now() - on;
  t.diagnostic(`camera on: live again after ${back} ms (${retried.health.reconnects}+ retries)`);
  assert.ok(back < 8000, `back live in ${back} ms (retries at most every 5 s)`);
  await waitFor(async () => {
    const a = (await request(hub, 'GET', '/api/v1/alerts?unit=bc-07', { token })).json.alerts;
    return a.find((x) => x.kind === 'stream_stalled' && x.state === 'cleared');
  }, { timeout: 10000, what: 'the alert cleared' });
  await ws.next((m) => m.type === 'stream' && m.stream.id === stream.id && m.stream.state === 'live'
    && m.stream.health.reconnects >= 2, 5000, 'live again on the units channel');

  // Recording resumed; the timeline shows the gap.
  const segsBefore = (await segments(hub, token, 'bc-07')).filter((s) => s.t1 <= off + 1000).length;
  assert.ok(segsBefore >= 1);
  await waitFor(async () => (await segments(hub, token, 'bc-07')).some((s) => s.t0 >= on), { timeout: 15000, what: 'a segment after the camera came back' });
  const tl = (await request(hub, 'GET', `/api/v1/units/bc-07/recordings?from=0&to=${Date.now() + 60000}`, { token })).json;
  const gap = tl.gaps.find((g) => g.from >= off - 3000 && g.to <= Date.now());
  assert.ok(gap, `a gap around the outage in ${JSON.stringify(tl.gaps)}`);
  t.diagnostic(`timeline gap ${gap.from}..${gap.to} (${gap.to - gap.from} ms)`);
});
