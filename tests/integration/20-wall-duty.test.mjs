// Duty (值班) in the hub: commanders keep the roster (one shift at a time or
// a CSV import, all or none), the duty officer signs in, a shift with
// nobody signed in raises an alert, alerts go to the duty officer on duty
// and escalate to the commander on duty, the duty log, and a hand-over
// note that only the next shift can confirm. Bad input gets a clear 400.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, addUnit, addUser, request, waitFor, mosquittoPub } from '../lib/harness.mjs';

const MIN = 60000, HOUR = 3600000;

test('duty roster, sign-in, alert routing, duty log and hand-over', async (t) => {
  const { hub, broker, token } = await stack(t, 'duty', { alerts: { escalate_after: 2 }, duty: { signin_grace: 2 } });
  const wang = await addUser(hub, token, 'wang', 'duty', { display_name: '王值班' });
  const li = await addUser(hub, token, 'li', 'duty', { display_name: '李值班' });
  const zhao = await addUser(hub, token, 'zhao', 'commander', { display_name: '赵指挥' });
  const ma = await addUser(hub, token, 'ma', 'officer', { team: '一组' });
  const api = (tok, method, p, body) => request(hub, method, `/api/v1${p}`, { token: tok, body });
  const now = Date.now();

  // Who may edit the roster, and what a shift must be.
  const shift = (username, role, starts, ends) => ({ username, role, starts, ends });
  assert.equal((await api(wang, 'POST', '/duty/roster', shift('wang', 'duty', now, now + HOUR))).status, 403);
  assert.equal((await api(ma, 'GET', '/duty/roster')).status, 403);
  for (const [bad, why] of [
    [shift('wang', 'duty', now + HOUR, now), /ends after starts/],
    [shift('nobody', 'duty', now, now + HOUR), /no such user/],
    [shift('wang', 'janitor', now, now + HOUR), /duty or commander/],
    [shift('wang', 'commander', now, now + HOUR), /commander shift/],
    [shift('ma', 'duty', now, now + HOUR), /duty shift needs/],
    [{ username: 'wang', role: 'duty', starts: 'today', ends: now }, /UTC ms/],
  ]) {
    const r = await api(zhao, 'POST', '/duty/roster', bad);
    assert.equal(r.status, 400, JSON.stringify(bad));
    assert.match(r.json.error.message, why);
  }
  // An import is all or none.
  let r = await api(zhao, 'POST', '/duty/roster/import', { shifts: [shift('wang', 'duty', now - MIN, now + HOUR), shift('ghost', 'duty', now, now + HOUR)] });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /^shift 2: no such user/);
  assert.equal((await api(zhao, 'GET', '/duty/roster')).json.shifts.length, 0);
  r = await api(zhao, 'POST', '/duty/roster/import', { shifts: [
    shift('wang', 'duty', now - MIN, now + HOUR), shift('zhao', 'commander', now - MIN, now + HOUR),
    shift('li', 'duty', now + HOUR, now + 2 * HOUR)] });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.added, 3);
  const roster = (await api(wang, 'GET', `/duty/roster?from=${now - HOUR}&to=${now + 3 * HOUR}`)).json.shifts;
  assert.deepEqual(roster.map((s) => [s.username, s.role, s.display_name]),
    [['zhao', 'commander', '赵指挥'], ['wang', 'duty', '王值班'], ['li', 'duty', '李值班']]);
  assert.equal((await api(wang, 'GET', '/duty/roster?from=5&to=4')).status, 400);

  // Nobody signed in past the grace: an alert, to the duty officer on the roster.
  const alerts = async () => (await api(token, 'GET', '/alerts')).json.alerts;
  const absent = await waitFor(async () => (await alerts()).find((a) => a.kind === 'duty_absent'),
    { timeout: 8000, what: 'the nobody-signed-in alert' });
  assert.equal(absent.state, 'open');
  assert.equal(absent.severity, 'high');
  assert.match(absent.message, /值班无人签到：wang/);
  assert.equal(absent.assignee, 'wang');
  assert.equal((await alerts()).filter((a) => a.kind === 'duty_absent').length, 1, 'raised once');

  // Sign-in: only who is on the roster now; it clears that alert.
  assert.equal((await api(li, 'POST', '/duty/signin')).status, 409);
  r = await api(wang, 'POST', '/duty/signin');
  assert.equal(r.status, 200);
  assert.equal(r.json.me.signed_in, true);
  assert.equal((await api(wang, 'POST', '/duty/signin')).status, 200, 'signing in twice is harmless');
  await waitFor(async () => (await alerts()).find((a) => a.id === absent.id).state === 'cleared', { what: 'cleared by the sign-in' });
  const now1 = (await api(zhao, 'GET', '/duty/now')).json;
  assert.deepEqual(now1.shifts.map((s) => [s.username, s.signed_in_at !== null]), [['zhao', false], ['wang', true]]);
  assert.equal(now1.me.on_duty, true);
  const audit = (await api(token, 'GET', '/audit?limit=50')).json.entries;
  assert.ok(audit.some((e) => e.action === 'duty.signin' && e.actor === 'wang'));
  assert.ok(audit.some((e) => e.action === 'duty.roster.import' && e.actor === 'zhao'));

  // An SOS goes to the duty officer signed in, and climbs to the commander on duty.
  const unit = await addUnit(hub, token, { id: 'bc-41', name: '执法记录仪41', kind: 'bodycam' });
  await mosquittoPub(broker, { username: unit.mqtt.username, password: unit.mqtt.password,
    topic: 'ecc/unit/bc-41/event', message: JSON.stringify({ ts: Date.now(), kind: 'sos' }) });
  const sos = await waitFor(async () => (await alerts()).find((a) => a.kind === 'sos'), { what: 'the SOS' });
  assert.equal(sos.assignee, 'wang');
  const esc = await waitFor(async () => (await alerts()).find((a) => a.id === sos.id && a.escalated_at), { timeout: 6000, what: 'escalation' });
  assert.equal(esc.escalated_to, 'zhao');

  // The duty log.
  assert.equal((await api(wang, 'POST', '/duty/log', { text: '' })).status, 400);
  assert.equal((await api(wang, 'POST', '/duty/log', { text: 'x'.repeat(4001) })).status, 400);
  assert.equal((await api(ma, 'POST', '/duty/log', { text: '越权' })).status, 403);
  r = await api(wang, 'POST', '/duty/log', { text: '22:10 接报张伟SOS，已通知指挥长' });
  assert.equal(r.status, 201);
  const log = (await api(zhao, 'GET', '/duty/log')).json.entries;
  assert.equal(log[0].text, '22:10 接报张伟SOS，已通知指挥长');
  assert.equal(log[0].username, 'wang');

  // The hand-over: the next shift confirms it, nobody else.
  r = await api(wang, 'POST', '/duty/handovers', { text: '南岔镇执行现场仍有两组在外，注意接应。' });
  assert.equal(r.status, 201);
  const hid = r.json.id;
  assert.equal((await api(wang, 'POST', `/duty/handovers/${hid}/confirm`)).status, 403, 'not the author');
  assert.equal((await api(li, 'POST', `/duty/handovers/${hid}/confirm`)).status, 403, 'not on duty yet');
  assert.equal((await api(li, 'POST', '/duty/handovers/999/confirm')).status, 404);
  assert.equal((await api(li, 'POST', '/duty/handovers/abc/confirm')).status, 400);
  // li's shift begins (added now for the test), and the note is there for li.
  assert.equal((await api(zhao, 'POST', '/duty/roster', shift('li', 'duty', Date.now() - 1000, now + HOUR))).status, 201);
  const liNow = (await api(li, 'GET', '/duty/now')).json;
  assert.equal(liNow.handover.id, hid);
  assert.equal(liNow.handover.from_display_name, '王值班');
  assert.equal(liNow.me.may_confirm, true);
  assert.equal((await api(li, 'POST', `/duty/handovers/${hid}/confirm`)).status, 200);
  assert.equal((await api(li, 'POST', `/duty/handovers/${hid}/confirm`)).status, 409);
  assert.equal((await api(li, 'GET', '/duty/now')).json.handover, null);
  const hs = (await api(zhao, 'GET', '/duty/handovers')).json.handovers;
  assert.equal(hs[0].confirmed_by, 'li');

  // A shift removed.
  const gone = roster.find((s) => s.username === 'li');
  assert.equal((await api(zhao, 'DELETE', `/duty/roster/${gone.id}`)).status, 200);
  assert.equal((await api(zhao, 'DELETE', `/duty/roster/${gone.id}`)).status, 404);
});
