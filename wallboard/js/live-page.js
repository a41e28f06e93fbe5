// /live.html?stream=ID or ?unit=ID: one unit's live video, full screen, over
// WebRTC through the live player (media/player.js); &mode=fmp4 asks for the
// fallback path at once (to compare, or where WebRTC is known not to work).
import { t, applyTo } from './i18n/index.js';
import { api, toLogin } from './net/index.js';
import { LivePlayer } from './media/player.js';

const q = new URLSearchParams(location.search);
const status = document.getElementById('lv-status');
const clock = document.getElementById('lv-clock');

async function main() {
  applyTo(document);
  setInterval(() => { clock.textContent = new Date().toLocaleTimeString('zh-CN', { hour12: false }); }, 1000);
  let stream = Number(q.get('stream')) || 0;
  let unit = q.get('unit') || '';
  try {
    const { streams } = await api('GET', '/streams');
    const s = streams.find((x) => (stream ? x.id === stream : x.unit === unit));
    if (s) { stream = s.id; unit = s.unit; }
  } catch (e) {
    if (e.status === 401) { toLogin(); return; }
  }
  document.getElementById('lv-unit').textContent = unit || String(stream || '');
  if (!stream) { status.textContent = t('live.nostream'); return; }
  const mode = q.get('mode') === 'fmp4' ? 'fmp4' : undefined;
  // &probe=MS: how often a player on the fallback tries WebRTC again.
  const probeMs = Number(q.get('probe')) || undefined;
  const player = new LivePlayer(document.getElementById('lv-player'), { stream, mode, probeMs });
  window.__eccLive = player;
  window.addEventListener('pagehide', () => player.stop());
}

main();
