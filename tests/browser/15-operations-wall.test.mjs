// The wall's operations panel and map: every active operation with its case
// number, type (Chinese by default), elapsed time ticking, and units; its
// site (circle or polygon) painted on the map with rings around its units;
// an alert naming an operation refreshes the panel at once (here: a unit
// leaving the site). An officer of another team sees none of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, addUnit, addUser, mqttConnect, request, waitFor } from '../lib/harness.mjs';
import { launch, loginPage, artifact } from '../lib/browser.mjs';

const CASE1 = '（2026）黑0781执501号';
const CASE2 = '（2026）黑0781执502号';

test('active operations on the wall: panel, sites, units', async (t) => {
  const { hub, broker, token } = await stack(t, 'ops-wall');
  const api = (method, p, body) => request(hub, method, `/api/v1${p}`, { token, body });
  await addUser(hub, token, 'officer2', 'officer', { team: '执行二组' });
  const imp = await request(hub, 'POST', '/api/v1/cases/import', { token, headers: { 'content-type': 'text/csv' },
    raw: `案号,立案日期,申请执行人,被执行人,执行标的,执行团队\n${CASE1},2026-11-02,甲,乙,1000,执行一组\n${CASE2},2026-11-03,丙,丁,2000,执行一组\n` });
  assert.equal(imp.json.created, 2, imp.text);
  const cases = (await api('GET', '/cases')).json.cases;
  const units = [
    { id: 'bc-01', name: '张伟', lat: 47.1380, lon: 129.2860 },
    { id: 'bc-02', name: '李娜', lat: 47.1385, lon: 129.2870 },
    { id: 'veh-03', name: '指挥车', lat: 47.1450, lon: 129.2700 },
  ];
  const clients = {};
  for (const u of units) {
    const r = await addUnit(hub, token, { id: u.id, name: u.name, kind: 'bodycam', team: '执行一组' });
    clients[u.id] = await mqttConnect(broker, { username: r.mqtt.username, password: r.mqtt.password });
  }
  const send = (id, lat, lon) => clients[id].publishAsync(`ecc/unit/${id}/telemetry`,
    JSON.stringify({ ts: Date.now(), lat, lon }), { qos: 1 });
  for (const u of units) await send(u.id, u.lat, u.lon);

  const mk = async (body) => {
    const r = await api('POST', '/operations', body);
    assert.equal(r.status, 201, r.text);
    const s = await api('POST', `/operations/${r.json.operation.id}/start`);
    assert.equal(s.status, 200, s.text);
    return s.json.operation;
  };
  const op1 = await mk({ case_id: cases.find((c) => c.number === CASE1).id, type: 'seizure', title: '查封车辆',
    site: { type: 'circle', lat: 47.138, lon: 129.286, radius_m: 400 }, units: ['bc-01', 'bc-02'] });
  const op2 = await mk({ case_id: cases.find((c) => c.number === CASE2).id, type: 'eviction',
    site: { type: 'polygon', points: [[47.144, 129.268], [47.146, 129.268], [47.146, 129.272], [47.144, 129.272]] },
    units: ['veh-03'] });

  const context = await launch(t);
  const page = await loginPage(context, hub);
  await page.waitForFunction(() => document.querySelectorAll('#ops-panel .op').length === 2, null, { timeout: 10000 });
  const item = (id) => page.locator(`#ops-panel .op[data-op="${id}"]`);
  assert.equal(await item(op1.id).locator('.op-case').textContent(), CASE1);
  assert.equal(await item(op1.id).locator('.op-type').textContent(), '查封/扣押');
  assert.equal(await item(op2.id).locator('.op-type').textContent(), '腾退');
  assert.match(await item(op1.id).locator('.op-units').textContent(), /执法单元（2）：张伟、李娜/);
  assert.equal(await item(op1.id).locator('.op-title').textContent(), '查封车辆');
  const e1 = await item(op1.id).locator('.op-elapsed').textContent();
  assert.match(e1, /^0:00:\d\d$/);
  await page.evaluate((v) => { window.__firstElapsed = v; }, e1);
  await page.waitForFunction((id) => document.querySelector(`#ops-panel .op[data-op="${id}"] .op-elapsed`).textContent
    !== window.__firstElapsed, op1.id, { timeout: 3000 });

  // Both sites on the map, their units ringed, really painted (the fill).
  await page.waitForFunction(() => window.__ecc.sites.drawn.length === 2
    && window.__ecc.sites.drawn.every((d) => d.units.length > 0), null, { timeout: 5000 });
  await page.click(`#ops-panel .op[data-op="${op1.id}"]`); // the map goes to its site
  await page.waitForFunction((id) => {
    const d = window.__ecc.sites.drawn.find((x) => x.id === id);
    const m = window.__ecc.map.getSize();
    // the circle, 800 m across, fills the view (the wall opens a few km wide)
    return d.halfWidth > 150 && Math.abs(d.x - m.x / 2) < 5 && Math.abs(d.y - m.y / 2) < 5;
  }, op1.id, { timeout: 5000 }).catch(async (e) => {
    throw new Error(`${e.message}: zoom ${await page.evaluate(() => window.__ecc.map.getZoom())}`);
  });
  const drawn = await page.evaluate(() => window.__ecc.sites.drawn);
  const d1 = drawn.find((d) => d.id === op1.id);
  assert.equal(d1.kind, 'circle');
  assert.equal(drawn.find((d) => d.id === op2.id).kind, 'polygon');
  assert.deepEqual(d1.units.map((u) => u.id).sort(), ['bc-01', 'bc-02']);
  const alpha = await page.evaluate(({ x, y }) => {
    const c = [...document.querySelectorAll('.leaflet-overlay-pane canvas')].find((e) => !e.classList.contains('ecc-units'));
    const k = c.width / c.clientWidth;
    const r = c.getBoundingClientRect(), m = document.querySelector('#map').getBoundingClientRect();
    return c.getContext('2d').getImageData(Math.round((x + m.left - r.left) * k), Math.round((y + m.top - r.top) * k), 1, 1).data[3];
  }, { x: d1.x + d1.halfWidth / 2, y: d1.y });
  assert.ok(alpha > 0, 'the site is painted');
  await page.screenshot({ path: artifact('operations-wall.png') });

  // An operation ends: the hub announces it on the dispatch channel and the
  // panel drops it at once (its reload is only every minute).
  const t0 = Date.now();
  assert.equal((await api('POST', `/operations/${op2.id}/stop`)).status, 200);
  await page.waitForFunction(() => document.querySelectorAll('#ops-panel .op').length === 1, null, { timeout: 3000 });
  t.diagnostic(`panel updated ${Date.now() - t0} ms after the stop`);
  // A unit leaves its site: the geofence alert names the operation.
  await send('bc-01', 47.16, 129.286);
  await waitFor(async () => (await api('GET', '/alerts?unit=bc-01')).json.alerts.some((a) => a.kind === 'geofence' && a.operation === op1.id),
    { what: 'the geofence alert' });
  await page.waitForFunction(() => window.__ecc.sites.drawn.length === 1, null, { timeout: 5000 });

  // English on request.
  await page.click('#lang');
  assert.equal(await item(op1.id).locator('.op-type').textContent(), 'Seizure');
  assert.match(await item(op1.id).locator('.op-units').textContent(), /Units \(2\): 张伟, 李娜/);
  assert.equal(await page.locator('#ops h2').textContent(), 'Field operations');
  assert.deepEqual(page.errors, []);

  // Another team's officer: the panel is there, with nothing in it.
  const other = await loginPage(await launch(t), hub, 'officer2', 'Test-Pass-2025!');
  await other.waitForSelector('#ops-panel .none');
  assert.equal(await other.locator('#ops-panel .none').textContent(), '当前无进行中的执行行动');
  assert.equal(await other.evaluate(() => window.__ecc.sites.drawn.length), 0);
  for (const c of Object.values(clients)) await c.endAsync();
});
