/* The conversation under an article: a live character counter, permalinks scrolled into
   view, and small touches after htmx swaps. Everything here is optional: the forms work
   without it. No inline script anywhere (the CSP allows scripts from this site only). */
(function () {
  "use strict";

  function length(text) {
    // What the server measures: Unix line ends, trimmed, counted in code points.
    return Array.from(text.replace(/\r\n?/g, "\n").trim()).length;
  }

  var timers = new WeakMap();

  function updateCounter(textarea, announce) {
    var counter = document.querySelector('[data-counter-for="' + textarea.id + '"]');
    if (!counter) return;
    var max = parseInt(textarea.getAttribute("data-max-length"), 10) || 0;
    var left = max - length(textarea.value);
    var text = left >= 0
      ? left.toLocaleString() + (left === 1 ? " character left" : " characters left")
      : (-left).toLocaleString() + (left === -1 ? " character too many" : " characters too many");
    counter.classList.toggle("is-near", left >= 0 && left < 100);
    counter.classList.toggle("is-over", left < 0);
    if (left < 0) {
      textarea.setAttribute("aria-invalid", "true");
      textarea.setAttribute("data-over-limit", "");
    } else if (textarea.hasAttribute("data-over-limit")) {
      textarea.removeAttribute("aria-invalid");
      textarea.removeAttribute("data-over-limit");
    }
    counter.textContent = text;
    // Screen readers hear the count once typing pauses, not at every key.
    var live = document.querySelector('[data-counter-announce="' + textarea.id + '"]');
    if (!live || announce === false) return;
    clearTimeout(timers.get(live));
    timers.set(live, setTimeout(function () { live.textContent = text; }, 700));
  }

  function initCounters(root) {
    var areas = (root || document).querySelectorAll("textarea[data-comment-body]");
    for (var i = 0; i < areas.length; i++) updateCounter(areas[i], false);
  }

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (target.matches && target.matches("textarea[data-comment-body]")) updateCounter(target, true);
  });

  function showFocusedComment() {
    var focus = document.querySelector(".comment--focus");
    if (!focus || (window.location.hash && document.querySelector(window.location.hash))) return;
    focus.scrollIntoView({ block: "center" });
  }

  function afterPost() {
    // A reply posted: close its form (the fresh one came back out of band, marked).
    var posted = document.querySelectorAll("form[data-posted]");
    for (var i = 0; i < posted.length; i++) {
      posted[i].removeAttribute("data-posted");
      posted[i].removeAttribute("hx-swap-oob");
      var details = posted[i].closest("details");
      if (details) details.open = false;
    }
  }

  function say(message) {
    var status = document.getElementById("comments-status");
    if (status) status.textContent = message;
  }

  document.addEventListener("DOMContentLoaded", function () {
    initCounters(document);
    showFocusedComment();
  });
  document.addEventListener("htmx:load", function (event) { initCounters(event.target); });
  document.addEventListener("htmx:afterSettle", afterPost);
  document.addEventListener("htmx:responseError", function () {
    say("Something went wrong on our side. Please try again.");
  });
  document.addEventListener("htmx:sendError", function () {
    say("We could not reach the site. Check your connection and try again.");
  });
})();
