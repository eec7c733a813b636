/* Polls a JSON endpoint while the tab is visible, for the parts of a page that stay current
   without a reload (the notification bell, the moderation counts): every `every`
   milliseconds, at once when the tab becomes visible again, twice as slowly after each
   failure (up to five minutes), and never again after a 401 or 403 (signed out in another
   tab: the next page load shows it). Included before the scripts that use it; including it
   twice is harmless. */
(function () {
  "use strict";

  if (window.mastheadPoll) {
    return;
  }

  window.mastheadPoll = function (url, every, onBody) {
    var wait = every;
    var timer = null;
    var stopped = false;

    function schedule() {
      window.clearTimeout(timer);
      if (!stopped && !document.hidden) {
        timer = window.setTimeout(poll, wait);
      }
    }

    function poll() {
      fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (response.status === 401 || response.status === 403) {
            stopped = true;
            return null;
          }
          if (!response.ok) {
            throw new Error(url + ": " + response.status);
          }
          return response.json();
        })
        .then(function (body) {
          if (body) {
            onBody(body);
          }
          wait = every;
        })
        .catch(function () {
          wait = Math.min(wait * 2, 300000);
        })
        .then(schedule);
    }

    document.addEventListener("visibilitychange", function () {
      if (document.hidden) {
        window.clearTimeout(timer);
      } else if (!stopped) {
        poll();
      }
    });
    schedule();
  };
})();
