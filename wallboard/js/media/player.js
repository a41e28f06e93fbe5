// The live player: one stream's video over WebRTC, for every page that shows
// live video (wall tiles, the unit card, the live page; later rooms and the
// handheld page). It connects by itself, shows its state on the tile
// (connecting, live, stalled, reconnecting, denied), shows the stream's
// latest snapshot while it connects, reconnects with backoff when the view
// ends (the source restarts, the gateway goes away, the network drops), and
// on demand shows the live latency and bitrate. Where WebRTC cannot connect
// (WebRTC turned off in the browser, a connection that fails, or two tries
// without a picture within FALLBACK_MS, before it ever did), it falls back to
// fragmented MP4 through the hub into MSE (mse.js). While on the fallback it
// tries WebRTC again in the background every PROBE_MS (a hidden second view;
// the network that blocked it may have healed) and, once that view shows a
// picture, swaps it in and ends the fallback view: no gap on the tile.
import { t } from '../i18n/index.js';
import { MseSink } from './mse.js';
import { Signal } from './signal.js';

const STALL_MS = 3000; // no new frame for this long: "stalled"
const RESTART_MS = 8000; // stalled this long: watch again
const CONNECT_MS = 10000; // no picture this long after asking: watch again
// WebRTC that never showed a picture on this player: this long per try,
// and after FALLBACK_TRIES tries without one, the fallback. (A browser may
// gather no candidate of its own and still connect, from the gateway's
// checks: only a picture proves WebRTC works; and one try can fail for
// reasons of its own.)
const FALLBACK_MS = 6000;
const FALLBACK_TRIES = 2;
const PROBE_MS = 60000;

export class LivePlayer {
  // el: the element to fill. stream: the stream id (GET /api/v1/streams).
  // mode: 'fmp4' for the fallback only. probeMs: how often a player that
  // fell back tries WebRTC again. owner: set on such a try (a probe).
  constructor(el, { stream, signal = Signal.shared(), muted = true, mode, probeMs = PROBE_MS, owner } = {}) {
    this.el = el;
    this.stream = stream;
    this.signal = signal;
    this.probeMs = probeMs;
    this.owner = owner || null;
    this.mode = mode || (typeof RTCPeerConnection === 'function' ? 'webrtc' : 'fmp4');
    el.dataset.mode = this.mode;
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
    this.badge.textContent = t(`live.${s}`) + (this.mode === 'fmp4' ? ` · ${t('live.fallback')}` : '')
      + (detail ? ` · ${detail}` : '');
  }

  start() {
    this.closePeer();
    this.setState(this.everLive ? 'reconnecting' : 'connecting');
    this.askedAt = performance.now();
    this.video.poster = `/api/v1/streams/${this.stream}/snapshot.jpg?t=${Date.now()}`;
    this.ref = this.signal.watch(this.stream, this, this.mode);
  }

  onWatching(msg) {
    this.view = msg.view;
    if (msg.mode === 'fmp4') {
      this.mse = new MseSink(this.video);
      return;
    }
    let pc;
    try {
      pc = new RTCPeerConnection({ iceServers: msg.ice_servers || [] });
    } catch (e) {
      this.webrtcFailed(String(e.message || e), true);
      return;
    }
    this.bindPeer(pc);
  }

  // This player handles pc's events (also a probe's pc, once adopted).
  bindPeer(pc) {
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
      if (pc.connectionState === 'failed') this.webrtcFailed('connection failed', true);
    };
  }

  onMedia(bytes) {
    if (!this.mse) return;
    this.mse.push(bytes);
    if (this.mse.failed && this.mse.failed !== 'closed') this.retry(this.mse.failed);
  }

  // WebRTC brought no picture: before it ever did on this player, fall back
  // (at once when ICE failed; else after FALLBACK_TRIES tries). A probe
  // just ends, and its owner tries again later.
  webrtcFailed(why, now = false) {
    if (this.owner) {
      this.owner.probeEnded(this, why);
      return;
    }
    this.webrtcTries = (this.webrtcTries || 0) + 1;
    if (this.mode === 'webrtc' && !this.webrtcLive && (now || this.webrtcTries >= FALLBACK_TRIES)) {
      this.mode = 'fmp4';
      this.el.dataset.mode = 'fmp4';
      this.fellBackAt = performance.now();
      this.delay = 0;
    }
    this.retry(why);
  }

  // On the fallback, now and then: WebRTC again, in a hidden element on top.
  maybeProbe(now) {
    if (this.owner || this.probe || !this.fellBackAt || this.mode !== 'fmp4' || this.state !== 'live'
        || now - Math.max(this.fellBackAt, this.probedAt || 0) < this.probeMs) return;
    this.probedAt = now;
    const box = document.createElement('div');
    box.className = 'live-probe';
    this.el.append(box);
    this.probe = new LivePlayer(box, { stream: this.stream, signal: this.signal, mode: 'webrtc', owner: this });
  }

  probeEnded(probe, why) {
    if (probe !== this.probe) return;
    this.probe = null;
    this.probedAt = performance.now();
    this.lastProbeError = why;
    probe.stop();
    probe.el.remove();
  }

  // The probe shows a picture: its view, peer and video become this
  // player's, and the fallback view ends.
  adopt(probe) {
    if (probe !== this.probe) return;
    this.probe = null;
    clearInterval(probe.timer);
    probe.stopped = true;
    const { pc, view, video } = probe;
    probe.pc = null;
    probe.view = null;
    this.closePeer();
    this.video.replaceWith(video);
    video.muted = this.video.muted;
    this.video = video;
    probe.el.remove();
    this.signal.adopt(view, this);
    this.view = view;
    this.bindPeer(pc);
    this.mode = 'webrtc';
    this.el.dataset.mode = 'webrtc';
    this.fellBackAt = 0;
    this.webrtcLive = true;
    this.webrtcTries = 0;
    this.stats = null;
    this.setState('live');
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
    if (this.owner) {
      this.owner.probeEnded(this, msg.message);
      return;
    }
    if (msg.code === 'forbidden' || msg.code === 'not_found') {
      this.closePeer();
      this.setState('denied', msg.message);
      return;
    }
    this.retry(msg.message);
  }

  retry(why) {
    if (this.stopped) return;
    if (this.owner) {
      this.owner.probeEnded(this, why);
      return;
    }
    this.lastError = why;
    this.closePeer();
    this.setState('reconnecting');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => { this.retryTimer = null; this.start(); }, this.delay);
    this.delay = Math.min(Math.max(this.delay * 2, 500), 5000);
  }

  closePeer() {
    if (this.ref) this.signal.cancel(this.ref);
    if (this.view) this.signal.unwatch(this.view);
    this.view = null;
    this.ref = null;
    if (this.pc) this.pc.close();
    this.pc = null;
    if (this.mse) this.mse.close();
    this.mse = null;
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
    const patience = this.mode === 'webrtc' && !this.webrtcLive ? FALLBACK_MS : CONNECT_MS;
    if ((this.state === 'connecting' || this.state === 'reconnecting')
        && !this.retryTimer && now - this.askedAt > patience) {
      this.webrtcFailed('no picture after asking');
      return;
    }
    if (!this.pc && !this.mse) return;
    const frames = v.getVideoPlaybackQuality?.().totalVideoFrames ?? v.currentTime;
    if (v.readyState >= 2 && frames !== this.lastFrames) {
      this.lastFrames = frames;
      this.movedAt = now;
      if (this.state !== 'live') this.setState('live');
      this.everLive = true;
      if (this.pc) this.webrtcLive = true;
      this.delay = 500;
      if (this.owner && this.pc) {
        this.owner.adopt(this);
        return;
      }
    } else if (this.state === 'live' && now - this.movedAt > STALL_MS) {
      this.setState('stalled');
    } else if (this.state === 'stalled' && now - this.movedAt > RESTART_MS) {
      this.retry('stalled');
    }
    if (!this.info.hidden) this.updateStats();
    this.maybeProbe(now);
  }

  toggleStats() {
    this.info.hidden = !this.info.hidden;
    if (!this.info.hidden) this.updateStats();
  }

  // Bitrate from bytes received; latency as the receiver's jitter-buffer
  // delay plus half the round trip (what the browser adds after the wire).
  async updateStats() {
    if (this.mse) {
      this.mseStats();
      return;
    }
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

  // The fallback: bitrate from the bytes relayed; latency as the video
  // buffered ahead of the playhead (what MSE adds after the wire).
  mseStats() {
    const now = performance.now(), v = this.video;
    const frames = v.getVideoPlaybackQuality?.().totalVideoFrames ?? 0;
    const prev = this.stats;
    const dt = prev ? now - prev.ts : 0;
    const kbps = dt ? ((this.mse.bytes - prev.bytes) * 8) / dt : 0;
    const fps = dt ? ((frames - prev.frames) * 1000) / dt : 0;
    this.stats = { bytes: this.mse.bytes, ts: now, frames, kbps, latencyMs: this.mse.lag() * 1000 };
    this.info.textContent = t('live.figures', {
      kbps: Math.round(kbps), ms: Math.round(this.stats.latencyMs),
      w: v.videoWidth, h: v.videoHeight, fps: Math.round(fps),
    });
  }

  stop() {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.retryTimer);
    if (this.probe) this.probeEnded(this.probe, 'stopped');
    this.closePeer();
  }
}
