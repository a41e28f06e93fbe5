// Times are stored in UTC ms and shown in Asia/Shanghai (the court's zone).
import { language } from '../i18n/index.js';

const ZONE = 'Asia/Shanghai';

export function formatTime(ms, withDate = false) {
  const opts = { timeZone: ZONE, hour12: false, hour: '2-digit', minute: '2-digit', second: '2-digit' };
  if (withDate) Object.assign(opts, { year: 'numeric', month: '2-digit', day: '2-digit' });
  return new Intl.DateTimeFormat(language(), opts).format(new Date(ms));
}

export function startClock(el) {
  const tick = () => {
    el.textContent = new Intl.DateTimeFormat(language(), {
      timeZone: ZONE, hour12: false, year: 'numeric', month: '2-digit', day: '2-digit',
      weekday: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit',
    }).format(new Date());
  };
  tick();
  setInterval(tick, 1000);
}
