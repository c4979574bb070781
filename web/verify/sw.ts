/**
 * Service worker of the verification page: network first (a district's new key list or page is
 * seen at once when online), the cached copy when the network is gone, so a phone that opened the
 * page once keeps verifying offline. Same-origin GET requests only; the page makes no others.
 */
/// <reference lib="webworker" />
declare const self: ServiceWorkerGlobalScope;

const CACHE = 'anjungan-verify-1';

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(['./', './keys.json']))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          void caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      .catch(async () => {
        const cached =
          (await caches.match(request, { ignoreSearch: true })) ??
          (request.mode === 'navigate' ? await caches.match('./') : undefined);
        return cached ?? Response.error();
      }),
  );
});
