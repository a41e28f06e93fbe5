// The instructions inbox: what the center sent to this officer, the unit,
// the team or the operation arrives on the WebSocket's dispatch channel at
// once, rings (alarm.js) and is marked delivered; one tap acknowledges it,
// with an optional text reply and an optional photo (sent first, as JPEG
// at most MAX_SIDE pixels wide or high; the hub keeps it as evidence).
import { api } from '../net/index.js';
import { t } from '../i18n/index.js';
import { formatTime } from '../ui/clock.js';
import { el } from '../ui/dialog.js';
import { alarm } from './alarm.js';

const SHOWN = 20;
const MAX_SIDE = 1600;

// A photo from the camera or the gallery, made a JPEG of at most MAX_SIDE.
async function toJpeg(file) {
  const img = await createImageBitmap(file);
  const k = Math.min(1, MAX_SIDE / Math.max(img.width, img.height));
  const c = document.createElement('canvas');
  c.width = Math.round(img.width * k);
  c.height = Math.round(img.height * k);
  c.getContext('2d').drawImage(img, 0, 0, c.width, c.height);
  img.close();
  return new Promise((resolve, reject) => c.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob'))), 'image/jpeg', 0.85));
}

async function upload(id, blob) {
  const res = await fetch(`/api/v1/instructions/${id}/photo`, { method: 'POST', credentials: 'same-origin',
    headers: { 'content-type': 'image/jpeg' }, body: blob });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error?.message || res.statusText);
  return data.photo;
}

export class Inbox {
  constructor(list, me, send) {
    this.list = list;
    this.me = me;
    this.send = send; // a WebSocket message to the hub, when live
    this.items = new Map();
    this.told = new Set(); // instructions marked delivered from this page
    this.photos = []; // photos sent from this page, as the hub answered
    this.render();
  }

  mine(i) {
    return i.deliveries.filter((d) => (d.recipient_kind === 'unit' && d.recipient === this.me.unit) ||
      (d.recipient_kind === 'user' && d.recipient === this.me.username));
  }

  acked(i) { return this.mine(i).some((d) => d.acked_at); }

  async load() {
    const { instructions } = await api('GET', `/instructions?limit=${SHOWN}`);
    for (const i of instructions) this.apply(i, false);
    this.render();
  }

  // A new or changed instruction; ring: a new one rings.
  apply(i, ring = true) {
    const isNew = !this.items.has(i.id);
    this.items.set(i.id, i);
    const pending = this.mine(i).some((d) => d.recipient_kind === 'unit' && !d.delivered_at);
    if (pending && !this.told.has(i.id) && this.send({ type: 'delivered', id: i.id })) this.told.add(i.id);
    if (isNew && ring && !this.acked(i)) alarm.ring();
    this.render();
  }

  async ack(i, reply, file, button, err) {
    button.disabled = true;
    err.textContent = '';
    try {
      if (file) this.photos.push(await upload(i.id, await toJpeg(file)));
      await api('POST', `/instructions/${i.id}/ack`, reply ? { reply } : undefined);
      const fresh = await api('GET', `/instructions/${i.id}`);
      this.apply(fresh.instruction || fresh, false);
    } catch (e) {
      button.disabled = false;
      err.textContent = e.message;
    }
  }

  // force: rebuild every item (the language changed); otherwise an item
  // is rebuilt only when its state changed, so a reply being typed or a
  // photo chosen survives the updates of other items.
  render(force = false) {
    if (force) this.nodes = new Map();
    this.nodes ??= new Map();
    const items = [...this.items.values()].sort((a, b) => b.id - a.id).slice(0, SHOWN);
    this.list.replaceChildren(...items.map((i) => {
      const acked = this.acked(i);
      const kept = this.nodes.get(i.id);
      if (kept && kept.acked === acked) return kept.li;
      const li = this.item(i, acked);
      this.nodes.set(i.id, { acked, li });
      return li;
    }));
    if (!items.length) this.list.append(el('li', { className: 'none', textContent: t('hh.inbox_none') }));
  }

  item(i, acked) {
    const reply = el('input', { className: 'reply', maxLength: 2000, placeholder: t('hh.reply') });
    const photo = el('input', { type: 'file', className: 'photo', accept: 'image/jpeg,image/png,image/*', capture: 'environment' });
    const err = el('p', { className: 'error', role: 'alert' });
    const ack = el('button', { type: 'button', className: 'ack', textContent: t('hh.ack'),
      onclick: () => this.ack(i, reply.value.trim(), photo.files[0], ack, err) });
    return el('li', { className: `instr ${acked ? 'acked' : 'new'} ${i.urgency === 'urgent' ? 'urgent' : ''}`,
      dataset: { id: String(i.id) } },
    el('div', { className: 'head' },
      el('span', { className: 'when', textContent: formatTime(i.created_at) }),
      el('span', { className: 'from', textContent: i.created_by })),
    el('p', { className: 'text', textContent: i.text }),
    acked ? el('p', { className: 'done', textContent: t('hh.acked', { time: formatTime(this.mine(i).find((d) => d.acked_at).acked_at) }) })
      : el('div', {}, el('div', { className: 'm-row' }, reply, ack),
        el('label', { className: 'm-photo' }, t('hh.photo'), photo), err));
  }
}
