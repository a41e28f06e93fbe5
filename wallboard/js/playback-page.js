// /playback.html?unit=ID&from=MS&to=MS[&at=MS]: one unit's recordings over a
// time range, with a timeline of what was recorded and what is missing.
// Click the timeline to jump to that moment.
import { t, applyTo } from './i18n/index.js';
import { openPlayback } from './media/playback.js';

const q = new URLSearchParams(location.search);
const unit = q.get('unit') || '';
const to = Number(q.get('to')) || Date.now();
const from = Number(q.get('from')) || to - 3600 * 1000;
const video = document.getElementById('pb-video');
const status = document.getElementById('pb-status');
const bar = document.getElementById('pb-timeline');
const clock = document.getElementById('pb-clock');
const fmt = (ms) => new Date(ms).toLocaleString(document.documentElement.lang || 'zh-CN', { hour12: false });

function drawTimeline(frags) {
  const span = to - from;
  bar.replaceChildren();
  for (const f of frags) {
    const seg = document.createElement('div');
    seg.className = 'pb-seg';
    seg.style.left = `${((f.wall - from) / span) * 100}%`;
    seg.style.width = `${Math.max((f.duration * 1000 / span) * 100, 0.2)}%`;
    seg.title = fmt(f.wall);
    bar.append(seg);
  }
}

async function main() {
  applyTo(document);
  document.getElementById('pb-unit').textContent = unit;
  status.textContent = t('playback.loading');
  try {
    const p = await openPlayback(video, { unit, from, to });
    window.__eccPlayback = p;
    drawTimeline(p.fragments);
    status.textContent = t('playback.range', { from: fmt(from), to: fmt(to), n: p.fragments.length });
    bar.addEventListener('click', (e) => {
      const r = bar.getBoundingClientRect();
      p.seekToWall(from + ((e.clientX - r.left) / r.width) * (to - from));
    });
    video.addEventListener('timeupdate', () => { clock.textContent = fmt(p.wallNow()); });
    if (q.get('at')) await p.seekToWall(Number(q.get('at')));
  } catch (e) {
    status.textContent = t('playback.failed', { why: e.message });
    window.__eccPlaybackError = e.message;
  }
}
main();
