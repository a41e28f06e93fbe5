// A recording starts from the stream's first key frame even when the
// recorder attaches after it (it waits until it knows the stream's tracks)
// and the source sends a key frame only every 16 s, as drones and some 4G
// units do. Without the gateway's cached GOP the first 16 s of the
// operation would not be recorded at all: the evidence would begin at the
// second key frame. The cached frames go into the first segment with their
// own times, so the file plays from the start, in order, with its sound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { stack, addUnit, request, waitFor, freePort, cleanup, execFileP } from '../lib/harness.mjs';
import { startGateway, waitStream, segments, srtSource, ffprobe, decodeErrors } from '../lib/media.mjs';

const GOP_S = 16;

test('a long-GOP source is recorded from its first key frame, not its second', async (t) => {
  const { hub, dir, token } = await stack(t, 'mgop');
  const gw = await startGateway(hub, dir, { segmentSeconds: 3 });
  cleanup(t, () => gw.proc.stopClean());
  await addUnit(hub, token, { id: 'drone', name: 'drone', kind: 'drone' });
  const port = await freePort();
  const r = await request(hub, 'POST', '/api/v1/streams',
    { token, body: { unit: 'drone', url: `srt://127.0.0.1:${port}?mode=listener` } });
  assert.equal(r.status, 201, r.text);
  const id = r.json.stream.id;
  await waitStream(hub, token, id, 'waiting');

  const src = srtSource(port, { keyint: GOP_S * 25 });
  cleanup(t, () => src.kill9());
  const started = Date.now();
  await waitStream(hub, token, id, 'live');
  const liveAt = Date.now();

  // The first segment ends at the second key frame, GOP_S after the first.
  const [first] = await waitFor(async () => {
    const s = await segments(hub, token, 'drone');
    return s.length >= 1 && s;
  }, { timeout: (GOP_S + 20) * 1000, what: 'the first segment' });
  const said = gw.proc.out.split('\n').filter((l) => l.includes(`stream=s${id}:`)).join('\n');
  t.diagnostic(`source started ${started}, live ${liveAt - started} ms later; first segment `
    + `${first.t0 - started} ms .. ${first.t1 - started} ms after the source started`);
  assert.match(said, /recording from the cached key frame/, said);
  // It begins where the source began (give or take the SRT handshake and
  // the poll), not a GOP later.
  assert.ok(first.t0 <= liveAt + 1000, `first segment starts ${first.t0 - liveAt} ms after live\n${said}`);
  assert.ok(first.t0 >= started - 2000, `first segment starts ${started - first.t0} ms before the source`);
  assert.ok(first.t1 - first.t0 >= (GOP_S - 2) * 1000, `a whole GOP: ${first.t1 - first.t0} ms`);

  const whole = await fetch(`${hub.url}/api/v1/recordings/${first.id}/file`,
    { headers: { authorization: `Bearer ${token}` } });
  assert.equal(whole.status, 200);
  const local = path.join(dir, 'first.mp4');
  fs.writeFileSync(local, Buffer.from(await whole.arrayBuffer()));
  const p = await ffprobe(local);
  const v = p.streams.find((s) => s.codec_type === 'video');
  assert.ok(v, 'the first segment has the picture');
  assert.ok(p.streams.some((s) => s.codec_type === 'audio'), 'and the sound');
  const dur = Number(p.format.duration) * 1000;
  t.diagnostic(`first segment: ${Math.round(dur)} ms in the file, ${first.t1 - first.t0} ms filed`);
  assert.ok(Math.abs(dur - (first.t1 - first.t0)) < 1500,
    `the file's duration (${dur} ms) matches its filed span (${first.t1 - first.t0} ms)`);
  assert.equal(await decodeErrors(local), '', 'the first segment decodes cleanly');
  // its sound starts with its picture: the cached sound goes in with the
  // cached frames (the sound of the attach on alone was placed at the
  // segment's start, ahead of its picture, and ended short of it)
  const span = async (kind) => {
    const { stdout } = await execFileP('ffprobe', ['-v', 'error', '-select_streams', kind,
      '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', local]);
    const rows = stdout.trim().split('\n').map((l) => l.split(',').map(Number));
    const last = rows.reduce((m, [pts, d]) => Math.max(m, pts + (d || 0)), 0);
    return (last - Math.min(...rows.map(([pts]) => pts))) * 1000;
  };
  const vs = await span('v'), as = await span('a');
  t.diagnostic(`first segment: picture ${Math.round(vs)} ms, sound ${Math.round(as)} ms`);
  assert.ok(as >= vs - 300, `the sound spans the picture (${Math.round(as)} of ${Math.round(vs)} ms)`);
  gw.proc.assertClean();
});
