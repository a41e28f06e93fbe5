// Media helpers for the tests: a real ecc-gateway, test sources made with
// gst-launch-1.0, and ffprobe/ffmpeg as the independent reader of files.
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Proc, BIN, SLOW_UNWIND, execFileP, waitFor, request, freePort } from './harness.mjs';

export async function startGateway(hub, dir, { id = 'gw1', segmentSeconds = 4, capacity = 16, extra = '' } = {}) {
  const r = await hub.cli(['gateway', 'add', id, '--json']);
  if (r.code !== 0) throw new Error(`gateway add: ${r.stderr}`);
  const g = JSON.parse(r.stdout);
  const conf = path.join(dir, `${id}.ini`);
  const gw = { id, conf, recordings: path.join(dir, `${id}-rec`), snapshots: path.join(dir, `${id}-snap`) };
  fs.writeFileSync(conf, `[gateway]\nid = ${id}\ncapacity = ${capacity}\nrecordings = ${gw.recordings}\n`
    + `snapshots = ${gw.snapshots}\nsegment_seconds = ${segmentSeconds}\nsnapshot_seconds = 1\n${extra}\n`
    + `[mqtt]\nhost = 127.0.0.1\nport = ${hub.broker.port}\nusername = ${g.username}\npassword = ${g.password}\n`);
  gw.start = async () => {
    gw.proc = new Proc(`ecc-gateway ${id}`, BIN.gateway, ['--config', conf], { env: SLOW_UNWIND });

    await gw.proc.waitForOutput(/connected to/);
  };
  await gw.start();
  return gw;
}

// A live source: H.264 (or H.265) test video with the time burned in and
// a tone, pushed over SRT to a gateway that listens on `port`.
// keyint: frames from one key frame to the next (25 frames a second).
export function srtSource(port, { codec = 'h264', audio = true, keyint = 25 } = {}) {
  const enc = codec === 'h265'
    ? `x265enc tune=zerolatency speed-preset=ultrafast key-int-max=${keyint} bitrate=600 ! h265parse`
    : `x264enc tune=zerolatency speed-preset=ultrafast key-int-max=${keyint} bitrate=600 ! h264parse`;
  const a = audio ? ' audiotestsrc is-live=true wave=sine volume=0.05 ! audioconvert ! avenc_aac ! aacparse ! mux.' : '';
  const desc = `videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=180,framerate=25/1 ! `
    + `clockoverlay time-format="%H:%M:%S" ! ${enc} ! mux.${a} mpegtsmux name=mux alignment=7 ! `
    + `srtsink uri=srt://127.0.0.1:${port}?mode=caller`;
  // Like a real encoder, the source dials again when its connection breaks
  // (srtsink can end its pipeline when the listener vanishes mid-write).
  const launch = `gst-launch-1.0 -q ${desc.replace(/"/g, '\\"').split(' ').map((a) => `"${a}"`).join(' ')}`;
  return new Proc('srt source', 'sh', ['-c', `while :; do ${launch}; sleep 0.3; done`], { group: true });
}

export async function ffprobe(file) {
  const { stdout } = await execFileP('ffprobe', ['-v', 'error', '-show_entries',
    'stream=codec_name,codec_type,width,height:format=duration', '-of', 'json', file]);
  return JSON.parse(stdout);
}

// Decodes the whole file; resolves with ffmpeg's complaints ('' when clean).
export async function decodeErrors(file) {
  // passthrough: frames keep the file's timestamps. By default ffmpeg
  // re-times them to a constant rate for the null muxer, and a recording's
  // arrival jitter (a loaded machine) then shows as a muxer complaint
  // about equal timestamps that no decoder made.
  const { stderr } = await execFileP('ffmpeg', ['-v', 'error', '-i', file, '-fps_mode', 'passthrough', '-enc_time_base', '-1', '-f', 'null', '-'], { maxBuffer: 1 << 24 });
  return stderr.trim();
}

// The frame `at` seconds into file, scaled to w x h, as RGB bytes (ffmpeg).
export function rgbFrame(file, at, w, h) {
  return execFileSync('ffmpeg', ['-v', 'error', '-ss', String(at), '-i', file, '-frames:v', '1',
    '-vf', `scale=${w}:${h},format=rgb24`, '-f', 'rawvideo', '-']);
}

export async function waitStream(hub, token, id, state, timeout = 20000) {
  return waitFor(async () => {
    const r = await request(hub, 'GET', `/api/v1/streams/${id}`, { token });
    return r.json?.stream?.state === state && r.json.stream;
  }, { timeout, what: `stream ${id} ${state}` });
}

export async function segments(hub, token, unit) {
  const r = await request(hub, 'GET', `/api/v1/units/${unit}/recordings?from=0&to=${Date.now() + 600000}`, { token });
  return r.json.segments;
}

// One simulated unit with a camera (ecc-devsim on its own RTSP port) that
// announces its stream; resolves with {sim, stream} once the hub has the
// stream. The caller stops sim (sim.stopClean()).
export async function cameraUnit(hub, token, dir, { id, name = id, kind = 'bodycam', camera = {} }) {
  const r = await request(hub, 'POST', '/api/v1/units', { token, body: { id, name, kind } });
  if (r.status !== 201) throw new Error(`add unit ${id}: ${r.status} ${r.text}`);
  const file = path.join(dir, `units-${id}.json`);
  fs.writeFileSync(file, JSON.stringify([{ id, kind, name, username: r.json.mqtt.username,
    password: r.json.mqtt.password, camera: { width: 320, height: 180, bitrate: 300, ...camera } }]));
  const sim = new Proc(`ecc-devsim ${id}`, BIN.devsim, ['--units', file, '--mqtt-port', String(hub.broker.port),
    '--events-every', '0', '--rtsp-port', String(await freePort())], { env: SLOW_UNWIND });
  const stream = await waitFor(async () => (await request(hub, 'GET', '/api/v1/streams', { token }))
    .json.streams.find((s) => s.unit === id), { timeout: 15000, what: `the stream ${id} announces` })
    .catch((e) => { sim.kill9(); throw e; });
  return { sim, stream };
}
