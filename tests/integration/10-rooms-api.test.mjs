// Consultation rooms (会商室) over REST with a real hub and SQLite: a judge
// creates a hearing for a case; the room follows the case's scope (a user
// without access to the case gets 403 and cannot join); users are invited
// and join; a guest's one-time link (kept only hashed) becomes a guest
// session that waits until the host admits it, opens no other API, and is
// refused when used again, after expiry, or after the room closed; the
// host mutes, removes, locks (a new joiner gets 409) and marks recording;
// each of those is in the audit log with who did it; bad input gets a
// clear 4xx.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { stack, addUser, request, sleep } from '../lib/harness.mjs';

const CASE_A = '（2026）黑0781执501号';
const CASE_B = '（2026）黑0781执502号';
const HOUR = 3600 * 1000;

test('rooms: scope, invitations, guest links, host controls, audit', async (t) => {
  const { hub, dir, token: admin } = await stack(t, 'rooms-api');
  const judge1 = await addUser(hub, admin, 'judge1', 'judge', { display_name: '张法官' });
  const judge2 = await addUser(hub, admin, 'judge2', 'judge');
  const officer1 = await addUser(hub, admin, 'officer1', 'officer', { team: '执行一组' });
  const officer2 = await addUser(hub, admin, 'officer2', 'officer', { team: '执行二组' });
  const duty = await addUser(hub, admin, 'duty1', 'duty');
  const api = (tok, method, p, body) => request(hub, method, `/api/v1${p}`, { token: tok, body });
  const room = async (tok, id) => {
    const r = await api(tok, 'GET', `/rooms/${id}`);
    assert.equal(r.status, 200, r.text);
    return r.json.room;
  };
  const person = (rm, pred) => rm.participants.find(pred);

  const ca = await api(duty, 'POST', '/cases', { number: CASE_A, filed_on: '2026-11-20', judge: 'judge1',
    team: '执行一组', applicants: ['某银行'], respondents: ['张三'], amount: 30000 });
  assert.equal(ca.status, 201, ca.text);
  const cb = await api(duty, 'POST', '/cases', { number: CASE_B, filed_on: '2026-11-20', judge: 'judge2',
    team: '执行二组', applicants: ['钱七'], respondents: ['孙八'], amount: 30000 });
  assert.equal(cb.status, 201, cb.text);
  const caseA = ca.json.case.id;
  const caseB = cb.json.case.id;
  let id, guestPid, guestToken, linkToken;

  await t.test('a judge creates a hearing for an own case; bad input is refused', async () => {
    const at = Date.now() + HOUR;
    const r = await api(judge1, 'POST', '/rooms', { title: '张三案听证', kind: '听证', case_id: caseA, scheduled_at: at });
    assert.equal(r.status, 201, r.text);
    const rm = r.json.room;
    id = rm.id;
    assert.equal(rm.kind, 'hearing', 'the Chinese kind is stored as its ASCII key');
    assert.equal(rm.kind_zh, '听证');
    assert.equal(rm.case_id, caseA);
    assert.equal(rm.case_number, CASE_A);
    assert.equal(rm.scheduled_at, at);
    assert.equal(rm.host, 'judge1');
    assert.equal(rm.host_name, '张法官');
    assert.equal(rm.state, 'scheduled');
    assert.equal(rm.locked, false);
    assert.equal(rm.recording, false);
    assert.equal(person(rm, (p) => p.username === 'judge1')?.state, 'invited', 'the host is invited');

    const bad = async (tok, body, status, re) => {
      const x = await api(tok, 'POST', '/rooms', body);
      assert.equal(x.status, status, `${JSON.stringify(body)}: ${x.text}`);
      if (re) assert.match(x.json.error.message, re);
      return x;
    };
    await bad(judge1, { kind: 'hearing' }, 400, /title/);
    await bad(judge1, { title: 'x', kind: 'party' }, 400, /kind/);
    await bad(judge1, { title: 'x', kind: 'talk', scheduled_at: 'tomorrow' }, 400, /scheduled_at/);
    await bad(judge1, { title: 'x', kind: 'talk', case_id: 99999 }, 400, /no such case/);
    await bad(judge2, { title: 'x', kind: 'talk', case_id: caseA }, 403, /outside your scope/);
    await bad(judge1, { title: 'x', kind: 'talk', case_id: caseA, host: 'judge2' }, 400, /host/);
    await bad(judge1, { title: 'x', kind: 'talk', host: 'nobody' }, 400, /host/);
    const off = await bad(officer1, { title: 'x', kind: 'talk' }, 403);
    assert.equal(off.json.error.code, 'forbidden', 'an officer does not create rooms');
  });

  await t.test('the list shows today and upcoming rooms the caller may see', async () => {
    const past = await api(duty, 'POST', '/rooms', { title: '上周协调', kind: 'coordination',
      scheduled_at: Date.now() - 7 * 24 * HOUR });
    assert.equal(past.status, 201, past.text);
    const noCase = await api(duty, 'POST', '/rooms', { title: '值班会商', kind: 'consult' });
    assert.equal(noCase.status, 201, noCase.text);
    const other = await api(judge2, 'POST', '/rooms', { title: '孙八案谈话', kind: 'talk', case_id: caseB });
    assert.equal(other.status, 201, other.text);
    const ids = async (tok, q = '') => {
      const r = await api(tok, 'GET', `/rooms${q}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.total, r.json.rooms.length);
      return r.json.rooms.map((x) => x.id);
    };
    const nc = noCase.json.room.id;
    const ot = other.json.room.id;
    const pa = past.json.room.id;
    assert.deepEqual((await ids(duty)).sort(), [id, nc, ot].sort(), 'the center sees all of today and later');
    assert.ok((await ids(duty, '?from=0')).includes(pa), 'from=0 shows the past room too');
    assert.deepEqual(await ids(judge1), [id], 'judge1: the own case only');
    assert.deepEqual(await ids(judge2), [ot], 'judge2: the own case only');
    assert.deepEqual(await ids(officer1), [id], 'officer1: the team case');
    assert.deepEqual(await ids(officer2), [ot]);
    assert.equal((await api(judge2, 'GET', `/rooms/${nc}`)).status, 403, 'a room without case: not invited');
    const inv = await api(duty, 'POST', `/rooms/${nc}/invitations`, { users: ['judge2'] });
    assert.equal(inv.status, 200, inv.text);
    assert.equal((await api(judge2, 'GET', `/rooms/${nc}`)).status, 200, 'invited now');
    assert.ok((await ids(judge2)).includes(nc));
    assert.equal((await api(duty, 'GET', '/rooms?limit=0')).status, 400);
  });

  await t.test('get and update follow the case; unknown rooms are 404', async () => {
    assert.equal((await api(judge2, 'GET', `/rooms/${id}`)).status, 403);
    const nf = await api(judge1, 'GET', '/rooms/99999');
    assert.equal(nf.status, 404);
    assert.equal(nf.json.error.code, 'not_found');
    assert.equal((await api(judge1, 'GET', '/rooms/abc')).status, 404);
    assert.equal((await api(judge1, 'POST', '/rooms/99999/join')).status, 404);
    const up = await api(judge1, 'PATCH', `/rooms/${id}`, { title: '张三案财产听证', scheduled_at: Date.now() + 2 * HOUR });
    assert.equal(up.status, 200, up.text);
    assert.equal(up.json.room.title, '张三案财产听证');
    assert.equal((await api(judge2, 'PATCH', `/rooms/${id}`, { title: 'x' })).status, 403);
    assert.equal((await api(officer1, 'PATCH', `/rooms/${id}`, { title: 'x' })).status, 403);
    const host = await api(judge1, 'PATCH', `/rooms/${id}`, { host: 'judge2' });
    assert.equal(host.status, 400, 'a host without access to the case');
    assert.equal((await room(judge1, id)).host, 'judge1');
  });

  await t.test('invited users join; a user without access to the case gets 403', async () => {
    const inv = await api(judge1, 'POST', `/rooms/${id}/invitations`, { users: ['officer1'] });
    assert.equal(inv.status, 200, inv.text);
    assert.equal(person(inv.json.room, (p) => p.username === 'officer1').state, 'invited');
    const no = await api(judge1, 'POST', `/rooms/${id}/invitations`, { users: ['officer2'] });
    assert.equal(no.status, 400);
    assert.match(no.json.error.message, /officer2 has no access/);
    assert.equal((await api(judge1, 'POST', `/rooms/${id}/invitations`, { users: ['ghost'] })).status, 400);
    assert.equal((await api(judge1, 'POST', `/rooms/${id}/invitations`, { users: 'officer1' })).status, 400);

    for (const tok of [officer2, judge2]) {
      const j = await api(tok, 'POST', `/rooms/${id}/join`);
      assert.equal(j.status, 403, j.text);
      assert.equal(j.json.error.code, 'forbidden');
      assert.match(j.json.error.message, /case/);
    }
    const j = await api(officer1, 'POST', `/rooms/${id}/join`);
    assert.equal(j.status, 200, j.text);
    assert.equal(j.json.room.state, 'open', 'the first join opens the room');
    assert.equal(j.json.room.in_count, 1);
    assert.equal(person(j.json.room, (p) => p.username === 'officer1').state, 'in');
    assert.equal((await api(officer1, 'POST', `/rooms/${id}/join`)).status, 409, 'already in');
    const h = await api(judge1, 'POST', `/rooms/${id}/join`);
    assert.equal(h.status, 200, h.text);
    assert.equal(h.json.room.in_count, 2);
  });

  await t.test('a guest link: shown once, stored hashed, waits, admitted by the host', async () => {
    const g = await api(judge1, 'POST', `/rooms/${id}/guests`, { name: '李律师', note: '申请人代理律师', expires_in: 600 });
    assert.equal(g.status, 201, g.text);
    linkToken = g.json.token;
    guestPid = g.json.participant;
    assert.match(linkToken, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(g.json.link, `/room/${id}?guest=${linkToken}`);
    assert.ok(g.json.expires_at > Date.now() + 590 * 1000);
    const files = fs.readdirSync(dir).filter((f) => f.startsWith('ecc.db'));
    for (const f of files) {
      assert.ok(!fs.readFileSync(path.join(dir, f)).includes(linkToken), `${f} holds no link token`);
    }
    const seen = person(await room(judge1, id), (p) => p.id === guestPid);
    assert.equal(seen.kind, 'guest');
    assert.equal(seen.name, '李律师');
    assert.equal(seen.note, '申请人代理律师');
    assert.equal(seen.state, 'invited');
    assert.equal(JSON.stringify(await room(judge1, id)).includes(linkToken), false, 'the room never shows the token');
    assert.equal((await api(officer1, 'POST', `/rooms/${id}/guests`, { name: 'x' })).status, 403);
    assert.equal((await api(judge1, 'POST', `/rooms/${id}/guests`, { name: '' })).status, 400);
    assert.equal((await api(judge1, 'POST', `/rooms/${id}/guests`, { name: 'x', expires_in: 0 })).status, 400);

    const ex = await request(hub, 'POST', `/api/v1/rooms/guest/${linkToken}`);
    assert.equal(ex.status, 200, ex.text);
    guestToken = ex.json.token;
    assert.equal(ex.json.room, id);
    assert.equal(ex.json.guest.participant, guestPid);
    assert.equal(ex.json.guest.state, 'waiting');
    // the room page's session: an HttpOnly cookie (scripts cannot read it)
    const cookie = ex.headers.get('set-cookie') || '';
    assert.match(cookie, new RegExp(`^ecc_session=${guestToken}; Path=/; HttpOnly; SameSite=Strict;`), cookie);
    const byCookie = await request(hub, 'GET', `/api/v1/rooms/${id}`, { headers: { cookie: `ecc_session=${guestToken}` } });
    assert.equal(byCookie.status, 200, byCookie.text);
    const mine = await room(guestToken, id);
    assert.equal(mine.you, guestPid);
    assert.equal(person(mine, (p) => p.id === guestPid).state, 'waiting');
    assert.equal(mine.waiting_count, 1);

    const again = await request(hub, 'POST', `/api/v1/rooms/guest/${linkToken}`);
    assert.equal(again.status, 410, 'a one-time link');
    assert.equal(again.json.error.code, 'guest_link_used');
    const unknown = await request(hub, 'POST', `/api/v1/rooms/guest/${'A'.repeat(43)}`);
    assert.equal(unknown.status, 401);
    assert.equal(unknown.json.error.code, 'guest_link_invalid');

    assert.equal((await api(officer1, 'POST', `/rooms/${id}/participants/${guestPid}/admit`)).status, 403);
    const ad = await api(judge1, 'POST', `/rooms/${id}/participants/${guestPid}/admit`);
    assert.equal(ad.status, 200, ad.text);
    assert.equal(person(ad.json.room, (p) => p.id === guestPid).state, 'in');
    assert.equal(ad.json.room.in_count, 3);
    assert.equal((await api(judge1, 'POST', `/rooms/${id}/participants/${guestPid}/admit`)).status, 409, 'admitted already');
    assert.equal(person(await room(guestToken, id), (p) => p.id === guestPid).state, 'in', 'the guest sees itself in');
  });

  await t.test('a guest session opens its own room and nothing else', async () => {
    for (const [m, p] of [['GET', '/units'], ['GET', '/me'], ['GET', '/rooms'], ['GET', '/cases'],
      ['GET', `/rooms/${id + 1}`], ['POST', `/rooms/${id}/join`], ['POST', `/rooms/${id}/lock`],
      ['POST', `/rooms/${id}/participants/${guestPid}/admit`], ['GET', '/map']]) {
      const r = await api(guestToken, m, p);
      assert.equal(r.status, 403, `${m} ${p}: ${r.text}`);
    }
    assert.equal((await api(guestToken, 'GET', `/rooms/${id}`)).status, 200);
  });

  await t.test('the host mutes, locks, marks recording and removes', async () => {
    const off = person(await room(judge1, id), (p) => p.username === 'officer1').id;
    const mu = await api(judge1, 'POST', `/rooms/${id}/participants/${off}/mute`);
    assert.equal(mu.status, 200, mu.text);
    assert.equal(person(mu.json.room, (p) => p.id === off).muted, true);
    assert.equal(person(mu.json.room, (p) => p.id === guestPid).muted, false);
    const um = await api(judge1, 'DELETE', `/rooms/${id}/participants/${off}/mute`);
    assert.equal(person(um.json.room, (p) => p.id === off).muted, false);
    assert.equal((await api(judge1, 'POST', `/rooms/${id}/participants/99999/mute`)).status, 404);

    const lk = await api(judge1, 'POST', `/rooms/${id}/lock`);
    assert.equal(lk.status, 200, lk.text);
    assert.equal(lk.json.room.locked, true);
    assert.equal((await api(judge1, 'POST', `/rooms/${id}/lock`)).status, 409, 'locked already');
    const dj = await api(duty, 'POST', `/rooms/${id}/join`);
    assert.equal(dj.status, 409, 'a locked room refuses a new joiner');
    assert.equal(dj.json.error.code, 'conflict');
    assert.match(dj.json.error.message, /locked/);
    assert.equal((await api(judge1, 'DELETE', `/rooms/${id}/lock`)).json.room.locked, false);
    assert.equal((await api(duty, 'POST', `/rooms/${id}/join`)).status, 200, 'unlocked: the duty officer joins');

    assert.equal((await api(judge1, 'POST', `/rooms/${id}/recording`)).json.room.recording, true);
    assert.equal((await room(guestToken, id)).recording, true, 'the guest sees the recording flag');
    assert.equal((await api(judge1, 'DELETE', `/rooms/${id}/recording`)).json.room.recording, false);

    const rm = await api(judge1, 'DELETE', `/rooms/${id}/participants/${guestPid}`);
    assert.equal(rm.status, 200, rm.text);
    assert.equal(person(rm.json.room, (p) => p.id === guestPid).state, 'removed');
    assert.equal((await api(guestToken, 'GET', `/rooms/${id}`)).status, 401, 'the guest session ended');
    const ro = await api(judge1, 'DELETE', `/rooms/${id}/participants/${off}`);
    assert.equal(person(ro.json.room, (p) => p.id === off).state, 'removed');
    const back = await api(officer1, 'POST', `/rooms/${id}/join`);
    assert.equal(back.status, 403, 'a removed user stays out');
    assert.match(back.json.error.message, /removed/);
  });

  await t.test('a link refused after expiry; leave; close ends everything', async () => {
    const short = await api(judge1, 'POST', `/rooms/${id}/guests`, { name: '王法官', note: '外院法官', expires_in: 2 });
    assert.equal(short.status, 201, short.text);
    await sleep(2300);
    const late = await request(hub, 'POST', `/api/v1/rooms/guest/${short.json.token}`);
    assert.equal(late.status, 410, late.text);
    assert.equal(late.json.error.code, 'guest_link_expired');

    const lv = await api(duty, 'POST', `/rooms/${id}/leave`);
    assert.equal(lv.status, 200, lv.text);
    assert.equal(person(lv.json.room, (p) => p.username === 'duty1').state, 'left');
    assert.equal((await api(duty, 'POST', `/rooms/${id}/leave`)).status, 409, 'not in any more');

    const leaver = await api(judge1, 'POST', `/rooms/${id}/guests`, { name: '周某', note: '证人' });
    const ls = (await request(hub, 'POST', `/api/v1/rooms/guest/${leaver.json.token}`)).json.token;
    const gl = await api(ls, 'POST', `/rooms/${id}/leave`);
    assert.equal(gl.status, 200, gl.text);
    assert.equal((await api(ls, 'GET', `/rooms/${id}`)).status, 401, 'a guest who left has no session');
    assert.equal(person(await room(judge1, id), (p) => p.id === leaver.json.participant).state, 'left');

    const pending = await api(judge1, 'POST', `/rooms/${id}/guests`, { name: '赵某', note: '当事人' });
    const waiting = await api(judge1, 'POST', `/rooms/${id}/guests`, { name: '钱某', note: '当事人' });
    const ws = (await request(hub, 'POST', `/api/v1/rooms/guest/${waiting.json.token}`)).json.token;
    assert.equal((await api(ws, 'GET', `/rooms/${id}`)).status, 200);
    assert.equal((await api(officer1, 'POST', `/rooms/${id}/close`)).status, 403);
    const cl = await api(judge1, 'POST', `/rooms/${id}/close`);
    assert.equal(cl.status, 200, cl.text);
    assert.equal(cl.json.room.state, 'closed');
    assert.equal(cl.json.room.in_count, 0);
    assert.equal(person(cl.json.room, (p) => p.username === 'judge1').state, 'left');
    assert.equal((await api(ws, 'GET', `/rooms/${id}`)).status, 401, 'a waiting guest is gone with the room');
    const gone = await request(hub, 'POST', `/api/v1/rooms/guest/${pending.json.token}`);
    assert.equal(gone.status, 410);
    assert.equal(gone.json.error.code, 'room_closed');
    assert.equal((await api(judge1, 'POST', `/rooms/${id}/join`)).status, 409, 'closed');
    assert.equal((await api(judge1, 'POST', `/rooms/${id}/close`)).status, 409, 'closed already');
    assert.equal((await api(judge1, 'PATCH', `/rooms/${id}`, { title: 'x' })).status, 409);
  });

  await t.test('malformed JSON, an oversized body and a wrong type get clear errors', async () => {
    const h = { 'content-type': 'application/json' };
    const bad = await request(hub, 'POST', '/api/v1/rooms', { token: judge1, raw: '{"title": "x", ', headers: h });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, 'bad_json');
    const big = await request(hub, 'POST', '/api/v1/rooms', { token: judge1, headers: h,
      raw: JSON.stringify({ title: 'x'.repeat(70000), kind: 'talk' }) });
    assert.equal(big.status, 413);
    assert.equal(big.json.error.code, 'payload_too_large');
    const arr = await request(hub, 'POST', '/api/v1/rooms', { token: judge1, raw: '[1]', headers: h });
    assert.equal(arr.status, 400);
    const long = await api(judge1, 'POST', '/rooms', { title: 'x'.repeat(300), kind: 'talk' });
    assert.equal(long.status, 400);
    assert.match(long.json.error.message, /title/);
  });

  await t.test('the audit log has every step with who did it', async () => {
    const r = await api(admin, 'GET', '/audit?limit=1000');
    assert.equal(r.status, 200);
    const rows = r.json.entries.filter((e) => e.target === `room:${id}`);
    const has = (action, actor, result = 'ok', detail) => {
      const row = rows.find((e) => e.action === action && e.actor === actor && e.result === result &&
        (!detail || e.detail.includes(detail)));
      assert.ok(row, `audit: ${action} by ${actor} (${result}) ${detail || ''}`);
      assert.ok(row.ts > Date.now() - 10 * 60 * 1000 && row.ts <= Date.now(), 'with when');
    };
    has('room.create', 'judge1');
    has('room.update', 'judge1');
    has('room.invite', 'judge1', 'ok', 'officer1');
    has('room.join', 'officer1');
    has('room.join', 'officer2', 'denied', 'case');
    has('room.join', 'duty1', 'denied', 'locked');
    has('room.join', 'duty1');
    has('room.guest_link', 'judge1', 'ok', '李律师');
    has('room.guest_link_used', `guest-${guestPid}`, 'ok', '李律师');
    has('room.guest_link_refused', 'anonymous', 'denied', '"used"');
    has('room.guest_link_refused', 'anonymous', 'denied', '"expired"');
    has('room.guest_link_refused', 'anonymous', 'denied', '"closed"');
    has('room.admit', 'judge1', 'ok', `"participant":${guestPid}`);
    has('room.mute', 'judge1');
    has('room.unmute', 'judge1');
    has('room.lock', 'judge1');
    has('room.unlock', 'judge1');
    has('room.recording_start', 'judge1');
    has('room.recording_stop', 'judge1');
    has('room.remove', 'judge1', 'ok', '李律师');
    has('room.leave', 'duty1');
    assert.ok(rows.some((e) => e.action === 'room.leave' && /^guest-\d+$/.test(e.actor)), 'a guest leaving');
    has('room.close', 'judge1');
    assert.ok(r.json.entries.some((e) => e.action === 'room.guest_link_refused' && e.detail.includes('"unknown"')));
    const v = await api(admin, 'GET', '/audit/verify');
    assert.equal(v.status, 200, v.text);
  });
});
