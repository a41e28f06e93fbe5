// The unit card: what a duty officer asks about a unit at a glance (name,
// kind, team, state, battery, signal, speed, last seen) and what to do
// next (its video on the wall, the live page, track replay, recordings,
// and for a phone publishing its camera, push-to-talk: hold the button).
import { t } from '../i18n/index.js';
import { formatTime } from '../ui/clock.js';
import { Talk } from '../media/talk.js';

export class UnitCard {
  // actions: {wall(id), replay(id)}
  constructor(el, store, actions) {
    this.el = el;
    this.store = store;
    this.actions = actions;
    this.unit = null;
    this.talks = new Map(); // stream id -> Talk (kept across redraws)
    store.onChange(() => { if (this.unit && !this.el.hidden) this.draw(); });
  }

  open(id) { this.unit = id; this.el.hidden = false; this.draw(); }
  close() {
    for (const talk of this.talks.values()) talk.release();
    this.unit = null;
    this.el.hidden = true;
  }

  // Push-to-talk to a phone: held, the wall's microphone goes to it.
  talkButton(stream) {
    let talk = this.talks.get(stream.id);
    if (!talk) {
      talk = new Talk({ stream: stream.id });
      this.talks.set(stream.id, talk);
      talk.addEventListener('state', () => {
        const b = this.el.querySelector(`button[data-action="talk"][data-stream="${stream.id}"]`);
        if (b) this.showTalk(b, talk);
      });
    }
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.action = 'talk';
    b.dataset.stream = stream.id;
    b.onpointerdown = (ev) => {
      ev.preventDefault();
      talk.press();
      // released anywhere (the card may be drawn again meanwhile)
      window.addEventListener('pointerup', () => talk.release(), { once: true });
    };
    this.showTalk(b, talk);
    return b;
  }

  showTalk(b, talk) {
    b.dataset.state = talk.state;
    b.classList.toggle('talking', talk.state === 'talking');
    b.textContent = t({ connecting: 'card.talk_connecting', talking: 'card.talking' }[talk.state] || 'card.talk');
    b.title = talk.state === 'refused' ? t('card.talk_refused') : t('card.talk_hint');
  }

  draw() {
    const u = this.store.units.get(this.unit);
    if (!u) { this.close(); return; }
    const p = u.position || {};
    const state = this.store.stateOf(u);
    const rows = [
      ['card.kind', t(`kind.${u.kind}`)],
      ['card.team', u.team || '—'],
      ['card.state', t(`state.${state}`)],
      ['card.battery', Number.isFinite(u.battery) ? `${u.battery}%` : '—'],
      ['card.signal', Number.isFinite(u.signal) ? `${u.signal}` : '—'],
      ['card.speed', Number.isFinite(p.speed) ? t('card.speed_value', { v: (p.speed * 3.6).toFixed(1) }) : '—'],
      ['card.heading', Number.isFinite(p.heading) ? `${Math.round(p.heading)}°` : '—'],
      ['card.last_seen', u.last_seen ? formatTime(u.last_seen, true) : '—'],
    ];
    const h = document.createElement('h3');
    h.textContent = u.name;
    const close = document.createElement('button');
    close.className = 'ghost close';
    close.type = 'button';
    close.textContent = '×';
    close.title = t('card.close');
    close.onclick = () => this.close();
    const dl = document.createElement('dl');
    for (const [k, v] of rows) {
      const dt = document.createElement('dt');
      dt.textContent = t(k);
      const dd = document.createElement('dd');
      dd.textContent = v;
      dd.dataset.field = k.slice(5);
      dl.append(dt, dd);
    }
    const acts = document.createElement('div');
    acts.className = 'actions';
    const stream = this.store.streams.get(u.id);
    const button = (key, fn) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = t(key);
      b.dataset.action = key.slice(5);
      b.onclick = fn;
      acts.append(b);
    };
    if (stream) {
      button('card.to_wall', () => this.actions.wall(u.id));
      button('card.live', () => window.open(`/live.html?stream=${stream.id}`, '_blank'));
    }
    if (stream?.phone) acts.append(this.talkButton(stream));
    button('card.replay', () => this.actions.replay(u.id));
    button('card.recordings', () => window.open(`/playback.html?unit=${encodeURIComponent(u.id)}`, '_blank'));
    this.el.dataset.unit = u.id;
    this.el.replaceChildren(close, h, dl, acts);
  }
}
