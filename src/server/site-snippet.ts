import { IDENTIFY_PARAM } from '../core/tracking/site-identify.ts';

/**
 * The site snippet served at `GET /t/tailor.js` (routes/site-identify.ts). On a page opened from a
 * tracked email link it takes the `_tailor` parameter out of the address bar at once (so it is not
 * bookmarked, shared or sent on as a Referer), waits for analytics.js, posts the token with the
 * browser's anonymous id to `/t/i`, and calls `analytics.identify(userId)` when Tailor answers
 * with one. Plain ES5-level JavaScript, no dependencies. It works with Segment's snippet
 * (`window.analytics` becomes the SDK when loaded, `user()` returns the user) and with the npm
 * `AnalyticsBrowser` assigned to `window.analytics` (`user()` returns a promise); it may be loaded
 * before or after analytics.js (before: the page's first `page()` no longer sees the token).
 * Tailor's address comes from the script's own `src`, else from TAILOR_PUBLIC_URL.
 */
export function siteSnippet(publicUrl: string): string {
  return `/* Tailor site snippet: a visitor who came from an email link is that email's recipient. */
(function (w, d) {
  'use strict';
  var PARAM = ${JSON.stringify(IDENTIFY_PARAM)};
  var WAIT_MS = 10000;
  var script = d.currentScript;
  var src = script && script.src ? script.src.replace(/\\/t\\/tailor\\.js(?:[?#].*)?$/, '') : '';
  var base = (src && src !== script.src ? src : ${JSON.stringify(publicUrl.replace(/\/+$/, ''))});
  var url;
  try { url = new URL(w.location.href); } catch (e) { return; }
  var token = url.searchParams.get(PARAM);
  if (!token) return;
  url.searchParams.delete(PARAM);
  try { w.history.replaceState(w.history.state, '', url.pathname + url.search + url.hash); } catch (e) { /* a sandboxed page */ }

  // Events recorded before the address bar was cleared (a page() called before this script ran)
  // carry the token in their page context: take it out of every event on its way out.
  var TOKEN_RE = new RegExp('([?&])' + PARAM + '=[^&#]*&?', 'g');
  function scrub(v) { return typeof v === 'string' && v.indexOf(PARAM + '=') >= 0 ? v.replace(TOKEN_RE, '$1').replace(/[?&](#|$)/, '$1') : v; }
  function scrubPage(o) { if (o) { o.url = scrub(o.url); o.search = scrub(o.search); o.referrer = scrub(o.referrer); } }
  function scrubber(m) {
    var e = m.payload && m.payload.obj;
    if (e) { scrubPage(e.context && e.context.page); if (e.type === 'page') scrubPage(e.properties); }
    m.next(m.payload);
  }
  var scrubbing = false;
  function addScrubber(a) {
    if (scrubbing || !a || typeof a.addSourceMiddleware !== 'function') return;
    scrubbing = true;
    a.addSourceMiddleware(scrubber);
  }

  function whenAnalytics(cb) {
    var started = Date.now();
    (function look() {
      var a = w.analytics;
      if (a && typeof a.ready === 'function') {
        addScrubber(a);
        return a.ready(function () { addScrubber(w.analytics); cb(w.analytics || a); });
      }
      if (Date.now() - started < WAIT_MS) setTimeout(look, 50);
    })();
  }

  whenAnalytics(function (a) {
    Promise.resolve(a && typeof a.user === 'function' ? a.user() : null).then(function (user) {
      var anonymousId = user && typeof user.anonymousId === 'function' ? user.anonymousId() : null;
      if (!anonymousId) return null;
      return fetch(base + '/t/i', {
        method: 'POST', mode: 'cors', credentials: 'omit', keepalive: true,
        // text/plain: a simple request, no preflight (Tailor reads it as JSON).
        headers: { 'Content-Type': 'text/plain' },
        body: JSON.stringify({ token: token, anonymousId: anonymousId })
      }).then(function (r) { return r.ok ? r.json() : null; });
    }).then(function (answer) {
      if (answer && answer.userId && typeof a.identify === 'function') a.identify(answer.userId);
    })['catch'](function () { /* tracking never breaks the page */ });
  });
})(window, document);
`;
}
