/* The moderation queues' counts, kept current without a reload: the header's "Moderation"
   link and the desk's navigation. Polls GET /api/v1/moderation/counts (a few seconds'
   cache on the server) while the tab is visible, at once when it becomes visible again,
   and backs off when the server is unhappy. Without JavaScript the counts are as the page
   was rendered. */
(function () {
  "use strict";

  var holders = document.querySelectorAll("[data-moderation-counts]");
  if (!holders.length || !window.fetch || window.mastheadModerationCounts) {
    return;
  }
  window.mastheadModerationCounts = true; // the header and the desk may both include this script
  var first = holders[0];
  var url = first.getAttribute("data-counts-url");
  var every = Math.max(5, parseInt(first.getAttribute("data-poll-seconds"), 10) || 20) * 1000;
  var wait = every;
  var timer = null;
  var stopped = false;

  function show(counts) {
    counts.waiting = (counts.pending || 0) + (counts.reported || 0);
    document.querySelectorAll("[data-moderation-count]").forEach(function (el) {
      var value = counts[el.getAttribute("data-moderation-count")];
      if (typeof value !== "number") {
        return;
      }
      el.textContent = String(value);
      el.classList.toggle("desk-nav__count--zero", value === 0);
      el.classList.toggle("moderation-link__count--zero", value === 0);
    });
    document.querySelectorAll("a.moderation-link").forEach(function (link) {
      link.setAttribute("aria-label", "Moderation: " + counts.pending + " pending, " + counts.reported + " reported");
    });
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
          stopped = true;
          return null;
        }
        if (!response.ok) {
          throw new Error("moderation counts: " + response.status);
        }
        return response.json();
      })
      .then(function (body) {
        if (body && typeof body.pending === "number") {
          show(body);
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
