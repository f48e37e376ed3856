/* The offline app's service worker. The server puts FIELDKIT_VERSION (a digest of the app's files), FIELDKIT_SHELL
 * (the app's page) and FIELDKIT_FILES (the shell, scripts, styles and data URLs) above this text.
 *
 * Network first, the cache when the network fails: online the app always gets the server's newest
 * questionnaires; offline (or with the server gone) it gets what the last visit left. Redirects and
 * errors (a login page, a 403) are passed on but never cached, so they never replace a good copy.
 * Interviews are not here: they live in IndexedDB (storage.js), which this cache never touches.
 */
/* global FIELDKIT_VERSION, FIELDKIT_SHELL, FIELDKIT_FILES */
"use strict";

var CACHE = "fieldkit-app-" + FIELDKIT_VERSION;
var SHELL = FIELDKIT_SHELL;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(FIELDKIT_FILES.map(function (url) { return new Request(url, { credentials: "same-origin" }); }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("fieldkit-app-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function kept(request) {
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || request.method !== "GET") return null;
  if (request.mode === "navigate" && url.pathname.indexOf(SHELL) === 0) return SHELL;
  var path = url.pathname + url.search;
  return FIELDKIT_FILES.indexOf(path) >= 0 || FIELDKIT_FILES.indexOf(url.pathname) >= 0 ? url.pathname : null;
}

self.addEventListener("fetch", function (event) {
  var key = kept(event.request);
  if (key === null) return;
  event.respondWith(fetch(event.request).then(function (response) {
    if (response.ok && !response.redirected && response.type === "basic") {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(key, copy); });
    }
    return response;
  }).catch(function () {
    return caches.open(CACHE).then(function (cache) { return cache.match(key); }).then(function (found) {
      return found || Response.error();
    });
  }));
});
