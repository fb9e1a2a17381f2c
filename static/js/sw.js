// The portal's service worker (issue 27): keeps the pages a field user opens, so that they open
// again without signal, marked as kept copies. Served from the site's root by a view
// (ntm_portal/offline.py) so that its scope is the whole site; it uses Workbox, vendored under
// static/vendor/ by `make vendor-js` (no CDN). Forms are never sent from here: an offline save
// waits in the page's IndexedDB outbox (static/js/portal.js) and goes through the normal form POST.
/* global workbox */
importScripts("/static/vendor/workbox/workbox-sw.js");
workbox.setConfig({ debug: false, modulePathPrefix: "/static/vendor/workbox/" });

// A release that changes these names drops the old caches when it takes over (activate below).
var PAGES = "ntm-pages-v1";
var STATIC = "ntm-static-v1";
var DAY = 24 * 60 * 60;

// The field pages: a xã's page, its evaluations and their form, the calendar, an inspection and
// its report form, the home page. Nothing else is kept (dashboards, registers, admin).
var FIELD_PAGES = [
  /^\/$/,
  /^\/tieu-chi\/xa\/\d+\/$/,
  /^\/tieu-chi\/danh-gia\/\d+\/(nhap\/)?$/,
  /^\/co-quan\/lich\/$/,
  /^\/co-quan\/kiem-tra\/\d+\/(bao-cao\/)?$/,
];

function isFieldPage(url) {
  return url.origin === self.location.origin && FIELD_PAGES.some(function (pattern) {
    return pattern.test(url.pathname);
  });
}

// A page taken from the cache says so: the page script then shows when it was brought up to date
// (the time the server wrote into it).
var markKeptCopy = {
  cachedResponseWillBeUsed: async function (context) {
    var cached = context.cachedResponse;
    if (!cached) { return null; }
    var text = await cached.text();
    return new Response(text.replace("<html ", "<html data-kept-copy "), {
      status: cached.status,
      headers: cached.headers,
    });
  },
};

workbox.routing.registerRoute(
  function (options) { return options.request.mode === "navigate" && isFieldPage(options.url); },
  new workbox.strategies.NetworkFirst({
    cacheName: PAGES,
    networkTimeoutSeconds: 10,
    plugins: [
      new workbox.cacheableResponse.CacheableResponsePlugin({ statuses: [200] }),
      new workbox.expiration.ExpirationPlugin({ maxEntries: 60, maxAgeSeconds: 14 * DAY }),
      markKeptCopy,
    ],
  })
);

// Static files carry their content's hash in production: the first copy stays right.
workbox.routing.registerRoute(
  function (options) {
    return options.url.origin === self.location.origin && options.url.pathname.indexOf("/static/") === 0;
  },
  new workbox.strategies.CacheFirst({
    cacheName: STATIC,
    plugins: [
      new workbox.cacheableResponse.CacheableResponsePlugin({ statuses: [200] }),
      new workbox.expiration.ExpirationPlugin({ maxEntries: 80, maxAgeSeconds: 30 * DAY }),
    ],
  })
);

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("ntm-") === 0 && name !== PAGES && name !== STATIC;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// The page asks to keep itself (it was opened before this worker controlled it), or, on signing
// out, to forget every kept page.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "keep" && data.url) {
    var url = new URL(data.url);
    if (!isFieldPage(url)) { return; }
    var assets = (data.assets || []).filter(function (asset) {
      var parsed = new URL(asset);
      return parsed.origin === self.location.origin && parsed.pathname.indexOf("/static/") === 0;
    });
    event.waitUntil(
      caches.open(STATIC).then(function (cache) { return cache.addAll(assets); }).catch(function () {}).then(function () {
        return fetch(url.href, { credentials: "same-origin" });
      }).then(function (response) {
        if (response.status !== 200) { return; }
        return caches.open(PAGES).then(function (cache) { return cache.put(url.href, response); });
      }).then(function () {
        if (event.source) { event.source.postMessage({ type: "kept", url: url.href }); }
      }).catch(function () {})
    );
  } else if (data.type === "forget") {
    event.waitUntil(caches.delete(PAGES));
  }
});
