// Real pipelines end to end: simulated units (ecc-devsim) serve and push real
// cameras, announce them over MQTT, the gateway ingests and records them,
// the hub files every segment under its unit, and the files come back over
// HTTP with a Range header and play in ffprobe and ffmpeg. One run covers
// RTSP over TCP and over UDP with digest authentication, H.265, RTMP pulled
// from nginx-rtmp and SRT pushed by a drone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { stack, addUnit, request, waitFor, freePort, cleanup, Proc, BIN, SLOW_UNWIND } from '../lib/harness.mjs';
import { startGateway, waitStream, segments, ffprobe, decodeErrors } from '../lib/media.mjs';
import { startNginxRtmp } from '../lib/nginx-rtmp.mjs';

const UNITS = [
  // id, kind, camera, what the gateway must see
  ['bc-tcp', 'bodycam', { codec: 'h264', audio: 'aac' }, { vcodec: 'h264', acodec: 'aac', proto: 'rtsp' }],
  ['bc-udp', 'bodycam', { codec: 'h264', audio: 'pcma' }, { vcodec: 'h264', acodec: 'pcma', proto: 'rtsp' }],
  ['hh-265', 'handheld', { codec: 'h265', audio: 'none' }, { vcodec: 'h265', acodec: '', proto: 'rtsp' }],
  ['veh-rtmp', 'vehicle', { transport: 'rtmp' }, { vcodec: 'h264', proto: 'rtmp' }],
  ['dr-srt', 'drone', { transport: 'srt' }, { vcodec: 'h264', proto: 'srt' }],
];

test('every kind of field stream is ingested, recorded, filed and served', async (t) => {
  const { hub, dir, token } = await stack(t, 'ming');
  const gw = await startGateway(hub, dir, { segmentSeconds: 2 });
  cleanup(t, () => gw.proc.stopClean());
  const rtmp = await startNginxRtmp(path.join(dir, 'nginx'));
  cleanup(t, () => rtmp.stop());

  const units = [];
  for (const [id, kind, camera] of UNITS) {
    const r = await addUnit(hub, token, { id, name: id, kind });
    units.push({ id, kind, username: r.mqtt.username, password: r.mqtt.password,
      camera: { width: 320, height: 180, fps: 25, bitrate: 300, ...camera } });
  }
  const file = path.join(dir, 'units.json');
  fs.writeFileSync(file, JSON.stringify(units));
  const rtspPort = await freePort(), srtPort = await freePort();
  const sim = new Proc('ecc-devsim', BIN.devsim, ['--units', file, '--mqtt-port', String(hub.broker.port),
    '--events-every', '0', '--rtsp-port', String(rtspPort), '--rtsp-user', 'cam', '--rtsp-password', 'S3cret-9',
    '--srt-target', `srt://127.0.0.1:${srtPort}`, '--rtmp-target', `${rtmp.url}`], { env: SLOW_UNWIND });
  cleanup(t, () => sim.stopClean());

  // Every unit announces its camera; the hub turns each into a stream.
  const announced = await waitFor(async () => {
    const s = (await request(hub, 'GET', '/api/v1/streams', { token })).json.streams;
    return s.length === UNITS.length && s;
  }, { timeout: 20000, what: 'every camera announced' });
  const byUnit = Object.fromEntries(announced.map((s) => [s.unit, s]));
  // (the camera's password is masked in the list)
  assert.match(byUnit['bc-tcp'].url, /^rtsp:\/\/cam:\*\*\*@127\.0\.0\.1:\d+\/bc-tcp$/);
  assert.match(byUnit['dr-srt'].url, /^srt:\/\/127\.0\.0\.1:\d+\?mode=listener$/);
  assert.equal(byUnit['veh-rtmp'].url, `${rtmp.url}/veh-rtmp`);
  assert.ok(announced.every((s) => s.source === 'announce'));

  // The UDP unit is taken over by hand: RTSP with UDP transport.
  let r = await request(hub, 'DELETE', `/api/v1/streams/${byUnit['bc-udp'].id}`, { token });
  assert.equal(r.status, 200);
  r = await request(hub, 'POST', '/api/v1/streams',
    { token, body: { unit: 'bc-udp', url: byUnit['bc-udp'].url.replace(':***@', ':S3cret-9@'), transport: 'udp' } });
  assert.equal(r.status, 201, r.text);
  byUnit['bc-udp'] = r.json.stream;

  for (const [id, , camera, want] of UNITS) {
    await waitStream(hub, token, byUnit[id].id, 'live', 30000);
    // health figures are per second: give the first second time to count
    const s = await waitFor(async () => {
      const x = (await request(hub, 'GET', `/api/v1/streams/${byUnit[id].id}`, { token })).json.stream;
      // over UDP the sound's first packets may come after the picture's
      // (and the parser's caps, with the size, may come a report later)
      return x.health.fps > 15 && x.health.width > 0 && (want.acodec === undefined || x.health.acodec === want.acodec) && x;
    }, { timeout: 10000, what: `${id} at full frame rate, with its sound` });
    t.diagnostic(`${id}: ${s.url.replace(/:[^:@/]*@/, ':***@')} live: ${s.health.vcodec}/${s.health.acodec || '-'} `
      + `${s.health.width}x${s.health.height} ${s.health.fps} fps ${Math.round(s.health.bitrate / 1000)} kbit/s`);
    assert.equal(s.health.vcodec, want.vcodec, id);
    if (want.acodec !== undefined) assert.equal(s.health.acodec, want.acodec, id);
    assert.equal(s.health.width, camera.width ?? 320, id);
    assert.equal(s.health.height, 180, id);
    assert.ok(s.health.last_frame_age < 1000, `${id} last frame age ${s.health.last_frame_age}`);
    assert.equal(s.transport, id === 'bc-udp' ? 'udp' : 'tcp');
  }

  // The wall's thumbnails: a JPEG of every live stream, 480 wide, renewed
  // every few seconds (snapshot_seconds = 1 here) while the stream is live.
  for (const [id] of UNITS) {
    const snap = async () => {
      const res = await fetch(`${hub.url}/api/v1/streams/${byUnit[id].id}/snapshot.jpg`,
        { headers: { authorization: `Bearer ${token}` } });
      return res.status === 200 && { type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
    };
    const first = await waitFor(snap, { timeout: 10000, what: `a snapshot of ${id}` });
    assert.equal(first.type, 'image/jpeg', id);
    const jpg = path.join(dir, `${id}.jpg`);
    fs.writeFileSync(jpg, first.bytes);
    const v = (await ffprobe(jpg)).streams[0];
    assert.deepEqual([v.codec_name, v.width, v.height], ['mjpeg', 480, 270], `${id} snapshot`);
    await waitFor(async () => { const n = await snap(); return n && !n.bytes.equals(first.bytes); },
      { timeout: 10000, what: `a newer snapshot of ${id}` });
  }

  // Two whole segments per unit, filed under the unit, fetched over HTTP
  // with a Range header, then read by ffprobe and decoded by ffmpeg.
  for (const [id, , , want] of UNITS) {
    const segs = await waitFor(async () => {
      const s = (await segments(hub, token, id)).filter((x) => !x.cut_short);
      return s.length >= 2 && s;
    }, { timeout: 30000, what: `two segments of ${id}` });
    for (const seg of segs.slice(0, 2)) {
      const head = await request(hub, 'GET', `/api/v1/recordings/${seg.id}/file`,
        { token, headers: { range: 'bytes=0-1023' } });
      assert.equal(head.status, 206, `${id} ${seg.path}`);
      assert.equal(head.headers.get('content-range'), `bytes 0-1023/${seg.bytes}`);
      const whole = await fetch(`${hub.url}/api/v1/recordings/${seg.id}/file`,
        { headers: { authorization: `Bearer ${token}` } });
      assert.equal(whole.status, 200);
      const bytes = Buffer.from(await whole.arrayBuffer());
      assert.equal(bytes.length, seg.bytes);
      assert.equal(crypto.createHash('sha256').update(bytes).digest('hex'), seg.sha256, `${id} hash`);
      const local = path.join(dir, `${id}-${seg.id}.mp4`);
      fs.writeFileSync(local, bytes);
      const p = await ffprobe(local);
      const v = p.streams.find((x) => x.codec_type === 'video');
      assert.equal(v.codec_name, want.vcodec === 'h265' ? 'hevc' : 'h264', `${id} codec`);
      const dur = Number(p.format.duration);
      assert.ok(dur > 1 && dur < 4, `${id} segment lasts ${dur} s`);
      if (want.acodec && !p.streams.some((x) => x.codec_type === 'audio')) {
        // What the gateway said about this stream: for the next reader.
        const name = `s${byUnit[id].id}`;
        const said = gw.proc.out.split('\n').filter((l) => l.includes(`stream=${name}`)).slice(0, 40).join('\n');
        assert.fail(`${id} has sound: ${seg.path} has none (segment ${segs.indexOf(seg) + 1})\n${said}`);
      }
      assert.equal(await decodeErrors(local), '', `${id} ${seg.path} decodes cleanly`);
    }
    t.diagnostic(`${id} (${want.proto}): ${segs.length} segments filed, first ${segs[0].bytes} bytes`);
  }
});
