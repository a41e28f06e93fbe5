// The reporter: sends the outbox over the hub's WebSocket when it is live,
// positions in pieces of PIECE, events one by one, all in sequence order,
// and deletes what the hub acknowledged (pos_ack, event_ack). What was sent
// but not acknowledged when the connection dropped is sent again on the next
// connection.
const PIECE = 50;
const IN_FLIGHT = 200;

export class Reporter {
  constructor(outbox) {
    this.outbox = outbox;
    this.ws = null;
    this.inflight = new Set();
    this.busy = false;
    this.again = false;
    this.acked = 0;
    this.onEventAck = () => {};
  }

  // The bus is live on ws (after hello), or gone (null).
  attach(ws) {
    this.ws = ws;
    this.inflight.clear();
    if (ws) this.flush();
  }

  live() { return this.ws && this.ws.readyState === WebSocket.OPEN; }

  async flush() {
    if (this.busy) { this.again = true; return; }
    this.busy = true;
    try {
      do {
        this.again = false;
        if (!this.live()) break;
        const items = (await this.outbox.all()).filter((i) => !this.inflight.has(i.seq));
        let batch = [];
        const sendBatch = () => {
          if (!batch.length) return;
          this.ws.send(JSON.stringify({ type: 'pos', positions: batch }));
          batch = [];
        };
        for (const i of items) {
          if (this.inflight.size >= IN_FLIGHT || !this.live()) break;
          this.inflight.add(i.seq);
          if (i.kind === 'pos') {
            batch.push({ seq: i.seq, ...i.body });
            if (batch.length >= PIECE) sendBatch();
          } else {
            sendBatch();
            this.ws.send(JSON.stringify({ type: 'event', seq: i.seq, ...i.body }));
          }
        }
        if (this.live()) sendBatch();
      } while (this.again);
    } finally {
      this.busy = false;
    }
  }

  // Messages from the hub for the reporter; true when it was one.
  async onMessage(m) {
    if (m.type === 'pos_ack') {
      const done = [...m.seqs, ...m.refused.map((r) => r.seq)];
      for (const r of m.refused) console.warn('position refused by the hub:', r.why);
      await this.outbox.remove(done);
      for (const s of done) this.inflight.delete(s);
      this.acked += m.seqs.length;
      this.flush();
      return true;
    }
    if (m.type === 'event_ack') {
      await this.outbox.remove([m.seq]);
      this.inflight.delete(m.seq);
      this.onEventAck(m);
      this.flush();
      return true;
    }
    return false;
  }
}
