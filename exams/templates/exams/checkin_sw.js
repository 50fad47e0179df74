/* The exam-day service worker (served by exams.checkin_views.service_worker, scope: the exam-day pages).
   Keeps the page, its scripts, the JWK set and the room manifests so check-in works with no network:
   pages, manifests and the key set network-first (a fresh copy whenever there is one), static files
   cache-first. Scans never pass here: the page queues them in IndexedDB and posts them itself. */
const ASSETS = {{ assets|safe }};
const JWKS = "{{ jwks }}";
const CACHE = "skillcert-checkin-{{ version }}";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([...ASSETS, JWKS])).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("skillcert-checkin-") && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await caches.match(request, { ignoreVary: true }); // Vary: Cookie, Accept-Language
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) (await caches.open(CACHE)).put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("{{ static }}")) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate" || url.pathname === JWKS || url.pathname.endsWith("/manifest.json")) {
    event.respondWith(networkFirst(request));
  }
});
