// Reads the timestamp strip that ecc-devsim burns into every camera frame
// (devices/timecode.h has the layout; this file mirrors it):
//   cell c = min(floor(width / 40), floor(height / 8)) px, at least 4;
//   48 cells in 2 rows of 24, the strip's top-left corner at (c/2, c/2);
//   cell 0 white, cell 1 black (threshold references), cells 2..43 the 42
//   bits of the value MSB first, cells 44..47 its CRC-4 (x^4 + x + 1, init 0,
//   over the 42 bits MSB first); white = 1.
// The value is the frame's capture time in UTC milliseconds; the bench
// cameras (`ecc-devsim cameras`) carry it modulo their loop period
// (resolveLoopTime). Works on RGBA from a <canvas> (getImageData) in
// Chromium, or on a frame that ffmpeg extracts from a recording or image.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export const CELLS = 48;
export const COLS = 24;
export const BITS = 42;
const MIN_CONTRAST = 64;

export function geometry(width, height) {
  const cell = Math.min(Math.floor(width / 40), Math.floor(height / 8));
  if (cell < 4) return null;
  return { cell, x0: cell >> 1, y0: cell >> 1 };
}

export function crc4(value) {
  let crc = 0;
  for (let i = BITS - 1; i >= 0; i--) {
    const bit = Math.floor(value / 2 ** i) % 2;
    const feedback = ((crc >> 3) ^ bit) & 1;
    crc = (crc << 1) & 0xf;
    if (feedback) crc ^= 0x3;
  }
  return crc;
}

// Mean luma (BT.601) of the middle half of cell i.
export function cellMean(rgba, width, g, i) {
  const x = g.x0 + (i % COLS) * g.cell, y = g.y0 + Math.floor(i / COLS) * g.cell;
  const q = g.cell >> 2;
  let sum = 0, n = 0;
  for (let yy = y + q; yy < y + g.cell - q; yy++) {
    for (let xx = x + q; xx < x + g.cell - q; xx++) {
      const o = (yy * width + xx) * 4;
      sum += 0.299 * rgba[o] + 0.587 * rgba[o + 1] + 0.114 * rgba[o + 2];
      n++;
    }
  }
  return n ? sum / n : 0;
}

// The strip's value (ms) in an RGBA frame, or null when there is no readable
// strip (references without contrast, or a CRC mismatch).
export function decodeTimecode(rgba, width, height) {
  const g = geometry(width, height);
  if (!g || !rgba || rgba.length < width * height * 4) return null;
  const hi = cellMean(rgba, width, g, 0), lo = cellMean(rgba, width, g, 1);
  if (hi < lo + MIN_CONTRAST) return null;
  const mid = (hi + lo) / 2;
  let value = 0, crc = 0;
  for (let i = 0; i < BITS; i++) value = value * 2 + (cellMean(rgba, width, g, 2 + i) > mid ? 1 : 0);
  for (let i = 0; i < 4; i++) crc = crc * 2 + (cellMean(rgba, width, g, 2 + BITS + i) > mid ? 1 : 0);
  return crc === crc4(value) ? value : null;
}

// A bench camera's strip carries (send time mod periodMs): the full send
// time is the latest one at or before nowMs with that remainder (valid while
// the delay is under a period).
export function resolveLoopTime(value, periodMs, nowMs = Date.now()) {
  return nowMs - ((((nowMs - value) % periodMs) + periodMs) % periodMs);
}

// Width and height of the first video stream of a file or URL (ffprobe).
export async function videoSize(file) {
  const { stdout } = await execFileP('ffprobe', ['-v', 'error', '-select_streams', 'v:0',
    '-show_entries', 'stream=width,height', '-of', 'csv=p=0', file]);
  const [width, height] = stdout.trim().split(',').map(Number);
  return { width, height };
}

// The RGBA pixels of the frame shown at `at` seconds of a recording (or of
// an image file, with at = null): {rgba, width, height}.
export async function readFrame(file, at = null) {
  const { width, height } = await videoSize(file);
  const args = ['-v', 'error', ...(at === null ? [] : ['-ss', String(at)]), '-i', file,
    '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'];
  const { stdout } = await execFileP('ffmpeg', args, { encoding: 'buffer', maxBuffer: width * height * 4 + 1024 });
  return { rgba: stdout, width, height };
}

// decodeTimecode of the frame at `at` seconds of file.
export async function decodeFileAt(file, at = null) {
  const { rgba, width, height } = await readFrame(file, at);
  return decodeTimecode(rgba, width, height);
}
