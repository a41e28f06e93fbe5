// The phone's position: navigator.geolocation.watchPosition, each fix with
// its own time (the device's), accuracy, speed, heading and the battery
// level where the browser tells them, put into the outbox. A fix that is
// not newer than the last one kept (the browser's cached fix after a
// reload), or that has not moved a metre within SAME_PLACE_MS of it, is not
// sent again: a parked officer reports twice a minute, not at every tick.
const SAME_PLACE_MS = 30000;
const KEPT = 'ecc.hh.lastfix';
const fin = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function metres(a, b) {
  const r = Math.PI / 180;
  const x = (b.lon - a.lon) * r * Math.cos(((a.lat + b.lat) / 2) * r);
  const y = (b.lat - a.lat) * r;
  return Math.hypot(x, y) * 6371000;
}

export class PositionWatch {
  constructor(outbox, { onFix, onError } = {}) {
    this.outbox = outbox;
    this.onFix = onFix || (() => {});
    this.onError = onError || (() => {});
    this.last = null;
    this.recorded = []; // every fix taken, for the page's own view (and tests)
    this.battery = undefined;
    try { this.kept = JSON.parse(localStorage.getItem(KEPT)); } catch { this.kept = null; }
    navigator.getBattery?.().then((b) => {
      const read = () => { this.battery = Math.round(b.level * 100); };
      read();
      b.addEventListener('levelchange', read);
    }).catch(() => {});
  }

  start() {
    if (!navigator.geolocation) { this.onError('unsupported'); return; }
    this.id = navigator.geolocation.watchPosition((p) => this.fix(p),
      (e) => this.onError(e.code === 1 ? 'denied' : 'unavailable'),
      { enableHighAccuracy: true, maximumAge: 0, timeout: 30000 });
  }

  async fix(p) {
    const c = p.coords;
    const body = { ts: Math.round(p.timestamp || Date.now()), lat: c.latitude, lon: c.longitude };
    const extra = { acc: fin(c.accuracy), alt: fin(c.altitude), speed: fin(c.speed),
      heading: fin(c.heading), battery: this.battery };
    for (const [k, v] of Object.entries(extra)) if (v !== undefined) body[k] = v;
    if (body.heading !== undefined && (body.heading < 0 || body.heading >= 360)) delete body.heading;
    this.last = body;
    const k = this.kept;
    if (k && (body.ts <= k.ts || (metres(k, body) < 1 && body.ts - k.ts < SAME_PLACE_MS))) {
      this.onFix(body); // shown, not sent again
      return;
    }
    this.kept = body;
    localStorage.setItem(KEPT, JSON.stringify(body));
    await this.outbox.add({ kind: 'pos', body });
    this.recorded.push(body); // (after the outbox has it)
    this.onFix(body);
  }
}
