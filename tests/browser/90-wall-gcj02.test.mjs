// A GCJ-02 basemap ([map] tiles_gcj02, as some Chinese tile services draw):
// the wallboard shifts the WGS-84 positions devices report onto it. The
// reference point is the one coordtransform and gcoord publish:
// WGS-84 (39.915, 116.404) is GCJ-02 (39.91640428150164, 116.41024449916938).
// Without the setting, the marker stays where WGS-84 puts it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, addUnit, mqttConnect, request } from '../lib/harness.mjs';
import { launch, loginPage, artifact } from '../lib/browser.mjs';

const WGS = [39.915, 116.404], GCJ = [39.91640428150164, 116.41024449916938];

for (const gcj of [true, false]) {
  test(`a ${gcj ? 'GCJ-02' : 'WGS-84'} tile basemap: the marker is drawn where that basemap puts the unit`, async (t) => {
    const { hub, broker, token } = await stack(t, `gcj${gcj}`, { map: { tiles: '/tiles/{z}/{x}/{y}.png',
      tiles_attribution: '测试底图', tiles_gcj02: String(gcj), center_lat: WGS[0], center_lon: WGS[1], zoom: 16 } });
    assert.equal((await request(hub, 'GET', '/api/v1/map', { token })).json.tiles_gcj02, gcj);
    const u = await addUnit(hub, token, { id: 'bc-91', name: '天安门', kind: 'bodycam' });
    const c = await mqttConnect(broker, { username: u.mqtt.username, password: u.mqtt.password });
    t.after(() => c.endAsync());
    await c.publishAsync('ecc/unit/bc-91/telemetry', JSON.stringify({ ts: Date.now(), lat: WGS[0], lon: WGS[1] }), { qos: 1 });
    const context = await launch(t);
    const page = await loginPage(context, hub);
    await page.waitForFunction(() => window.__ecc?.layer.drawn.length === 1);
    const r = await page.evaluate(({ wgs, ref }) => {
      const m = window.__ecc.map, d = window.__ecc.layer.drawn[0];
      return { d, ref: m.latLngToContainerPoint(ref), wgs: m.latLngToContainerPoint(wgs) };
    }, { wgs: WGS, ref: GCJ });
    const want = gcj ? r.ref : r.wgs, other = gcj ? r.wgs : r.ref;
    assert.ok(Math.hypot(r.d.x - want.x, r.d.y - want.y) < 1, `drawn at ${r.d.x},${r.d.y}, expected ${want.x},${want.y}`);
    assert.ok(Math.hypot(r.d.x - other.x, r.d.y - other.y) > 100, 'the two datums are far apart at zoom 16');
    await page.screenshot({ path: artifact(`wall-gcj02-${gcj}.png`) });
    assert.deepEqual(page.errors, []);
  });
}
