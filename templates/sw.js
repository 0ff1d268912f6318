// Ruche's service worker. It keeps the static files and the offline page, nothing else:
// pages and answers are personal (and computers are shared), so they are never cached.
const CACHE = {{ cache|tojson }};
const PRECACHE = {{ precache|tojson }};
const OFFLINE = {{ offline|tojson }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([...PRECACHE, OFFLINE]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    // Network first, always: the offline page only when there is no network at all.
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE, { cacheName: CACHE })));
  } else if (PRECACHE.includes(url.pathname + url.search)) {
    event.respondWith(
      caches.match(request, { cacheName: CACHE }).then((kept) => kept || fetch(request)),
    );
  }
});
