// Recordings are evidence: kill -9 of the gateway in the middle of a
// segment loses at most the last ~1 s fragment. Every closed segment plays
// whole; the segment open at the kill plays to within 2 s of it and is filed,
// flagged cut short, when the gateway starts again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { stack, addUnit, request, waitFor, freePort, cleanup, sleep } from '../lib/harness.mjs';
import { startGateway, srtSource, ffprobe, decodeErrors, segments } from '../lib/media.mjs';

test('kill -9 of the gateway loses nothing that was recorded', async (t) => {
  const { hub, dir, token } = await stack(t, 'mkill');
  await addUnit(hub, token, { id: 'dr-01', name: '无人机一号', kind: 'drone' });
  const gw = await startGateway(hub, dir, { segmentSeconds: 4 });
  cleanup(t, () => gw.proc.stopClean());
  const port = await freePort();
  const r = await request(hub, 'POST', '/api/v1/streams',
    { token, body: { unit: 'dr-01', url: `srt://127.0.0.1:${port}?mode=listener` } });
  const src = srtSource(port);
  cleanup(t, () => src.kill9());
  // Two whole segments, then kill in the middle of the third.
  await waitFor(async () => (await segments(hub, token, 'dr-01')).length >= 2, { timeout: 30000, what: 'two segments' });
  await sleep(2500);
  const killed = Date.now();
  await gw.proc.kill9();
  await gw.start();
  const segs = await waitFor(async () => {
    const s = await segments(hub, token, 'dr-01');
    return s.some((x) => x.cut_short) && s;
  }, { timeout: 20000, what: 'the cut segment filed after the restart' });
  const cut = segs.find((x) => x.cut_short);
  const whole = segs.filter((x) => !x.cut_short && x.t1 < killed);
  assert.ok(whole.length >= 2);
  for (const s of [...whole, cut]) {
    const file = path.join(gw.recordings, s.path);
    const p = await ffprobe(file);
    assert.deepEqual(p.streams.map((x) => x.codec_name).sort(), ['aac', 'h264'], s.path);
    const errs = await decodeErrors(file);
    assert.equal(errs, '', `${s.path} (${s.cut_short ? 'cut' : 'whole'}) decodes without errors: ${errs}`);
    // what was filed is what is on disk
    const f = await request(hub, 'GET', `/api/v1/recordings/${s.id}/file`, { token });
    assert.equal(f.status, 200);
    assert.equal(Number(f.headers.get('content-length')), s.bytes);
    s.duration = Number(p.format.duration);
  }
  t.diagnostic(`killed at ${killed}; cut segment ${cut.t0}..${cut.t0 + cut.duration * 1000} (${cut.duration} s)`);
  assert.ok(cut.t0 + cut.duration * 1000 >= killed - 2000, 'the cut segment plays to within 2 s of the kill');
  for (const s of whole) assert.ok(Math.abs(s.duration - (s.t1 - s.t0) / 1000) < 1.5, `${s.path} is whole`);
  // Reports are not lost and not doubled.
  await sleep(1500);
  assert.equal((await segments(hub, token, 'dr-01')).filter((x) => x.path === cut.path).length, 1);
  void r;
});
