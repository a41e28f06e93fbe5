// Importing cases from a court system's export: each bad row is reported
// with its line and reason, the good rows still import, and a re-import
// updates the cases it names (keyed by the canonical number) rather than
// adding them twice; CSV and JSON alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, request, addUser } from '../lib/harness.mjs';

const CSV = [
  '案号,立案日期,申请执行人,被执行人,执行标的,承办法官,执行团队,需拍卖', // line 1
  '（2026）黑0781执301号,2026-11-02,某银行股份有限公司,"张三、李四",120000,张法官,执行一组,否', // 2
  '2026黑0781执302号,2026-11-02,王五,赵六,5000,张法官,执行一组,否', // 3: bad number
  '(2026)黑0781执303号,2026/11/3,"钱七',  // 4: a quoted field over two lines
  '(申请人代理)",孙八,"1,000,000",judge2,执行二组,是', // 5
  '（2026）黑0781执304号,2026-13-01,周九,吴十,100,judge2,执行二组,否', // 6: bad date
  '（2026）黑0781执305号,2026-11-04,郑十一,王十二,abc,judge2,执行二组,否', // 7: bad amount
  '（2026）黑0781执306号,2026-11-04,冯十三,陈十四', // 8: too few fields
  '(2026)黑0781执301号,2026-11-02,某银行,张三,1,张法官,执行一组,否', // 9: the same case as line 2
  '', // a blank line is skipped
  '（2026）黑0781执307号,2026-11-05,褚十五,卫十六,,,执行一组,', // 11: good, few facts
].join('\r\n');

test('import: bad rows reported, good rows imported, re-import updates', async (t) => {
  const { hub, token } = await stack(t, 'cases-import');
  await addUser(hub, token, 'judge1', 'judge', { display_name: '张法官' });
  const judge2 = await addUser(hub, token, 'judge2', 'judge');
  const officer = await addUser(hub, token, 'officer1', 'officer', { team: '执行一组' });
  const imp = (body, format, tok = token) => request(hub, 'POST', `/api/v1/cases/import${format ? `?format=${format}` : ''}`,
    { token: tok, raw: body, headers: { 'content-type': format === 'json' ? 'application/json' : 'text/csv' } });
  const all = async () => (await request(hub, 'GET', '/api/v1/cases?limit=500', { token })).json;

  await t.test('a CSV export: each bad row with its line and reason', async () => {
    const r = await imp(`\uFEFF${CSV}`);
    assert.equal(r.status, 200, r.text);
    const res = r.json;
    assert.equal(res.format, 'csv');
    assert.equal(res.created, 3, JSON.stringify(res));
    assert.equal(res.updated, 0);
    assert.equal(res.rejected, 5);
    const byLine = Object.fromEntries(res.errors.map((e) => [e.line, e]));
    assert.deepEqual(Object.keys(byLine).map(Number).sort((x, y) => x - y), [3, 6, 7, 8, 9]);
    assert.match(byLine[3].error, /案号.*not a case number/);
    assert.match(byLine[6].error, /立案日期.*not a date/);
    assert.match(byLine[7].error, /执行标的.*amount/);
    assert.match(byLine[8].error, /fields/);
    assert.match(byLine[9].error, /same case as row 1/);
    assert.equal(byLine[9].number, '（2026）黑0781执301号');
    const cases = (await all()).cases;
    assert.deepEqual(cases.map((c) => c.number).sort(),
      ['（2026）黑0781执301号', '（2026）黑0781执303号', '（2026）黑0781执307号']);
    const c303 = cases.find((c) => c.number.endsWith('303号'));
    assert.equal(c303.filed_on, '2026-11-03');
    assert.deepEqual(c303.applicants, ['钱七 (申请人代理)'], 'a cell over two lines, its break a space');
    assert.equal(c303.amount, 1000000);
    assert.equal(c303.auction, true);
    assert.equal(c303.triage_suggested, 'complex');
    assert.equal(c303.judge, 'judge2');
    const c301 = cases.find((c) => c.number.endsWith('301号'));
    assert.equal(c301.judge, 'judge1', 'the display name 张法官 is judge1');
    assert.deepEqual(c301.respondents, ['张三', '李四']);
    // The imported cases carry their nodes.
    const one = (await request(hub, 'GET', `/api/v1/cases/${c301.id}`, { token })).json.case;
    assert.equal(one.nodes.find((n) => n.code === 'notice').due, '2026-11-05');
  });

  await t.test('a re-import updates rather than duplicates', async () => {
    const again = [
      'number,filed_on,amount,judge,team',
      '(2026)黑0781执301号,2026-11-02,150000,judge2,执行二组', // the half-width form of 301
      '（2026）黑0781执303号,2026-11-03,900000,judge2,执行二组',
      '（2026）黑0781执308号,2026-11-06,42,judge2,执行二组',
    ].join('\n');
    const r = await imp(again, 'csv');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.created, 1);
    assert.equal(r.json.updated, 2);
    assert.equal(r.json.rejected, 0);
    const { cases, total } = await all();
    assert.equal(total, 4, 'no duplicates');
    const c301 = cases.find((c) => c.number.endsWith('301号'));
    assert.equal(c301.amount, 150000);
    assert.equal(c301.team, '执行二组');
    assert.deepEqual(c301.respondents, ['张三', '李四'], 'fields the re-import leaves out stay');
    // The case moved team: its nodes follow (judge2 sees it, officer1 of 执行一组 no longer).
    assert.equal((await request(hub, 'GET', `/api/v1/cases/${c301.id}`, { token: officer })).status, 403);
    const sup = (await request(hub, 'GET', '/api/v1/cases/supervision', { token: judge2 })).json.nodes;
    assert.ok(sup.some((n) => n.case === c301.id && n.team === '执行二组'));
  });

  await t.test('a JSON export: bad items by position, good ones imported', async () => {
    const body = JSON.stringify({ cases: [
      { number: '（2026）黑0781执309号', filed_on: '2026-11-09', applicants: ['甲'], respondents: ['乙'], amount: 1000, team: '执行一组' },
      { number: '（2026）黑0781执310号' },
      'not an object',
      { number: '(2026)黑0781执308号', filed_on: '2026-11-06', amount: 43 },
    ] });
    const r = await imp(body, 'json');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.created, 1);
    assert.equal(r.json.updated, 1);
    assert.deepEqual(r.json.errors.map((e) => e.row), [2, 3]);
    assert.match(r.json.errors[0].error, /filing date/);
    assert.equal((await all()).total, 5);
  });

  await t.test('not CSV or JSON at all: 400; the wrong role: 403; audited', async () => {
    assert.equal((await imp('{"cases": 3}', 'json')).status, 400);
    assert.equal((await imp('', 'csv')).status, 400);
    assert.equal((await imp('number\n"unterminated', 'csv')).status, 200);
    assert.equal((await imp(CSV, 'csv', officer)).status, 403);
    const audit = (await request(hub, 'GET', '/api/v1/audit?limit=50', { token })).json.entries
      .filter((e) => e.action === 'case.import');
    assert.ok(audit.length >= 3);
    assert.match(audit.at(-1).detail, /"created":3/);
  });
});
