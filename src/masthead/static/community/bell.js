/* The header's notification bell: keeps its unread count current without a reload.
   Polls GET /api/v1/me/notifications/unread-count (one cheap, cached count) every few
   seconds while the tab is visible, at once when it becomes visible again, and backs off
   when the server is unhappy. Without JavaScript the bell is a plain link. */
(function () {
  "use strict";

  var bell = document.querySelector("[data-bell]");
  if (!bell || !window.fetch) {
    return;
  }
  var url = bell.getAttribute("data-unread-url");
  var every = Math.max(1, parseInt(bell.getAttribute("data-poll-seconds"), 10) || 30) * 1000;
  var badge = bell.querySelector("[data-bell-count]");
  var wait = every;
  var timer = null;
  var stopped = false;

  function show(unread) {
    badge.textContent = unread > 99 ? "99+" : String(unread);
    badge.hidden = unread === 0;
    bell.classList.toggle("bell--unread", unread > 0);
    bell.setAttribute("aria-label", "Notifications: " + unread + " unread");
    document.dispatchEvent(new CustomEvent("masthead:unread", { detail: { unread: unread } }));
  }

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
          stopped = true; // signed out in another tab: the next page load shows it
          return null;
        }
        if (!response.ok) {
          throw new Error("unread count: " + response.status);
        }
        return response.json();
      })
      .then(function (body) {
        if (body && typeof body.unread === "number") {
          show(body.unread);
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
    } else {
      poll();
    }
  });
  schedule();
})();
