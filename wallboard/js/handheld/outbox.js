// The outbox: what the phone must tell the hub (positions, SOS events), kept
// in IndexedDB until the hub acknowledges it. Keys are increasing sequence
// numbers, so the queue is sent in the order it was taken; an item leaves
// only when the hub's ack names its number (none lost), and the hub stores
// a position twice sent once (none duplicated).
const DB = 'ecc-handheld';
const STORE = 'outbox';

function req(r) {
  return new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
}

export class Outbox {
  static async open(user) {
    const r = indexedDB.open(`${DB}-${user}`, 1);
    r.onupgradeneeded = () => r.result.createObjectStore(STORE, { keyPath: 'seq', autoIncrement: true });
    return new Outbox(await req(r));
  }

  constructor(db) { this.db = db; this.listeners = new Set(); this.count = 0; }

  tx(mode) { return this.db.transaction(STORE, mode).objectStore(STORE); }

  onChange(fn) { this.listeners.add(fn); }

  async changed() {
    this.count = await req(this.tx('readonly').count());
    for (const fn of this.listeners) fn(this.count);
  }

  // item: {kind: 'pos'|'event', body}; resolves to its sequence number.
  async add(item) {
    const seq = await req(this.tx('readwrite').add(item));
    await this.changed();
    return seq;
  }

  // Every item in sequence order: [{seq, kind, body}].
  all() { return req(this.tx('readonly').getAll()); }

  async remove(seqs) {
    if (!seqs.length) return;
    const st = this.tx('readwrite');
    await Promise.all(seqs.map((s) => req(st.delete(s))));
    await this.changed();
  }
}
