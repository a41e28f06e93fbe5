// Retention of recordings: while a gateway reports its disk low, the hub has
// it delete its oldest segments first, never a locked one; every deletion is
// in the audit log with the file's hash, and the files are really gone. The
// low disk raises an alert and ingest goes on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { stack, addUnit, request, waitFor, freePort, cleanup } from '../lib/harness.mjs';
import { startGateway, srtSource, waitStream, segments, ffprobe, decodeErrors } from '../lib/media.mjs';

const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

async function audit(hub, token) {
  const r = await request(hub, 'GET', '/api/v1/audit?limit=1000', { token });
  assert.equal(r.status, 200);
  return r.json.entries.slice().reverse(); // oldest first
}

// A segment's record; null once it is deleted (the hub answers 404).
async function recording(hub, token, id) {
  const r = await request(hub, 'GET', `/api/v1/recordings/${id}`, { token });
  if (r.status === 404) return null;
  assert.equal(r.status, 200, r.text);
  return r.json.recording;
}

test('a low disk deletes the oldest unlocked segments, audited with their hash', async (t) => {
  const { hub, dir, token } = await stack(t, 'mret', { recordings: { retention_check: 1 } });
  // First a gateway whose disk is never low (threshold 0 MB).
  const gw = await startGateway(hub, dir, { segmentSeconds: 2, extra: 'disk_low_mb = 0' });
  cleanup(t, () => gw.proc.stopClean());
  await addUnit(hub, token, { id: 'bc-01', name: 'bc-01', kind: 'bodycam' });
  const port = await freePort();
  const r = await request(hub, 'POST', '/api/v1/streams',
    { token, body: { unit: 'bc-01', url: `srt://127.0.0.1:${port}?mode=listener` } });
  assert.equal(r.status, 201, r.text);
  const stream = r.json.stream;
  const src = srtSource(port);
  cleanup(t, () => src.kill9());
  await waitStream(hub, token, stream.id, 'live');

  const old = await waitFor(async () => {
    const s = await segments(hub, token, 'bc-01');
    return s.length >= 4 && s;
  }, { timeout: 30000, what: 'four segments' });
  old.sort((a, b) => a.t1 - b.t1);
  // What is on disk now, hashed independently of the gateway.
  const onDisk = new Map(old.map((s) => [s.id, sha256(path.join(gw.recordings, s.path))]));
  for (const s of old) assert.equal(onDisk.get(s.id), s.sha256, `${s.path}: filed hash is the file's`);

  // Lock the second oldest: retention must skip it, taking the oldest
  // first and then the newer ones.
  const locked = old[1];
  const lr = await request(hub, 'POST', `/api/v1/recordings/${locked.id}/lock`, { token });
  assert.equal(lr.status, 200, lr.text);
  assert.equal((await recording(hub, token, locked.id)).locked, true);
  await new Promise((resolve) => setTimeout(resolve, 1500)); // a retention pass with nothing to do
  for (const s of old) assert.ok(await recording(hub, token, s.id), `${s.path} kept: the disk is not low yet`);

  // The same gateway again, now with a threshold above the free space: its
  // disk is low.
  await gw.proc.stopClean();
  fs.writeFileSync(gw.conf, fs.readFileSync(gw.conf, 'utf8').replace('disk_low_mb = 0', 'disk_low_mb = 10000000'));
  const hubOut = hub.proc.out.length;
  await gw.start();
  const lowSince = Date.now();
  const g = await waitFor(async () => (await request(hub, 'GET', '/api/v1/gateways', { token })).json.gateways
    .find((x) => x.id === gw.id && x.online && x.disk_low), { timeout: 20000, what: 'the gateway online with its disk low' });
  assert.ok(g.disk_free_mb < 10000000, `free ${g.disk_free_mb} MB`);
  const alert = await waitFor(async () => (await request(hub, 'GET', '/api/v1/alerts?state=open', { token }))
    .json.alerts.find((a) => a.kind === 'disk_low'), { timeout: 20000, what: 'a disk_low alert' });
  assert.equal(alert.severity, 'high');
  t.diagnostic(`disk_low alert: "${alert.message}" (free ${g.disk_free_mb} MB)`);

  // Every unlocked segment from before goes; the locked one stays.
  const unlocked = old.filter((s) => s !== locked);
  await waitFor(async () => {
    for (const s of unlocked) if (await recording(hub, token, s.id)) return false;
    return true;
  }, { timeout: 30000, what: 'the unlocked segments deleted' });
  const took = Date.now() - lowSince;
  const kept = await recording(hub, token, locked.id);
  assert.ok(kept, 'the locked segment is never deleted');
  assert.equal(kept.locked, true);

  // The audit log: one recording.delete per segment, by the system, with
  // the file's hash, in the order oldest first; none for the locked one.
  const entries = await audit(hub, token);
  const deletes = entries.filter((e) => e.action === 'recording.delete');
  assert.ok(!deletes.some((e) => e.target === locked.path), 'no deletion of the locked segment audited');
  const ids = [];
  for (const s of unlocked) {
    const e = deletes.filter((x) => x.target === s.path);
    assert.equal(e.length, 1, `${s.path}: one audit entry`);
    const d = JSON.parse(e[0].detail);
    assert.equal(e[0].actor, 'system');
    assert.equal(d.sha256, onDisk.get(s.id), `${s.path}: the audit names the file's hash`);
    assert.equal(d.gateway, gw.id);
    assert.equal(d.reason, 'disk');
    ids.push(e[0].id);
  }
  assert.deepEqual(ids, ids.slice().sort((a, b) => a - b), 'deleted oldest first');
  const v = await request(hub, 'GET', '/api/v1/audit/verify', { token });
  assert.equal(v.json.ok, true, v.text);
  t.diagnostic(`${unlocked.length} segments deleted ${took} ms after the disk went low,`
    + ` audit order ${ids.join(',')}`);

  // The files are gone from the gateway's disk; the locked one is there,
  // unchanged, and still plays.
  for (const s of unlocked) assert.equal(fs.existsSync(path.join(gw.recordings, s.path)), false, s.path);
  const lockedFile = path.join(gw.recordings, locked.path);
  assert.equal(sha256(lockedFile), locked.sha256, 'the locked file is unchanged');
  const probe = await ffprobe(lockedFile);
  const video = probe.streams.find((x) => x.codec_type === 'video');
  assert.equal(video.codec_name, 'h264');
  assert.ok(Number(probe.format.duration) > 0, `duration ${probe.format.duration}`);
  assert.equal(await decodeErrors(lockedFile), '', 'the locked file decodes cleanly');
  const f = await request(hub, 'GET', `/api/v1/recordings/${locked.id}/file`,
    { token, headers: { range: 'bytes=0-1023' } });
  assert.equal(f.status, 206);
  for (const s of unlocked) {
    const gone = await request(hub, 'GET', `/api/v1/recordings/${s.id}/file`, { token });
    assert.equal(gone.status, 404, `${s.path} is no longer served`);
  }
  t.diagnostic(`locked ${locked.path} kept: ${video.codec_name} ${video.width}x${video.height},`
    + ` ${probe.format.duration} s`);

  // Ingest goes on: the stream is live and new segments are filed (and,
  // the disk still low, deleted in turn).
  const fresh = await waitFor(async () => {
    const filed = [...hub.proc.out.slice(hubOut).matchAll(/unit=bc-01: segment filed: (\S+) \(whole\)/g)]
      .map((m) => m[1]);
    const deleted = new Set((await audit(hub, token)).filter((e) => e.action === 'recording.delete')
      .map((e) => e.target));
    return filed.find((p) => deleted.has(p));
  }, { timeout: 40000, interval: 500, what: 'a new segment filed and deleted while the disk is low' });
  assert.equal((await request(hub, 'GET', `/api/v1/streams/${stream.id}`, { token })).json.stream.state, 'live');
  t.diagnostic(`ingest goes on: segment ${fresh} filed and deleted while the disk is low`);

  // Unlocked, the kept segment goes too.
  const ur = await request(hub, 'DELETE', `/api/v1/recordings/${locked.id}/lock`, { token });
  assert.equal(ur.status, 200, ur.text);
  await waitFor(async () => !(await recording(hub, token, locked.id)),
    { timeout: 20000, what: 'the unlocked segment deleted' });
  const last = (await audit(hub, token))
    .filter((e) => e.action === 'recording.delete' && e.target === locked.path);
  assert.equal(last.length, 1);
  assert.equal(JSON.parse(last[0].detail).sha256, locked.sha256);
  assert.equal(fs.existsSync(lockedFile), false);
  const lockAudit = (await audit(hub, token))
    .filter((e) => e.target === `recording:${locked.id}` && e.action.endsWith('lock')).map((e) => e.action);
  assert.deepEqual(lockAudit, ['recording.lock', 'recording.unlock']);
});
