// The first wallboard in headless Chromium: log in, one marker per online
// unit on the canvas layer, and a marker moves within 1 s of a new position.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, addUnit, mqttConnect, waitFor } from '../lib/harness.mjs';
import { launch, loginPage, artifact } from '../lib/browser.mjs';

test('the map shows the units live', async (t) => {
  const { hub, broker, token } = await stack(t, 'map');
  const units = [
    { id: 'bc-01', name: '张伟', kind: 'bodycam', lat: 47.136, lon: 129.28 },
    { id: 'hh-02', name: '李娜', kind: 'handheld', lat: 47.139, lon: 129.29 },
    { id: 'veh-03', name: '指挥车', kind: 'vehicle', lat: 47.141, lon: 129.285 },
    { id: 'dr-04', name: '无人机', kind: 'drone', lat: 47.135, lon: 129.292 },
  ];
  const clients = {};
  for (const u of units) {
    const r = await addUnit(hub, token, { id: u.id, name: u.name, kind: u.kind, team: '执行一组' });
    clients[u.id] = await mqttConnect(broker, { username: r.mqtt.username, password: r.mqtt.password });
  }
  await addUnit(hub, token, { id: 'bc-09', name: '离线单元', kind: 'bodycam' }); // never reports
  const send = (u, lat, lon) => clients[u.id].publishAsync(`ecc/unit/${u.id}/telemetry`,
    JSON.stringify({ ts: Date.now(), lat, lon, heading: 45, speed: 1.2 }), { qos: 1 });
  for (const u of units) await send(u, u.lat, u.lon);

  const context = await launch(t);
  const page = await loginPage(context, hub);
  await page.waitForFunction(() => window.__ecc?.layer.drawn.length === 4, null, { timeout: 10000 });
  const drawn = await page.evaluate(() => window.__ecc.layer.drawn);
  assert.deepEqual(drawn.map((d) => d.id).sort(), ['bc-01', 'dr-04', 'hh-02', 'veh-03']);
  assert.ok(drawn.every((d) => d.state === 'online'));
  // Each marker is really painted: the canvas pixel under it is not empty.
  for (const d of drawn) {
    const alpha = await page.evaluate(({ x, y }) => {
      const c = document.querySelector('canvas.ecc-units');
      const k = c.width / c.clientWidth;
      return c.getContext('2d').getImageData(Math.round(x * k), Math.round(y * k), 1, 1).data[3];
    }, d);
    assert.ok(alpha > 0, `marker ${d.id} painted`);
  }
  assert.match(await page.textContent('#unit-list'), /离线单元/);
  assert.match(await page.textContent('#online-count'), /4 \/ 5/);
  await page.screenshot({ path: artifact('hub-map-1920.png') });

  // A new position moves the marker within a second.
  const moves = [];
  for (let i = 1; i <= 5; i++) {
    const before = await page.evaluate(() => window.__ecc.layer.drawn.find((d) => d.id === 'bc-01'));
    const t0 = Date.now();
    await send(units[0], units[0].lat - i * 0.001, units[0].lon - i * 0.001);
    await page.waitForFunction((b) => {
      const d = window.__ecc.layer.drawn.find((x) => x.id === 'bc-01');
      return d && (Math.abs(d.x - b.x) > 3 || Math.abs(d.y - b.y) > 3);
    }, before, { timeout: 1000, polling: 'raf' });
    moves.push(Date.now() - t0);
  }
  t.diagnostic(`publish -> marker moved: ${moves.join(', ')} ms`);
  assert.ok(Math.max(...moves) < 1000);

  // A click on a marker selects the unit in the list.
  const d = await page.evaluate(() => window.__ecc.layer.drawn.find((x) => x.id === 'veh-03'));
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + d.x, box.y + d.y);
  await page.waitForSelector('#unit-list li.selected[data-unit="veh-03"]');

  // English on request.
  await page.click('#lang');
  assert.match(await page.textContent('.panel.left h2'), /Field units/);
  assert.deepEqual(page.errors, []);
  for (const c of Object.values(clients)) await c.endAsync();
  await waitFor(() => true);
});
