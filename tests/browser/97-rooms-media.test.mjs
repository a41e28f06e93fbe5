// A consultation room's media (issue 9, part 2): two, then three headless
// Chromium participants with fake cameras and microphones on the room page
// (/room/{id}) each publish into their own stream on a real gateway and
// watch the others' (WebRTC on 127.0.0.1 only): every tile shows a picture
// that is not black and moves on, and carries sound (a WebAudio level above
// silence). A guest enters by its one-time link, waits, is admitted by the
// host's button and sees the room; the same link is refused after that, a
// short one after its expiry. The host mutes a participant: its sound stops
// at the others (dropped by the gateway, whatever its page does). Closing
// one page leaves the others playing. The recording indicator shows on
// every page, the wallboard lists who is in. The host locks the room and
// removes a participant, whose page stops. A user without access to the
// room's case gets 403: the page, REST, watch, publish and the channel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wsConnect, waitFor, sleep } from '../lib/harness.mjs';
import { launch, loginPage, liveFrame, audioPeak } from '../lib/browser.mjs';
import { roomStack, hearing, enterRoomPage, FAKE, PASSWORD } from '../lib/rooms.mjs';

const CASE = '（2026）黑0781执601号';

// The picture of the tile of participant pid on a room page (liveFrame:
// size, time, share of lit pixels; a black frame has none).
const tileFrame = (page, pid) => liveFrame(page, { tries: 1, selector: `.rm-tile[data-participant="${pid}"] video` });

// The loudest sample of the tile's sound over ms.
const tilePeak = (page, pid, ms = 3000) =>
  audioPeak(page, `window.__eccRoom.grid.tiles.get(${Number(pid)})?.player.video.srcObject`, ms);

const me = (page) => page.evaluate(() => window.__eccRoom.room?.you ?? null);

// page shows participant pid's tile playing.
async function seesPlaying(page, pid, who) {
  await page.waitForFunction((pid) => {
    const tile = window.__eccRoom.grid.tiles.get(pid);
    return tile?.player.state === 'live' && tile.player.video.videoWidth > 0;
  }, pid, { timeout: 45000 }).catch(async (e) => {
    const dbg = await page.evaluate(() => ({ status: document.getElementById('rm-status').textContent,
      room: window.__eccRoom.room, tiles: [...window.__eccRoom.grid.tiles.keys()],
      pub: window.__eccRoom.publisher?.state }));
    throw new Error(`${who}: no picture of participant ${pid}: ${e.message} ${JSON.stringify(dbg)}`);
  });
  const a = await tileFrame(page, pid);
  await sleep(1500);
  const b = await tileFrame(page, pid);
  assert.ok(a.w > 0 && b.w > 0, `${who} sees participant ${pid}'s picture (${a.w}x${a.h})`);
  assert.ok(b.t > a.t, `${who}: participant ${pid}'s video moves on (${a.t} -> ${b.t})`);
  assert.ok(b.lit > 0.05, `${who}: participant ${pid}'s frame is not black (lit ${b.lit})`);
  const peak = await tilePeak(page, pid);
  t0.diagnostic(`${who} hears participant ${pid}: peak ${peak.toFixed(3)}`);
  assert.ok(peak > 0.02, `${who} hears participant ${pid} (peak ${peak})`);
}

let t0;

test('rooms: participants see and hear each other through the gateway; guests wait; mute; 403', async (t) => {
  t0 = t;
  const { hub, admin, api } = await roomStack(t, 'roommedia');
  const { judge1, judge2, id } = await hearing(hub, admin, api,
    { number: CASE, respondent: '张三', amount: 30000, title: '张三案听证', scheduled_at: Date.now() });

  // two participants: the host and an officer of the case's team
  const { ctx: hostCtx, page: host } = await enterRoomPage(t, hub, id, 'judge1');
  const { page: officer } = await enterRoomPage(t, hub, id, 'officer1');
  await waitFor(async () => (await me(host)) && (await me(officer)), { timeout: 15000, what: 'both in the room' });
  const hostPid = await me(host);
  const offPid = await me(officer);
  assert.equal(await host.textContent('#rm-status'), '', 'the host is in');

  await t.test('two participants each see and hear the other', async () => {
    await seesPlaying(host, offPid, 'the host');
    await seesPlaying(officer, hostPid, 'the officer');
  });

  let guest, guestPid, link;
  await t.test('a guest waits, is admitted by the host, and sees the room; three see and hear each other', async () => {
    const g = await api(judge1, 'POST', `/rooms/${id}/guests`, { name: '李律师', note: '申请人代理律师', expires_in: 600 });
    assert.equal(g.status, 201, g.text);
    link = g.json.token;
    guestPid = g.json.participant;
    const guestCtx = await launch(t, { args: FAKE });
    guest = await guestCtx.newPage();
    await guest.goto(`${hub.url}/room/${id}?guest=${link}`);
    await guest.waitForFunction(() => document.getElementById('rm-status').textContent.includes('等待主持人'),
      null, { timeout: 15000 });
    assert.ok(!(await guest.url()).includes(link), 'the token leaves the address bar');
    assert.equal(await guest.evaluate(() => window.__eccRoom.grid.tiles.size), 0, 'a waiting guest sees nobody');
    // a waiting guest may not publish either
    const early = await guest.evaluate(() => window.__eccRoom.publisher);
    assert.equal(early, null);

    const admit = host.locator(`#rm-people li[data-participant="${guestPid}"] button[data-action="admit"]`);
    await admit.click({ timeout: 15000 });
    await seesPlaying(guest, hostPid, 'the guest');
    await seesPlaying(guest, offPid, 'the guest');
    await seesPlaying(host, guestPid, 'the host');
    await seesPlaying(officer, guestPid, 'the officer');
    // the host's page lights the tile of whoever speaks
    await host.waitForFunction(() => document.querySelector('.rm-tile.rm-speaking'), null, { timeout: 10000 });
  });

  await t.test('the same link is refused once used, and a short one after its expiry', async () => {
    const again = await hostCtx.newPage();
    await again.goto(`${hub.url}/room/${id}?guest=${link}`);
    await again.waitForFunction(() => window.__eccRoom.error, null, { timeout: 10000 });
    assert.equal(await again.evaluate(() => window.__eccRoom.error), 'guest_link_used');
    await again.close();
    const short = await api(judge1, 'POST', `/rooms/${id}/guests`, { name: '王法官', note: '外院法官', expires_in: 2 });
    assert.equal(short.status, 201, short.text);
    await sleep(2300);
    const lateCtx = await launch(t, { args: FAKE });
    const late = await lateCtx.newPage();
    await late.goto(`${hub.url}/room/${id}?guest=${short.json.token}`);
    await late.waitForFunction(() => window.__eccRoom.error, null, { timeout: 10000 });
    assert.equal(await late.evaluate(() => window.__eccRoom.error), 'guest_link_expired');
    assert.match(await late.textContent('#rm-status'), /过期/);
    assert.equal(await late.evaluate(() => window.__eccRoom.publisher), null, 'nothing published');
  });

  await t.test('the recording flag shows on every page; the wall lists the room with who is in', async () => {
    for (const p of [host, officer, guest]) assert.equal(await p.isVisible('#rm-rec'), false);
    const rec = await api(judge1, 'POST', `/rooms/${id}/recording`);
    assert.equal(rec.status, 200, rec.text);
    for (const p of [host, officer, guest]) await p.waitForSelector('#rm-rec', { state: 'visible', timeout: 10000 });
    // the mix's taps and the own-track recorders join the participants'
    // pipelines without disturbing them: seconds later every page still
    // plays every other participant's tile, its picture moving (a gateway
    // whose loop the taps held once let the viewers time out here)
    await sleep(5000);
    const tiles = (p) => p.evaluate(() => [...window.__eccRoom.grid.tiles]
      .map(([pid, x]) => ({ pid, state: x.player.state, t: x.player.video.currentTime })));
    const pages = [[host, 'the host'], [officer, 'the officer'], [guest, 'the guest']];
    const before = await Promise.all(pages.map(([p]) => tiles(p)));
    await sleep(1500);
    const after = await Promise.all(pages.map(([p]) => tiles(p)));
    pages.forEach(([, who], i) => {
      assert.equal(after[i].length, 2, `${who} has two tiles: ${JSON.stringify(after[i])}`);
      for (const x of after[i]) {
        const was = before[i].find((y) => y.pid === x.pid);
        assert.ok(x.state === 'live' && was && x.t > was.t,
          `${who} plays participant ${x.pid} on after the recording began (${JSON.stringify(was)} -> ${JSON.stringify(x)})`);
      }
    });
    const wallCtx = await launch(t);
    const wall = await loginPage(wallCtx, hub);
    const row = wall.locator(`#rooms li[data-room="${id}"]`);
    await row.waitFor({ timeout: 15000 });
    const who = await row.locator('.who').textContent();
    for (const name of ['张法官', '王执行员', '李律师']) assert.ok(who.includes(name), `${name} in "${who}"`);
    assert.equal(await row.locator('a.join').getAttribute('href'), `/room/${id}`);
    await wallCtx.close();
  });

  await t.test('a muted participant is no longer heard by the others', async () => {
    const before = await tilePeak(guest, offPid);
    assert.ok(before > 0.02, `the officer is heard before the mute (peak ${before})`);
    await host.locator(`#rm-people li[data-participant="${offPid}"] button[data-action="mute"]`).click();
    await officer.waitForFunction((pid) => window.__eccRoom.room.participants.find((p) => p.id === pid).muted,
      offPid, { timeout: 10000 });
    // the officer's page still sends its microphone: the gateway drops it
    assert.equal(await officer.evaluate(() => window.__eccRoom.publisher.media.getAudioTracks()[0].enabled), true);
    await sleep(1500);
    const atGuest = await tilePeak(guest, offPid);
    const atHost = await tilePeak(host, offPid);
    t.diagnostic(`after the mute: guest hears ${atGuest.toFixed(3)}, host ${atHost.toFixed(3)}`);
    assert.ok(atGuest >= 0 && atGuest < 0.01, `the guest no longer hears the officer (peak ${atGuest})`);
    assert.ok(atHost >= 0 && atHost < 0.01, `the host no longer hears the officer (peak ${atHost})`);
    const hostHeard = await tilePeak(guest, hostPid);
    assert.ok(hostHeard > 0.02, `the host is still heard (peak ${hostHeard})`);
  });

  await t.test('closing one page leaves the others playing', async () => {
    await guest.close();
    await host.waitForFunction((pid) => !window.__eccRoom.grid.tiles.has(pid), guestPid, { timeout: 20000 });
    const a = await tileFrame(host, offPid);
    const b0 = await tileFrame(officer, hostPid);
    await sleep(2000);
    const b = await tileFrame(host, offPid);
    const b1 = await tileFrame(officer, hostPid);
    assert.ok(b.t > a.t && b.lit > 0.05, `the host still sees the officer (${a.t} -> ${b.t})`);
    assert.ok(b1.t > b0.t && b1.lit > 0.05, `the officer still sees the host (${b0.t} -> ${b1.t})`);
    const peak = await tilePeak(officer, hostPid);
    assert.ok(peak > 0.02, `the officer still hears the host (peak ${peak})`);
  });

  await t.test('the host locks the room and removes a participant: its page stops, its tile goes', async () => {
    await host.click('#rm-lock');
    await waitFor(async () => (await api(judge1, 'GET', `/rooms/${id}`)).json.room.locked, { what: 'locked' });
    await host.locator(`#rm-people li[data-participant="${offPid}"] button[data-action="remove"]`).click();
    await officer.waitForFunction(() => window.__eccRoom.ended && !window.__eccRoom.publisher, null, { timeout: 10000 });
    assert.match(await officer.textContent('#rm-status'), /不在此会商室/);
    await host.waitForFunction((pid) => !window.__eccRoom.grid.tiles.has(pid), offPid, { timeout: 10000 });
    const back = await api(judge1, 'GET', `/rooms/${id}`);
    const gone = back.json.room.participants.find((p) => p.id === offPid);
    assert.equal(gone.state, 'removed');
    assert.equal(gone.stream, undefined, 'its stream stopped');
  });

  await t.test('a user without access to the case gets 403: page, REST and WebSocket', async () => {
    const join = await api(judge2, 'POST', `/rooms/${id}/join`);
    assert.equal(join.status, 403, join.text);
    const ctx = await launch(t, { args: FAKE });
    const page = await loginPage(ctx, hub, 'judge2', PASSWORD);
    await page.goto(`${hub.url}/room/${id}`);
    await page.waitForFunction(() => window.__eccRoom.error, null, { timeout: 10000 });
    assert.equal(await page.evaluate(() => window.__eccRoom.error), 'forbidden');
    assert.equal(await page.evaluate(() => window.__eccRoom.grid.tiles.size), 0);
    const stream = (await api(judge1, 'GET', `/rooms/${id}`)).json.room.participants
      .find((p) => p.id === hostPid).stream;
    assert.ok(stream, 'the host publishes');
    const ws = await wsConnect(hub, judge2);
    ws.send({ type: 'watch', stream, ref: 'x' });
    const err = await ws.next((m) => m.type === 'error' || m.type === 'watching');
    assert.equal(err.type, 'error', 'judge2 may not watch a room stream');
    assert.equal(err.code, 'forbidden', err.message);
    ws.send({ type: 'publish', room: id });
    const perr = await ws.next((m) => m.type === 'error' && m !== err || m.type === 'publishing');
    assert.equal(perr.type, 'error', 'nor publish into the room');
    ws.send({ type: 'subscribe', channels: [`room:${id}`] });
    const serr = await ws.next((m) => m.type === 'subscribed');
    assert.deepEqual(serr.channels, [], 'nor follow it');
    ws.close();
  });
});
