// The body camera of the handheld page ("开始执法记录"): the phone's camera
// and microphone published over WebRTC to the gateway that records the
// officer's unit, through the hub's WebSocket for the signalling
// (docs/api.md, "Publishing a phone's camera"). The gateway records it as the
// unit's stream (crash-safe segments) and the wall watches it like any
// camera.
//
// It keeps publishing by itself: a dropped WebSocket, a failed or closed
// peer connection, or a session the gateway ended (the stream restarted)
// make it publish again with backoff (0.5 s doubling to 5 s); each new
// session records into a new segment. States, as "state" events (detail
// {state, reason}) and in .state: connecting, live, reconnecting, stopped;
// "error" events (detail {code, message}) for a refusal (the user carries
// no unit: code "forbidden"; the session ended: code "session", the
// WebSocket closed with 1008; the camera refused: code "camera"; these
// stop it). .media is the MediaStream it publishes (for a preview).
//
//   const pub = new Publisher();
//   pub.addEventListener('state', (e) => show(e.detail.state));
//   await pub.start();   // asks for the camera (getUserMedia) once
//   pub.stop();          // ends the session; the recording closes
//
// Texts for a page (i18n): publish.start, publish.stop,
// publish.state.<state>, publish.refused (error code forbidden or
// not_found), publish.camera_denied (error code camera), publish.talkback.
//
// The video goes as H.264 (what the wall's viewers take without a
// transcode), the sound as Opus. The sound's line runs both ways: the
// gateway sends back the voice of a wall that talks to this phone
// (push-to-talk, talk.js), played at once (.talkback is its MediaStream;
// the page may show who talks: "talkback" events, detail {active}).
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 5000;
const DISCONNECTED_MS = 3000; // ICE "disconnected" this long: publish again
const ANSWER_MS = 10000; // no answer or no connection this long: again

// H.264 first (constrained baseline, packetization-mode 1 first of all).
function preferH264(transceiver) {
  const caps = globalThis.RTCRtpReceiver?.getCapabilities?.('video')
    || globalThis.RTCRtpSender?.getCapabilities?.('video');
  if (!caps || !transceiver.setCodecPreferences) return;
  const score = (c) => {
    if (c.mimeType.toLowerCase() !== 'video/h264') return 0;
    const f = c.sdpFmtpLine || '';
    return 1 + (f.includes('packetization-mode=1') ? 2 : 0) + (f.includes('profile-level-id=42e01f') ? 1 : 0);
  };
  const h264 = caps.codecs.filter((c) => score(c) > 0).sort((a, b) => score(b) - score(a));
  const helpers = caps.codecs.filter((c) => /rtx|red|ulpfec/i.test(c.mimeType));
  if (h264.length) transceiver.setCodecPreferences([...h264, ...helpers]);
}

export class Publisher extends EventTarget {
  // constraints: getUserMedia's (default: the back camera at 640x480 and
  // the microphone). media: a MediaStream to publish instead. room: a
  // consultation room's id: publish there (the participant's own stream,
  // the room page) instead of as the user's unit; with screen, the
  // participant's shared screen (media: getDisplayMedia's), a second stream.
  constructor({ constraints, media, room, screen = false } = {}) {
    super();
    this.request = room ? { type: 'publish', room, ...(screen ? { screen: true } : {}) } : { type: 'publish' };
    this.constraints = constraints || {
      video: { facingMode: 'environment', width: { ideal: 640 }, height: { ideal: 480 } },
      audio: true,
    };
    this.media = media || null;
    this.state = 'stopped';
    this.session = null;
    this.stream = null; // the hub's stream id, once publishing
    this.unit = null;
    this.pc = null;
    this.ws = null;
    this.delay = RETRY_MIN_MS;
    this.sessions = 0; // sessions started (1 + reconnects)
    this.running = false;
    this.talkback = null; // the walls' voices, a MediaStream
    this.speaker = null; // the <audio> element playing them
  }

  setState(state, reason = '') {
    if (this.state === state) return;
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', { detail: { state, reason } }));
  }

  async start() {
    if (this.running) return;
    this.running = true;
    if (!this.media) {
      try {
        this.media = await navigator.mediaDevices.getUserMedia(this.constraints);
      } catch (e) {
        this.running = false;
        this.setState('stopped', String(e.message || e));
        this.dispatchEvent(new CustomEvent('error', { detail: { code: 'camera', message: String(e.message || e) } }));
        throw e;
      }
    }
    this.setState('connecting');
    this.timer = setInterval(() => this.watchdog(), 1000);
    this.connect();
  }

  stop() {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.timer);
    clearTimeout(this.retryTimer);
    if (this.session && this.ws?.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify({ type: 'unpublish', session: this.session }));
    }
    this.closePeer();
    const ws = this.ws;
    this.ws = null;
    // after the unpublish has gone
    if (ws) setTimeout(() => ws.close(), 200);
    if (this.speaker) { this.speaker.srcObject = null; this.speaker.remove(); this.speaker = null; }
    for (const tr of this.media?.getTracks() || []) tr.stop();
    this.media = null;
    this.setState('stopped');
  }

  // ---- the hub's WebSocket -------------------------------------------------

  connect() {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}/ws`, 'ecc.v1');
    this.ws = ws;
    ws.onmessage = (ev) => {
      if (ws !== this.ws) return;
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      this.handle(msg);
    };
    ws.onclose = (ev) => {
      if (ws !== this.ws) return;
      this.ws = null;
      if (ev.code === 1008) { // the login ended: publishing again would not help
        this.dispatchEvent(new CustomEvent('error', { detail: { code: 'session', message: ev.reason } }));
        this.stop();
        return;
      }
      this.again('signalling lost');
    };
  }

  send(m) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(m));
  }

  handle(msg) {
    switch (msg.type) {
      case 'hello':
        this.send(this.request);
        break;
      case 'publishing':
        this.session = msg.session;
        this.stream = msg.stream;
        this.unit = msg.unit;
        this.sessions++;
        this.offer(msg).catch((e) => this.again(String(e.message || e)));
        break;
      case 'publish_answer':
        if (msg.session !== this.session || !this.pc) break;
        this.pc.setRemoteDescription({ type: 'answer', sdp: msg.sdp })
          .catch((e) => this.again(`answer: ${e.message || e}`));
        break;
      case 'publish_ice':
        if (msg.session !== this.session || !this.pc) break;
        this.pc.addIceCandidate({ candidate: msg.candidate, sdpMLineIndex: msg.mline }).catch(() => {});
        break;
      case 'publish_end':
        if (msg.session !== this.session) break;
        this.session = null;
        this.again(msg.reason || 'ended');
        break;
      case 'error': {
        const { code, message } = msg.error || {};
        if (code === 'forbidden' || code === 'not_found') {
          this.dispatchEvent(new CustomEvent('error', { detail: { code, message } }));
          this.stop();
        } else if (code === 'unavailable' || code === 'internal') {
          this.again(message);
        }
        break;
      }
      default:
    }
  }

  // ---- the peer connection ---------------------------------------------------

  async offer(msg) {
    this.closePeer();
    const pc = new RTCPeerConnection({ iceServers: msg.ice_servers || [] });
    this.pc = pc;
    this.offeredAt = performance.now();
    this.downSince = 0;
    const video = this.media.getVideoTracks()[0];
    const audio = this.media.getAudioTracks()[0];
    if (video) preferH264(pc.addTransceiver(video, { direction: 'sendonly', streams: [this.media] }));
    // sendrecv: the talk-back comes on the same line
    if (audio) pc.addTransceiver(audio, { direction: 'sendrecv', streams: [this.media] });
    pc.ontrack = (ev) => {
      if (ev.track.kind !== 'audio' || pc !== this.pc) return;
      this.talkback = new MediaStream([ev.track]);
      if (!this.speaker) {
        this.speaker = document.createElement('audio');
        this.speaker.autoplay = true;
        this.speaker.hidden = true;
        document.body.append(this.speaker);
      }
      this.speaker.srcObject = this.talkback;
      this.speaker.play().catch(() => {});
      this.dispatchEvent(new CustomEvent('talkback', { detail: { stream: this.talkback } }));
    };
    const session = this.session;
    pc.onicecandidate = (ev) => {
      if (ev.candidate?.candidate && session === this.session) {
        this.send({ type: 'publish_ice', session, mline: ev.candidate.sdpMLineIndex ?? 0,
          candidate: ev.candidate.candidate });
      }
    };
    pc.onconnectionstatechange = () => {
      if (pc !== this.pc) return;
      if (pc.connectionState === 'connected') {
        this.delay = RETRY_MIN_MS;
        this.setState('live');
      } else if (pc.connectionState === 'failed') {
        this.again('connection failed');
      }
    };
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    if (pc !== this.pc) return;
    this.send({ type: 'publish_offer', session, sdp: pc.localDescription.sdp });
  }

  closePeer() {
    const pc = this.pc;
    this.pc = null;
    if (pc) { pc.onconnectionstatechange = null; pc.onicecandidate = null; pc.close(); }
  }

  // A peer connection closed under us, stuck disconnected, or never
  // answered: publish again.
  watchdog() {
    const pc = this.pc;
    if (!this.running || !pc) return;
    const now = performance.now();
    const st = pc.connectionState;
    if (st === 'closed' || st === 'failed') { this.again(`connection ${st}`); return; }
    if (st === 'disconnected') {
      this.downSince ||= now;
      if (now - this.downSince >= DISCONNECTED_MS) this.again('connection lost');
      return;
    }
    this.downSince = 0;
    if (st !== 'connected' && now - this.offeredAt >= ANSWER_MS) this.again('no connection');
  }

  // Publishes again after the backoff: a new session (the hub ends the old
  // one, the gateway records into a new segment), on the same WebSocket
  // while it is open, else on a new one.
  again(reason) {
    if (!this.running) return;
    this.closePeer();
    if (this.session && this.ws?.readyState === WebSocket.OPEN) {
      this.send({ type: 'unpublish', session: this.session, reconnect: true });
    }
    this.session = null;
    this.setState('reconnecting', reason);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (!this.running) return;
      if (this.ws?.readyState === WebSocket.OPEN) this.send(this.request);
      else if (!this.ws || this.ws.readyState > WebSocket.OPEN) this.connect();
    }, this.delay);
    this.delay = Math.min(this.delay * 2, RETRY_MAX_MS);
  }
}
