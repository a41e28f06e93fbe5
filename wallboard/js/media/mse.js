// The fallback path of the live player: fragmented MP4 relayed by the hub
// over the page's WebSocket (where WebRTC cannot connect), played through a
// MediaSource. The gateway sends the init segment (ftyp + moov) first, then
// one fragment (moof + mdat) per frame. The sink appends them in order,
// keeps the picture at the live edge (a tab that fell behind jumps ahead
// rather than play old video), and drops what lies far behind.
const CHASE_S = 0.6; // further behind the newest frame than this: jump
const EDGE_S = 0.1; // where to jump to, before the newest frame
const KEEP_S = 20; // buffered video kept behind the playhead

// The codecs of an init segment, for addSourceBuffer: the avcC box's
// profile, compatibility and level bytes; AAC when an mp4a entry is there.
export function codecsOf(init) {
  const find = (tag) => {
    const a = [...tag].map((c) => c.charCodeAt(0));
    for (let i = 0; i + 4 <= init.length; i++) {
      if (init[i] === a[0] && init[i + 1] === a[1] && init[i + 2] === a[2] && init[i + 3] === a[3]) return i;
    }
    return -1;
  };
  const avcc = find('avcC');
  if (avcc < 0 || avcc + 8 > init.length) return null;
  const hex = (b) => b.toString(16).padStart(2, '0');
  const list = [`avc1.${hex(init[avcc + 5])}${hex(init[avcc + 6])}${hex(init[avcc + 7])}`];
  if (find('mp4a') >= 0) list.push('mp4a.40.2');
  return list.join(', ');
}

export class MseSink {
  constructor(video) {
    this.video = video;
    this.queue = [];
    this.sb = null;
    this.bytes = 0;
    this.failed = null;
    this.ms = new MediaSource();
    this.url = URL.createObjectURL(this.ms);
    video.src = this.url;
    this.opened = new Promise((resolve) => this.ms.addEventListener('sourceopen', resolve, { once: true }));
  }

  // One chunk from the hub (Uint8Array): the init segment, then fragments.
  push(chunk) {
    this.bytes += chunk.byteLength;
    if (this.failed) return;
    this.queue.push(chunk);
    if (this.sb) this.pump();
    else if (!this.creating) {
      this.creating = true;
      this.opened.then(() => this.create());
    }
  }

  // The source buffer, for the codecs the init segment (the first chunk) names.
  create() {
    if (this.failed) return;
    const codecs = codecsOf(this.queue[0]);
    const type = `video/mp4; codecs="${codecs}"`;
    if (!codecs || !MediaSource.isTypeSupported(type)) {
      this.failed = `unsupported ${type}`;
      return;
    }
    try {
      this.sb = this.ms.addSourceBuffer(type);
    } catch (e) {
      this.failed = String(e.message || e);
      return;
    }
    this.sb.addEventListener('updateend', () => this.pump());
    this.sb.addEventListener('error', () => { this.failed = 'append failed'; });
    this.pump();
  }

  pump() {
    const sb = this.sb;
    if (!sb || sb.updating || this.failed || this.ms.readyState !== 'open') return;
    this.follow();
    // drop what lies far behind the playhead (a remove ends in updateend,
    // which comes back here)
    if (this.behind() > 2 * KEEP_S) {
      sb.remove(0, this.video.currentTime - KEEP_S);
      return;
    }
    const next = this.queue.shift();
    if (!next) return;
    try {
      sb.appendBuffer(next);
    } catch (e) {
      // QuotaExceeded: make room first, keep the chunk
      this.queue.unshift(next);
      if (this.behind() > 1) sb.remove(0, this.video.currentTime - 1);
      else this.failed = String(e.message || e);
    }
  }

  // Seconds of video buffered before the playhead.
  behind() {
    const b = this.sb?.buffered;
    return b && b.length ? this.video.currentTime - b.start(0) : 0;
  }

  // Keeps the playhead at the live edge.
  follow() {
    const v = this.video, b = this.sb?.buffered;
    if (!b || !b.length) return;
    const end = b.end(b.length - 1);
    if (v.currentTime < b.start(b.length - 1) || end - v.currentTime > CHASE_S) {
      v.currentTime = Math.max(b.start(b.length - 1), end - EDGE_S);
    }
    if (v.paused) v.play().catch(() => {});
  }

  // Seconds of video buffered ahead of the playhead: what this path adds.
  lag() {
    const b = this.sb?.buffered;
    return b && b.length ? Math.max(0, b.end(b.length - 1) - this.video.currentTime) : 0;
  }

  close() {
    this.failed = 'closed';
    this.queue = [];
    try { if (this.ms.readyState === 'open') this.ms.endOfStream(); } catch { /* already ended */ }
    this.video.removeAttribute('src');
    this.video.load();
    URL.revokeObjectURL(this.url);
  }
}
