// Restreaming (全媒体直播): a commander pushes a unit's live stream to a
// streaming platform (a real nginx-rtmp here) from the same ingest, the
// picture not transcoded; ffprobe reads it back from the platform with the
// source's codec and size. Start and stop are audited; other roles are
// refused; a destination that drops is retried until it is back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import fs from 'node:fs';
import { stack, request, waitFor, cleanup, addUser } from '../lib/harness.mjs';
import { startGateway, waitStream, cameraUnit } from '../lib/media.mjs';
import { startNginxRtmp } from '../lib/nginx-rtmp.mjs';

const execFileP = promisify(execFile);

async function probe(url) {
  const { stdout } = await execFileP('ffprobe', ['-v', 'error', '-rw_timeout', '5000000', '-show_entries',
    'stream=codec_type,codec_name,width,height', '-of', 'json', url], { timeout: 20000 });
  return JSON.parse(stdout).streams;
}

test('a commander pushes a unit live to an RTMP platform; it is read back, audited and retried', async (t) => {
  const { hub, dir, token } = await stack(t, 'rst');
  const gw = await startGateway(hub, dir);
  cleanup(t, () => gw.proc.stopClean());
  const ndir = path.join(dir, 'nginx');
  fs.mkdirSync(ndir);
  let nginx = await startNginxRtmp(ndir);
  cleanup(t, () => nginx.stop());
  const { sim, stream } = await cameraUnit(hub, token, dir,
    { id: 'veh-05', name: '指挥车5', kind: 'vehicle', camera: { width: 640, height: 360, bitrate: 600 } });
  cleanup(t, () => sim.stopClean());
  await waitStream(hub, token, stream.id, 'live', 20000);
  const commander = await addUser(hub, token, 'zhang3', 'commander');
  const duty = await addUser(hub, token, 'wang5', 'duty');
  const dest = `${nginx.url}/bc-live`;
  const push = (tok, body) => request(hub, 'POST', `/api/v1/streams/${stream.id}/restream`, { token: tok, body });

  // Refusals first: a role that may not, a URL that is not a destination.
  assert.equal((await push(duty, { url: dest })).status, 403);
  assert.equal((await push(commander, { url: 'file:///etc/passwd' })).status, 400);
  assert.equal((await push(commander, {})).status, 400);
  assert.equal((await request(hub, 'POST', '/api/v1/streams/99999/restream',
    { token: commander, body: { url: dest } })).status, 404);

  const r = await push(commander, { url: dest });
  assert.equal(r.status, 200, r.text);
  let seen;
  const state = async () => {
    seen = (await request(hub, 'GET', `/api/v1/streams/${stream.id}`, { token })).json.stream.health?.restream;
    return seen;
  };
  await waitFor(async () => (await state())?.state === 'pushing', { timeout: 20000, what: 'pushing' })
    .catch((e) => { throw new Error(`${e.message}: ${JSON.stringify(seen)}`); });
  const shown = await state();
  assert.equal(shown.url, `rtmp://127.0.0.1:${nginx.port}/…`, 'the destination is shown without its key');
  const streams = await waitFor(async () => probe(dest).catch(() => null), { timeout: 20000, interval: 500, what: 'ffprobe reads the push' });
  const v = streams.find((s) => s.codec_type === 'video');
  assert.deepEqual([v.codec_name, v.width, v.height], ['h264', 640, 360]);
  assert.ok(streams.some((s) => s.codec_type === 'audio' && s.codec_name === 'aac'), 'with its sound');

  // The platform goes away and comes back: the push is retried.
  await nginx.stop();
  await waitFor(async () => (await state())?.state !== 'pushing', { timeout: 15000, what: 'the push notices' });
  nginx = await startNginxRtmp(ndir, { port: nginx.port });
  await waitFor(async () => (await state())?.state === 'pushing', { timeout: 45000, what: 'pushing again' });
  const again = await state();
  assert.ok(again.retries >= 1, `retried (${again.retries})`);
  await waitFor(async () => probe(dest).catch(() => null), { timeout: 20000, interval: 500, what: 'ffprobe reads it again' });

  // Stop; audited both ways, with the commander's name.
  assert.equal((await request(hub, 'DELETE', `/api/v1/streams/${stream.id}/restream`, { token: commander })).status, 200);
  await waitFor(async () => !(await state()), { timeout: 10000, what: 'the push ends' });
  const audit = (await request(hub, 'GET', '/api/v1/audit?limit=200', { token })).json.entries;
  for (const action of ['restream.start', 'restream.stop']) {
    const e = audit.find((x) => x.action === action);
    assert.ok(e, action);
    assert.equal(e.actor, 'zhang3');
    assert.equal(e.target, `stream:${stream.id}`);
    assert.ok(!e.detail.includes('bc-live'), 'no stream key in the audit log');
  }
  // The recording was not disturbed by any of it.
  const health = (await request(hub, 'GET', `/api/v1/streams/${stream.id}`, { token })).json.stream.health;
  assert.equal(health.recording, true);
  assert.equal(health.reconnects, 0);
});
