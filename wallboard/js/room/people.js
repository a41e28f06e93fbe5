// Who is in the room, and the host's controls: admit a waiting guest, mute
// or unmute, remove; lock the room. The hub enforces each (rooms.h): a
// mute stops that participant's sound at the gateway, not only here.
import { t } from '../i18n/index.js';
import { api } from '../net/index.js';

const SHOWN = ['waiting', 'in', 'invited'];

function button(key, fn) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'rm-btn';
  b.dataset.action = key;
  b.textContent = t(`room.${key}`);
  b.onclick = () => fn().catch((e) => { b.title = e.message; });
  return b;
}

export class People {
  constructor(list, hostBox, lockButton, onError) {
    this.list = list;
    this.hostBox = hostBox;
    this.lock = lockButton;
    this.onError = onError;
  }

  show(room, manage) {
    const base = `/rooms/${room.id}`;
    const act = (method, path) => api(method, `${base}${path}`).catch((e) => { this.onError(e); throw e; });
    this.hostBox.hidden = !manage;
    this.lock.textContent = t(room.locked ? 'room.unlock' : 'room.lock');
    this.lock.onclick = () => act(room.locked ? 'DELETE' : 'POST', '/lock').catch(() => {});
    const items = [];
    for (const p of room.participants) {
      if (!SHOWN.includes(p.state)) continue;
      const li = document.createElement('li');
      li.dataset.participant = String(p.id);
      li.dataset.state = p.state;
      const name = document.createElement('span');
      name.textContent = p.name + (p.id === room.you ? ` (${t('room.you')})` : '');
      const state = document.createElement('span');
      state.className = 'rm-state';
      state.textContent = t(`room.state.${p.state}`) + (p.muted ? ` · ${t('room.muted')}` : '');
      li.append(name, state);
      if (manage && p.id !== room.you) {
        const pp = `/participants/${p.id}`;
        if (p.state === 'waiting') li.append(button('admit', () => act('POST', `${pp}/admit`)));
        if (p.state === 'in' || p.state === 'waiting') {
          li.append(p.muted ? button('unmute', () => act('DELETE', `${pp}/mute`))
            : button('mute', () => act('POST', `${pp}/mute`)));
          li.append(button('remove', () => act('DELETE', pp)));
        }
      }
      items.push(li);
    }
    this.list.replaceChildren(...items);
  }
}
