// A command vehicle's GPS through a real gpsd (gpsfake replaying NMEA):
// fixes become the unit's positions, and they resume when gpsd restarts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, addUnit, freePort, startGpsfake, request, waitFor } from '../lib/harness.mjs';
import { nmeaLog } from '../lib/nmea.mjs';

test('gpsd fixes become positions and resume after gpsd restarts', async (t) => {
  const gpsPort = await freePort();
  const { hub, dir, token } = await stack(t, 'gpsd', {
    'gps.veh': { host: '127.0.0.1', port: gpsPort, unit: 'veh-01' },
  });
  await addUnit(hub, token, { id: 'veh-01', name: '指挥车一号', kind: 'vehicle' });

  const track = async (from) => (await request(hub, 'GET',
    `/api/v1/units/veh-01/track?from=${from}&to=${Date.now() + 60000}&max_points=5000`, { token })).json;

  let gps = await startGpsfake(dir, gpsPort, nmeaLog({ seconds: 120 }));
  t.after(() => gps.stop());
  const t0 = Date.now() - 2000;
  const first = await waitFor(async () => { const j = await track(t0); return j.properties.points_total >= 3 && j; },
    { timeout: 20000, what: 'three gpsd fixes stored' });
  const [lon, lat] = first.geometry.coordinates[0];
  assert.ok(Math.abs(lat - 47.138) < 0.01 && Math.abs(lon - 129.286) < 0.001, `fix at ${lat},${lon}`);
  const u = await request(hub, 'GET', '/api/v1/units/veh-01', { token });
  assert.equal(u.json.unit.online, true);
  assert.ok(Math.abs(u.json.unit.position.speed - 5.144) < 0.01, 'speed from RMC knots in m/s');
  assert.equal(u.json.unit.position.alt, 200);

  await gps.stop();
  const stopped = Date.now();
  gps = await startGpsfake(dir, gpsPort, nmeaLog({ seconds: 120, lat: 47.2 }));
  await waitFor(async () => {
    const j = await track(stopped);
    return j.geometry.coordinates.some(([, la]) => la >= 47.2);
  }, { timeout: 20000, what: 'positions after gpsd restarted' });
  assert.match(hub.proc.out, /gps=veh: lost gpsd/);
});
