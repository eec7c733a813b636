/* The moderators' desk: the keyboard, and keeping the place after an htmx action.

   j / k      next / previous card          a   approve (or keep, on a reported comment)
   r          reject: opens the reason; Enter sends it, Escape cancels
   f          feature / unfeature           x   select for the bulk buttons

   Actions are the cards' own forms: a key submits the form (htmx sends it and swaps the
   card for a one-line note), so the keyboard does nothing the mouse or a plain form post
   cannot. Keys are ignored while typing in a field or with a modifier held. */
(function () {
  "use strict";

  var queue = document.querySelector("[data-desk-queue]");
  if (!queue) {
    return;
  }
  var current = null;

  function open() {
    return Array.prototype.slice.call(queue.querySelectorAll("[data-mod-card]:not([data-decided])"));
  }

  function select(card, focus) {
    if (current && current !== card) {
      current.classList.remove("is-current");
      current.removeAttribute("aria-current");
    }
    current = card || null;
    if (!current) {
      return;
    }
    current.classList.add("is-current");
    current.setAttribute("aria-current", "true");
    if (focus !== false) {
      current.focus({ preventScroll: true });
      current.scrollIntoView({ block: "nearest" });
    }
  }

  function move(step) {
    var cards = open();
    if (!cards.length) {
      return;
    }
    var index = cards.indexOf(current);
    if (index === -1) {
      select(cards[0]);
      return;
    }
    select(cards[Math.min(Math.max(index + step, 0), cards.length - 1)]);
  }

  function submit(card, action) {
    var form = card && card.querySelector('form[data-mod-action="' + action + '"]');
    if (!form) {
      return false;
    }
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.submit();
    }
    return true;
  }

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && current) {
      var details = current.querySelector("details[data-mod-reject][open]");
      if (details) {
        details.open = false;
        current.focus();
        event.preventDefault();
      }
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) {
      return;
    }
    var key = event.key;
    if (key === "j" || key === "k") {
      move(key === "j" ? 1 : -1);
    } else if (key === "a") {
      if (!current) { move(1); }
      submit(current, "approve");
    } else if (key === "r") {
      if (!current) { move(1); }
      var reject = current && current.querySelector("details[data-mod-reject]");
      if (!reject) {
        return;
      }
      reject.open = true;
      var reason = reject.querySelector("[data-mod-reason]");
      if (reason) {
        reason.focus();
      }
    } else if (key === "f") {
      if (!current) { move(1); }
      if (!submit(current, "feature")) {
        submit(current, "unfeature");
      }
    } else if (key === "x") {
      if (!current) { move(1); }
      var box = current && current.querySelector("[data-mod-select]");
      if (box) {
        box.checked = !box.checked;
      }
    } else {
      return;
    }
    event.preventDefault();
  });

  // A click (or a focus by Tab) on a card makes it the current one.
  queue.addEventListener("focusin", function (event) {
    var card = event.target.closest("[data-mod-card]:not([data-decided])");
    if (card && card !== current) {
      select(card, false);
    }
  });

  // After htmx swapped a card: a decided card gives way to the next open one; a card
  // re-rendered in place (featured, an error) stays the current one.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var card = event.target; // htmx fires afterSwap on each element it swapped in
    if (!card || !card.matches || !card.matches("[data-mod-card]") || !queue.contains(card)) {
      return;
    }
    if (card.hasAttribute("data-decided")) {
      var next = card.nextElementSibling;
      while (next && (!next.matches("[data-mod-card]") || next.hasAttribute("data-decided"))) {
        next = next.nextElementSibling;
      }
      if (!next) {
        var cards = open();
        next = cards.length ? cards[cards.length - 1] : null;
      }
      current = null;
      if (next) {
        select(next);
      } else {
        card.focus();
      }
    } else {
      current = null;
      select(card);
    }
  });

  var cards = open();
  if (cards.length) {
    select(cards[0], false);
  }
})();
