// Live-video signalling: one WebSocket to the hub for every live view on the
// page (a 16-tile wall is one connection). A player asks to watch a stream;
// the hub answers "watching" with the view's id, then relays the gateway's
// offer and ICE candidates; our answer and candidates go back the same way.
// Messages are routed by view id; so are the binary messages of fallback
// views (a byte n, the view id in n bytes, then fragmented MP4), handed to
// the player's onMedia. The socket reconnects by itself; views
// that were open when it dropped end ("signalling lost") and their players
// watch again.
let shared = null;

export class Signal {
  static shared() {
    if (!shared) shared = new Signal();
    return shared;
  }

  constructor() {
    this.views = new Map(); // view id -> handler
    this.pending = new Map(); // ref -> handler, until "watching" or an error
    this.queue = [];
    this.ready = false;
    this.refs = 0;
    this.delay = 500;
    this.connect();
  }

  connect() {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}/ws`, 'ecc.v1');
    this.ws = ws;
    ws.binaryType = 'arraybuffer';
    ws.onmessage = (ev) => {
      if (ev.data instanceof ArrayBuffer) {
        const b = new Uint8Array(ev.data), n = b[0];
        const view = String.fromCharCode(...b.subarray(1, 1 + n));
        this.views.get(view)?.onMedia?.(b.subarray(1 + n));
        return;
      }
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      this.handle(msg);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ready = false;
      const gone = [...this.views.values(), ...this.pending.values()];
      this.views.clear();
      this.pending.clear();
      for (const h of gone) h.onEnd?.('signalling lost');
      setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(this.delay * 2, 5000);
    };
  }

  handle(msg) {
    switch (msg.type) {
      case 'hello':
        this.ready = true;
        this.delay = 500;
        for (const m of this.queue.splice(0)) this.ws.send(JSON.stringify(m));
        break;
      case 'watching': {
        const h = this.pending.get(msg.ref);
        this.pending.delete(msg.ref);
        if (!h) { this.send({ type: 'unwatch', view: msg.view }); break; }
        this.views.set(msg.view, h);
        h.onWatching?.(msg);
        break;
      }
      case 'offer': this.views.get(msg.view)?.onOffer?.(msg); break;
      case 'ice': this.views.get(msg.view)?.onIce?.(msg); break;
      case 'view_end': {
        const h = this.views.get(msg.view);
        this.views.delete(msg.view);
        h?.onEnd?.(msg.reason || '');
        break;
      }
      case 'error':
        if (msg.ref && this.pending.has(msg.ref)) {
          const h = this.pending.get(msg.ref);
          this.pending.delete(msg.ref);
          h.onError?.(msg);
        }
        break;
      default:
    }
  }

  send(m) {
    if (this.ready && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(m));
    else this.queue.push(m);
  }

  // Asks to watch a stream (mode: webrtc, or fmp4 for the fallback); the
  // handler gets onWatching, onOffer, onIce, onMedia(bytes), onEnd(reason)
  // and onError({code, message}). Returns the request's ref.
  watch(stream, handler, mode = 'webrtc') {
    const ref = `r${++this.refs}`;
    this.pending.set(ref, handler);
    this.send({ type: 'watch', stream, ref, mode });
    return ref;
  }

  cancel(ref) { this.pending.delete(ref); }

  answer(view, sdp) { this.send({ type: 'answer', view, sdp }); }

  ice(view, mline, candidate) { this.send({ type: 'ice', view, mline, candidate }); }

  // Another handler takes over an open view (a player adopting its probe).
  adopt(view, handler) {
    if (this.views.has(view)) this.views.set(view, handler);
  }

  unwatch(view) {
    if (this.views.delete(view)) this.send({ type: 'unwatch', view });
  }
}
