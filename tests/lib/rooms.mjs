// Helpers for the consultation-room browser tests (9x-rooms-*): the stack
// with a gateway whose WebRTC offers 127.0.0.1 only, a case with its judge
// hosting a hearing, and a participant's Chromium with fake devices.
import assert from 'node:assert/strict';
import { stack, request, addUser, cleanup } from './harness.mjs';
import { startGateway } from './media.mjs';
import { launch, loginPage } from './browser.mjs';

export const WEBRTC = '[webrtc]\naddresses = 127.0.0.1\n';
// With these, getUserMedia and getDisplayMedia answer at once with
// Chromium's fake camera, microphone and screen: no picker, no prompt.
export const FAKE = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required'];
export const PASSWORD = 'Test-Pass-2025!'; // harness.mjs addUser's

// The stack and one gateway (segments of 4 s); api(token, method, path,
// body) calls /api/v1.
export async function roomStack(t, name) {
  const { hub, dir, token: admin } = await stack(t, name);
  const gw = await startGateway(hub, dir, { extra: WEBRTC, segmentSeconds: 4 });
  cleanup(t, () => gw.proc.stopClean());
  const api = (tok, method, p, body) => request(hub, method, `/api/v1${p}`, { token: tok, body });
  return { hub, dir, admin, gw, api };
}

// A case of judge1 (team 执行一组) and its hearing (听证) hosted by judge1,
// officer1 of the team invited; judge2 has no part in the case.
export async function hearing(hub, admin, api, { number, respondent, amount, title, scheduled_at }) {
  const duty = await addUser(hub, admin, 'duty1', 'duty');
  const judge1 = await addUser(hub, admin, 'judge1', 'judge', { display_name: '张法官' });
  await addUser(hub, admin, 'officer1', 'officer', { team: '执行一组', display_name: '王执行员' });
  const judge2 = await addUser(hub, admin, 'judge2', 'judge');
  const c = await api(duty, 'POST', '/cases', { number, filed_on: '2026-11-20', judge: 'judge1',
    team: '执行一组', applicants: ['某银行'], respondents: [respondent], amount });
  assert.equal(c.status, 201, c.text);
  const r = await api(judge1, 'POST', '/rooms', { title, kind: '听证', case_id: c.json.case.id, scheduled_at });
  assert.equal(r.status, 201, r.text);
  const id = r.json.room.id;
  const inv = await api(judge1, 'POST', `/rooms/${id}/invitations`, { users: ['officer1'] });
  assert.ok(inv.status < 300, inv.text);
  return { duty, judge1, judge2, kase: c.json.case, id };
}

// username's own Chromium (fake devices), logged in, on the room's page.
export async function enterRoomPage(t, hub, id, username) {
  const ctx = await launch(t, { args: FAKE });
  const page = await loginPage(ctx, hub, username, PASSWORD);
  await page.goto(`${hub.url}/room/${id}`);
  return { ctx, page };
}
