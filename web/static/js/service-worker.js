/* Oversight's own service worker, served from this server only. The meeting form opens
   without a connection (the copy last loaded online); every other page then says that it
   needs one. Pages are always asked of the server first, so nothing stale is shown online.
   Two caches: the shell (styles, scripts, the "needs a connection" page), which holds nothing
   of anyone's, and the pages, which hold what a user was shown and go at sign-out. */
"use strict";

var SHELL_CACHE = "oversight-shell-v4";
var PAGES_CACHE = "oversight-pages-v2";
var FORM = "/meetings/new";
var OFFLINE = "/static/offline.html";
var SHELL = [
  OFFLINE, "/static/css/oversight.css", "/static/css/accounts.css", "/static/css/records.css",
  "/static/css/sources.css", "/static/vendor/htmx.min.js", "/static/js/oversight.js",
  "/static/js/meeting-log.js", "/static/favicon.svg",
  // The manifest in each language offered (api.i18n.locales.SUPPORTED).
  "/manifest.webmanifest?lang=en", "/manifest.webmanifest?lang=es"
];

/* Puts back whatever of the shell is missing: the browser may have cleared it, and a page
   load takes styles and scripts from its memory without asking this worker for them. */
function refill() {
  return caches.open(SHELL_CACHE).then(function (cache) {
    return Promise.all(SHELL.map(function (path) {
      return cache.match(path).then(function (found) {
        return found || cache.add(path).catch(function () { /* the next visit tries again */ });
      });
    }));
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) {
    return cache.addAll(SHELL);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k !== SHELL_CACHE && k !== PAGES_CACHE;
    }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function fromCache(name, path) {
  return caches.open(name).then(function (cache) {
    return cache.match(path, {ignoreSearch: true, ignoreVary: true});
  });
}

function page(event, url) {
  return fetch(event.request).then(function (response) {
    // Only the form itself, as this user was given it: never a redirect to the sign-in page,
    // nor a meeting brought back filled in after signing in again.
    if (url.pathname === FORM && !url.searchParams.has("kept") && response.ok &&
        response.type === "basic" && !response.redirected) {
      var copy = response.clone();
      event.waitUntil(caches.open(PAGES_CACHE).then(function (cache) {
        return cache.put(FORM, copy);
      }).then(refill));
    }
    return response;
  }, function () {
    var wanted = url.pathname === FORM ? fromCache(PAGES_CACHE, FORM) : Promise.resolve(undefined);
    return wanted.then(function (found) { return found || fromCache(SHELL_CACHE, OFFLINE); });
  });
}

function asset(event) {
  return fetch(event.request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) {
        return cache.put(event.request, copy);
      }));
    }
    return response;
  }, function () {
    return caches.match(event.request, {ignoreVary: true}).then(function (found) {
      return found || Response.error();
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate") {
    event.respondWith(page(event, url));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(asset(event));
  }
});
