// The page's copy of unit state, fed by the WebSocket (snapshot, changes,
// positions) and read by the map and the list. Listeners are told which
// units changed; they decide when to draw.
export class UnitStore {
  constructor() {
    this.units = new Map();
    this.alertingUnits = new Map(); // unit id -> count of open high/critical alerts
    this.listeners = new Set();
  }

  onChange(fn) { this.listeners.add(fn); }
  emit(kind) { for (const fn of this.listeners) fn(kind); }

  applyUnits(list, snapshot) {
    if (snapshot) this.units.clear();
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
    }
    this.emit('positions');
  }

  remove(id) { this.units.delete(id); this.emit('units'); }

  setAlerting(counts) { this.alertingUnits = counts; this.emit('alerts'); }
  alerting(id) { return (this.alertingUnits.get(id) || 0) > 0; }

  onlineCount() {
    let n = 0;
    for (const u of this.units.values()) if (u.online) n++;
    return n;
  }
}
