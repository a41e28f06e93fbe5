// The wallboard's incidents panel in headless Chromium: the duty officer
// logs an incident by clicking the map, the form sends it, the candidate
// list ranks the nearest online unit (ecc-devsim, held at a known point)
// first, one click dispatches it, and the dialog follows the unit's
// acknowledgment and arrival pushed over the WebSocket; the site is
// marked on the map; the instructions panel shows delivery and
// acknowledgment per recipient and sends an instruction of its own; a
// report up is told to its leader, who acknowledges on the wall;
// strings come from the catalogue in both languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { stack, addUnit, request, waitFor, cleanup, Proc, BIN, SLOW_UNWIND } from '../lib/harness.mjs';
import { launch, loginPage, artifact } from '../lib/browser.mjs';

const SITE = { lat: 47.138, lon: 129.286 }; // the map's default centre
const north = (m) => ({ lat: SITE.lat + m / 111195, lon: SITE.lon });

test('an incident logged on the map is dispatched with one click', async (t) => {
  const { hub, token, dir, broker } = await stack(t, 'wall-incidents', { incidents: { radius: 80 } });
  const near = await addUnit(hub, token, { id: 'veh-near', name: '一号车', kind: 'vehicle', team: '执行一组' });
  const far = await addUnit(hub, token, { id: 'veh-far', name: '二号车', kind: 'vehicle', team: '执行一组' });
  const file = path.join(dir, 'units.json');
  fs.writeFileSync(file, JSON.stringify([
    { id: 'veh-near', kind: 'vehicle', username: near.mqtt.username, password: near.mqtt.password, at: north(500), goto_speed: 80, ack_after: 0.5 },
    { id: 'veh-far', kind: 'vehicle', username: far.mqtt.username, password: far.mqtt.password, at: north(1500) },
  ]));
  const sim = new Proc('ecc-devsim', BIN.devsim, ['--units', file, '--mqtt-port', String(broker.port),
    '--events-every', '0', '--no-cameras', '--rate', '4'], { env: SLOW_UNWIND });
  cleanup(t, () => sim.stopClean());
  await waitFor(async () => (await request(hub, 'GET', '/api/v1/units', { token })).json.units.every((u) => u.online),
    { timeout: 15000, what: 'both units online' });

  const context = await launch(t);
  const page = await loginPage(context, hub);
  await page.waitForSelector('#incidents:not([hidden]) #incident-new');
  assert.match(await page.textContent('#incidents'), /应急调度/);
  assert.match(await page.textContent('#incident-list'), /暂无未结事件/);

  // Pick the site on the map, fill the form.
  await page.click('#incident-new');
  assert.match(await page.textContent('#incident-new'), /请在地图上点选位置/);
  const box = await page.locator('#map').boundingBox();
  const pt = await page.evaluate(({ lat, lon }) => {
    const p = window.__ecc.map.latLngToContainerPoint(window.__ecc.toMap(lat, lon));
    return { x: p.x, y: p.y };
  }, SITE);
  await page.mouse.click(box.x + pt.x, box.y + pt.y);
  await page.waitForSelector('#incident-form[open]');
  await page.selectOption('#inc-source', 'call110');
  await page.selectOption('#inc-urgency', 'urgent');
  await page.fill('#inc-summary', '执行110：被执行人车辆出现在人民广场');
  await page.click('#inc-submit');

  // The incident dialog opens with the candidates, nearest online first.
  await page.waitForSelector('#incident-dialog[open] #inc-candidates li');
  const ranked = await page.$$eval('#inc-candidates li', (lis) => lis.map((li) => li.dataset.unit));
  assert.deepEqual(ranked, ['veh-near', 'veh-far']);
  assert.match(await page.textContent('#inc-candidates li:first-child'), /0\.[45]\d 公里/);
  const { incidents } = (await request(hub, 'GET', '/api/v1/incidents', { token })).json;
  assert.equal(incidents.length, 1);
  const inc = incidents[0];
  assert.equal(inc.source, 'call110');
  assert.equal(inc.urgency, 'urgent');
  const off = Math.hypot((inc.lat - SITE.lat) * 111195, (inc.lon - SITE.lon) * 111195 * Math.cos(SITE.lat * Math.PI / 180));
  assert.ok(off < 30, `the clicked point is ${off.toFixed(1)} m from the intended site`);
  assert.equal(await page.evaluate(() => window.__ecc.incidents.markers.size), 1, 'the site is marked on the map');

  // One click dispatches; acknowledgment and arrival come back by themselves.
  await page.click('#inc-candidates li[data-unit="veh-near"] button.dispatch');
  await sim.waitForOutput(/unit=veh-near: heading to/, 10000);
  await page.waitForSelector('#incident-dialog .inc-units li[data-unit="veh-near"] .arrived', { timeout: 20000 });
  assert.match(await page.textContent('#inc-state'), /已到场/);
  assert.match(await page.textContent('#incident-list'), /已到场/);
  await page.screenshot({ path: artifact('operations-incidents-1920.png') });

  await page.click('#incident-dialog .close');

  // The dispatch's instruction on the instructions panel, acknowledged;
  // an instruction sent from the wall reaches the other unit.
  await page.waitForSelector('#instr-list .deliveries li[data-recipient="veh-near"].d-acked');
  await page.click('#instr-new');
  await page.selectOption('#instr-kind', 'unit');
  await page.fill('#instr-target', 'veh-far');
  await page.fill('#instr-text', '原地待命');
  await page.click('#instr-send');
  await sim.waitForOutput(/unit=veh-far: instruction \d+ acknowledged/, 10000);
  await page.waitForSelector('#instr-list .deliveries li[data-recipient="veh-far"].d-acked', { timeout: 10000 });
  assert.match(await page.textContent('#instr-list li:first-child'), /原地待命.*veh-far.*确认 \d\d:\d\d:\d\d/s);
  // A report up to a named leader (here the logged-in admin): told at
  // once, acknowledged with one click on the leader's own screen.
  await page.click('#rep-new');
  await page.fill('#rep-leaders', 'admin');
  await page.fill('#rep-text', '现场发生冲突，请求指示');
  await page.click('#rep-send');
  await page.waitForSelector('#rep-list .leaders li[data-leader="admin"].told button.ack');
  await page.click('#rep-list .leaders li[data-leader="admin"] button.ack');
  await page.waitForSelector('#rep-list .leaders li[data-leader="admin"].acked');
  const rep = (await request(hub, 'GET', '/api/v1/reports', { token })).json.reports[0];
  assert.equal(rep.text, '现场发生冲突，请求指示');
  assert.ok(rep.leaders[0].acked_at >= rep.leaders[0].told_at);
  await page.screenshot({ path: artifact('operations-instructions-1920.png') });

  // English from the catalogue; closing removes the incident and its marker.
  await page.click('#lang');
  assert.match(await page.textContent('#incidents h2'), /Incidents/);
  assert.match(await page.textContent('#incident-list'), /Arrived/);
  assert.match(await page.textContent('#instructions h2'), /Instructions/);
  assert.match(await page.textContent('#reports-up'), /Reports up.*acknowledged \d\d:\d\d:\d\d/s);
  await page.click('#incident-list li');
  await page.waitForSelector('#incident-dialog[open] #inc-outcome');
  await page.fill('#inc-outcome', '车辆已查封');
  await page.click('#inc-close');
  await page.waitForFunction(() => window.__ecc.incidents.markers.size === 0);
  assert.match(await page.textContent('#incident-list'), /No open incidents/);
  assert.equal((await request(hub, 'GET', `/api/v1/incidents/${inc.id}`, { token })).json.incident.outcome, '车辆已查封');
  assert.deepEqual(page.errors, []);
});
