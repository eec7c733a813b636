"""Hostile comments, names and bios, rendered in Chromium: no script may ever run.

Readers whose display names and bios are XSS payloads (tests/reliability/payloads.py) post
hostile comments, reply to and mention a victim, follow her and react to her comment, and
are reported to the moderators. Then Chromium opens every page that shows any of it: the
article and every page of its conversation, the profiles, the victim's notifications and
following feed, the followers list and the moderators' desk.

Each page is opened twice: as served (with the site's Content Security Policy), and with
the CSP bypassed, so the escaping and sanitising are proven on their own rather than
hidden behind the CSP. A page fails if a dialog opens, the console mentions the payloads'
marker or a CSP violation, a request leaves 127.0.0.1 or names the marker, a script
error happens, or the DOM holds an event-handler attribute or a ``javascript:`` link.
"""

from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client

from masthead.comments import selectors as comment_selectors
from masthead.comments import services as comment_services
from masthead.community import services as community_services
from tests import factories
from tests.reliability.payloads import XSS

pytestmark = pytest.mark.browser

LOCAL = {"127.0.0.1", "localhost"}
# In the page: any element with an on* attribute, or a link/frame/form with a script URL.
DOM_CHECK = """() => {
  const IGNORED = /[\\u0000-\\u0020\\u007f-\\u009f\\u200b-\\u200d\\ufeff]/g;
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(IGNORED, '').toLowerCase();
      if (name.startsWith('on') || name.startsWith('hx-on') || name === 'srcdoc') {
        bad.push(el.outerHTML.slice(0, 200));
      } else if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(name)
               && /^(javascript|data|vbscript):/.test(value)) bad.push(el.outerHTML.slice(0, 200));
    }
    if (['IFRAME', 'OBJECT', 'EMBED', 'BASE'].includes(el.tagName)) bad.push(el.outerHTML.slice(0, 200));
  }
  return bad;
}"""


def _short(payloads, limit: int) -> list[str]:
    return [p for p in payloads if len(" ".join(p.split())) <= limit]


def _packed(payloads, limit: int) -> list[str]:
    """The payloads packed into as few texts of at most ``limit`` characters as fit."""
    packs, current = [], ""
    for payload in _short(payloads, limit):
        joined = f"{current}\n{payload}" if current else payload
        if len(joined) > limit:
            packs.append(current)
            joined = payload
        current = joined
    return [*packs, current]


@pytest.fixture
def hostile(transactional_db, settings):
    settings.SESSION_COOKIE_SECURE = False  # the live server speaks plain HTTP
    settings.CSRF_COOKIE_SECURE = False
    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.CheapArgon2PasswordHasher"]
    settings.COMMENT_RATE_LIMIT = "100000/m"
    settings.COMMENT_REPORT_RATE_LIMIT = "100000/m"
    settings.COMMUNITY_FOLLOW_RATE_LIMIT = "100000/m"
    settings.COMMUNITY_REACTION_BATCH_SECONDS = 0
    settings.COMMUNITY_UNREAD_POLL_SECONDS = 3600
    # Published at once, so every page shows them; a few are held below for the desk.
    settings.COMMENT_MODERATION_PIPELINE = "masthead.comments.moderation.PassThrough"

    article = factories.article(headline="Council votes to reopen the harbour baths")
    vera = factories.reader(username="vera", display_name="Vera Victim")
    moderator = factories.reader(username="maya", role="moderator")
    question = factories.comment(article=article, author=vera, body="When do the baths open?")
    names = _short(XSS, 60)
    bios = _packed(XSS, 280)
    assert len(names) >= len(bios)
    readers = [
        factories.reader(username=f"hostile{n}", display_name=name, bio=bios[n] if n < len(bios) else "")
        for n, name in enumerate(names)
    ]
    for n, body in enumerate(XSS):
        author = readers[n % len(readers)]
        comment = factories.comment(article=article, author=author, body=body)
        comment_services.report_create(comment=comment, reader=vera, reason="abuse", note=XSS[-n - 1][:500])
    for n, reader in enumerate(readers):
        factories.comment(article=article, author=reader, parent=question, body=f"@vera {XSS[n]}")
        community_services.follow_create(follower=reader, followed=vera)
        community_services.follow_create(follower=vera, followed=reader)
        comment_services.reaction_set(comment=question, reader=reader)
    settings.COMMENT_MODERATION_PIPELINE = "tests.comments.conftest.HoldForReview"
    for n in range(5):
        factories.comment(article=article, author=readers[n], body=XSS[-n - 1])
    return {"article": article, "vera": vera, "moderator": moderator, "readers": readers, "bios": len(bios)}


class Watch:
    """Everything a page did that a hostile string could have caused."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def attach(self, page) -> None:
        page.on("dialog", self._dialog)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on("request", self._request)

    def _dialog(self, dialog) -> None:
        self.problems.append(f"dialog: {dialog.type} {dialog.message!r}")
        dialog.dismiss()

    def _console(self, message) -> None:
        text = message.text
        if "xss" in text.lower() or "Content Security Policy" in text or message.type == "error":
            self.problems.append(f"console {message.type}: {text[:300]}")

    def _request(self, request) -> None:
        url = request.url
        if urlsplit(url).hostname not in LOCAL or "xss" in url.lower():
            self.problems.append(f"request: {request.method} {url[:200]}")


def _context(browser, base_url: str, *, reader=None, bypass_csp: bool):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", bypass_csp=bypass_csp
    )
    if reader is not None:
        client = Client()
        client.force_login(reader)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])
    return context


def _visit(context, url: str, must_show: str | None = None) -> list[str]:
    watch = Watch()
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch.attach(page)
    page.goto(url, wait_until="load")
    # Open the reply and report forms too, then give deferred scripts and htmx a moment.
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    page.wait_for_timeout(200)
    watch.problems += [f"DOM: {html}" for html in page.evaluate(DOM_CHECK)]
    if must_show is not None and must_show not in page.inner_text("body"):
        watch.problems.append(f"the hostile text is not on the page as text: {must_show!r}")
    page.close()
    return [f"{url}: {p}" for p in watch.problems]


def _thread_urls(article) -> list[str]:
    urls, cursor = [], None
    while True:
        suffix = f"&cursor={cursor}" if cursor else ""
        urls.append(f"/articles/{article.slug}/comments/?sort=oldest{suffix}")
        cursor = comment_selectors.thread_page(
            article=article, viewer=None, sort="oldest", cursor=cursor
        ).next_cursor
        if cursor is None:
            return urls


def test_hostile_text_never_runs_in_the_browser(live_server, browser, hostile):
    base = live_server.url
    article, vera, readers = hostile["article"], hostile["vera"], hostile["readers"]
    # The newest hostile reader's name (lists are newest first): a payload, shown as text.
    shown = next(r.display_name for r in reversed(readers) if r.display_name.isascii())
    pages = {
        None: [article.get_absolute_url(), *_thread_urls(article)],
        vera: [
            article.get_absolute_url(),
            "/me/notifications/",
            "/me/following/",
            "/readers/vera/followers/",
            "/readers/vera/following/",
        ],
        hostile["moderator"]: [
            "/moderation/",
            "/moderation/queue/reported/",
            "/moderation/queue/pending/",
            f"/moderation/readers/{readers[1].username}/",
        ],
    }
    problems: list[str] = []
    for bypass_csp in (False, True):
        visits = {reader: list(paths) for reader, paths in pages.items()}
        if bypass_csp:  # every bio, once: the CSP cannot be what saves them
            visits[None] += [f"/readers/{r.username}/" for r in readers[: hostile["bios"]]]
            visits[None] += [f"/readers/{r.username}/comments/" for r in readers[:3]]
        for reader, paths in visits.items():
            context = _context(browser, base, reader=reader, bypass_csp=bypass_csp)
            for path in paths:
                must_show = shown if path in ("/me/notifications/", "/readers/vera/followers/") else None
                found = _visit(context, base + path, must_show)
                problems += [f"{'no CSP' if bypass_csp else 'CSP'} {p}" for p in found]
            context.close()
    assert not problems, "\n".join(problems[:40])


def test_the_watch_sees_a_script_run(browser):
    """The checks above can fail: a page that does run a payload is caught."""
    context = browser.new_context(bypass_csp=True)
    watch = Watch()
    page = context.new_page()
    watch.attach(page)
    onerror = next(p for p in XSS if p.startswith("<img src=x onerror"))
    page.set_content(f"<p>{onerror}</p><img src='https://xss.invalid/pixel.png'>")
    page.wait_for_timeout(200)
    problems = watch.problems + page.evaluate(DOM_CHECK)
    context.close()
    assert any("dialog" in p for p in problems), problems
    assert any("xss.invalid" in p for p in problems), problems
    assert any("onerror" in p for p in problems), problems
