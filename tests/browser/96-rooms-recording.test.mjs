// The record of a hearing (issue 9): the host turns a room's recording on
// and off. Meanwhile the gateway mixes every participant in the room into
// one picture (a grid with their names and one wall-clock overlay) with
// their sound mixed, and records it through the same crash-safe segments,
// hashes and filing as a field camera's; the segments are filed under the
// room (and so its case), listed at /api/v1/rooms/{id}/recordings, fetched
// by the case's judge and refused to a judge without the case. Every
// segment is read by ffprobe (a 720p H.264 picture, Opus sound) and decoded
// by ffmpeg without an error; together they cover the time the flag was
// on; the picture shows the participants, not a black frame. Each
// participant's own tracks are recorded and filed too, under the room and
// the participant, each closed whole at the stop; turning the recording off
// leaves every connection up (the participants still see each other).
// Two headless Chromium participants with fake cameras and microphones,
// WebRTC on 127.0.0.1 only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { request, waitFor, sleep } from '../lib/harness.mjs';
import { ffprobe, decodeErrors, rgbFrame } from '../lib/media.mjs';
import { liveFrame } from '../lib/browser.mjs';
import { roomStack, hearing, enterRoomPage } from '../lib/rooms.mjs';

const RECORD_MS = 14000;

// Share of a frame's pixels that are not black, at `at` seconds into file
// (Chromium's fake camera is dark green, nearly black in gray: RGB it is).
function litShare(file, at) {
  const rgb = rgbFrame(file, at, 64, 36);
  let lit = 0;
  for (let i = 0; i + 2 < rgb.length; i += 3) if (Math.max(rgb[i], rgb[i + 1], rgb[i + 2]) > 30) lit++;
  return lit / (rgb.length / 3);
}

test('rooms: the hearing is recorded as one grid with names, clock and sound, filed under the room', async (t) => {
  const { hub, dir, admin, api } = await roomStack(t, 'roomrec');
  const { judge1, judge2, kase, id } = await hearing(hub, admin, api,
    { number: '（2026）黑0781执602号', respondent: '李四', amount: 50000, title: '李四案听证' });
  const { page: host } = await enterRoomPage(t, hub, id, 'judge1');
  const { page: officer } = await enterRoomPage(t, hub, id, 'officer1');
  await waitFor(async () => {
    const room = (await api(judge1, 'GET', `/rooms/${id}`)).json.room;
    return room.participants.filter((p) => p.live).length === 2;
  }, { timeout: 45000, what: 'both participants publishing' });

  const recAt = Date.now();
  const on = await api(judge1, 'POST', `/rooms/${id}/recording`);
  assert.equal(on.status, 200, on.text);
  await host.waitForSelector('#rm-rec', { state: 'visible', timeout: 10000 });
  await sleep(RECORD_MS);
  const off = await api(judge1, 'DELETE', `/rooms/${id}/recording`);
  assert.equal(off.status, 200, off.text);
  const stopAt = Date.now();

  // the mix's open segment is closed whole and filed: the hearing reaches
  // the stop and nothing more comes
  let seen = -1;
  const filed = await waitFor(async () => {
    const l = await api(judge1, 'GET', `/rooms/${id}/recordings`);
    const h = l.json?.hearing;
    const n = l.json?.recordings.length;
    const done = h?.t1 >= stopAt - 1500 && n === seen;
    seen = n;
    if (!done) await sleep(1000);
    return done && l.json;
  }, { timeout: 30000, what: 'the hearing filed up to its stop' });
  // recording off left the connections up: the host still sees the
  // officer's picture moving
  const officerPid = await officer.evaluate(() => window.__eccRoom.room?.you);
  const tile = `.rm-tile[data-participant="${officerPid}"] video`;
  const f1 = await liveFrame(host, { tries: 1, selector: tile });
  await sleep(1500);
  const f2 = await liveFrame(host, { tries: 1, selector: tile });
  assert.ok(f1.w > 0 && f2.t > f1.t, `after the recording, the officer's picture still moves (${f1.t} -> ${f2.t})`);

  const mix = filed.recordings.filter((s) => s.participant === undefined);
  assert.equal(mix.length, filed.hearing.segments);
  let total = 0, lit = 0;
  for (const s of mix) {
    assert.equal(s.unit, `room${id}`);
    assert.equal(s.room, id);
    assert.match(s.sha256, /^[0-9a-f]{64}$/);
    const res = await fetch(`${hub.url}/api/v1/recordings/${s.id}/file`, { headers: { authorization: `Bearer ${judge1}` } });
    assert.equal(res.status, 200, `the case's judge fetches segment ${s.id}`);
    const file = path.join(dir, `hearing-${s.id}.mp4`);
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const info = await ffprobe(file);
    const v = info.streams.find((x) => x.codec_type === 'video');
    const a = info.streams.find((x) => x.codec_type === 'audio');
    assert.ok(v && v.codec_name === 'h264' && v.width === 1280 && v.height === 720,
      `${s.path}: a 720p picture: ${JSON.stringify(info.streams)}`);
    assert.ok(a && a.codec_name === 'opus', `${s.path}: and sound: ${JSON.stringify(info.streams)}`);
    assert.equal(await decodeErrors(file), '', `${s.path} decodes without errors`);
    const d = Number(info.format.duration);
    total += d;
    lit = Math.max(lit, litShare(file, Math.min(1, d / 2)));
  }
  // the segments follow each other from the mix's first key frame to the
  // stop: their durations add up to the span they were filed with
  const first = mix[0].t0, last = mix[mix.length - 1].t1;
  const span = (last - first) / 1000;
  t.diagnostic(`the hearing: ${mix.length} segments, ${total.toFixed(1)} s recorded, filed as`
    + ` ${span.toFixed(1)} s; it began ${((first - recAt) / 1000).toFixed(1)} s after the flag,`
    + ` ended ${((stopAt - last) / 1000).toFixed(1)} s before the stop; frames up to ${(lit * 100).toFixed(0)}% lit`);
  assert.ok(Math.abs(total - span) < 2, `${total} s recorded in a span of ${span} s: no gap`);
  assert.ok(first >= recAt - 1000 && first - recAt < 15000, `the recording began with the flag (${first - recAt} ms)`);
  assert.ok(total >= 4, `${total} s recorded`);
  // the grid of participants, not an empty black frame with a clock
  assert.ok(lit > 0.2, `the hearing's picture shows its participants (${lit})`);

  // each participant's own tracks: their camera at its size, their Opus
  // sound, segments one after the other, the last closed whole at the stop
  const pids = [...new Set(filed.recordings.filter((s) => s.participant).map((s) => s.participant))];
  assert.equal(pids.length, 2, `both participants' own tracks filed: ${JSON.stringify(filed.recordings.map((s) => [s.stream, s.participant]))}`);
  for (const pid of pids) {
    const own = filed.recordings.filter((s) => s.participant === pid);
    let sum = 0;
    for (const s of own) {
      assert.equal(s.room, id);
      assert.equal(s.cut_short, false, `${s.path} closed whole`);
      const res = await fetch(`${hub.url}/api/v1/recordings/${s.id}/file`, { headers: { authorization: `Bearer ${judge1}` } });
      assert.equal(res.status, 200);
      const file = path.join(dir, `own-${s.id}.mp4`);
      fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
      const info = await ffprobe(file);
      const v = info.streams.find((x) => x.codec_type === 'video');
      const a = info.streams.find((x) => x.codec_type === 'audio');
      assert.ok(v?.codec_name === 'h264' && v.width > 0, `${s.path}: the participant's picture: ${JSON.stringify(info.streams)}`);
      assert.ok(a?.codec_name === 'opus', `${s.path}: and their sound`);
      assert.equal(await decodeErrors(file), '', `${s.path} decodes without errors`);
      sum += Number(info.format.duration);
    }
    const ownSpan = (own[own.length - 1].t1 - own[0].t0) / 1000;
    t.diagnostic(`participant ${pid}: ${own.length} segments, ${sum.toFixed(1)} s in a span of ${ownSpan.toFixed(1)} s`);
    assert.ok(sum >= 4 && Math.abs(sum - ownSpan) < 2, `participant ${pid}: ${sum} s recorded in ${ownSpan} s`);
    assert.ok(own[own.length - 1].t1 >= stopAt - 3000, `participant ${pid}'s recording reaches the stop`);
  }

  const other = await api(judge2, 'GET', `/rooms/${id}/recordings`);
  assert.equal(other.status, 403, 'a judge without the case may not list them');
  const file = await request(hub, 'GET', `/api/v1/recordings/${mix[0].id}/file`, { token: judge2 });
  assert.equal(file.status, 403, 'nor fetch them');

  // the case's page shows the hearing on its line, a block per segment
  const casePage = await host.context().newPage();
  await casePage.goto(`${hub.url}/case.html?id=${kase.id}`);
  const row = casePage.locator(`.case-hearings .hearing[data-room="${id}"]`);
  await row.waitFor({ timeout: 15000 });
  assert.equal(await row.locator('.hearing-bar a.seg').count(), mix.length);
  assert.match(await row.textContent(), /听证 · 李四案听证/);
  assert.equal(await row.locator('.hearing-bar a.seg').first().getAttribute('href'), `/api/v1/recordings/${mix[0].id}/file`);
  const hearings = await api(judge2, 'GET', `/cases/${kase.id}/hearings`);
  assert.equal(hearings.status, 403, 'nor see the case\'s hearings');
});
