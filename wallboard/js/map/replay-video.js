// The recorded video of one replayed unit, in step with the replay's time
// slider (each replayed unit has its own, side by side, captioned with the
// unit's name in its track's colour): where a recording exists for the slider's moment the video
// shows that moment; playing at up to 16x the video plays along at that
// rate (corrected when it drifts), faster or paused it follows by seeks;
// in a gap between recordings it pauses and says so. Uses the timeline
// playback of media/playback.js (HLS of the unit's recordings).
import { openPlayback } from '../media/playback.js';
import { api } from '../net/index.js';
import { t } from '../i18n/index.js';
import { el } from '../ui/dialog.js';

const NATIVE_MAX = 16; // the fastest playbackRate Chromium plays
const CLOSE_MS = 80;   // a picture this near the slider's moment is in step

// hls.js (served from /vendor like the rest) only when a replay has video.
let hlsLoaded = null;
function loadHls() {
  if (window.Hls) return Promise.resolve();
  hlsLoaded ??= new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = '/vendor/hls.js/hls.min.js';
    s.onload = resolve;
    s.onerror = () => { hlsLoaded = null; reject(new Error('hls.js did not load')); };
    document.head.append(s);
  });
  return hlsLoaded;
}

export class ReplayVideo {
  constructor(unit, name = unit, color = '#fff') {
    this.unit = unit;
    this.box = el('div', { className: 'replay-rec', hidden: true, dataset: { unit } });
    this.box.style.setProperty('--track', color);
    this.caption = el('div', { className: 'replay-rec-name', textContent: name });
    this.segments = [];
    this.player = null;
    this.video = null;
    this.state = 'none'; // none | loading | recorded | gap | error
    this.seeking = false;
    this.seekMs = 200; // how long a seek takes here (a running mean)
    this.target = null;
    this.gen = 0;
  }

  // The unit's recordings from..to; the video opens when there are any.
  async open(from, to) {
    const unit = this.unit;
    this.close();
    const gen = ++this.gen;
    const { segments } = await api('GET', `/units/${encodeURIComponent(unit)}/recordings?from=${from}&to=${to}`);
    if (gen !== this.gen) return;
    // Recorded spans: segments a moment apart count as one.
    this.segments = [];
    for (const { t0, t1 } of [...segments].sort((x, y) => x.t0 - y.t0)) {
      const last = this.segments.at(-1);
      if (last && t0 - last.t1 < 1000) last.t1 = Math.max(last.t1, t1);
      else this.segments.push({ t0, t1 });
    }
    this.checked = true; // the recordings of this range are known
    if (!this.segments.length) { this.show('none'); return; }
    this.video = el('video', { className: 'replay-rec-video', muted: true, playsInline: true, preload: 'auto' });
    this.label = el('div', { className: 'replay-rec-state' });
    this.box.replaceChildren(this.video, this.caption, this.label);
    this.show('loading');
    try {
      await loadHls();
      const p = await openPlayback(this.video, { unit, from, to });
      if (gen !== this.gen) { p.destroy(); return; }
      this.player = p;
      this.show('gap');
      if (this.last) this.sync(...this.last);
    } catch {
      if (gen === this.gen) this.show('error');
    }
  }

  close() {
    this.gen++;
    this.player?.destroy();
    this.player = null;
    this.video = null;
    this.segments = [];
    this.checked = false;
    this.last = null;
    this.target = null;
    this.box.replaceChildren();
    this.show('none');
  }

  recordedAt(ms) { return this.segments.some((s) => ms >= s.t0 && ms < s.t1); }

  show(state) {
    this.state = state;
    this.box.dataset.state = state;
    this.box.hidden = state === 'none';
    if (this.label) this.label.textContent = state === 'recorded' ? '' : t(`replay.rec_${state}`);
  }

  // The slider is at ms; playing at speed (x real time) or not.
  sync(ms, playing, speed) {
    this.last = [ms, playing, speed];
    const v = this.video, p = this.player;
    if (!p || !v) return;
    if (!this.recordedAt(ms)) {
      if (!v.paused) v.pause();
      this.target = null;
      this.show('gap');
      return;
    }
    this.show('recorded');
    if (playing && speed <= NATIVE_MAX) {
      if (v.playbackRate !== speed) v.playbackRate = speed;
      if (this.seeking) return; // a seek, then play, under way
      // Playing along: seek only to start or when it drifted (a gap in
      // the video, a slow decoder, the track's clock stepping), to where
      // the slider will be once the seek is done.
      // (The lead is at most 2 s of real time: a seek slower than that
      // plays from behind and the drift check catches up.)
      const drift = Math.abs(p.wallNow() - ms);
      if (v.paused || drift > Math.max(1000, speed * 250)) this.seek(ms + speed * Math.min(this.seekMs, 2000), true);
      return;
    }
    if (!v.paused) v.pause();
    if (Math.abs(p.wallNow() - ms) > CLOSE_MS) this.seek(ms, false);
  }

  // One seek at a time; the newest moment asked for wins.
  async seek(ms, play) {
    this.target = { ms, play };
    if (this.seeking) return;
    this.seeking = true;
    try {
      while (this.target && this.player) {
        const { ms: at, play: go } = this.target, t0 = performance.now();
        this.target = null;
        // paused, the seek is done when its frame is on the screen (under
        // load Chromium reports 'seeked' before it paints)
        const seek = this.player.seekToWall(at, { waitPaint: !go });
        // playing along: play from the new moment as soon as it is there
        // (the browser waits for its data; hls.js loads it)
        if (go && this.video?.paused) this.video.play().catch(() => {});
        await seek;
        // the lead for playing along: how long a seek to play takes
        if (go) this.seekMs = 0.7 * this.seekMs + 0.3 * (performance.now() - t0);
      }
    } catch (e) {
      // a seek that timed out: the next sync asks again
      this.lastError = e.message;
    } finally {
      this.seeking = false;
    }
  }
}
