// Push-to-talk (对讲, issue 10 part 6) over the phone's WebRTC path: a phone
// publishes its camera (publisher.js); the wall (an admin, in another
// browser, wallboard/js/media/talk.js) holds the talk button: the wall's
// voice reaches the phone, mixed by the gateway into the sound line it
// sends back, and the phone plays it (WebAudio level above the silence
// measured before); the phone's own microphone (Chromium's fake one, a
// beep) reaches the wall as the stream's sound in the live player. The talk
// is in the unit's recording: the wall speaks a 2.5 kHz tone, and a segment
// recorded during the talk carries it (ffmpeg's band-pass and
// volumedetect: its mean level), one recorded before does not. Talks are
// audited; an officer may not use the wall's talk path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { stack, request, waitFor, cleanup, addUser, addUnit, execFileP } from '../lib/harness.mjs';
import { startGateway, waitStream, segments } from '../lib/media.mjs';
import { launch, loginPage, audioPeak as peak } from '../lib/browser.mjs';

const WEBRTC = '[webrtc]\naddresses = 127.0.0.1\n';
const FAKE = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required'];
const PASSWORD = 'Test-Pass-2025!'; // harness.mjs addUser's

test('push-to-talk: the wall is heard on the phone and the phone on the wall, over the phone\'s WebRTC path', async (t) => {
  const { hub, dir, token } = await stack(t, 'talk');
  const gw = await startGateway(hub, dir, { extra: WEBRTC, segmentSeconds: 4 });
  cleanup(t, () => gw.proc.stopClean());
  await addUnit(hub, token, { id: 'hh-05', name: '单兵5', kind: 'handheld' });
  await addUser(hub, token, 'qian7', 'officer', { unit: 'hh-05', team: '一队' });

  const phone = await launch(t, { args: FAKE });
  const page = await loginPage(phone, hub, 'qian7', PASSWORD);
  await page.evaluate(async () => {
    const { Publisher } = await import('/js/media/publisher.js');
    window.__pub = new Publisher();
    await window.__pub.start();
  });
  await page.waitForFunction(() => window.__pub.state === 'live' && window.__pub.talkback, null, { timeout: 20000 });
  const sid = await page.evaluate(() => window.__pub.stream);
  await waitStream(hub, token, sid, 'live', 20000);

  // The phone hears silence from the gateway while nobody talks.
  const quiet = await peak(page, 'window.__pub.talkback');
  assert.ok(quiet >= 0 && quiet < 0.01, `silence on the phone before the talk (peak ${quiet})`);

  // The wall watches the phone's stream and hears the officer.
  const wall = await launch(t, { args: FAKE });
  const wallPage = await loginPage(wall, hub);
  await wallPage.goto(`${hub.url}/live.html?stream=${sid}`);
  await wallPage.waitForFunction(() => window.__eccLive?.state === 'live'
    && document.querySelector('#lv-player video')?.srcObject?.getAudioTracks().length > 0, null, { timeout: 30000 });
  const officer = await peak(wallPage, "document.querySelector('#lv-player video').srcObject");
  t.diagnostic(`the phone's microphone on the wall: peak ${officer.toFixed(3)}`);
  assert.ok(officer > 0.02, `the wall hears the phone (peak ${officer})`);

  // An officer may not talk through the wall's path.
  const refused = await page.evaluate(async (stream) => {
    const { Talk } = await import('/js/media/talk.js');
    const talk = new Talk({ stream });
    const done = new Promise((r) => talk.addEventListener('state', (e) => {
      if (e.detail.state === 'refused' || e.detail.state === 'talking') r(e.detail);
    }));
    await talk.press();
    const d = await done;
    talk.close();
    return d;
  }, sid);
  assert.equal(refused.state, 'refused', JSON.stringify(refused));

  // The wall holds the talk button and speaks (a 2.5 kHz tone): the phone
  // hears it.
  await wallPage.evaluate(async (stream) => {
    const { Talk } = await import('/js/media/talk.js');
    const ac = new AudioContext();
    const osc = ac.createOscillator();
    const gain = ac.createGain();
    const dest = ac.createMediaStreamDestination();
    osc.frequency.value = 2500;
    gain.gain.value = 0.5;
    osc.connect(gain).connect(dest);
    osc.start();
    window.__talk = new Talk({ stream, media: dest.stream });
    window.__talkStates = [];
    window.__talk.addEventListener('state', (e) => window.__talkStates.push(`${e.detail.state} ${e.detail.reason}`));
    await window.__talk.press();
  }, sid);
  await wallPage.waitForFunction(() => window.__talk.state === 'talking', null, { timeout: 15000 }).catch(async (e) => {
    throw new Error(`the wall does not talk (${e.message}): ${await wallPage.evaluate(() => JSON.stringify(window.__talkStates))}`);
  });
  const heard = await waitFor(async () => {
    const p = await peak(page, 'window.__pub.talkback', 2000);
    return p > 0.02 && p;
  }, { timeout: 15000, interval: 0, what: 'the wall\'s voice on the phone' });
  t.diagnostic(`the wall's voice on the phone: peak ${heard.toFixed(3)} (silence: ${quiet.toFixed(4)})`);
  const talkFrom = Date.now();
  await new Promise((r) => setTimeout(r, 6000)); // a whole segment (4 s) of talk

  // Released: silence again; the talk is audited.
  const talkTo = Date.now();
  await wallPage.evaluate(() => window.__talk.release());
  await waitFor(async () => (await peak(page, 'window.__pub.talkback', 1500)) < 0.01,
    { timeout: 10000, interval: 0, what: 'silence on the phone after the release' });
  const audit = (await request(hub, 'GET', '/api/v1/audit?limit=200', { token })).json.entries;
  assert.ok(audit.some((e) => e.action === 'talk.start' && e.actor === 'admin' && e.target === `stream:${sid}`));
  await waitFor(async () => (await request(hub, 'GET', '/api/v1/audit?limit=200', { token })).json.entries
    .some((e) => e.action === 'talk.end' && e.actor === 'admin'), { timeout: 5000, what: 'talk.end audited' });
  // The wall's unit card has the talk button: held, the wall talks (its
  // fake microphone's beep reaches the phone); released, it stops.
  await wallPage.goto(`${hub.url}/`);
  await wallPage.waitForSelector('#unit-list li[data-unit="hh-05"]');
  await wallPage.click('#unit-list li[data-unit="hh-05"]');
  const talkButton = '#unit-card button[data-action="talk"]';
  await wallPage.waitForSelector(talkButton, { timeout: 10000 });
  assert.equal(await wallPage.textContent(talkButton), '按住对讲');
  await wallPage.hover(talkButton);
  await wallPage.mouse.down();
  await wallPage.waitForSelector(`${talkButton}[data-state="talking"]`, { timeout: 15000 });
  assert.equal(await wallPage.textContent(talkButton), '对讲中…');
  await waitFor(async () => (await peak(page, 'window.__pub.talkback', 2000)) > 0.02,
    { timeout: 15000, interval: 0, what: 'the card\'s talk heard on the phone' });
  await wallPage.mouse.up();
  await wallPage.waitForSelector(`${talkButton}[data-state="idle"]`, { timeout: 10000 });
  await wallPage.goto(`${hub.url}/live.html?stream=${sid}`);
  await wallPage.evaluate(async (stream) => {
    const { Talk } = await import('/js/media/talk.js');
    window.__talk = new Talk({ stream });
  }, sid);

  // A wall talking while the phone's connection breaks: the talk ends
  // (talk_end), the phone publishes again, the wall may talk again.
  await wallPage.evaluate(() => window.__talk.press());
  await wallPage.waitForFunction(() => window.__talk.state === 'talking', null, { timeout: 15000 });
  await page.evaluate(() => window.__pub.pc.close());
  await wallPage.waitForFunction(() => window.__talk.state === 'idle', null, { timeout: 15000 });
  await page.waitForFunction(() => window.__pub.state === 'live', null, { timeout: 30000 });
  await wallPage.evaluate(() => window.__talk.press());
  await wallPage.waitForFunction(() => window.__talk.state === 'talking', null, { timeout: 15000 });
  await wallPage.evaluate(() => window.__talk.close());

  // The talk is in the unit's recording.
  const tone = async (seg) => {
    const { stderr } = await execFileP('ffmpeg', ['-v', 'info', '-i', path.join(gw.recordings, seg.path), '-vn',
      '-af', 'bandpass=f=2500:width_type=h:width=200,volumedetect', '-f', 'null', '-']);
    // mean: the tone is steady, the phone's beep comes and goes
    const m = stderr.match(/mean_volume: (-?[\d.]+) dB/);
    return m ? Number(m[1]) : -Infinity;
  };
  const segs = await waitFor(async () => {
    const all = (await segments(hub, token, 'hh-05')).filter((x) => !x.cut_short);
    const during = all.find((x) => x.t0 >= talkFrom - 500 && x.t1 <= talkTo + 500)
      || all.find((x) => x.t0 < talkTo && x.t1 > talkFrom);
    const before = all.find((x) => x.t1 < talkFrom - 1000);
    return during && before && { during, before };
  }, { timeout: 30000, what: 'segments recorded before and during the talk' }).catch(async (e) => {
    const all = (await segments(hub, token, 'hh-05')).map((x) => `${x.t0 - talkFrom}..${x.t1 - talkFrom}${x.cut_short ? ' cut' : ''}`);
    throw new Error(`${e.message}; the talk ${talkTo - talkFrom} ms; segments (ms from the talk): ${all.join(', ')}`);
  });
  const [during, before] = [await tone(segs.during), await tone(segs.before)];
  t.diagnostic(`the wall's 2.5 kHz tone in the recording: ${during} dB during the talk, ${before} dB before`);
  assert.ok(during > -30, `the talk is recorded (${during} dB at 2.5 kHz)`);
  assert.ok(during - before > 20, `the tone is the talk's (${during} dB during, ${before} dB before)`);
});
