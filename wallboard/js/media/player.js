// The live player: one stream's video over WebRTC, for every page that shows
// live video (wall tiles, the unit card, the live page; later rooms and the
// handheld page). It connects by itself, shows its state on the tile
// (connecting, live, stalled, reconnecting, denied), shows the stream's
// latest snapshot while it connects, reconnects with backoff when the view
// ends (the source restarts, the gateway goes away, the network drops), and
// on demand shows the live latency and bitrate.
import { t } from '../i18n/index.js';
import { Signal } from './signal.js';

const STALL_MS = 3000; // no new frame for this long: "stalled"
const RESTART_MS = 8000; // stalled this long: watch again
const CONNECT_MS = 10000; // no picture this long after asking: watch again

export class LivePlayer {
  // el: the element to fill. stream: the stream id (GET /api/v1/streams).
  constructor(el, { stream, signal = Signal.shared(), muted = true } = {}) {
    this.el = el;
    this.stream = stream;
    this.signal = signal;
    this.delay = 500;
    this.state = '';
    this.stats = null;
    el.classList.add('live-player');
    this.video = document.createElement('video');
    Object.assign(this.video, { autoplay: true, muted, playsInline: true });
    this.badge = document.createElement('button');
    this.badge.className = 'live-state';
    this.badge.type = 'button';
    this.badge.title = t('live.stats');
    this.badge.onclick = () => this.toggleStats();
    this.sound = document.createElement('button');
    this.sound.className = 'live-sound';
    this.sound.type = 'button';
    this.sound.onclick = () => { this.video.muted = !this.video.muted; this.showSound(); };
    this.info = document.createElement('div');
    this.info.className = 'live-stats';
    this.info.hidden = true;
    el.replaceChildren(this.video, this.badge, this.sound, this.info);
    this.showSound();
    this.timer = setInterval(() => this.tick(), 1000);
    this.start();
  }

  // Sound starts muted (browsers play muted video by themselves); one click.
  showSound() {
    this.sound.textContent = t(this.video.muted ? 'live.unmute' : 'live.mute');
  }

  setState(s, detail = '') {
    this.state = s;
    this.el.dataset.state = s;
    this.badge.textContent = t(`live.${s}`) + (detail ? ` · ${detail}` : '');
  }

  start() {
    this.closePeer();
    this.setState(this.everLive ? 'reconnecting' : 'connecting');
    this.askedAt = performance.now();
    this.video.poster = `/api/v1/streams/${this.stream}/snapshot.jpg?t=${Date.now()}`;
    this.ref = this.signal.watch(this.stream, this);
  }

  onWatching(msg) {
    this.view = msg.view;
    const pc = new RTCPeerConnection({ iceServers: msg.ice_servers || [] });
    this.pc = pc;
    pc.ontrack = (ev) => {
      if (!this.video.srcObject) this.video.srcObject = ev.streams[0] || new MediaStream();
      if (!ev.streams[0]) this.video.srcObject.addTrack(ev.track);
      this.video.play().catch(() => {});
    };
    pc.onicecandidate = (ev) => {
      if (ev.candidate && ev.candidate.candidate) {
        this.signal.ice(this.view, ev.candidate.sdpMLineIndex ?? 0, ev.candidate.candidate);
      }
    };
    pc.onconnectionstatechange = () => {
      if (pc !== this.pc) return;
      if (pc.connectionState === 'failed') this.retry('connection failed');
    };
  }

  async onOffer(msg) {
    const pc = this.pc;
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: msg.sdp });
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      if (pc === this.pc) this.signal.answer(this.view, answer.sdp);
    } catch (e) {
      this.retry(String(e.message || e));
    }
  }

  onIce(msg) {
    this.pc?.addIceCandidate({ candidate: msg.candidate, sdpMLineIndex: msg.mline }).catch(() => {});
  }

  onEnd(reason) { this.retry(reason); }

  onError(msg) {
    if (msg.code === 'forbidden' || msg.code === 'not_found') {
      this.closePeer();
      this.setState('denied', msg.message);
      return;
    }
    this.retry(msg.message);
  }

  retry(why) {
    if (this.stopped) return;
    this.lastError = why;
    this.closePeer();
    this.setState('reconnecting');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => { this.retryTimer = null; this.start(); }, this.delay);
    this.delay = Math.min(this.delay * 2, 5000);
  }

  closePeer() {
    if (this.ref) this.signal.cancel(this.ref);
    if (this.view) this.signal.unwatch(this.view);
    this.view = null;
    this.ref = null;
    if (this.pc) this.pc.close();
    this.pc = null;
    this.video.srcObject = null;
    this.lastFrames = undefined;
  }

  // Once a second: is the picture moving? (live, stalled, restart). A live
  // stream's currentTime runs on without pictures: count decoded frames.
  tick() {
    const v = this.video;
    if (this.stopped) return;
    const now = performance.now();
    // A view that never brings a picture (no offer, ICE that neither
    // connects nor fails) is asked for again, not left "connecting".
    if ((this.state === 'connecting' || this.state === 'reconnecting')
        && !this.retryTimer && now - this.askedAt > CONNECT_MS) {
      this.retry('no picture after asking');
      return;
    }
    if (!this.pc) return;
    const frames = v.getVideoPlaybackQuality?.().totalVideoFrames ?? v.currentTime;
    if (v.readyState >= 2 && frames !== this.lastFrames) {
      this.lastFrames = frames;
      this.movedAt = now;
      if (this.state !== 'live') this.setState('live');
      this.everLive = true;
      this.delay = 500;
    } else if (this.state === 'live' && now - this.movedAt > STALL_MS) {
      this.setState('stalled');
    } else if (this.state === 'stalled' && now - this.movedAt > RESTART_MS) {
      this.retry('stalled');
    }
    if (!this.info.hidden) this.updateStats();
  }

  toggleStats() {
    this.info.hidden = !this.info.hidden;
    if (!this.info.hidden) this.updateStats();
  }

  // Bitrate from bytes received; latency as the receiver's jitter-buffer
  // delay plus half the round trip (what the browser adds after the wire).
  async updateStats() {
    if (!this.pc) return;
    const report = await this.pc.getStats();
    let inbound = null, pair = null;
    report.forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'video') inbound = r;
      if (r.type === 'candidate-pair' && r.nominated) pair = r;
    });
    if (!inbound) return;
    const prev = this.stats;
    const kbps = prev ? ((inbound.bytesReceived - prev.bytes) * 8) / (inbound.timestamp - prev.ts) : 0;
    const jb = inbound.jitterBufferEmittedCount ? (inbound.jitterBufferDelay / inbound.jitterBufferEmittedCount) * 1000 : 0;
    const rtt = pair?.currentRoundTripTime ? pair.currentRoundTripTime * 1000 : 0;
    this.stats = { bytes: inbound.bytesReceived, ts: inbound.timestamp, kbps, latencyMs: jb + rtt / 2 };
    this.info.textContent = t('live.figures', {
      kbps: Math.round(kbps), ms: Math.round(jb + rtt / 2),
      w: inbound.frameWidth || 0, h: inbound.frameHeight || 0, fps: Math.round(inbound.framesPerSecond || 0),
    });
  }

  stop() {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.retryTimer);
    this.closePeer();
  }
}
