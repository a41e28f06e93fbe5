// Push-to-talk (对讲) from the wall to a phone that publishes its camera
// (publisher.js): while the talk button is held, the wall's microphone goes
// over WebRTC to the gateway, which mixes it into the sound it sends back
// to that phone; the phone's own sound comes to the wall as the stream's
// sound, in the live player (unmute it to hear the officer). Signalling on
// the hub's WebSocket (docs/api.md, "Push-to-talk"): talk {stream} ->
// talking {session}, talk_offer, talk_answer, talk_ice, untalk, talk_end.
//
//   const talk = new Talk({ stream });        // the phone's stream id
//   button.onpointerdown = () => talk.press();
//   button.onpointerup = () => talk.release();
//   talk.addEventListener('state', (e) => show(e.detail.state));
//
// States: idle, connecting, talking, refused (detail.reason). The
// microphone is asked for on the first press and kept until close(); each
// press is a session (audited on the hub); only what is said while held
// goes out.
export class Talk extends EventTarget {
  constructor({ stream, media } = {}) {
    super();
    this.stream = stream;
    this.media = media || null;
    this.state = 'idle';
    this.session = null;
    this.pc = null;
    this.ws = null;
    this.ready = null;
  }

  setState(state, reason = '') {
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', { detail: { state, reason } }));
  }

  // The WebSocket, open and greeted (a promise).
  socket() {
    if (this.ready && this.ws?.readyState === WebSocket.OPEN) return this.ready;
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}/ws`, 'ecc.v1');
    this.ws = ws;
    this.ready = new Promise((resolve, reject) => {
      ws.onmessage = (ev) => {
        let msg;
        try { msg = JSON.parse(ev.data); } catch { return; }
        if (msg.type === 'hello') resolve(ws);
        else this.handle(msg);
      };
      ws.onclose = () => {
        reject(new Error('signalling lost'));
        if (ws !== this.ws) return;
        this.ws = null;
        this.ready = null;
        if (this.session) this.end('signalling lost');
      };
    });
    return this.ready;
  }

  async press() {
    if (this.session || this.state === 'connecting') return;
    this.setState('connecting');
    this.wanted = true;
    try {
      this.media ||= await navigator.mediaDevices.getUserMedia({ audio: true });
      const ws = await this.socket();
      if (!this.wanted) { this.setState('idle'); return; }
      ws.send(JSON.stringify({ type: 'talk', stream: this.stream }));
    } catch (e) {
      this.setState('refused', String(e.message || e));
    }
  }

  release() {
    this.wanted = false;
    if (this.session) {
      this.ws?.send(JSON.stringify({ type: 'untalk', session: this.session }));
      this.end('released');
    }
  }

  close() {
    this.release();
    this.ws?.close();
    this.ws = null;
    for (const tr of this.media?.getTracks() || []) tr.stop();
    this.media = null;
  }

  end(reason) {
    this.session = null;
    const pc = this.pc;
    this.pc = null;
    pc?.close();
    this.setState('idle', reason);
  }

  async handle(msg) {
    switch (msg.type) {
      case 'talking': {
        if (!this.wanted) { this.ws.send(JSON.stringify({ type: 'untalk', session: msg.session })); break; }
        this.session = msg.session;
        const session = msg.session;
        const pc = new RTCPeerConnection({ iceServers: msg.ice_servers || [] });
        this.pc = pc;
        pc.addTransceiver(this.media.getAudioTracks()[0], { direction: 'sendonly' });
        pc.onicecandidate = (ev) => {
          if (ev.candidate?.candidate && session === this.session) {
            this.ws?.send(JSON.stringify({ type: 'talk_ice', session, mline: ev.candidate.sdpMLineIndex ?? 0,
              candidate: ev.candidate.candidate }));
          }
        };
        pc.onconnectionstatechange = () => {
          if (pc !== this.pc) return;
          if (pc.connectionState === 'connected') this.setState('talking');
          else if (pc.connectionState === 'failed') this.end('connection failed');
        };
        await pc.setLocalDescription(await pc.createOffer());
        if (pc === this.pc) this.ws?.send(JSON.stringify({ type: 'talk_offer', session, sdp: pc.localDescription.sdp }));
        break;
      }
      case 'talk_answer':
        if (msg.session === this.session) await this.pc?.setRemoteDescription({ type: 'answer', sdp: msg.sdp }).catch(() => {});
        break;
      case 'talk_ice':
        if (msg.session === this.session) this.pc?.addIceCandidate({ candidate: msg.candidate, sdpMLineIndex: msg.mline }).catch(() => {});
        break;
      case 'talk_end':
        if (msg.session === this.session) this.end(msg.reason || 'ended');
        break;
      case 'error':
        if (this.state === 'connecting') this.setState('refused', msg.error?.message || '');
        break;
      default:
    }
  }
}
