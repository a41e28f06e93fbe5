// Recorded video of one unit over a time range: the hub's HLS playlist
// (fMP4 segments, one EXT-X-PROGRAM-DATE-TIME each) played in a <video>
// with hls.js (served from /vendor/hls.js, never a CDN), or natively where
// the browser plays HLS. Positions are wall-clock milliseconds: the segment
// list maps them to media time, so a seek lands on the recorded moment even
// across gaps and segment boundaries.
//   const p = await openPlayback(video, { unit, from, to });
//   await p.seekToWall(ms); p.wallNow(); p.destroy();
// seekToWall(ms, {waitPaint: true}) resolves once the frame at that moment
// is on the screen (true), or false when none was painted after three tries
// of 3 s (a canvas drawn from the video then shows the new frame).

export function playlistUrl(unit, from, to) {
  return `/api/v1/units/${encodeURIComponent(unit)}/playback.m3u8?from=${from}&to=${to}`;
}

function once(target, name, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
    target.addEventListener(name, (e) => { clearTimeout(timer); resolve(e); }, { once: true });
  });
}

// Resolves once the video has the frame of its position (readyState 2).
function frameReady(video, timeoutMs) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const poll = () => {
      if (video.readyState >= 2) resolve();
      else if (performance.now() - t0 > timeoutMs) reject(new Error('timed out waiting for the frame'));
      else setTimeout(poll, 40);
    };
    poll();
  });
}

// Fragments as [{wall, start, duration}] (wall: ms; start, duration: s).
function fragmentsOf(hls) {
  const details = hls.levels?.[0]?.details;
  return (details?.fragments || []).map((f) => ({ wall: f.programDateTime, start: f.start, duration: f.duration }));
}

// Chromium's MP4 parser keeps a segment's last frames back until the next
// append, which brings the next segment's init segment and timestampOffset:
// those frames then went into the buffer broken, and a paused seek into that
// segment showed its key frame instead of the frame asked for (about one
// seek in three into a segment's second 1 s; every seek into any segment
// but the last once all were loaded). In a bare MSE page with three recorded
// segments appended 2 s apart, seeks into the middle one showed 1.96 s for
// 2.7 s and 3.3 s; with abort() after each append (which resets the parser,
// emitting what it held under the segment's own offset) every seek landed
// (2.68, 3.28). So: abort() after each segment's append, before hls.js
// starts the next operation (its queue runs on after this event).
function flushAfterAppends(hls, Hls) {
  const buffers = new Set();
  hls.on(Hls.Events.BUFFER_CREATED, (_e, d) => {
    for (const track of Object.values(d.tracks)) if (track.buffer) buffers.add(track.buffer);
  });
  hls.on(Hls.Events.BUFFER_APPENDED, () => {
    for (const sb of buffers) {
      try {
        if (!sb.updating) sb.abort();
      } catch {
        // the MediaSource has ended or closed: nothing is held back
      }
    }
  });
}

export async function openPlayback(video, { unit, from, to, timeoutMs = 15000 }) {
  const url = playlistUrl(unit, from, to);
  const Hls = window.Hls;
  let hls = null;
  let frags = [];
  if (Hls && Hls.isSupported()) {
    hls = new Hls({ xhrSetup: (xhr) => { xhr.withCredentials = true; } });
    flushAfterAppends(hls, Hls);
    const parsed = new Promise((resolve, reject) => {
      hls.on(Hls.Events.LEVEL_LOADED, () => resolve());
      hls.on(Hls.Events.ERROR, (_e, d) => { if (d.fatal) reject(new Error(`playback: ${d.type} ${d.details}`)); });
    });
    hls.loadSource(url);
    hls.attachMedia(video);
    await Promise.race([parsed, new Promise((_r, rej) => setTimeout(() => rej(new Error('playlist timeout')), timeoutMs))]);
    frags = fragmentsOf(hls);
  } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = url;
    await once(video, 'loadedmetadata', timeoutMs, 'the playlist');
    const r = await fetch(`/api/v1/units/${encodeURIComponent(unit)}/recordings?from=${from}&to=${to}`,
      { credentials: 'same-origin' });
    let start = 0;
    for (const s of (await r.json()).segments) {
      frags.push({ wall: s.t0, start, duration: (s.t1 - s.t0) / 1000 });
      start += (s.t1 - s.t0) / 1000;
    }
  } else {
    throw new Error('this browser cannot play HLS');
  }
  if (!frags.length) throw new Error('no recordings in this range');

  const toMedia = (ms) => {
    let f = frags.find((x) => ms < x.wall + x.duration * 1000) || frags[frags.length - 1];
    if (ms < f.wall) return f.start; // in a gap: the next recorded moment
    return Math.min(f.start + (ms - f.wall) / 1000, f.start + f.duration - 0.05);
  };
  const toWall = (t) => {
    const f = frags.find((x) => t < x.start + x.duration) || frags[frags.length - 1];
    return f.wall + (t - f.start) * 1000;
  };
  // The frame on the screen, as the compositor last presented it: after a
  // seek, 'seeked' can fire before the new frame is painted (seen in headless
  // Chromium under load), so a seek waits until the frame shown is the one
  // at the new position.
  let shown = -1;
  let open = true;
  const waiters = new Set();
  const watchFrames = video.requestVideoFrameCallback ? () => {
    video.requestVideoFrameCallback((_now, meta) => {
      if (!open) return;
      shown = meta.mediaTime;
      for (const w of waiters) w();
      watchFrames();
    });
  } : null;
  if (watchFrames) watchFrames();
  const frameAt = (t) => shown >= 0 && shown <= t + 0.001 && t - shown < 0.1;
  const presented = (t, ms) => new Promise((resolve) => {
    if (!watchFrames || frameAt(t)) { resolve(true); return; }
    const done = (ok) => { clearTimeout(timer); waiters.delete(check); resolve(ok); };
    const check = () => { if (frameAt(t)) done(true); };
    const timer = setTimeout(() => done(false), ms);
    waiters.add(check);
  });
  return {
    get fragments() { return frags; },
    // Until a fragment is loaded its media start is hls.js's estimate from
    // the durations before it; loading corrects it, so seek again when the
    // first seek moved the mapping (only then: a seek into a hole in the
    // buffered media lands where hls.js's gap controller moved it on, and
    // seeking back into the hole stalled a playing replay).
    async seekToWall(ms, { waitPaint = false } = {}) {
      let last = null;
      for (let i = 0; i < 3; i++) {
        if (hls) frags = fragmentsOf(hls);
        const t = toMedia(ms);
        if (i > 0 && (Math.abs(video.currentTime - t) < 0.02 || Math.abs(t - last) < 0.02)) break;
        video.currentTime = t;
        last = t;
        await once(video, 'seeked', timeoutMs, 'the seek');
      }
      // (not 'loadeddata': it fires once per source, and a seek to a moment
      // not yet buffered waited for it in vain)
      if (video.readyState < 2) await frameReady(video, timeoutMs);
      if (!waitPaint) return true;
      // Not painted in 3 s (seen once under load): seek there again.
      for (let i = 0; i < 2; i++) {
        if (await presented(video.currentTime, 3000)) return true;
        video.currentTime = video.currentTime; // eslint-disable-line no-self-assign
        await once(video, 'seeked', timeoutMs, 'the seek');
      }
      return presented(video.currentTime, 3000);
    },
    // Media time of the frame on the screen (-1 before the first, or where
    // the browser cannot tell).
    get shownTime() { return shown; },
    wallNow: () => toWall(video.currentTime),
    destroy() { open = false; if (hls) hls.destroy(); video.removeAttribute('src'); },
  };
}
