/*
 * Day list, enhanced: a counter step (来庁受付, 交付済, 不来庁, 元に戻す) posts and
 * comes back to the same list at the booking's row (#booking-… fragment).
 * With JavaScript the page also comes back at the exact scroll position it
 * was posted from, so the row stays where the clerk's eyes were.
 */
(function () {
  "use strict";
  var KEY = "counter-scroll";
  var store;
  try { store = window.sessionStorage; } catch (e) { return; }
  if (!store) { return; }
  document.addEventListener("submit", function (event) {
    if (event.target.closest && event.target.closest(".counter-steps")) {
      store.setItem(KEY, JSON.stringify({ path: location.pathname, y: window.scrollY }));
    }
  });
  var saved = store.getItem(KEY);
  store.removeItem(KEY);
  if (!saved) { return; }
  try { saved = JSON.parse(saved); } catch (e) { return; }
  if (saved.path === location.pathname && document.querySelector(".row-changed")) {
    window.requestAnimationFrame(function () { window.scrollTo(0, saved.y); });
  }
})();
