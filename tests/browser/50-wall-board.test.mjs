// The wallboard as duty staff use it, in headless Chromium at 1920x1080 and
// 3840x2160: the header (court, clock in Asia/Shanghai), one marker per unit
// online, a position from mosquitto_pub moving its marker within 1 s, the
// unit list's search and filters in step with the map, the unit card, the
// video wall's layouts and units dragged onto tiles, an SOS from
// mosquitto_pub shown within 2 s with its unit's tile popped and the unit
// ringed on the map, escalation shown, acknowledged with one click and seen
// in a second browser, the language toggle (remembered), and the page
// living through a hub restart without a reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, addUnit, addUser, mqttConnect, mosquittoPub, request, waitFor, sleep } from '../lib/harness.mjs';
import { launch, loginPage, artifact } from '../lib/browser.mjs';

const COURT = '黑龙江省南岔县人民法院';
const UNITS = [
  { id: 'bc-01', name: '张伟', kind: 'bodycam', team: '执行一组', lat: 47.136, lon: 129.28 },
  { id: 'hh-02', name: '李娜', kind: 'handheld', team: '执行一组', lat: 47.139, lon: 129.29 },
  { id: 'veh-03', name: '指挥车一号', kind: 'vehicle', team: '执行二组', lat: 47.141, lon: 129.285 },
  { id: 'dr-04', name: '无人机一号', kind: 'drone', team: '执行二组', lat: 47.135, lon: 129.292 },
];

const drawnIds = (page) => page.evaluate(() => window.__ecc.layer.drawn.map((d) => d.id).sort());
const listIds = (page) => page.evaluate(() => [...document.querySelectorAll('#unit-list li')].map((li) => li.dataset.unit).sort());

// Drags with the mouse from (x0, y0) to the centre of a wall tile.
async function dragTo(page, x0, y0, tile) {
  const box = await page.locator('.wall-tile').nth(tile).boundingBox();
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  await page.mouse.move(x0 + 20, y0 + 10, { steps: 3 });
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 10 });
  await page.mouse.up();
}

test('the wallboard: layout, map, list, video wall, alerts, language, hub restart', async (t) => {
  // Units stay online for the whole test however slow the machine is.
  const { hub, broker, token } = await stack(t, 'wall', { hub: { court_name: COURT }, alerts: { escalate_after: 3 },
    telemetry: { offline_after: 600 } });
  const creds = {}, clients = {};
  for (const u of UNITS) {
    const r = await addUnit(hub, token, { id: u.id, name: u.name, kind: u.kind, team: u.team });
    creds[u.id] = r.mqtt;
    clients[u.id] = await mqttConnect(broker, { username: r.mqtt.username, password: r.mqtt.password });
  }
  await addUnit(hub, token, { id: 'bc-09', name: '离线单元', kind: 'bodycam', team: '执行二组' }); // never reports
  t.after(async () => { for (const c of Object.values(clients)) await c.endAsync(); });
  const send = (u, lat, lon, extra = {}) => clients[u.id].publishAsync(`ecc/unit/${u.id}/telemetry`,
    JSON.stringify({ ts: Date.now(), lat, lon, heading: 90, speed: 5, battery: 76, signal: 4, ...extra }), { qos: 1 });
  for (const u of UNITS) await send(u, u.lat, u.lon);
  // bc-01 has a camera (no gateway here: its tile shows the player waiting).
  const s = await request(hub, 'POST', '/api/v1/streams', { token, body: { unit: 'bc-01', url: 'rtsp://127.0.0.1:1/cam' } });
  assert.equal(s.status, 201, s.text);
  await waitFor(async () => (await request(hub, 'GET', '/api/v1/units', { token })).json.units.filter((u) => u.online).length === 4,
    { what: 'four units online' });

  const context = await launch(t);
  const page = await loginPage(context, hub);

  // ---- both resolutions: what a person sees from five metres ----
  for (const [w, h] of [[1920, 1080], [3840, 2160]]) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForFunction(() => window.__ecc?.layer.drawn.length === 4, null, { timeout: 10000 });
    const online = (await request(hub, 'GET', '/api/v1/units', { token })).json.units.filter((u) => u.online).map((u) => u.id).sort();
    assert.deepEqual(await drawnIds(page), online, `${w}: one marker per unit online`);
    assert.equal(await page.textContent('#court-name'), COURT);
    const shanghai = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false });
    await waitFor(async () => {
      const clock = await page.textContent('#clock');
      return [Date.now() - 1000, Date.now()].some((ms) => clock.includes(shanghai.format(ms)));
    }, { what: 'the clock shows Shanghai time' });
    const geo = await page.evaluate(() => {
      const r = (sel) => document.querySelector(sel).getBoundingClientRect();
      const px = (sel) => parseFloat(getComputedStyle(document.querySelector(sel)).fontSize);
      return { map: r('#map'), left: r('.panel.left'), right: r('.panel.right'), top: r('header.top'),
        scroll: document.documentElement.scrollHeight, body: px('body'), court: px('.court'), h2: px('.panel h2') };
    });
    assert.ok(geo.scroll <= h, `${w}: the page fits the screen (${geo.scroll} px high)`);
    assert.ok(geo.left.right <= geo.map.left + 1 && geo.map.right <= geo.right.left + 1, `${w}: list, map, wall side by side`);
    assert.ok(geo.map.width >= w * 0.4 && geo.map.height >= h * 0.6, `${w}: the map is the centre (${geo.map.width}x${geo.map.height})`);
    assert.ok(geo.body >= h / 60 && geo.court >= h / 38, `${w}: large type (${geo.body} px, court ${geo.court} px)`);
    await page.screenshot({ path: artifact(`wall-board-${w}x${h}.png`) });
  }
  await page.setViewportSize({ width: 1920, height: 1080 });
  assert.match(await page.textContent('#online-count'), /4 \/ 5/);

  // ---- a position from mosquitto_pub moves its marker within 1 s ----
  const moves = [];
  const firstMove = Date.now();
  for (let i = 1; i <= 3; i++) {
    const before = await page.evaluate(() => window.__ecc.layer.drawn.find((d) => d.id === 'veh-03'));
    const t0 = Date.now();
    await mosquittoPub(broker, { username: creds['veh-03'].username, password: creds['veh-03'].password,
      topic: 'ecc/unit/veh-03/telemetry',
      message: JSON.stringify({ ts: Date.now(), lat: 47.141 - i * 0.002, lon: 129.285 + i * 0.002, heading: 135, speed: 8.5 }) });
    await page.waitForFunction((b) => {
      const d = window.__ecc.layer.drawn.find((x) => x.id === 'veh-03');
      return d && Math.hypot(d.x - b.x, d.y - b.y) > 3;
    }, before, { timeout: 1000, polling: 'raf' });
    moves.push(Date.now() - t0);
  }
  t.diagnostic(`mosquitto_pub -> marker moved: ${moves.join(', ')} ms`);

  // ---- the list's search and filters, in step with the map ----
  await page.selectOption('#f-kind', 'vehicle');
  await waitFor(async () => (await listIds(page)).join() === 'veh-03', { what: 'only the vehicle listed' });
  await waitFor(async () => (await drawnIds(page)).join() === 'veh-03', { what: 'only the vehicle drawn' });
  await page.selectOption('#f-kind', '');
  await page.selectOption('#f-team', '执行二组');
  await waitFor(async () => (await listIds(page)).join() === 'bc-09,dr-04,veh-03', { what: 'team 二组 listed' });
  await page.selectOption('#f-state', 'offline');
  await waitFor(async () => (await listIds(page)).join() === 'bc-09', { what: 'the offline unit' });
  assert.deepEqual(await drawnIds(page), []);
  await page.selectOption('#f-team', '');
  await page.selectOption('#f-state', '');
  await page.fill('#unit-search', '李娜');
  await waitFor(async () => (await listIds(page)).join() === 'hh-02', { what: 'search by name' });
  await page.fill('#unit-search', '');
  await waitFor(async () => (await drawnIds(page)).length === 4, { what: 'all markers back' });

  // Select in the list: the map follows and the card opens; a marker click
  // selects in the list.
  await page.click('#unit-list li[data-unit="hh-02"]');
  await page.waitForFunction(() => window.__ecc.layer.selected === 'hh-02');
  await page.waitForSelector('#unit-card:not([hidden])[data-unit="hh-02"]');
  assert.match(await page.textContent('#unit-card h3'), /李娜/);
  assert.equal(await page.textContent('#unit-card dd[data-field="battery"]'), '76%');
  assert.equal(await page.textContent('#unit-card dd[data-field="team"]'), '执行一组');
  await page.click('#unit-card .close');
  const mapBox = await page.locator('#map').boundingBox();
  const veh = await page.evaluate(() => window.__ecc.layer.drawn.find((x) => x.id === 'veh-03'));
  await page.mouse.click(mapBox.x + veh.x, mapBox.y + veh.y);
  await page.waitForSelector('#unit-list li.selected[data-unit="veh-03"]');
  await page.waitForSelector('#unit-card:not([hidden])[data-unit="veh-03"]');
  assert.match(await page.textContent('#unit-card dd[data-field="speed"]'), /30\.6/); // 8.5 m/s
  await page.click('#unit-card .close');
  // The selected unit's trail of the last minutes is drawn: a point every
  // 5 s, so a position 5 s after the first move makes its second point.
  await sleep(Math.max(0, firstMove + 5100 - Date.now()));
  await mosquittoPub(broker, { username: creds['veh-03'].username, password: creds['veh-03'].password,
    topic: 'ecc/unit/veh-03/telemetry',
    message: JSON.stringify({ ts: Date.now(), lat: 47.135, lon: 129.291, heading: 135, speed: 8.5 }) });
  await page.waitForFunction(() => window.__ecc.layer.trailed.includes('veh-03'));
  assert.ok(await page.evaluate(() => window.__ecc.store.trails.get('veh-03').length) >= 2);
  // Zoomed out, nearby units merge into one counted disc; a click on it zooms in.
  const zoom = await page.evaluate(() => window.__ecc.map.getZoom());
  await page.evaluate(() => { window.__ecc.map.setZoom(8, { animate: false }); });
  await page.waitForFunction(() => window.__ecc.layer.drawn.length === 4 && window.__ecc.layer.drawn.every((d) => d.cluster === 4));
  await page.screenshot({ path: artifact('wall-board-cluster.png') });
  const disc = await page.evaluate(() => window.__ecc.layer.drawn[0]);
  await page.mouse.click(mapBox.x + disc.x, mapBox.y + disc.y);
  await page.waitForFunction(() => window.__ecc.map.getZoom() >= 11 && window.__ecc.layer.drawn.every((d) => !d.cluster));
  await page.evaluate((z) => { window.__ecc.map.setZoom(z, { animate: false }); }, zoom);
  await page.waitForFunction(() => window.__ecc.layer.drawn.length === 4);

  // ---- the video wall: 1/4/9/16 tiles, units dragged onto tiles ----
  for (const n of [9, 16, 1, 4]) {
    await page.click(`#wall-layouts button[data-layout="${n}"]`);
    assert.equal(await page.locator('.wall-tile').count(), n, `${n} tiles`);
    if (n === 16) await page.screenshot({ path: artifact('wall-board-16-tiles.png') });
  }
  assert.equal(await page.evaluate(() => localStorage.getItem('ecc.wall.layout')), '4');
  const li = await page.locator('#unit-list li[data-unit="hh-02"]').boundingBox();
  await dragTo(page, li.x + li.width / 2, li.y + li.height / 2, 2);
  await page.waitForSelector('.wall-tile:nth-child(3)[data-unit="hh-02"]');
  assert.equal(await page.textContent('.wall-tile:nth-child(3) .wall-caption'), '李娜');
  assert.equal(await page.textContent('.wall-tile:nth-child(3) .wall-note'), '该单元没有视频流');
  const veh2 = await page.evaluate(() => window.__ecc.layer.drawn.find((x) => x.id === 'veh-03'));
  await dragTo(page, mapBox.x + veh2.x, mapBox.y + veh2.y, 3);
  await page.waitForSelector('.wall-tile:nth-child(4)[data-unit="veh-03"]');
  // The map did not pan under the drag.
  const veh3 = await page.evaluate(() => window.__ecc.layer.drawn.find((x) => x.id === 'veh-03'));
  assert.ok(Math.hypot(veh3.x - veh2.x, veh3.y - veh2.y) < 2, 'the map stayed put while a marker was dragged');
  // bc-01 (a stream, not yet on the wall: the wall starts with live streams
  // only) is dragged away again later by the SOS.
  assert.equal(await page.locator('.wall-tile[data-unit="bc-01"]').count(), 0);

  // ---- an SOS: alert within 2 s, tile popped, unit ringed; second browser ----
  await addUser(hub, token, 'wang', 'duty', { display_name: '王值班' });
  const context2 = await launch(t);
  const page2 = await loginPage(context2, hub, 'wang', 'Test-Pass-2025!');
  await page2.waitForSelector('#alert-list');
  await page2.waitForFunction(() => window.__ecc?.bus);
  const chimes = await page.evaluate(() => window.__ecc.alerts.chime.played);
  const t0 = Date.now();
  await mosquittoPub(broker, { username: creds['bc-01'].username, password: creds['bc-01'].password,
    topic: 'ecc/unit/bc-01/event', message: JSON.stringify({ ts: Date.now(), kind: 'sos' }) });
  await page.waitForSelector('#alert-list li.sev-critical.open', { timeout: 2000 });
  const shownMs = Date.now() - t0;
  t.diagnostic(`mosquitto_pub sos -> alert shown: ${shownMs} ms`);
  assert.match(await page.textContent('#alert-list li.sev-critical'), /张伟.*紧急求助/);
  await page.waitForSelector('.wall-tile.wall-alert[data-unit="bc-01"]', { timeout: 3000 });
  assert.equal(await page.evaluate(() => window.__ecc.layer.highlighted.has('bc-01')), true, 'the unit ringed on the map');
  await page.waitForSelector('#unit-list li.selected[data-unit="bc-01"]');
  assert.equal(await page.evaluate(() => window.__ecc.alerts.chime.played), chimes + 1, 'a chime for the SOS');
  assert.equal(await page.evaluate(() => window.__ecc.layer.drawn.find((d) => d.id === 'bc-01').state), 'alerting');
  await page.screenshot({ path: artifact('wall-board-sos.png') });
  // Escalated when nobody acknowledges ([alerts] escalate_after = 3).
  await page.waitForSelector('#alert-list li.sev-critical.escalated .esc', { timeout: 8000 });
  assert.match(await page2.textContent('#alert-list li.sev-critical'), /已上报指挥长/);
  // One click acknowledges; the second browser sees it.
  await page.click('#alert-list li.sev-critical button.ack');
  await page2.waitForSelector('#alert-list li.sev-critical.acked', { timeout: 2000 });
  assert.match(await page2.textContent('#alert-list li.sev-critical'), /已确认 · admin/);
  // The statistics strip: units by kind, alerts open, the median time to
  // acknowledge today, positions per second from /metrics.
  const openNow = (await request(hub, 'GET', '/api/v1/alerts?state=open', { token })).json.alerts.length;
  await page.waitForFunction((n) => document.querySelector('#stat-alerts-open b')?.textContent === String(n), openNow);
  await page.waitForFunction(() => /\d+ 秒/.test(document.querySelector('#stat-ack-median b').textContent));
  const stats = await page.evaluate(() => {
    const k = window.__ecc.stats.charts.kinds.data;
    return { labels: k.labels, online: k.datasets[0].data, offline: k.datasets[1].data,
      rates: window.__ecc.stats.rates, ack: window.__ecc.stats.figures.ack_median_ms };
  });
  assert.deepEqual(stats.labels, ['执法记录仪', '单兵', '指挥车', '无人机']);
  assert.deepEqual(stats.online, [1, 1, 1, 1]);
  assert.deepEqual(stats.offline, [1, 0, 0, 0]);
  assert.ok(stats.ack > 1000 && stats.ack < 60000, `median acknowledgment ${stats.ack} ms`);
  assert.ok(stats.rates.some((r) => r > 0), `positions per second sampled: ${stats.rates.map((r) => r.toFixed(2))}`);
  // The charts keep to their strip (Chart.js sizes to its box), after a minute of updates.
  const strip = await page.evaluate(() => {
    const r = document.getElementById('stats').getBoundingClientRect();
    const c = [...document.querySelectorAll('#stats canvas')].map((x) => x.getBoundingClientRect());
    return { bottom: r.bottom, top: r.top, inside: c.every((x) => x.top >= r.top - 1 && x.bottom <= r.bottom + 1), h: innerHeight };
  });
  assert.ok(strip.inside && strip.bottom <= strip.h + 1, `the statistics strip fits: ${JSON.stringify(strip)}`);
  // The filter by state.
  await page.selectOption('#alert-filter', 'open');
  assert.equal(await page.locator('#alert-list li.sev-critical').count(), 0);
  await page.selectOption('#alert-filter', 'acked');
  assert.equal(await page.locator('#alert-list li.sev-critical').count(), 1);
  await page.selectOption('#alert-filter', '');

  // ---- the language toggle, remembered ----
  await page.click('#lang');
  assert.equal(await page.textContent('.panel.left h2'), 'Field units');
  assert.equal(await page.textContent('.panel.right h2'), 'Video wall');
  assert.match(await page.textContent('#alert-list li.sev-critical'), /SOS/);
  assert.equal(await page.textContent('#f-kind option[value=""]'), 'All kinds');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await page.reload();
  await page.waitForFunction(() => window.__ecc?.layer.drawn.length === 4, null, { timeout: 10000 });
  assert.equal(await page.textContent('.panel.left h2'), 'Field units');
  assert.match(await page.textContent('#online-count'), /Online 4 \/ 5/);
  // The wall came back as it was (remembered per screen).
  await page.waitForSelector('.wall-tile:nth-child(3)[data-unit="hh-02"]');
  await page.waitForSelector('.wall-tile:nth-child(4)[data-unit="veh-03"]');
  await page.waitForSelector('.wall-tile[data-unit="bc-01"]');
  await page.screenshot({ path: artifact('wall-board-en.png') });
  await page.click('#lang');
  assert.equal(await page.textContent('.panel.left h2'), '执法单元');

  // ---- a hub restart: the banner while away, markers back without a reload ----
  const snaps = await page.evaluate(() => window.__ecc.store.snapshots);
  await page.evaluate(() => { window.__notReloaded = true; });
  await hub.proc.stopClean();
  await page.waitForSelector('#banner:not([hidden])', { timeout: 5000 });
  assert.equal(await page.textContent('#banner'), '与指挥中心的连接已断开，正在重连…');
  await page.screenshot({ path: artifact('wall-board-hub-down.png') });
  await hub.start();
  await page.waitForFunction(() => document.getElementById('banner').hidden, null, { timeout: 15000 });
  await page.waitForFunction((n) => window.__ecc.store.snapshots > n, snaps, { timeout: 5000 });
  for (const u of UNITS) await send(u, u.lat + 0.001, u.lon);
  await page.waitForFunction(() => window.__ecc.layer.drawn.length === 4, null, { timeout: 5000 });
  const online = (await request(hub, 'GET', '/api/v1/units', { token })).json.units.filter((u) => u.online).map((u) => u.id).sort();
  assert.deepEqual(await drawnIds(page), online);
  assert.equal(await page.evaluate(() => window.__notReloaded), true, 'the page was not reloaded');
  assert.deepEqual(page.errors, []);
  assert.deepEqual(page2.errors, []);
});
