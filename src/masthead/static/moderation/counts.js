/* The moderation queues' counts, kept current without a reload: the header's "Moderation"
   link and the desk's navigation. Polls GET /api/v1/moderation/counts (a few seconds'
   cache on the server) through masthead/poll.js. Without JavaScript the counts are as the
   page was rendered. */
(function () {
  "use strict";

  var holders = document.querySelectorAll("[data-moderation-counts]");
  if (!holders.length || !window.fetch || !window.mastheadPoll || window.mastheadModerationCounts) {
    return;
  }
  window.mastheadModerationCounts = true; // the header and the desk may both include this script
  var first = holders[0];
  var every = Math.max(5, parseInt(first.getAttribute("data-poll-seconds"), 10) || 20) * 1000;

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

  window.mastheadPoll(first.getAttribute("data-counts-url"), every, function (body) {
    if (typeof body.pending === "number") {
      show(body);
    }
  });
})();
