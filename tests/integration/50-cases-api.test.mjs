// Cases through the REST API: a case number is found in either bracket form;
// a judge sees only the own cases (403 on others), an officer the own team's,
// the center all; deadlines follow the holiday calendar (an adjusted working
// Saturday counts, a deadline into 2027 is provisional); nodes are recorded
// done with who and when; triage is suggested and confirmed; 终本 needs its
// conditions; every change is audited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, request, addUser } from '../lib/harness.mjs';

const A = '(2026)黑0781执100号';   // half-width brackets
const A_FULL = '（2026）黑0781执100号'; // the canonical form
const B = '（2026）黑0781执101号';

test('cases: numbers, scope, deadlines, nodes, triage, closing', async (t) => {
  const { hub, token } = await stack(t, 'cases-api');
  const judge1 = await addUser(hub, token, 'judge1', 'judge', { display_name: '张法官' });
  const judge2 = await addUser(hub, token, 'judge2', 'judge', { display_name: '李法官' });
  const officer1 = await addUser(hub, token, 'officer1', 'officer', { team: '执行一组' });
  const officer2 = await addUser(hub, token, 'officer2', 'officer', { team: '执行二组' });
  const duty = await addUser(hub, token, 'duty1', 'duty');
  const get = (tok, p) => request(hub, 'GET', p, { token: tok });
  const post = (tok, p, body) => request(hub, 'POST', p, { token: tok, body });
  let a, b;

  await t.test('a case is added in either bracket form and stored in the canonical one', async () => {
    const r = await post(duty, '/api/v1/cases', {
      number: A, filed_on: '2026-11-20', judge: '张法官', team: '执行一组',
      applicants: '某某建材有限公司、王五', respondents: ['赵六'], amount: 30000,
    });
    assert.equal(r.status, 201, r.text);
    a = r.json.case;
    assert.equal(a.number, A_FULL);
    assert.equal(a.judge, 'judge1', 'the display name of the export resolves to the user');
    assert.deepEqual(a.applicants, ['某某建材有限公司', '王五']);
    assert.equal(a.amount, 30000);
    assert.equal(a.triage_suggested, 'simple');
    assert.equal(a.triage, null, 'a person confirms the triage');
    const rb = await post(duty, '/api/v1/cases', {
      number: B, filed_on: '2026-11-20', judge: 'judge2', team: '执行二组',
      applicants: ['钱七'], respondents: ['孙八'], amount: '800,000.00', auction: true,
    });
    assert.equal(rb.status, 201, rb.text);
    b = rb.json.case;
    assert.equal(b.triage_suggested, 'complex');
    assert.match(b.triage_reason, /拍卖/);
    const dup = await post(duty, '/api/v1/cases', { number: A_FULL, filed_on: '2026-11-20' });
    assert.equal(dup.status, 409, 'the full-width form is the same case');
    for (const bad of ['2026黑0781执100号', '（2026）黑0781民100号', '（20x6）黑0781执1号', '']) {
      const r2 = await post(duty, '/api/v1/cases', { number: bad, filed_on: '2026-11-20' });
      assert.equal(r2.status, 400, bad);
      assert.equal(r2.json.error.code, 'bad_request');
    }
    assert.equal((await post(duty, '/api/v1/cases', { number: '（2026）黑0781执102号', filed_on: '2026-02-30' })).status, 400);
  });

  await t.test('search finds a number in either form, part of one, or a party', async () => {
    const q = async (s) => (await get(duty, `/api/v1/cases?q=${encodeURIComponent(s)}`)).json.cases.map((c) => c.number).sort();
    assert.deepEqual(await q(A), [A_FULL]);
    assert.deepEqual(await q(A_FULL), [A_FULL]);
    assert.deepEqual(await q('（２０２６）黑0781执100号'), [A_FULL], 'full-width digits too');
    assert.deepEqual(await q('(2026)黑0781执10'), [A_FULL, B].sort());
    assert.deepEqual(await q('黑0781执101'), [B]);
    assert.deepEqual(await q('建材'), [A_FULL]);
    assert.deepEqual(await q('100%'), []);
  });

  await t.test('a judge sees only the own cases and gets 403 on others', async () => {
    const list = (await get(judge1, '/api/v1/cases')).json;
    assert.deepEqual(list.cases.map((c) => c.number), [A_FULL]);
    assert.equal(list.total, 1);
    assert.equal((await get(judge1, `/api/v1/cases/${a.id}`)).status, 200);
    const denied = await get(judge1, `/api/v1/cases/${b.id}`);
    assert.equal(denied.status, 403);
    assert.equal(denied.json.error.code, 'forbidden');
    assert.equal((await post(judge1, `/api/v1/cases/${b.id}/triage`, { triage: 'simple' })).status, 403);
    assert.deepEqual((await get(judge2, '/api/v1/cases')).json.cases.map((c) => c.number), [B]);
    const sup = (await get(judge1, '/api/v1/cases/supervision')).json.nodes;
    assert.ok(sup.length >= 1 && sup.every((n) => n.case === a.id), 'supervision keeps the scope');
  });

  await t.test('an officer sees the cases of the own team', async () => {
    assert.deepEqual((await get(officer1, '/api/v1/cases')).json.cases.map((c) => c.number), [A_FULL]);
    assert.deepEqual((await get(officer2, '/api/v1/cases')).json.cases.map((c) => c.number), [B]);
    assert.equal((await get(officer1, `/api/v1/cases/${b.id}`)).status, 403);
    assert.equal((await get(officer2, `/api/v1/cases/${b.id}`)).status, 200);
    assert.equal((await get(duty, '/api/v1/cases')).json.total, 2, 'the center sees all');
    assert.equal((await post(officer1, '/api/v1/cases', { number: '（2026）黑0781执9号', filed_on: '2026-11-20' })).status, 403);
  });

  await t.test('deadlines count working days from the calendar files', async () => {
    const nodes = async (number, filed) => {
      const r = await post(duty, '/api/v1/cases', { number, filed_on: filed, judge: 'judge1', team: '执行一组' });
      assert.equal(r.status, 201, r.text);
      return Object.fromEntries(r.json.case.nodes.map((n) => [n.code, n]));
    };
    // Filed the day before National Day 2026: 3 working days end on the
    // adjusted working Saturday 10 Oct.
    const n1 = await nodes('（2026）黑0781执200号', '2026-09-30');
    assert.equal(n1.notice.due, '2026-10-10');
    assert.equal(n1.online_inquiry.due, '2026-10-08');
    assert.equal(n1.entry.due, '2026-09-30', '854 day 1: the filing day');
    assert.equal(n1.traditional_registered.due, '2026-10-15', '15 days, calendar days');
    assert.equal(n1.notice.provisional, false);
    // Filed 30 Dec 2026: the notice deadline reaches 2027, which has no file.
    const n2 = await nodes('（2026）黑0781执201号', '2026-12-30');
    assert.equal(n2.notice.due, '2027-01-04');
    assert.equal(n2.notice.provisional, true);
    assert.equal(n2.entry.provisional, false);
    const cal = (await get(duty, '/api/v1/cases/calendar')).json;
    assert.deepEqual(cal.years.map((y) => y.year), [2025, 2026]);
  });

  await t.test("a corrected filing date moves the case's deadlines", async () => {
    const r = await post(duty, '/api/v1/cases', { number: '（2026）黑0781执202号', filed_on: '2026-09-30', judge: 'judge1', team: '执行一组' });
    assert.equal(r.status, 201, r.text);
    const p = await request(hub, 'PATCH', `/api/v1/cases/${r.json.case.id}`, { token: duty, body: { filed_on: '2026-12-30' } });
    assert.equal(p.status, 200, p.text);
    const n = Object.fromEntries(p.json.case.nodes.map((x) => [x.code, x]));
    assert.equal(n.notice.due, '2027-01-04');
    assert.equal(n.notice.provisional, true);
    assert.equal(n.notice.from, '2026-12-30');
    // The other case filed on 30 Sep keeps its deadlines.
    const other = (await get(duty, '/api/v1/cases?q=' + encodeURIComponent('黑0781执200号'))).json.cases[0];
    const o = (await get(duty, `/api/v1/cases/${other.id}`)).json.case.nodes.find((x) => x.code === 'notice');
    assert.equal(o.due, '2026-10-10');
  });

  await t.test("supervision: each open case's next node, page by page (offset or cursor)", async () => {
    const all = (await get(duty, '/api/v1/cases/supervision?limit=1000')).json;
    assert.ok(all.nodes.length >= 3);
    assert.equal(all.total, all.nodes.length);
    assert.equal(all.next, null, 'the last page has no cursor');
    assert.equal(new Set(all.nodes.map((n) => n.case)).size, all.nodes.length, 'one row per case');
    for (const row of all.nodes) {
      const open = (await get(duty, `/api/v1/cases/${row.case}`)).json.case.nodes.filter((n) => !n.done_on && n.state !== 'void');
      assert.equal(row.due, open.map((n) => n.due).sort()[0], `case ${row.number}: its earliest open deadline`);
    }
    const dues = all.nodes.map((n) => n.due);
    assert.deepEqual(dues, [...dues].sort(), 'by deadline');
    const byCursor = [];
    for (let after = 0, i = 0; i < 20; i++) {
      const p = (await get(duty, `/api/v1/cases/supervision?limit=2${after ? `&after=${after}` : ''}`)).json;
      byCursor.push(...p.nodes.map((n) => n.node));
      if (!p.next) break;
      after = p.next;
    }
    const byOffset = [];
    for (let off = 0; off < all.nodes.length; off += 2)
      byOffset.push(...(await get(duty, `/api/v1/cases/supervision?limit=2&offset=${off}`)).json.nodes.map((n) => n.node));
    assert.deepEqual(byCursor, all.nodes.map((n) => n.node));
    assert.deepEqual(byOffset, all.nodes.map((n) => n.node));
    // A judge's own, by the judge's filter or scope.
    const j = (await get(duty, '/api/v1/cases/supervision?judge=judge1')).json;
    assert.equal(j.total, j.nodes.length);
    assert.deepEqual(j.nodes.map((n) => n.node), all.nodes.filter((n) => n.judge === 'judge1').map((n) => n.node));
    assert.deepEqual((await get(judge1, '/api/v1/cases/supervision')).json.nodes, j.nodes);
    assert.equal((await get(duty, '/api/v1/cases/supervision?after=x')).status, 400);
    // A judge's board: the own nodes only, as many as the own supervision lists.
    const jb = (await get(judge1, '/api/v1/cases/board')).json;
    const jnodes = jb.teams.flatMap((x) => x.nodes);
    assert.ok(jnodes.length > 0 && jnodes.every((n) => n.judge === 'judge1'));
    const jlate = (await get(judge1, '/api/v1/cases/supervision?state=overdue&limit=1000')).json;
    const jtoday = (await get(judge1, '/api/v1/cases/supervision?state=due_today&limit=1000')).json;
    assert.equal(jnodes.length, jlate.total + jtoday.total);
    assert.equal(jb.teams.reduce((s, x) => s + x.overdue + x.due_today, 0), jnodes.length);
    assert.deepEqual(jnodes.map((n) => n.node).sort(), [...jlate.nodes, ...jtoday.nodes].map((n) => n.node).sort());
  });

  await t.test('a node is recorded done with who and when; others may not', async () => {
    const notice = a.nodes.find((n) => n.code === 'notice');
    assert.equal(notice.due, '2026-11-25'); // Fri 20 Nov + 3 working days
    assert.equal((await post(judge2, `/api/v1/cases/${a.id}/nodes/${notice.id}/done`, {})).status, 403);
    const r = await post(judge1, `/api/v1/cases/${a.id}/nodes/${notice.id}/done`, { on: '2026-11-23', note: '已邮寄送达' });
    assert.equal(r.status, 200, r.text);
    const done = r.json.case.nodes.find((n) => n.id === notice.id);
    assert.equal(done.state, 'done');
    assert.equal(done.done_by, 'judge1');
    assert.equal(done.done_on, '2026-11-23');
    assert.equal(done.in_time, true);
    assert.ok(Math.abs(done.done_at - Date.now()) < 60000);
    assert.equal((await post(judge1, `/api/v1/cases/${a.id}/nodes/${notice.id}/done`, {})).status, 409);
    assert.equal((await post(judge1, `/api/v1/cases/${a.id}/nodes/${notice.id + 1}/done`, { on: '2099-01-01' })).status, 400);
  });

  await t.test('triage is confirmed by a person; 终本 needs its conditions', async () => {
    const r = await post(judge1, `/api/v1/cases/${a.id}/triage`, { triage: 'simple' });
    assert.equal(r.status, 200);
    assert.equal(r.json.case.triage, 'simple');
    assert.equal(r.json.case.triage_by, 'judge1');
    assert.equal((await post(judge1, `/api/v1/cases/${a.id}/triage`, { triage: 'easy' })).status, 400);
    const refused = await post(judge1, `/api/v1/cases/${a.id}/close`, { kind: 'terminated' });
    assert.equal(refused.status, 409);
    assert.match(refused.json.error.message, /约谈申请执行人/);
    for (const kind of ['interview', 'consumption_order', 'online_inquiry']) {
      assert.equal((await post(judge1, `/api/v1/cases/${a.id}/events`, { kind })).status, 201);
    }
    assert.equal((await post(judge1, `/api/v1/cases/${a.id}/events`, { kind: 'nonsense' })).status, 400);
    let c = (await get(judge1, `/api/v1/cases/${a.id}`)).json.case;
    assert.deepEqual(c.closing.filter((x) => !x.met).map((x) => x.code), ['traditional_inquiry']);
    const trad = c.nodes.find((n) => n.code === 'traditional_inquiry');
    await post(judge1, `/api/v1/cases/${a.id}/nodes/${trad.id}/done`, {});
    const closed = await post(judge1, `/api/v1/cases/${a.id}/close`, { kind: 'terminated' });
    assert.equal(closed.status, 200, closed.text);
    c = closed.json.case;
    assert.equal(c.status, 'closed');
    assert.equal(c.close_kind, 'terminated');
    assert.ok(c.nodes.every((n) => n.state === 'done' || n.state === 'void'));
    assert.equal((await post(judge1, `/api/v1/cases/${a.id}/close`, { kind: 'completed' })).status, 409);
  });

  await t.test('an event starts its nodes with their deadlines', async () => {
    const r = await post(officer2, `/api/v1/cases/${b.id}/events`, { kind: 'money_arrived', on: '2026-09-26' });
    assert.equal(r.status, 201, r.text);
    const payout = r.json.case.nodes.find((n) => n.code === 'payout');
    // 7 days after 26 Sep 2026 is 3 Oct, in the National Day holiday: 8 Oct.
    assert.equal(payout.due, '2026-10-08');
  });

  await t.test('every change is in the audit log', async () => {
    const entries = (await get(token, '/api/v1/audit?limit=200')).json.entries;
    const actions = new Set(entries.map((e) => e.action));
    for (const x of ['case.add', 'case.node_done', 'case.triage', 'case.event', 'case.close']) assert.ok(actions.has(x), x);
    const done = entries.find((e) => e.action === 'case.node_done');
    assert.equal(done.actor, 'judge1');
    assert.match(done.detail, /"in_time":true/);
  });
});
