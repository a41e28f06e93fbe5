// The delete request for a recorded segment (DELETE /api/v1/recordings/{id},
// the request a locked piece of evidence must survive): an unlocked segment
// is deleted by its gateway and the file is gone, audited with the reason;
// a locked one is refused (403), and so is one whose gateway is offline
// (503); every request is in the audit log, refusals too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { stack, addUnit, request, waitFor, freePort, cleanup } from '../lib/harness.mjs';
import { startGateway, srtSource, waitStream, segments } from '../lib/media.mjs';

test('a delete request removes an unlocked segment only', async (t) => {
  const { hub, dir, token } = await stack(t, 'ops-delete');
  const gw = await startGateway(hub, dir, { segmentSeconds: 2, extra: 'disk_low_mb = 0' });
  cleanup(t, () => gw.proc.stopClean());
  const api = (method, p) => request(hub, method, `/api/v1${p}`, { token });
  await addUnit(hub, token, { id: 'bc-05', name: 'bc-05', kind: 'bodycam' });
  const port = await freePort();
  const r = await request(hub, 'POST', '/api/v1/streams',
    { token, body: { unit: 'bc-05', url: `srt://127.0.0.1:${port}?mode=listener` } });
  assert.equal(r.status, 201, r.text);
  const src = srtSource(port);
  cleanup(t, () => src.kill9());
  await waitStream(hub, token, r.json.stream.id, 'live');
  const segs = await waitFor(async () => { const s = await segments(hub, token, 'bc-05'); return s.length >= 3 && s; },
    { timeout: 30000, what: 'three segments' });
  const [gone, locked, offline] = segs;
  const file = (s) => path.join(gw.recordings, s.path);
  assert.ok(fs.existsSync(file(gone)));

  let x = await api('DELETE', `/recordings/${gone.id}`);
  assert.equal(x.status, 202, x.text);
  await waitFor(async () => (await api('GET', `/recordings/${gone.id}`)).status === 404, { what: 'the segment deleted' });
  assert.equal(fs.existsSync(file(gone)), false, 'the file is gone');
  assert.equal((await api('DELETE', `/recordings/${gone.id}`)).status, 404, 'deleted already');

  assert.equal((await api('POST', `/recordings/${locked.id}/lock`)).status, 200);
  x = await api('DELETE', `/recordings/${locked.id}`);
  assert.equal(x.status, 403, x.text);
  assert.match(x.json.error.message, /locked as evidence/);
  assert.equal((await api('DELETE', '/recordings/abc')).status, 400);

  await gw.proc.stopClean();
  await waitFor(async () => !(await api('GET', '/gateways')).json.gateways.find((g) => g.id === gw.id).online,
    { timeout: 20000, what: 'the gateway offline' });
  x = await api('DELETE', `/recordings/${offline.id}`);
  assert.equal(x.status, 503, x.text);
  await gw.start();
  assert.equal((await api('GET', `/recordings/${locked.id}`)).status, 200);
  assert.ok(fs.existsSync(file(locked)) && fs.existsSync(file(offline)));

  const audit = (await api('GET', '/audit?limit=500')).json.entries;
  const req = (s) => audit.filter((e) => e.action === 'recording.delete_request' && e.target === `recording:${s.id}`);
  assert.deepEqual(req(gone).map((e) => e.result), ['ok']);
  assert.deepEqual(req(locked).map((e) => e.result), ['denied']);
  assert.deepEqual(req(offline).map((e) => e.result), ['error']);
  const del = audit.find((e) => e.action === 'recording.delete' && e.target === gone.path);
  assert.equal(JSON.parse(del.detail).reason, 'request');
  assert.equal(JSON.parse(del.detail).sha256, gone.sha256);
});
