// The handheld page's service worker (scope /m/): keeps the app shell so
// the page opens with no network (a dead zone, the hub down). Files come
// from the network when it answers (so a new build shows at once) and from
// the cache when it does not; the API and the WebSocket are never cached.
const CACHE = 'ecc-handheld-v2';
const SHELL = [
  '/m/', '/m/manifest.webmanifest', '/m/icon.svg', '/css/handheld.css',
  '/vendor/leaflet/leaflet.css', '/vendor/leaflet/leaflet-src.esm.js',
  '/js/handheld-page.js', '/js/handheld/index.js', '/js/handheld/outbox.js',
  '/js/handheld/reporter.js', '/js/handheld/position.js', '/js/handheld/inbox.js',
  '/js/handheld/sos.js', '/js/handheld/operation.js', '/js/handheld/alarm.js',
  '/js/handheld/camera.js', '/js/media/publisher.js',
  '/js/i18n/index.js', '/js/i18n/zh-CN.js', '/js/i18n/en.js',
  '/js/net/index.js', '/js/net/api.js', '/js/net/ws.js', '/js/ui/clock.js', '/js/ui/dialog.js',
];

self.addEventListener('install', (ev) => {
  ev.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (ev) => {
  ev.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (ev) => {
  const url = new URL(ev.request.url);
  if (ev.request.method !== 'GET' || url.origin !== location.origin ||
      url.pathname.startsWith('/api/') || url.pathname === '/ws') return;
  const key = url.pathname === '/m' || url.pathname === '/m/index.html' ? '/m/' : url.pathname;
  ev.respondWith(fetch(ev.request).then((res) => {
    if (res.ok && SHELL.includes(key)) {
      const copy = res.clone();
      caches.open(CACHE).then((c) => c.put(key, copy));
    }
    return res;
  }).catch(async () => (await caches.match(key)) || Response.error()));
});
