// Times are stored in UTC ms and shown in Asia/Shanghai (the court's zone).
import { language } from '../i18n/index.js';

const ZONE = 'Asia/Shanghai';

// Building an Intl.DateTimeFormat costs far more than using one: one per
// language and style, kept.
const formats = new Map();
function format(style, opts) {
  const key = `${language()}|${style}`;
  let f = formats.get(key);
  if (!f) formats.set(key, (f = new Intl.DateTimeFormat(language(), { timeZone: ZONE, hour12: false, ...opts })));
  return f;
}

export function formatTime(ms, withDate = false) {
  const opts = { hour: '2-digit', minute: '2-digit', second: '2-digit' };
  if (withDate) Object.assign(opts, { year: 'numeric', month: '2-digit', day: '2-digit' });
  return format(withDate ? 'datetime' : 'time', opts).format(new Date(ms));
}

export function startClock(el) {
  const tick = () => {
    const text = format('clock', { year: 'numeric', month: '2-digit', day: '2-digit',
      weekday: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(new Date());
    if (el.textContent !== text) el.textContent = text;
  };
  tick();
  setInterval(tick, 1000);
}
