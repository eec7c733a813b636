/* The header's notification bell: keeps its unread count current without a reload, by
   polling GET /api/v1/me/notifications/unread-count (one cheap, cached count) through
   masthead/poll.js. Without JavaScript the bell is a plain link. */
(function () {
  "use strict";

  var bell = document.querySelector("[data-bell]");
  if (!bell || !window.fetch || !window.mastheadPoll) {
    return;
  }
  var every = Math.max(1, parseInt(bell.getAttribute("data-poll-seconds"), 10) || 30) * 1000;
  var badge = bell.querySelector("[data-bell-count]");

  function show(unread) {
    badge.textContent = unread > 99 ? "99+" : String(unread);
    badge.hidden = unread === 0;
    bell.classList.toggle("bell--unread", unread > 0);
    bell.setAttribute("aria-label", "Notifications: " + unread + " unread");
    document.dispatchEvent(new CustomEvent("masthead:unread", { detail: { unread: unread } }));
  }

  window.mastheadPoll(bell.getAttribute("data-unread-url"), every, function (body) {
    if (typeof body.unread === "number") {
      show(body.unread);
    }
  });
})();
