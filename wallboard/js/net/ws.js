// The hub's WebSocket event bus, for a kiosk: reconnects by itself with
// backoff, re-subscribes, and reports its state so the page can show a
// "connection lost" banner. A 1008 close means the session ended.
export class EventBus {
  constructor({ channels, onMessage, onState, onSessionEnd }) {
    this.channels = channels;
    this.onMessage = onMessage;
    this.onState = onState || (() => {});
    this.onSessionEnd = onSessionEnd || (() => {});
    this.delay = 500;
    this.closed = false;
    this.connect();
  }

  connect() {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}/ws`, 'ecc.v1');
    this.ws = ws;
    ws.onopen = () => { this.delay = 500; };
    ws.onmessage = (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      if (msg.type === 'hello') {
        this.onState('live');
        ws.send(JSON.stringify({ type: 'subscribe', channels: this.channels }));
      }
      this.onMessage(msg);
    };
    ws.onclose = (ev) => {
      if (this.closed) return;
      if (ev.code === 1008) { this.onSessionEnd(ev.reason); return; }
      this.onState('lost');
      setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(this.delay * 2, 5000);
    };
  }

  // Counts as user activity for the session's idle timer.
  activity() {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send('{"type":"ping"}');
  }

  close() { this.closed = true; this.ws?.close(); }
}
