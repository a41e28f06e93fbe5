// The gateway that serves a live view is killed (kill -9): the player shows
// "reconnecting", the hub re-homes the stream on the other gateway, and the
// player plays again by itself, with the camera's clock moving on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stack, request, waitFor, cleanup } from '../lib/harness.mjs';
import { startGateway, waitStream, cameraUnit } from '../lib/media.mjs';
import { launch, loginPage, artifact, liveFrame } from '../lib/browser.mjs';

const WEBRTC = '[webrtc]\naddresses = 127.0.0.1\n';

// The camera's clock in the picture (null while unreadable).
const shownTime = async (page) => (await liveFrame(page)).shown;

test('a live view survives the death of its gateway', async (t) => {
  const { hub, dir, token } = await stack(t, 'rtcgw');
  const gws = {};
  for (const id of ['gwa', 'gwb']) {
    gws[id] = await startGateway(hub, dir, { id, extra: WEBRTC });
    cleanup(t, () => (gws[id].killed ? gws[id].proc.assertClean() : gws[id].proc.stopClean()));
  }
  await waitFor(async () => (await request(hub, 'GET', '/api/v1/gateways', { token })).json.gateways
    .filter((g) => g.online).length === 2, { what: 'two gateways online' });
  const { sim, stream } = await cameraUnit(hub, token, dir,
    { id: 'bc-09', name: '执法记录仪9', camera: { width: 640, height: 360, bitrate: 600 } });
  cleanup(t, () => sim.stopClean());
  const live = await waitStream(hub, token, stream.id, 'live', 20000);

  const context = await launch(t);
  const page = await loginPage(context, hub);
  await page.goto(`${hub.url}/live.html?stream=${stream.id}`);
  // Every state the player shows, in order.
  await page.evaluate(() => {
    window.__states = [];
    const el = document.getElementById('lv-player');
    new MutationObserver(() => window.__states.push(el.dataset.state))
      .observe(el, { attributes: true, attributeFilter: ['data-state'] });
  });
  await page.waitForFunction(() => window.__eccLive?.state === 'live', null, { timeout: 20000 });
  const before = await shownTime(page);
  assert.notEqual(before, null, 'a picture with the camera\'s clock');

  const victim = live.gateway;
  gws[victim].killed = true;
  const killed = Date.now();
  await gws[victim].proc.kill9();
  await page.waitForFunction(() => window.__states.includes('reconnecting'), null, { timeout: 15000 });
  await page.waitForFunction(() => {
    const s = window.__states;
    return s.lastIndexOf('live') > s.indexOf('reconnecting');
  }, null, { timeout: 30000 });
  const took = Date.now() - killed;
  const moved = (await request(hub, 'GET', `/api/v1/streams/${stream.id}`, { token })).json.stream;
  assert.notEqual(moved.gateway, victim, 'the stream moved to the other gateway');
  await new Promise((r) => setTimeout(r, 2000));
  const after = await shownTime(page);
  assert.ok(after > before + 1000, `the picture moves on after the move (${before} -> ${after})`);
  const states = await page.evaluate(() => window.__states);
  t.diagnostic(`playing again ${took} ms after ${victim} was killed; states ${states.join(' > ')}`);
  await page.screenshot({ path: artifact('webrtc-rehome.png') });
});
