// Field video in a consultation room over REST and the WebSocket, with a
// real hub and SQLite (no gateway: the rule, not the media; 98-rooms-feeds
// plays it): a guest may not watch a unit's stream until the host brings it
// into the room, may then (the hub gets past the rule and only lacks a
// gateway), no longer once it is taken out or the guest has left; the feed
// is stored and survives a restart of the hub; each change is audited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, addUser, request, wsConnect } from '../lib/harness.mjs';

test('rooms: feeds follow the host, open a unit\'s stream to the room, survive a restart', async (t) => {
  const { hub, token: admin } = await stack(t, 'rooms-feeds');
  const cmd = await addUser(hub, admin, 'cmd1', 'commander');
  const officer = await addUser(hub, admin, 'officer2', 'officer', { team: '执行二组' });
  const api = (tok, method, p, body) => request(hub, method, `/api/v1${p}`, { token: tok, body });
  const unit = await api(admin, 'POST', '/units', { id: 'bc-31', name: '执法记录仪31', kind: 'bodycam' });
  assert.equal(unit.status, 201, unit.text);
  const s = await api(admin, 'POST', '/streams', { unit: 'bc-31', url: 'rtsp://127.0.0.1:9/cam' });
  assert.equal(s.status, 201, s.text);
  const stream = s.json.stream.id;

  const r = await api(cmd, 'POST', '/rooms', { title: '现场协调', kind: 'coordination' });
  assert.equal(r.status, 201, r.text);
  const id = r.json.room.id;
  assert.equal((await api(cmd, 'POST', `/rooms/${id}/join`)).status, 200);
  const g = await api(cmd, 'POST', `/rooms/${id}/guests`, { name: '李律师' });
  assert.equal(g.status, 201, g.text);
  const guest = (await api(null, 'POST', `/rooms/guest/${g.json.token}`)).json.token;
  assert.equal((await api(cmd, 'POST', `/rooms/${id}/participants/${g.json.participant}/admit`)).status, 200);

  // a watch of the unit's stream (by the guest, or who): the hub's first answer
  const watch = async (who = guest) => {
    const ws = await wsConnect(hub, who);
    ws.send({ type: 'watch', stream, ref: 'x' });
    const m = await ws.next((x) => x.type === 'error' || x.type === 'watching');
    ws.close();
    return m.type === 'error' ? m.code : m.type;
  };
  assert.equal(await watch(), 'forbidden', 'no feed: the unit\'s rule, a guest sees no unit');

  const bad = await api(cmd, 'POST', `/rooms/${id}/feeds`, {});
  assert.equal(bad.status, 400, bad.text);
  assert.equal((await api(guest, 'POST', `/rooms/${id}/feeds`, { stream })).status, 403, 'a guest is no host');
  const add = await api(cmd, 'POST', `/rooms/${id}/feeds`, { stream });
  assert.equal(add.status, 200, add.text);
  assert.deepEqual(add.json.room.feeds.map((f) => [f.stream, f.unit, f.unit_name, f.added_by, f.live]),
    [[stream, 'bc-31', '执法记录仪31', 'cmd1', false]]);
  assert.equal((await api(cmd, 'POST', `/rooms/${id}/feeds`, { stream })).status, 409);
  // past the rule: only no gateway holds the stream here
  assert.equal(await watch(), 'unavailable', 'a feed of the room the guest is in');
  const seen = await api(guest, 'GET', `/rooms/${id}`);
  assert.equal(seen.json.room.feeds[0].stream, stream, 'the guest sees the feeds');

  await hub.proc.stopClean();
  await hub.start();
  const after = await api(cmd, 'GET', `/rooms/${id}`);
  assert.deepEqual(after.json.room.feeds.map((f) => f.stream), [stream], 'stored: the feed survives a restart');
  assert.equal(await watch(), 'unavailable', 'and still opens the stream to the room');

  const out = await api(cmd, 'DELETE', `/rooms/${id}/feeds/${stream}`);
  assert.equal(out.status, 200, out.text);
  assert.deepEqual(out.json.room.feeds, []);
  assert.equal((await api(cmd, 'DELETE', `/rooms/${id}/feeds/${stream}`)).status, 404);
  assert.equal(await watch(), 'forbidden', 'taken out: closed again');

  // a feed of a room the viewer has left opens nothing: an officer of
  // another team (who may not watch the unit) joins, then leaves
  assert.equal((await api(cmd, 'POST', `/rooms/${id}/invitations`, { users: ['officer2'] })).status, 200);
  assert.equal((await api(officer, 'POST', `/rooms/${id}/join`)).status, 200);
  assert.equal((await api(cmd, 'POST', `/rooms/${id}/feeds`, { stream })).status, 200);
  assert.equal(await watch(officer), 'unavailable', 'in the room: the feed opens it');
  assert.equal((await api(officer, 'POST', `/rooms/${id}/leave`)).status, 200);
  assert.equal(await watch(officer), 'forbidden', 'left: closed again');
  assert.equal((await api(cmd, 'POST', `/rooms/${id}/close`)).status, 200);
  assert.equal((await api(cmd, 'POST', `/rooms/${id}/feeds`, { stream: stream })).status, 409, 'closed');

  const log = (await api(admin, 'GET', '/audit?limit=200')).json.entries;
  const feeds = log.filter((e) => e.target === `room:${id}` && e.action.startsWith('room.feed_'));
  assert.deepEqual(feeds.map((e) => e.action).reverse(), ['room.feed_add', 'room.feed_remove', 'room.feed_add']);
  assert.ok(feeds.every((e) => e.actor === 'cmd1'));
  assert.deepEqual(JSON.parse(feeds[0].detail), { stream, unit: 'bc-31' });
});
