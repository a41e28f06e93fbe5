// Field video and screen sharing in a consultation room (issue 9, parts 3
// and 2's screen sharing): two headless Chromium participants with fake
// devices on the room page (/room/{id}), a real gateway, and a simulated
// unit's camera (ecc-devsim, RTSP) that the gateway already ingests. The
// host (a commander) brings the unit's stream into the room with the page's
// picker; the guest, who may not watch any unit, then sees it in a tile
// badged "现场" (a picture that is not black, moves on and carries the
// camera's burned-in clock) from the same ingest, as one more viewer
// (WebRTC on 127.0.0.1 only). Outside the feed the guest is refused that
// stream; taking the feed out ends the guest's view at the hub and the
// tile goes. Only what the host may see comes in (a judge is refused), and
// the REST errors (400, 404, 409) and the audit hold. The guest shares its
// screen (getDisplayMedia, a second stream of its own): the host sees it in
// a big tile with a picture; stopping the share ends that stream. With the
// feed in, the hearing's recording puts the field video in its grid: the
// camera's colour bars are in the recorded picture's third cell.
import { test } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { addUser, wsConnect, waitFor, sleep, cleanup } from '../lib/harness.mjs';
import { cameraUnit, waitStream, ffprobe, decodeErrors, rgbFrame } from '../lib/media.mjs';
import { launch, liveFrame } from '../lib/browser.mjs';
import { roomStack, enterRoomPage, FAKE } from '../lib/rooms.mjs';

// Shares of ecc-devsim's SMPTE colour bars (cyan, magenta) in grid cell
// `cell` of a 2x2 grid (0 top left, 2 bottom left) of a frame `at` s into
// file: the field camera's picture there (the participants' fake cameras
// have neither colour).
function barsIn(file, at, cell) {
  const rgb = rgbFrame(file, at, 128, 72);
  const x0 = (cell % 2) * 64, y0 = Math.floor(cell / 2) * 36;
  let cyan = 0, magenta = 0;
  for (let y = y0; y < y0 + 36; y++) {
    for (let x = x0; x < x0 + 64; x++) {
      const [r, g, b] = rgb.subarray((y * 128 + x) * 3, (y * 128 + x) * 3 + 3);
      if (r < 90 && g > 140 && b > 140) cyan++;
      if (r > 140 && g < 90 && b > 140) magenta++;
    }
  }
  return { cyan: cyan / (64 * 36), magenta: magenta / (64 * 36) };
}

const me = (page) => page.evaluate(() => window.__eccRoom.room?.you ?? null);

// A tile's picture twice, 1.5 s apart: there, moving on, not black.
// clock: read the camera's burned-in time too (liveFrame).
async function playing(page, selector, who, { clock = false } = {}) {
  const read = () => liveFrame(page, { selector, clock });
  const a = await read();
  await sleep(1500);
  const b = await read();
  assert.ok(a.w > 0 && b.w > 0, `${who}: a picture (${a.w}x${a.h})`);
  assert.ok(b.t > a.t, `${who}: the video moves on (${a.t} -> ${b.t})`);
  assert.ok(b.lit > 0.05, `${who}: the frame is not black (lit ${b.lit})`);
  return b;
}

// A watch request of stream on its own WebSocket as the holder of token:
// the hub's first answer (watching or error); the socket stays open.
async function watch(hub, token, stream) {
  const ws = await wsConnect(hub, token);
  ws.send({ type: 'watch', stream, ref: 'probe' });
  const first = await ws.next((m) => m.type === 'error' || m.type === 'watching', 10000);
  return { ws, first };
}

test('rooms: the host brings a unit\'s live stream in, a guest sees it, it goes out again; screen sharing', async (t) => {
  const { hub, dir, admin, api } = await roomStack(t, 'roomfeeds');
  const { sim, stream } = await cameraUnit(hub, admin, dir,
    { id: 'bc-21', name: '执法记录仪21', camera: { width: 640, height: 360, bitrate: 600 } });
  cleanup(t, () => sim.stopClean());
  await waitStream(hub, admin, stream.id, 'live', 20000);
  const cmd = await addUser(hub, admin, 'cmd1', 'commander', { display_name: '赵指挥' });
  const judge = await addUser(hub, admin, 'judge1', 'judge');
  const audit = async () => (await api(admin, 'GET', '/audit?limit=300')).json.entries;

  const r = await api(cmd, 'POST', '/rooms', { title: '现场协调', kind: '协调', scheduled_at: Date.now() });
  assert.equal(r.status, 201, r.text);
  const id = r.json.room.id;
  assert.deepEqual(r.json.room.feeds, [], 'no feeds yet');

  const { page: host } = await enterRoomPage(t, hub, id, 'cmd1');
  await waitFor(async () => me(host), { timeout: 15000, what: 'the host in the room' });

  const g = await api(cmd, 'POST', `/rooms/${id}/guests`, { name: '李律师', note: '申请人代理律师', expires_in: 600 });
  assert.equal(g.status, 201, g.text);
  const guestPid = g.json.participant;
  const guestCtx = await launch(t, { args: FAKE });
  const guest = await guestCtx.newPage();
  await guest.goto(`${hub.url}/room/${id}?guest=${g.json.token}`);
  await host.locator(`#rm-people li[data-participant="${guestPid}"] button[data-action="admit"]`).click({ timeout: 15000 });
  await guest.waitForFunction(() => window.__eccRoom.publisher, null, { timeout: 15000 });
  // the guest's session (the page's HttpOnly cookie) for WebSocket probes
  const guestToken = (await guestCtx.cookies()).find((c) => c.name === 'ecc_session')?.value;
  assert.ok(guestToken, 'the guest page holds its session');

  await t.test('outside a feed the guest may not watch the unit', async () => {
    const { ws, first } = await watch(hub, guestToken, stream.id);
    ws.close();
    assert.equal(first.type, 'error');
    assert.equal(first.error?.code ?? first.code, 'forbidden', JSON.stringify(first));
  });

  await t.test('only the host, only what it may see, and a clear error for bad requests', async () => {
    const other = await api(judge, 'POST', '/rooms', { title: '法官会商', kind: '会商', scheduled_at: Date.now() });
    assert.equal(other.status, 201, other.text);
    const byJudge = await api(judge, 'POST', `/rooms/${other.json.room.id}/feeds`, { stream: stream.id });
    assert.equal(byJudge.status, 403, `a judge may not watch units, so may not bring one in: ${byJudge.text}`);
    const notHost = await api(judge, 'POST', `/rooms/${id}/feeds`, { stream: stream.id });
    assert.equal(notHost.status, 403, notHost.text);
    const bad = await api(cmd, 'POST', `/rooms/${id}/feeds`, { stream: 'bc-21' });
    assert.equal(bad.status, 400, bad.text);
    const unknown = await api(cmd, 'POST', `/rooms/${id}/feeds`, { stream: 999999 });
    assert.equal(unknown.status, 404, unknown.text);
    const out = await api(cmd, 'DELETE', `/rooms/${id}/feeds/${stream.id}`);
    assert.equal(out.status, 404, `not in the room: ${out.text}`);
  });

  let probe;
  await t.test('the host brings the unit in with the picker; the guest sees it from the same ingest', async () => {
    const pick = host.locator('#rm-feed-pick');
    await host.waitForFunction((s) => [...document.querySelectorAll('#rm-feed-pick option')]
      .some((o) => o.value === String(s)), stream.id, { timeout: 15000 });
    assert.equal(await host.locator(`#rm-feed-pick option[value="${stream.id}"]`).textContent(), '执法记录仪21');
    await pick.selectOption(String(stream.id));
    await host.click('#rm-feed-add');
    const room = await waitFor(async () => {
      const x = (await api(cmd, 'GET', `/rooms/${id}`)).json.room;
      return x.feeds.length === 1 && x;
    }, { what: 'the feed in the room' });
    const f = room.feeds[0];
    assert.equal(f.stream, stream.id);
    assert.equal(f.unit, 'bc-21');
    assert.equal(f.unit_name, '执法记录仪21');
    assert.equal(f.added_by, 'cmd1');
    assert.equal(f.live, true);
    assert.ok(f.added_at > 0);
    const again = await api(cmd, 'POST', `/rooms/${id}/feeds`, { stream: stream.id });
    assert.equal(again.status, 409, again.text);

    const sel = `.rm-tile.rm-feed[data-feed="${stream.id}"]`;
    await guest.waitForFunction((s) => {
      const tile = window.__eccRoom.grid.feeds.get(s);
      return tile?.player.state === 'live' && tile.player.video.videoWidth > 0;
    }, stream.id, { timeout: 45000 }).catch(async (e) => {
      throw new Error(`the guest sees no feed: ${e.message} ${JSON.stringify(await guest.evaluate(() => ({
        status: document.getElementById('rm-status').textContent, room: window.__eccRoom.room,
        feeds: [...window.__eccRoom.grid.feeds.values()].map((x) => x.player.state) })))}`);
    });
    const frame = await playing(guest, `${sel} video`, 'the guest, the field video', { clock: true });
    assert.equal(frame.w, 640, 'the camera\'s own picture, not transcoded');
    assert.notEqual(frame.shown, null, 'it carries the camera\'s burned-in clock');
    assert.equal(await guest.textContent(`${sel} .rm-badge`), '现场');
    assert.equal(await guest.textContent(`${sel} .rm-name`), '执法记录仪21');
    assert.equal(await guest.locator(`${sel} [data-action="feed-remove"]`).count(), 0, 'no take-out for a guest');
    // the host's page too, with its button to take it out
    await host.waitForSelector(`${sel} [data-action="feed-remove"]`, { timeout: 10000 });

    // one ingest: the gateway still holds one stream for the unit, and
    // the guest's view is audited as one through the room
    assert.equal((await api(admin, 'GET', '/streams')).json.streams.filter((s) => s.unit === 'bc-21').length, 1);
    const log = await audit();
    const add = log.find((e) => e.action === 'room.feed_add' && e.target === `room:${id}`);
    assert.ok(add, 'room.feed_add audited');
    assert.equal(add.actor, 'cmd1');
    const view = log.find((e) => e.action === 'view.start' && e.target === `stream:${stream.id}`
      && e.result !== 'denied' && JSON.parse(e.detail || '{}').room === id);
    assert.ok(view, 'the guest\'s view audited with its room');

    // a probe view of the guest, held open, for the take-out
    probe = await watch(hub, guestToken, stream.id);
    assert.equal(probe.first.type, 'watching', JSON.stringify(probe.first));
  });

  await t.test('the hearing\'s recording takes the field video into its grid', async () => {
    const on = await api(cmd, 'POST', `/rooms/${id}/recording`);
    assert.equal(on.status, 200, on.text);
    // 14 s: the mix and its three taps take a few seconds to start on a
    // loaded machine (the taps are made beside the gateway's loop)
    await sleep(14000);
    const off = await api(cmd, 'DELETE', `/rooms/${id}/recording`);
    assert.equal(off.status, 200, off.text);
    let seen = -1;
    const filed = await waitFor(async () => {
      const l = (await api(cmd, 'GET', `/rooms/${id}/recordings`)).json;
      const n = l?.recordings.length;
      const done = l?.hearing && n === seen;
      seen = n;
      if (!done) await sleep(1500);
      return done && l;
    }, { timeout: 30000, what: 'the hearing filed' });
    const mix = filed.recordings.filter((x) => x.participant === undefined);
    // the feed's tile starts at the camera's next key frame, after the mix
    // itself: the frames of the last two segments, the best of three each
    const frames = [];
    let d = 0;
    for (const seg of mix.slice(-2)) {
      const res = await fetch(`${hub.url}/api/v1/recordings/${seg.id}/file`, { headers: { authorization: `Bearer ${cmd}` } });
      assert.equal(res.status, 200);
      const file = path.join(dir, `hearing-${seg.id}.mp4`);
      fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
      const info = await ffprobe(file);
      assert.equal(await decodeErrors(file), '', 'the hearing decodes');
      d = Number(info.format.duration);
      for (const x of [0.25, 0.5, 0.85]) frames.push([file, x * d]);
    }
    const best = (cell) => frames.map(([file, x]) => barsIn(file, x, cell))
      .reduce((m, b) => ({ cyan: Math.max(m.cyan, b.cyan), magenta: Math.max(m.magenta, b.magenta) }));
    const feedCell = best(2), hostCell = best(0);
    t.diagnostic(`the hearing with the feed: ${mix.length} segments (the last ${d.toFixed(1)} s); colour bars in cell 2: cyan`
      + ` ${(feedCell.cyan * 100).toFixed(1)}%, magenta ${(feedCell.magenta * 100).toFixed(1)}%; in the host's`
      + ` cell: ${(hostCell.cyan * 100).toFixed(1)}%, ${(hostCell.magenta * 100).toFixed(1)}%`);
    assert.ok(feedCell.cyan > 0.03 && feedCell.magenta > 0.03, 'the field camera is in the hearing\'s grid');
    assert.ok(hostCell.cyan < 0.01 && hostCell.magenta < 0.01, 'the host\'s cell holds the host');
    // the unit's own ingest went on, and its live view with it
    await waitStream(hub, admin, stream.id, 'live', 5000);
  });

  await t.test('taking the feed out stops it for the guest', async () => {
    await host.click(`.rm-tile.rm-feed[data-feed="${stream.id}"] [data-action="feed-remove"]`);
    const end = await probe.ws.next((m) => m.type === 'view_end', 10000, 'the hub ends the guest\'s view');
    assert.match(end.reason, /feed left the room/);
    probe.ws.close();
    await guest.waitForFunction(() => window.__eccRoom.grid.feeds.size === 0, null, { timeout: 10000 });
    assert.equal(await guest.locator('.rm-tile.rm-feed').count(), 0, 'the tile went');
    const { ws, first } = await watch(hub, guestToken, stream.id);
    ws.close();
    assert.equal(first.type, 'error', 'refused once out of the room');
    const room = (await api(cmd, 'GET', `/rooms/${id}`)).json.room;
    assert.deepEqual(room.feeds, []);
    assert.ok((await audit()).some((e) => e.action === 'room.feed_remove' && e.target === `room:${id}`));
    // the unit's ingest goes on for the center
    await waitStream(hub, admin, stream.id, 'live', 5000);
  });

  await t.test('the guest shares its screen: the host sees it in a big tile; stopping ends it', async () => {
    await guest.waitForSelector('#rm-share', { state: 'visible', timeout: 10000 });
    await guest.click('#rm-share');
    const shared = await waitFor(async () => {
      const p = (await api(cmd, 'GET', `/rooms/${id}`)).json.room.participants.find((x) => x.id === guestPid);
      return p.screen_stream && p.screen_live && p;
    }, { timeout: 30000, what: 'the guest\'s screen stream live' });
    assert.ok(shared.stream && shared.stream !== shared.screen_stream, 'camera and screen, two streams');
    const sel = `.rm-tile.rm-screen[data-participant="${guestPid}"]`;
    await host.waitForFunction((pid) => {
      const tile = window.__eccRoom.grid.screens.get(pid);
      return tile?.player.state === 'live' && tile.player.video.videoWidth > 0;
    }, guestPid, { timeout: 45000 });
    const frame = await playing(host, `${sel} video`, 'the host, the guest\'s screen');
    assert.ok(frame.w >= 640, `a screen-sized picture (${frame.w}x${frame.h})`);
    assert.match(await host.textContent(`${sel} .rm-name`), /李律师/);
    // side by side with the guest's camera, and bigger than it
    await host.waitForFunction((pid) => window.__eccRoom.grid.tiles.get(pid)?.player.state === 'live', guestPid,
      { timeout: 30000 });
    const [screenBox, camBox] = await Promise.all([host.locator(sel).boundingBox(),
      host.locator(`.rm-tile[data-participant="${guestPid}"]:not(.rm-screen)`).boundingBox()]);
    assert.ok(screenBox.width * screenBox.height > 2 * camBox.width * camBox.height,
      `the screen's tile is big (${screenBox.width}x${screenBox.height} vs ${camBox.width}x${camBox.height})`);

    await guest.click('#rm-share');
    await waitFor(async () => !(await api(cmd, 'GET', `/rooms/${id}`)).json.room.participants
      .find((x) => x.id === guestPid).screen_stream, { timeout: 10000, what: 'the screen stream ended' });
    await host.waitForFunction((pid) => !window.__eccRoom.grid.screens.has(pid), guestPid, { timeout: 10000 });
    // the camera plays on
    await playing(host, `.rm-tile[data-participant="${guestPid}"]:not(.rm-screen) video`, 'the host, the guest\'s camera');
  });
});
