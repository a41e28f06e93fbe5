// The wallboard's rooms panel (会商室): today's rooms (open now or
// scheduled from today, GET /rooms, as the hub scopes them), who is in each
// open one, and a link to join (/room/{id}). Polled: rooms change on the
// scale of minutes, and each open room's names cost one request.
import { api } from '../net/index.js';
import { t } from '../i18n/index.js';
import { formatTime } from '../ui/clock.js';
import { el } from '../ui/dialog.js';

const POLL_MS = 15000;

export class RoomsPanel {
  constructor(root) {
    this.root = root;
    this.rooms = null;
    this.names = new Map(); // room id -> names of those in
    this.timer = setInterval(() => this.load().catch(() => {}), POLL_MS);
  }

  async load() {
    const end = new Date();
    end.setHours(24, 0, 0, 0);
    const rooms = (await api('GET', '/rooms?limit=50')).rooms
      .filter((r) => r.state === 'open' || r.scheduled_at < end.getTime());
    const names = new Map();
    await Promise.all(rooms.filter((r) => r.state === 'open' && r.in_count > 0).map(async (r) => {
      const { room } = await api('GET', `/rooms/${r.id}`);
      names.set(r.id, room.participants.filter((p) => p.state === 'in').map((p) => p.name));
    }));
    this.rooms = rooms;
    this.names = names;
    this.root.hidden = false;
    this.render();
  }

  render() {
    if (!this.rooms) return;
    const items = this.rooms.map((r) => el('li', { dataset: { room: String(r.id), state: r.state } },
      el('span', { className: 'when', textContent: formatTime(r.scheduled_at) }),
      el('span', { className: 'title', textContent: `${r.kind_zh || r.kind} · ${r.title}` }),
      el('a', { className: 'join', href: `/room/${r.id}`, target: '_blank', rel: 'noopener', textContent: t('rooms.join') }),
      el('span', { className: 'who',
        textContent: r.in_count ? `${t('rooms.in', { n: r.in_count })}: ${(this.names.get(r.id) || []).join('、')}` : '' })));
    if (!items.length) items.push(el('li', { className: 'none', textContent: t('rooms.none') }));
    this.root.replaceChildren(el('h2', { textContent: t('rooms.panel') }), el('ul', { className: 'rooms-list' }, ...items));
  }
}
