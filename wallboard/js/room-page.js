// /room/{id}: a consultation room (会商室). A user joins; a guest enters
// with ?guest=TOKEN and waits until the host admits it. Once in, the page
// publishes its camera and microphone into the participant's own stream on
// the gateway (media/publisher.js) and watches every other participant's
// (room/tiles.js); the room:{id} WebSocket channel pushes the room after
// every change (joins, leaves, admissions, mutes, lock, recording flag).
// The host's controls (room/people.js) act through the REST API, and so
// does the host's picker of units' live streams to bring into the room
// (room/feeds.js; each feed a tile). A participant may share its screen
// (getDisplayMedia), published as a second stream of its own; the others
// see it in a big tile.
import { t, applyTo, bindToggle, onLanguage } from './i18n/index.js';
import { api, EventBus, toLogin } from './net/index.js';
import { Publisher } from './media/publisher.js';
import { TileGrid, People, FeedPicker, enterRoom } from './room/index.js';

const id = Number(location.pathname.split('/')[2]) || 0;
const guest = new URLSearchParams(location.search).get('guest');
const $ = (x) => document.getElementById(x);
const status = (key, params) => { $('rm-status').textContent = key ? t(key, params) : ''; };

const page = { room: null, me: null, publisher: null, screen: null, grid: new TileGrid($('rm-grid')), ended: false };
window.__eccRoom = page;

function manages(room) {
  const me = page.me;
  return !!me && (me.username === room.host || me.role === 'admin' || me.role === 'commander');
}

function publish(name) {
  if (page.publisher) return;
  const pub = new Publisher({
    room: id,
    constraints: { video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } }, audio: true },
  });
  page.publisher = pub;
  pub.addEventListener('error', (e) => status('room.camera_error', { message: e.detail.message || e.detail.code }));
  pub.start().then(() => page.grid.showSelf(pub.media, name)).catch(() => {});
}

// Shares the screen (a second publisher, video only), or stops sharing;
// the browser's own "stop sharing" ends the track and so the sharing.
async function toggleShare() {
  if (page.screen) { stopShare(); return; }
  let media;
  try {
    media = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
  } catch (e) {
    status('room.share_error', { message: e.message || String(e) });
    return;
  }
  if (page.ended) { for (const tr of media.getTracks()) tr.stop(); return; }
  const pub = new Publisher({ room: id, media, screen: true });
  page.screen = pub;
  media.getVideoTracks()[0].addEventListener('ended', stopShare);
  pub.addEventListener('error', (e) => { status('room.share_error', { message: e.detail.message || e.detail.code }); stopShare(); });
  $('rm-share').textContent = t('room.share_stop');
  pub.start().catch(() => {});
}

function stopShare() {
  const pub = page.screen;
  page.screen = null;
  pub?.stop();
  $('rm-share').textContent = t('room.share');
}

function end(key) {
  page.ended = true;
  stopShare();
  $('rm-share').hidden = true;
  page.publisher?.stop();
  page.publisher = null;
  page.grid.close();
  status(key);
}

function show(room) {
  page.room = room;
  $('rm-name').textContent = room.title;
  $('rm-rec').hidden = !room.recording;
  const self = room.participants.find((p) => p.id === room.you);
  people.show(room, manages(room));
  feeds.show(room, manages(room));
  if (page.ended) return;
  if (room.state === 'closed') { end('room.closed'); return; }
  if (!self || self.state === 'removed' || self.state === 'left') { end('room.removed'); return; }
  if (self.state === 'waiting') { status('room.waiting'); return; }
  if (self.state !== 'in') return;
  status(room.locked ? 'room.locked_note' : '');
  publish(self.name);
  $('rm-share').hidden = !navigator.mediaDevices?.getDisplayMedia;
  page.grid.sync(room.participants, room.you);
  page.grid.syncScreens(room.participants, room.you);
  page.grid.syncFeeds(room.feeds || [], manages(room) ? (stream) => feeds.remove(stream) : null);
}

const people = new People($('rm-people'), $('rm-host'), $('rm-lock'), (e) => status('room.failed', { message: e.message }));
const feeds = new FeedPicker($('rm-host'), (e) => status('room.failed', { message: e.message }));

async function main() {
  applyTo(document);
  bindToggle($('rm-lang'));
  if (!id) { status('room.not_found'); return; }
  try {
    await enterRoom(id, guest);
  } catch (e) {
    page.error = e.code || String(e.status);
    if (e.status === 401 && !guest) { toLogin(); return; }
    const known = ['guest_link_expired', 'guest_link_used', 'room_closed', 'forbidden', 'not_found'];
    status(known.includes(e.code) ? `room.refused.${e.code}` : 'room.failed', { message: e.message });
    return;
  }
  page.bus = new EventBus({
    channels: [`room:${id}`],
    onMessage: (msg) => {
      if (msg.type === 'hello') page.me = msg.user;
      else if (msg.type === 'room') show(msg.room);
      else if (msg.type === 'room_gone') end('room.removed');
    },
    onState: (s) => { if (s === 'lost' && !page.ended) status('room.connection_lost'); },
    onSessionEnd: () => end('room.removed'),
  });
  $('rm-share').onclick = () => toggleShare();
  // the texts this page sets itself, in the other language
  onLanguage(() => {
    $('rm-share').textContent = t(page.screen ? 'room.share_stop' : 'room.share');
    feeds.relabel();
  });
  $('rm-leave').onclick = async () => {
    await api('POST', `/rooms/${id}/leave`).catch(() => {});
    end('room.left');
  };
  window.addEventListener('pagehide', () => { page.publisher?.stop(); page.screen?.stop(); page.grid.close(); });
}

main();
