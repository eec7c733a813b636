"""Following and the notification bell, in Chromium: reader A follows B, B replies to A,
and A's bell counts up without a reload; the notification leads to the reply."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from masthead.community.models import Follow
from tests import factories

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_settings(settings):
    settings.SESSION_COOKIE_SECURE = False  # the live server speaks plain HTTP
    settings.CSRF_COOKIE_SECURE = False
    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.CheapArgon2PasswordHasher"]
    settings.COMMUNITY_UNREAD_POLL_SECONDS = 1
    settings.COMMENT_RATE_LIMIT = "1000/m"


def _signed_in_page(browser, url: str, reader, errors: list):
    client = Client()
    client.force_login(reader)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("console", lambda msg: msg.type == "error" and errors.append(f"console: {msg.text}"))
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}"))
    return context, page


def test_a_follows_b_b_replies_and_a_sees_the_bell_rise_live(
    live_server, browser, transactional_db, browser_settings
):
    alice = factories.reader(username="alice", display_name="Alice Ames")
    bob = factories.reader(username="bob", display_name="Bob Baker")
    article = factories.article(headline="Council votes to reopen the harbour baths")
    question = factories.comment(article=article, author=alice, body="When do the baths open?")
    errors: list[str] = []
    context, page = _signed_in_page(browser, live_server.url, alice, errors)

    # A follows B from B's profile, with the plain form.
    page.goto(live_server.url + "/readers/bob/")
    page.get_by_role("button", name="Follow").click()
    expect(page.get_by_text("You follow Bob Baker.")).to_be_visible()
    expect(page.locator("[data-follower-count]")).to_have_text("1")
    assert Follow.objects.filter(follower=alice, followed=bob).exists()

    # A reads the story; the bell says nothing new.
    page.goto(live_server.url + article.get_absolute_url())
    bell = page.locator("[data-bell]")
    expect(bell.locator("[data-bell-count]")).to_be_hidden()
    page.evaluate("window.__sameDocument = true")

    # B replies to A (through the comments service, as B's browser would).
    reply = factories.comment(article=article, author=bob, body="In the spring, they say.", parent=question)

    expect(bell.locator("[data-bell-count]")).to_have_text("1")
    expect(bell).to_have_attribute("aria-label", "Notifications: 1 unread")
    assert page.evaluate("window.__sameDocument") is True, "the count changed without a reload"

    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    page.get_by_role("link", name=re.compile("Bob Baker replied to your comment")).click()
    expect(page).to_have_url(re.compile(rf"\?comment={reply.pk}#comment-{reply.pk}$"))
    expect(page.locator(f"#comment-{reply.pk}")).to_be_visible()
    expect(page.locator(f"#comment-{reply.pk}")).to_contain_text("In the spring, they say.")
    expect(page.locator("[data-bell] [data-bell-count]")).to_be_hidden()  # read now

    assert errors == [], errors
    context.close()
