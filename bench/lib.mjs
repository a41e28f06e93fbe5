// What the benchmarks share: their arguments, medians and percentiles, and
// a process's CPU time and memory read from /proc.
import fs from 'node:fs';
import { BIN, Proc } from '../tests/lib/harness.mjs';
import { COLS, BITS, geometry, crc4, cellMean, decodeTimecode } from '../tests/lib/timecode.mjs';

// --name value and --flag (true) from argv.
export function parseArgs(argv = process.argv.slice(2)) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) continue;
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) args[argv[i].slice(2)] = true;
    else { args[argv[i].slice(2)] = next; i++; }
  }
  return args;
}

export const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};

export const TICK = 100; // clock ticks per second on Linux

// utime + stime of pid, in clock ticks.
export const cpuTicks = (pid) => {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]);
};

export const rssMiB = (pid) => Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;

export const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-');
export const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '-');

// n ecc-devsim cameras on one RTSP server (one clip encoded once, served to
// every client): url(i) is camera i's.
export async function startCameras(n, { width = 1920, height = 1080, fps = 25, kbps = 2000 } = {}) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const p = new Proc(`devsim cameras ${n}`, BIN.devsim, ['cameras', '--count', String(n), '--width', String(width),
    '--height', String(height), '--fps', String(fps), '--bitrate', String(kbps), '--codec', 'h264',
    '--clip-seconds', '10', '--rtsp-port', String(port)]);
  const m = await p.waitForOutput(/\{"ready":true[^\n]*\}/, 180000);
  const ready = JSON.parse(m[0]);
  return { proc: p, url: (i) => ready.url.replace('%04d', String(i).padStart(4, '0')), ready };
}

// A page's init script for glass-to-glass latency: window.__measure(video)
// reads the burned-in clock (tests/lib/timecode.mjs's decoder, injected) of
// every frame the video presents and pushes, into window.__lat, the frame's
// expected display time on the wall clock minus that clock. It hands the
// decoder only the strip's rows, so the decoder's length check is relaxed.
export const FRAME_LATENCY_SCRIPT = `
const COLS = ${COLS}, BITS = ${BITS}, MIN_CONTRAST = 64;
${geometry.toString()}
${crc4.toString()}
${cellMean.toString()}
${decodeTimecode.toString().replace('rgba.length < width * height * 4', 'rgba.length < width * 4')}
window.__lat = [];
window.__measure = (video) => {
  const c = document.createElement('canvas');
  const g = c.getContext('2d', { willReadFrequently: true });
  const step = (now, meta) => {
    if (video.videoWidth) {
      const w = video.videoWidth, h = video.videoHeight, geo = geometry(w, h);
      const rows = geo ? Math.min(h, geo.y0 + 2 * geo.cell + 1) : h;
      if (c.width !== w || c.height !== rows) { c.width = w; c.height = rows; }
      g.drawImage(video, 0, 0, w, rows, 0, 0, w, rows);
      const v = decodeTimecode(g.getImageData(0, 0, w, rows).data, w, h);
      const shown = performance.timeOrigin + (meta.expectedDisplayTime || now);
      if (v !== null) window.__lat.push(shown - v);
    }
    video.requestVideoFrameCallback(step);
  };
  video.requestVideoFrameCallback(step);
};`;
