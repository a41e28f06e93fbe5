// The page's copy of unit state, fed by the WebSocket (snapshot, changes,
// positions) and read by the map and the list. Listeners are told which
// units changed; they decide when to draw.
export const STATES = ['online', 'offline', 'alerting', 'streaming', 'recording'];

export class UnitStore {
  constructor() {
    this.units = new Map();
    this.alertingUnits = new Map(); // unit id -> count of open high/critical alerts
    this.streams = new Map();       // unit id -> {id, state, record}
    this.listeners = new Set();
    this.snapshots = 0; // full lists received (one per (re)connection)
  }

  onChange(fn) { this.listeners.add(fn); }
  emit(kind) { for (const fn of this.listeners) fn(kind); }

  applyUnits(list, snapshot) {
    if (snapshot) { this.units.clear(); this.snapshots++; }
    for (const u of list) this.units.set(u.id, u);
    this.emit('units');
  }

  applyPositions(list) {
    for (const p of list) {
      const u = this.units.get(p.unit);
      if (!u) continue;
      if (u.position && u.position.ts > p.ts) continue;
      u.position = p;
      u.online = true;
      u.state = 'online';
      u.last_seen = Date.now();
      if (Number.isFinite(p.battery)) u.battery = p.battery;
      if (Number.isFinite(p.signal)) u.signal = p.signal;
    }
    this.emit('positions');
  }

  remove(id) { this.units.delete(id); this.emit('units'); }

  setAlerting(counts) { this.alertingUnits = counts; this.emit('alerts'); }
  alerting(id) { return (this.alertingUnits.get(id) || 0) > 0; }

  // GET /api/v1/streams: which units stream, and whether they record.
  setStreams(list) {
    const next = new Map();
    for (const s of list) {
      const had = next.get(s.unit);
      if (!had || s.state === 'live') next.set(s.unit, { id: s.id, state: s.state, record: !!s.record });
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
