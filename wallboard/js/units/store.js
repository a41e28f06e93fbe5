// The page's copy of unit state, fed by the WebSocket (snapshot, changes,
// positions) and read by the map and the list. Listeners are told which
// units changed; they decide when to draw.
export const STATES = ['online', 'offline', 'alerting', 'streaming', 'recording'];
const TRAIL_MS = 5 * 60000, TRAIL_STEP_MS = 5000;

export class UnitStore {
  constructor() {
    this.units = new Map();
    this.alertingUnits = new Map(); // unit id -> count of open high/critical alerts
    this.streams = new Map();       // unit id -> {id, state, record, phone}
    this.listeners = new Set();
    this.snapshots = 0; // full lists received (one per (re)connection)
    this.trails = new Map(); // unit id -> [{lat, lon, ts}] of the last TRAIL_MS, a point per TRAIL_STEP_MS
  }

  onChange(fn) { this.listeners.add(fn); }
  emit(kind) { for (const fn of this.listeners) fn(kind); }

  applyUnits(list, snapshot) {
    if (snapshot) { this.units.clear(); this.snapshots++; }
    for (const u of list) {
      this.units.set(u.id, u);
      if (u.position) this.trail({ ...u.position, unit: u.id });
    }
    this.emit('units');
  }

  applyPositions(list) {
    for (const p of list) {
      const u = this.units.get(p.unit);
      if (!u) continue;
      if (u.position && u.position.ts > p.ts) continue;
      u.position = p;
      this.trail(p);
      u.online = true;
      u.state = 'online';
      u.last_seen = Date.now();
      if (Number.isFinite(p.battery)) u.battery = p.battery;
      if (Number.isFinite(p.signal)) u.signal = p.signal;
    }
    this.emit('positions');
  }

  // A unit's trail: a point every few seconds over the last minutes.
  trail(p) {
    let tr = this.trails.get(p.unit);
    if (!tr) this.trails.set(p.unit, (tr = []));
    const last = tr.at(-1);
    if (!last || p.ts - last.ts >= TRAIL_STEP_MS) tr.push({ lat: p.lat, lon: p.lon, ts: p.ts });
    else { last.lat = p.lat; last.lon = p.lon; }
    while (tr.length && tr[0].ts < p.ts - TRAIL_MS) tr.shift();
  }

  remove(id) { this.units.delete(id); this.emit('units'); }

  setAlerting(counts) { this.alertingUnits = counts; this.emit('alerts'); }
  alerting(id) { return (this.alertingUnits.get(id) || 0) > 0; }

  // GET /api/v1/streams: which units stream, and whether they record.
  setStreams(list) {
    const next = new Map();
    for (const s of list) {
      const had = next.get(s.unit);
      // phone: a phone publishing its camera (push-to-talk goes back to it)
      if (!had || s.state === 'live') next.set(s.unit, { id: s.id, state: s.state, record: !!s.record, phone: s.url === 'webrtc:' });
    }
    const same = next.size === this.streams.size
      && [...next].every(([k, v]) => this.streams.get(k)?.state === v.state && this.streams.get(k)?.id === v.id);
    this.streams = next;
    if (!same) this.emit('streams');
  }

  // One state per unit for colours and filters, the most urgent first.
  stateOf(u) {
    if (this.alerting(u.id)) return 'alerting';
    if (!u.online) return 'offline';
    const s = this.streams.get(u.id);
    if (s?.state === 'live') return s.record ? 'recording' : 'streaming';
    return 'online';
  }

  teams() {
    return [...new Set([...this.units.values()].map((u) => u.team).filter(Boolean))].sort();
  }

  onlineCount() {
    let n = 0;
    for (const u of this.units.values()) if (u.online) n++;
    return n;
  }
}
