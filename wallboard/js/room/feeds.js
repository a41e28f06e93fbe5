// The host's picker of field video: the units' live streams the host may
// see (GET /streams, as the hub scopes them) not in the room yet, and a
// button to bring the chosen one in (POST /rooms/{id}/feeds). Taking one
// out is a button on its tile (tiles.js). The hub checks both (rooms.h).
import { t } from '../i18n/index.js';
import { api } from '../net/index.js';

const POLL_MS = 10000;

export class FeedPicker {
  constructor(box, onError) {
    this.box = box;
    this.onError = onError;
    this.select = document.createElement('select');
    this.select.id = 'rm-feed-pick';
    this.select.title = t('room.feed_pick');
    this.button = document.createElement('button');
    this.button.id = 'rm-feed-add';
    this.button.type = 'button';
    this.button.className = 'rm-btn';
    this.button.textContent = t('room.feed_add');
    this.button.onclick = () => this.add();
    const wrap = document.createElement('div');
    wrap.className = 'rm-feeds';
    wrap.append(this.select, this.button);
    box.append(wrap);
    this.room = null;
    this.timer = null;
  }

  relabel() {
    this.select.title = t('room.feed_pick');
    this.button.textContent = t('room.feed_add');
  }

  // The room as the hub sent it; manage: this page is the host's.
  show(room, manage) {
    this.room = room;
    if (!manage || room.state === 'closed') { clearInterval(this.timer); this.timer = null; return; }
    if (!this.timer) this.timer = setInterval(() => this.load().catch(() => {}), POLL_MS);
    this.load().catch(() => {});
  }

  async load() {
    const [{ streams }, { units }] = await Promise.all([api('GET', '/streams'),
      api('GET', '/units').catch(() => ({ units: [] }))]);
    const names = new Map(units.map((u) => [u.id, u.name]));
    const inRoom = new Set((this.room?.feeds || []).map((f) => f.stream));
    const live = streams.filter((s) => s.state === 'live' && !inRoom.has(s.id));
    const keep = this.select.value;
    const options = live.map((s) => {
      const o = document.createElement('option');
      o.value = String(s.id);
      o.textContent = names.get(s.unit) || s.unit;
      return o;
    });
    if (!options.length) {
      const o = document.createElement('option');
      o.value = '';
      o.textContent = t('room.feed_none');
      options.push(o);
    }
    this.select.replaceChildren(...options);
    if (live.some((s) => String(s.id) === keep)) this.select.value = keep;
    this.button.disabled = !live.length;
  }

  async add() {
    const stream = Number(this.select.value);
    if (!stream || !this.room) return;
    try {
      await api('POST', `/rooms/${this.room.id}/feeds`, { stream });
    } catch (e) { this.onError(e); }
  }

  async remove(stream) {
    try {
      await api('DELETE', `/rooms/${this.room.id}/feeds/${stream}`);
    } catch (e) { this.onError(e); }
  }
}
