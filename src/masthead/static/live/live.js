/*
 * Masthead live client: keeps an article page up to date without reloading.
 *
 * Reads its settings from the data attributes of <script id="live-client"> (the CSP allows
 * no inline script): the events stream, the poll endpoint, the cursor the page was rendered
 * at, and whether to stream ("sse") or poll from the start ("poll").
 *
 * - Live story updates are put in place as they come (newest first), with a short highlight.
 * - New comments never move the page: they wait behind a "N new comments — show" button;
 *   once shown, replies go under their parent. Edits, removals and featuring change the
 *   comment where it stands.
 * - If the stream cannot be held (refused by the server's caps, or a proxy that buffers it
 *   so it never opens) the page polls the same events as JSON instead.
 *
 * Every event is applied at most once (ids are totally ordered; anything at or before the
 * cursor is dropped) and applying one the page already shows changes nothing, so the replay
 * a page asks for on its first connection is harmless.
 *
 * Comment markup it relies on (templates/comments/): the list #comment-list holds
 * <li class="comment" id="comment-ID">, each with its card (.comment__card: .comment__meta,
 * .comment__body) and its replies in <ol class="comment__replies" id="replies-ID">. A new
 * comment's card is fetched as the comments app renders it (data-comment-card-url, with
 * "{id}"), so it has the reader's own buttons; without that URL, or if the fetch fails, it
 * is built from the event's comment object. New top-level comments go first when the
 * thread is sorted newest first (the default), else last.
 */
(function () {
  "use strict";

  const script = document.getElementById("live-client");
  if (!script || !window.fetch || !window.URL) {
    return;
  }
  const config = script.dataset;
  const OPEN_TIMEOUT_MS = 10000; // no "stream.open" by then: something buffers the stream
  const MAX_FAILURES = 5; // reconnections in a row that never opened
  const HIGHLIGHT_MS = 6000;
  const EVENT_TYPES = [
    "story.update",
    "comment.published",
    "comment.edited",
    "comment.removed",
    "comment.featured",
  ];

  let cursor = config.cursor || "";
  let polling = false;
  const pending = new Map(); // comment id -> comment, waiting behind the button

  // --- Event ids: "<ms>-<seq>", compared as numbers -------------------------------------
  function idKey(id) {
    const parts = String(id).split("-");
    return [Number(parts[0]) || 0, Number(parts[1]) || 0];
  }

  function isAfterCursor(id) {
    if (!cursor) {
      return true;
    }
    const a = idKey(id);
    const b = idKey(cursor);
    return a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
  }

  function dispatch(type, id, data) {
    if (id) {
      if (!isAfterCursor(id)) {
        return; // already applied
      }
      cursor = id;
    }
    const handler = handlers[type];
    if (!handler || !data) {
      return;
    }
    try {
      handler(data);
    } catch (error) {
      console.warn("live: could not apply", type, error);
    }
  }

  // --- Small DOM helpers ----------------------------------------------------------------
  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  function html(node, markup) {
    // Server-sanitized HTML (body_html): parsed inertly, then moved in.
    const template = document.createElement("template");
    template.innerHTML = markup || "";
    node.replaceChildren(template.content);
    return node;
  }

  function highlight(node, className) {
    node.classList.add(className);
    window.setTimeout(function () {
      node.classList.remove(className);
    }, HIGHLIGHT_MS);
  }

  let announcer = null;
  function announce(text) {
    if (!announcer) {
      announcer = element("p", "visually-hidden");
      announcer.setAttribute("role", "status");
      announcer.setAttribute("aria-live", "polite");
      document.body.append(announcer);
    }
    announcer.textContent = text;
  }

  const formats = {};
  function formatTime(value, options) {
    const key = JSON.stringify(options);
    if (!formats[key]) {
      try {
        formats[key] = new Intl.DateTimeFormat("en-GB", Object.assign({ timeZone: config.timeZone }, options));
      } catch (error) {
        formats[key] = new Intl.DateTimeFormat("en-GB", options);
      }
    }
    return formats[key].format(new Date(value));
  }

  // --- Live story updates ---------------------------------------------------------------
  function renderUpdate(update) {
    const item = element("li", "live-update");
    item.id = "update-" + update.id;
    const meta = element("p", "live-update__meta");
    const time = element("time", null, formatTime(update.posted_at, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }));
    time.setAttribute("datetime", update.posted_at);
    time.append(element("span", "live-update__day", " " + formatTime(update.posted_at, { day: "numeric", month: "short" })));
    meta.append(time);
    if (update.author) {
      meta.append(" ", element("span", "live-update__author", update.author));
    }
    item.append(meta);
    if (update.headline) {
      item.append(element("h3", "live-update__headline", update.headline));
    }
    item.append(html(element("div", "prose live-update__body"), update.body_html));
    return item;
  }

  function storyUpdate(update) {
    const section = document.querySelector(".live-updates");
    if (!section || update.id === undefined) {
      return;
    }
    const existing = document.getElementById("update-" + update.id);
    if (update.deleted) {
      if (existing) {
        existing.remove();
      }
      return;
    }
    const item = renderUpdate(update);
    if (existing) {
      existing.replaceWith(item);
      highlight(item, "live-update--new");
      return;
    }
    let list = section.querySelector(".live-updates__list");
    if (!list) {
      list = element("ol", "live-updates__list");
      const empty = section.querySelector(".empty-state");
      if (empty) {
        empty.replaceWith(list);
      } else {
        section.append(list);
      }
    }
    // Newest first, as the page has them: before the first one posted no later.
    const when = Date.parse(update.posted_at);
    let before = null;
    for (const other of list.children) {
      const stamp = other.querySelector("time[datetime]");
      if (stamp && Date.parse(stamp.getAttribute("datetime")) <= when) {
        before = other;
        break;
      }
    }
    list.insertBefore(item, before);
    highlight(item, "live-update--new");
    announce("New update" + (update.headline ? ": " + update.headline : ""));
  }

  // --- Comments ------------------------------------------------------------------------
  function commentsList() {
    return document.getElementById("comment-list") || document.getElementById("comments-list");
  }

  function commentNode(id) {
    return document.getElementById("comment-" + id);
  }

  function own(comment, selector) {
    // The first match that belongs to this comment, not to one of its replies.
    for (const node of comment.querySelectorAll(selector)) {
      if (node.closest(".comment") === comment) {
        return node;
      }
    }
    return null;
  }

  function repliesOf(parentId) {
    let container = document.getElementById("replies-" + parentId);
    const parent = commentNode(parentId);
    if (!container && parent) {
      container = element("ol", "comment__replies");
      container.id = "replies-" + parentId;
      container.setAttribute("aria-label", "Replies");
      parent.append(container);
    }
    return container;
  }

  function threadSort(list) {
    if (list.dataset.sort) {
      return list.dataset.sort;
    }
    const current = document.querySelector('.comments__sorts a[aria-current="page"]');
    const match = current && /[?&]sort=([a-z]+)/.exec(current.getAttribute("href") || "");
    return match ? match[1] : "newest";
  }

  function showable() {
    // Pending comments the page has a place for, in the order they came.
    const list = commentsList();
    if (!list) {
      return [];
    }
    const chosen = new Set();
    const out = [];
    for (const comment of pending.values()) {
      if (commentNode(comment.id)) {
        continue; // put there meanwhile (the reader's own comment, say)
      }
      if (comment.parent_id && !commentNode(comment.parent_id) && !chosen.has(comment.parent_id)) {
        continue; // a reply to a comment this page does not show
      }
      chosen.add(comment.id);
      out.push(comment);
    }
    return out;
  }

  let bar = null;
  function updateButton() {
    const count = showable().length;
    if (!count) {
      if (bar) {
        bar.hidden = true;
      }
      return;
    }
    if (!bar) {
      // Fixed to the viewport, outside the flow: appearing never moves what is being read.
      bar = element("div", "live-new-comments");
      bar.id = "live-new-comments";
      bar.setAttribute("role", "status");
      const button = element("button", "button live-new-comments__button");
      button.type = "button";
      button.addEventListener("click", reveal);
      bar.append(button);
      document.body.append(bar);
    }
    bar.querySelector("button").textContent = count === 1 ? "1 new comment — show" : count + " new comments — show";
    bar.hidden = false;
  }

  function badgeText(badge) {
    return typeof badge === "string" ? badge : badge && (badge.label || badge.name || badge.slug);
  }

  function featuredBadge() {
    return element("span", "comment-badge comment-badge--featured", "Featured");
  }

  function buildCard(comment) {
    const card = element("article", "comment__card");
    card.id = "comment-" + comment.id + "-card";
    const meta = element("header", "comment__meta");
    const author = comment.author || {};
    meta.append(element("span", "comment__author", author.display_name || author.username || ""));
    for (const badge of author.badges || []) {
      const text = badgeText(badge);
      if (text) {
        meta.append(" ", element("span", "comment-badge comment-badge--" + String(text).toLowerCase(), text));
      }
    }
    if (comment.created_at) {
      const time = element("time", "comment__time", formatTime(comment.created_at, { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }));
      time.setAttribute("datetime", comment.created_at);
      meta.append(" ", time);
    }
    if (comment.featured) {
      meta.append(" ", featuredBadge());
    }
    card.append(meta, html(element("div", "comment__body prose"), comment.body_html));
    return card;
  }

  async function fetchCard(comment) {
    const url = config.commentCardUrl;
    if (!url) {
      return null;
    }
    try {
      const response = await fetch(url.replace("{id}", encodeURIComponent(comment.id)), {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
      if (!response.ok) {
        return null;
      }
      const template = document.createElement("template");
      template.innerHTML = (await response.text()).trim();
      return template.content.firstElementChild;
    } catch (error) {
      return null;
    }
  }

  async function renderComment(comment) {
    const fetched = await fetchCard(comment);
    if (fetched && fetched.matches("li.comment")) {
      return fetched;
    }
    const item = element("li", "comment comment--level-" + Math.min(Number(comment.depth) || 0, 3));
    item.id = "comment-" + comment.id;
    item.dataset.commentId = comment.id;
    item.append(fetched || buildCard(comment));
    const replies = element("ol", "comment__replies");
    replies.id = "replies-" + comment.id;
    replies.setAttribute("aria-label", "Replies");
    item.append(replies);
    return item;
  }

  async function reveal() {
    const comments = showable();
    pending.clear();
    updateButton();
    const nodes = await Promise.all(comments.map(renderComment));
    const list = commentsList();
    if (!list) {
      return;
    }
    const newestFirst = threadSort(list) === "newest";
    const shown = [];
    comments.forEach(function (comment, index) {
      const node = nodes[index];
      if (commentNode(comment.id)) {
        return;
      }
      if (comment.parent_id) {
        const replies = repliesOf(comment.parent_id);
        if (!replies) {
          return;
        }
        replies.append(node);
      } else if (newestFirst) {
        list.prepend(node);
      } else if (list.lastElementChild && list.lastElementChild.matches(".comment-list__more")) {
        return; // oldest first, and not all loaded: it comes with "Load more comments"
      } else {
        list.append(node);
      }
      shown.push(node);
      highlight(node, "comment--new");
      if (window.htmx && typeof window.htmx.process === "function") {
        window.htmx.process(node); // its reply/edit/report forms work like the rest
      }
    });
    const first = shown.find(function (node) {
      return !node.parentElement.closest(".comment");
    }) || shown[0];
    if (first) {
      first.setAttribute("tabindex", "-1");
      first.scrollIntoView({ block: "start" });
      first.focus({ preventScroll: true });
    }
  }

  function commentPublished(comment) {
    if (comment.id === undefined || comment.deleted || (comment.status && comment.status !== "published")) {
      return;
    }
    if (commentNode(comment.id) || pending.has(comment.id) || !commentsList()) {
      return;
    }
    pending.set(comment.id, comment);
    updateButton();
  }

  function commentEdited(comment) {
    if (pending.has(comment.id)) {
      pending.set(comment.id, Object.assign({}, pending.get(comment.id), comment));
      return;
    }
    const node = commentNode(comment.id);
    if (!node || comment.body_html === undefined) {
      return;
    }
    const body = own(node, ".comment__body");
    if (body) {
      html(body, comment.body_html);
    }
    if (!own(node, ".comment__edited")) {
      const meta = own(node, ".comment__meta");
      if (meta) {
        meta.append(" ", element("span", "comment__edited", "edited"));
      }
    }
    highlight(own(node, ".comment__card") || node, "comment--updated");
  }

  function commentRemoved(comment) {
    if (pending.delete(comment.id)) {
      updateButton();
      return;
    }
    const node = commentNode(comment.id);
    if (!node) {
      return;
    }
    // Its place in the thread stays (its replies too), as the page shows a tombstone.
    node.classList.add("comment--removed");
    node.dataset.deleted = "true";
    const card = own(node, ".comment__card");
    const tombstone = element("p", "comment__tombstone", comment.deleted ? "This comment was deleted." : "This comment was removed.");
    if (card) {
      card.classList.add("comment__card--deleted");
      card.replaceChildren(tombstone);
      return;
    }
    const body = own(node, ".comment__body");
    if (body) {
      body.replaceChildren(tombstone);
    }
    const author = own(node, ".comment__author");
    if (author) {
      author.textContent = "";
    }
  }

  function commentFeatured(comment) {
    const featured = comment.featured !== false;
    if (pending.has(comment.id)) {
      pending.get(comment.id).featured = featured;
      return;
    }
    const node = commentNode(comment.id);
    if (!node) {
      return;
    }
    node.classList.toggle("comment--featured", featured);
    const badge = own(node, ".comment-badge--featured");
    if (featured && !badge) {
      (own(node, ".comment__meta") || node).append(" ", featuredBadge());
    } else if (!featured && badge) {
      badge.remove();
    }
    highlight(own(node, ".comment__card") || node, "comment--updated");
  }

  const handlers = {
    "story.update": storyUpdate,
    "comment.published": commentPublished,
    "comment.edited": commentEdited,
    "comment.removed": commentRemoved,
    "comment.featured": commentFeatured,
  };

  // --- Transport: the stream, or polling ------------------------------------------------
  function withParam(base, name, value) {
    const url = new URL(base, window.location.href);
    if (value) {
      url.searchParams.set(name, value);
    }
    return url.toString();
  }

  function stream() {
    let source;
    try {
      source = new EventSource(withParam(config.eventsUrl, "last_event_id", cursor));
    } catch (error) {
      startPolling();
      return;
    }
    let failures = 0;
    let opened = false;
    const watchdog = window.setTimeout(function () {
      if (!opened) {
        source.close();
        startPolling();
      }
    }, OPEN_TIMEOUT_MS);
    source.addEventListener("stream.open", function () {
      opened = true;
      failures = 0;
      window.clearTimeout(watchdog);
      script.dataset.state = "streaming";
    });
    for (const type of EVENT_TYPES) {
      source.addEventListener(type, function (message) {
        let data = null;
        try {
          data = JSON.parse(message.data);
        } catch (error) {
          return;
        }
        dispatch(type, message.lastEventId, data);
      });
    }
    source.addEventListener("error", function () {
      // CLOSED: the server refused (caps, 404…); CONNECTING: the browser retries by itself,
      // sending Last-Event-ID, unless that keeps failing.
      failures += 1;
      if (source.readyState === EventSource.CLOSED || failures >= MAX_FAILURES) {
        window.clearTimeout(watchdog);
        source.close();
        startPolling();
      }
    });
  }

  function startPolling() {
    if (polling) {
      return;
    }
    polling = true;
    script.dataset.state = "polling";
    poll();
  }

  async function poll() {
    let wait = Number(config.pollSeconds) || 10;
    try {
      const response = await fetch(withParam(config.pollUrl, "after", cursor), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (response.ok) {
        const body = await response.json();
        for (const event of body.events || []) {
          dispatch(event.event, event.id, event.data);
        }
        if (body.last_event_id && isAfterCursor(body.last_event_id)) {
          cursor = body.last_event_id;
        }
        if (typeof body.poll_seconds === "number") {
          wait = body.poll_seconds;
        }
      } else if (response.status === 404) {
        return; // the story is gone: nothing more will come
      } else {
        wait = Math.max(wait, Number(response.headers.get("Retry-After")) || 0);
      }
    } catch (error) {
      wait = Math.max(wait, 15); // offline, or the server is restarting
    }
    if (document.hidden) {
      wait = Math.max(wait, 30);
    }
    window.setTimeout(poll, wait * 1000);
  }

  // The reader's own comment, put on the page by the comments app's form, is not "new".
  document.addEventListener("htmx:afterSettle", updateButton);

  if (config.mode === "poll" || !window.EventSource) {
    startPolling();
  } else {
    stream();
  }
})();
