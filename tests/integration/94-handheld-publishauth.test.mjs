// Who may publish a camera and who may talk to it, and what the hub says
// otherwise, over the WebSocket with no browser (the media paths are
// 94-handheld-camera and 95-handheld-talk): a user who carries no unit is
// refused; an officer's publish before any gateway is up adds the unit's
// stream and says unavailable; the REST API takes no webrtc: URL; a
// session's messages belong to its connection; a talk needs a center role
// and a phone's stream, and ends at once while no phone publishes; a
// repeated publish of one unit replaces the older session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, request, waitFor, addUser, addUnit, wsConnect, cleanup } from '../lib/harness.mjs';
import { startGateway } from '../lib/media.mjs';

const err = (m) => m.type === 'error';

test('publishing and talking: who may, and the refusals', async (t) => {
  const { hub, dir, token } = await stack(t, 'pubauth');
  await addUnit(hub, token, { id: 'hh-06', name: '单兵6', kind: 'handheld' });
  await addUnit(hub, token, { id: 'bc-06', name: '执法记录仪6', kind: 'bodycam' });
  const officer = await addUser(hub, token, 'sun8', 'officer', { unit: 'hh-06', team: '一队' });
  const bad = await request(hub, 'POST', '/api/v1/users',
    { token, body: { username: 'zhou9', password: 'Test-Pass-2025!', role: 'officer', unit: 'nope' } });
  assert.equal(bad.status, 400, 'a unit that does not exist');
  const users = (await request(hub, 'GET', '/api/v1/users', { token })).json.users;
  assert.equal(users.find((u) => u.username === 'sun8').unit, 'hh-06');
  assert.ok((await request(hub, 'GET', '/api/v1/audit?limit=50', { token })).json.entries
    .some((e) => e.action === 'user.unit' && e.target === 'sun8'));

  // No unit: refused.
  const admin = await wsConnect(hub, token);
  admin.send({ type: 'publish' });
  assert.equal((await admin.next(err)).error.code, 'forbidden');

  // An officer's first publish adds the unit's stream; no gateway yet.
  const phone = await wsConnect(hub, officer);
  phone.send({ type: 'publish' });
  assert.equal((await phone.next(err)).error.code, 'unavailable');
  const stream = (await request(hub, 'GET', '/api/v1/streams', { token })).json.streams.find((s) => s.unit === 'hh-06');
  assert.equal(stream.url, 'webrtc:');
  assert.equal(stream.source, 'publish');
  // Nobody adds such a stream over the API.
  const api = await request(hub, 'POST', '/api/v1/streams', { token, body: { unit: 'bc-06', url: 'webrtc:' } });
  assert.equal(api.status, 400);

  // With a gateway: publishing; the session's messages are its connection's.
  const gw = await startGateway(hub, dir, { extra: '[webrtc]\naddresses = 127.0.0.1\n' });
  cleanup(t, () => gw.proc.stopClean());
  await waitFor(async () => (await request(hub, 'GET', `/api/v1/streams/${stream.id}`, { token }))
    .json.stream.state === 'waiting', { timeout: 15000, what: 'the phone\'s stream waits on the gateway' });
  phone.messages.length = 0;
  phone.send({ type: 'publish' });
  const first = await phone.next((m) => m.type === 'publishing');
  assert.equal(first.stream, stream.id);
  assert.equal(first.unit, 'hh-06');
  assert.ok(Array.isArray(first.ice_servers));
  admin.send({ type: 'publish_offer', session: first.session, sdp: 'v=0' });
  assert.equal((await admin.next((m) => err(m) && m.error.code === 'not_found')).error.code, 'not_found');
  phone.send({ type: 'publish_ice', session: first.session });
  assert.equal((await phone.next(err)).error.code, 'bad_request');
  // A bad offer: the gateway ends the session.
  phone.send({ type: 'publish_offer', session: first.session, sdp: 'not sdp' });
  const ended = await phone.next((m) => m.type === 'publish_end' && m.session === first.session, 15000);
  assert.match(ended.reason, /offer/);

  // A repeated publish of the unit (a second connection) replaces the older.
  phone.messages.length = 0;
  phone.send({ type: 'publish' });
  const a = await phone.next((m) => m.type === 'publishing');
  const phone2 = await wsConnect(hub, officer);
  phone2.send({ type: 'publish' });
  await phone2.next((m) => m.type === 'publishing');
  const replaced = await phone.next((m) => m.type === 'publish_end' && m.session === a.session);
  assert.match(replaced.reason, /replaced/);

  // Talks: an officer may not; not to a camera's stream; while the phone
  // does not publish (no offer yet), the gateway ends it at once.
  phone.send({ type: 'talk', stream: stream.id });
  assert.equal((await phone.next((m) => err(m) && m.error.code === 'forbidden')).error.code, 'forbidden');
  const r = await request(hub, 'POST', '/api/v1/streams', { token, body: { unit: 'bc-06', url: 'rtsp://127.0.0.1:9/x' } });
  admin.messages.length = 0;
  admin.send({ type: 'talk', stream: r.json.stream.id });
  assert.equal((await admin.next(err)).error.code, 'bad_request');
  admin.send({ type: 'talk', stream: stream.id });
  const talk = await admin.next((m) => m.type === 'talking');
  admin.send({ type: 'talk_offer', session: talk.session, sdp: 'v=0\r\n' });
  const gone = await admin.next((m) => m.type === 'talk_end' && m.session === talk.session, 15000);
  assert.match(gone.reason, /not publishing|bad offer/);
  const audit = (await request(hub, 'GET', '/api/v1/audit?limit=200', { token })).json.entries;
  for (const action of ['publish.start', 'publish.end', 'talk.start', 'talk.end'])
    assert.ok(audit.some((e) => e.action === action), `${action} audited`);
  admin.close();
  phone.close();
  phone2.close();
});
