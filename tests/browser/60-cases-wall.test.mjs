// The wall's case-node panel, the case page, node supervision and reports in
// headless Chromium: an overdue node shows on the wall within seconds under
// its team; one click opens the case, where a node is recorded done; the
// supervision page filters by state and team and opens a case in one click;
// the reports page draws its charts from the same figures as the API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, request, addUser } from '../lib/harness.mjs';
import { launch, loginPage, artifact } from '../lib/browser.mjs';

test('cases on the wall and their pages', async (t) => {
  const { hub, token } = await stack(t, 'cases-wall', { cases: { scan_seconds: 1 } });
  await addUser(hub, token, 'judge1', 'judge', { display_name: '张法官' });
  await addUser(hub, token, 'duty1', 'duty');
  const add = (body) => request(hub, 'POST', '/api/v1/cases', { token, body });
  assert.equal((await add({ number: '（2026）黑0781执700号', filed_on: '2026-11-20', judge: 'judge1', team: '执行一组' })).status, 201);

  const context = await launch(t);
  const page = await loginPage(context, hub, 'duty1', 'Test-Pass-2025!');
  await page.waitForFunction(() => window.__ecc?.board?.board, null, { timeout: 10000 });

  // A case filed three weeks ago: its nodes are overdue; the wall shows it
  // under its team within seconds, without a reload.
  const t0 = Date.now();
  const r = await add({ number: '(2026)黑0781执701号', filed_on: '2026-11-02', judge: 'judge1', team: '执行二组',
    applicants: '某银行', respondents: '某公司' });
  assert.equal(r.status, 201);
  const id = r.json.case.id;
  await page.waitForSelector(`.case-team[data-team="执行二组"] li[data-case="${id}"]`, { timeout: 10000 });
  const took = Date.now() - t0;
  t.diagnostic(`overdue node on the wall ${took} ms after the case was added`);
  assert.ok(took < 10000);
  const block = await page.textContent('.case-team[data-team="执行二组"]');
  assert.match(block, /超期 \d+/);
  assert.match(block, /（2026）黑0781执701号/);
  assert.match(block, /张法官/);
  await page.screenshot({ path: artifact('cases-wall.png') });
  assert.deepEqual(page.errors, []);

  await t.test('one click opens the case; a node is recorded done there', async () => {
    await page.click(`.case-team[data-team="执行二组"] li[data-case="${id}"] a.case-link`);
    await page.waitForURL(/\/case\.html\?id=/);
    await page.waitForSelector('.case-node-table tr[data-code="notice"]');
    assert.match(await page.textContent('h1.case-number'), /（2026）黑0781执701号/);
    assert.match(await page.textContent('tr[data-code="notice"]'), /2026-11-05.*已超期/);
    await page.click('tr[data-code="notice"] button.mark-done');
    await page.waitForSelector('tr[data-code="notice"].node-done');
    assert.match(await page.textContent('tr[data-code="notice"]'), /duty1.*逾期完成/);
    const c = (await request(hub, 'GET', `/api/v1/cases/${id}`, { token })).json.case;
    assert.equal(c.nodes.find((n) => n.code === 'notice').done_by, 'duty1');
    // Search in the half-width form finds it.
    await page.goto(`${hub.url}/case.html?q=${encodeURIComponent('(2026)黑0781执701号')}`);
    await page.waitForSelector('h1.case-number');
    assert.match(await page.textContent('h1.case-number'), /（2026）黑0781执701号/);
    await page.screenshot({ path: artifact('cases-case.png'), fullPage: true });
  });

  await t.test('supervision: filter by state and team, one click to the case', async () => {
    await page.goto(`${hub.url}/supervision.html?state=overdue`);
    await page.waitForSelector('body[data-ready="1"]');
    const rows = await page.$$eval('#sup-table tr[data-case]', (trs) => trs.map((tr) => tr.dataset.case));
    const api = (await request(hub, 'GET', '/api/v1/cases/supervision?state=overdue&limit=500', { token })).json;
    assert.equal(rows.length, api.nodes.length);
    assert.ok(rows.length > 0);
    assert.match(await page.textContent('#sup-total'), new RegExp(`${api.total}`));
    await page.selectOption('#f-team', '执行一组');
    await page.waitForFunction(() => [...document.querySelectorAll('#sup-table tr[data-case]')]
      .every((tr) => tr.textContent.includes('执行一组')));
    await page.selectOption('#f-team', '执行二组');
    await page.waitForFunction((cid) => [...document.querySelectorAll('#sup-table tr[data-case]')]
      .every((tr) => tr.dataset.case === String(cid)), id);
    await page.screenshot({ path: artifact('cases-supervision.png'), fullPage: true });
    await page.click('#sup-table tr[data-case] td.node-name');
    await page.waitForURL(new RegExp(`/case\\.html\\?id=${id}$`));
  });

  await t.test('supervision pages through the next nodes, forth and back', async () => {
    await page.goto(`${hub.url}/supervision.html?per=1`);
    await page.waitForSelector('body[data-ready="1"]');
    const shown = () => page.$$eval('#sup-table tr[data-case]', (trs) => trs.map((tr) => Number(tr.dataset.case)));
    const all = (await request(hub, 'GET', '/api/v1/cases/supervision?limit=1000', { token })).json.nodes.map((n) => n.case);
    assert.ok(all.length >= 2, `${all.length} cases`);
    assert.deepEqual(await shown(), all.slice(0, 1));
    assert.equal(await page.isDisabled('#sup-prev'), true);
    await page.click('#sup-next');
    await page.waitForFunction(() => document.getElementById('sup-range').textContent.includes('2'));
    assert.deepEqual(await shown(), all.slice(1, 2));
    await page.click('#sup-prev');
    await page.waitForFunction(() => document.getElementById('sup-prev').disabled);
    assert.deepEqual(await shown(), all.slice(0, 1));
  });

  await t.test('reports draw their charts from the API figures', async () => {
    await page.goto(`${hub.url}/reports.html?period=daily&from=2026-11-01&to=2026-11-23`);
    await page.waitForSelector('body[data-ready="1"]');
    const charts = await page.evaluate(() => window.__eccReport.charts.map((c) => c.data.datasets.map((d) => d.data.reduce((a, b) => a + b, 0))));
    const api = (await request(hub, 'GET', '/api/v1/cases/reports/daily?from=2026-11-01&to=2026-11-23', { token })).json;
    assert.equal(charts.length, 3);
    assert.deepEqual(charts[0], [api.total.received, api.total.closed, api.total.closed_in_period]);
    assert.equal(api.total.received, 2);
    assert.equal(await page.textContent('tr.rep-total td[data-k="received"]'), '2');
    assert.match(await page.getAttribute('#rep-csv', 'href'), /format=csv/);
    await page.screenshot({ path: artifact('cases-reports.png'), fullPage: true });
    assert.deepEqual(page.errors, []);
  });
});
