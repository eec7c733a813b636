"""Following and the notification bell, in Chromium: reader A follows B from beside B's
comment, B replies to A in B's own browser, and A's bell counts up without a reload; the
notification leads to the reply, marked as from a reader A follows."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from masthead.comments.models import Comment
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
    factories.comment(article=article, author=bob, body="I was at the council meeting.")
    question = factories.comment(article=article, author=alice, body="When do the baths open?")
    story = live_server.url + article.get_absolute_url()
    errors: list[str] = []
    context, page = _signed_in_page(browser, live_server.url, alice, errors)
    bob_context, bob_page = _signed_in_page(browser, live_server.url, bob, errors)

    # A follows B with the button beside B's comment; htmx swaps it for the answer.
    page.goto(story)
    bell = page.locator("[data-bell]")
    expect(bell.locator("[data-bell-count]")).to_be_hidden()
    page.get_by_role("button", name="Follow Bob Baker").click()
    expect(page.get_by_role("status").filter(has_text="You follow Bob Baker")).to_be_visible()
    assert Follow.objects.filter(follower=alice, followed=bob).exists()
    page.evaluate("window.__sameDocument = true")
    # B's profile agrees (in another tab of A's: this one must not reload).
    profile = context.new_page()
    profile.goto(live_server.url + "/readers/bob/")
    expect(profile.locator("[data-follower-count]")).to_have_text("1")
    expect(profile.get_by_role("button", name="Following · Unfollow")).to_be_visible()
    profile.close()

    # B replies to A's comment, in B's own browser.
    bob_page.goto(story)
    card = bob_page.locator(f"#comment-{question.pk}-card")
    card.locator("summary", has_text="Reply").click()
    card.get_by_label("Your reply to Alice Ames").fill("In the spring, they say.")
    card.get_by_role("button", name="Post reply").click()
    expect(bob_page.locator(f"#replies-{question.pk}")).to_contain_text("In the spring, they say.")
    reply = Comment.objects.get(author=bob, parent=question)

    # A's bell counts it, without a reload.
    expect(bell.locator("[data-bell-count]")).to_have_text("1")
    expect(bell).to_have_attribute("aria-label", "Notifications: 1 unread")
    assert page.evaluate("window.__sameDocument") is True, "the count changed without a reload"

    # The notification leads to the reply, and is read from then on.
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    page.get_by_role("link", name=re.compile("Bob Baker replied to your comment")).click()
    expect(page).to_have_url(re.compile(rf"\?comment={reply.pk}#comment-{reply.pk}$"))
    expect(page.locator(f"#comment-{reply.pk}")).to_be_visible()
    expect(page.locator(f"#comment-{reply.pk}")).to_contain_text("In the spring, they say.")
    # ... marked as by a reader A follows.
    expect(page.locator(f"#comment-{reply.pk}-card [data-followed]")).to_have_text("From readers you follow")
    expect(page.locator("[data-bell] [data-bell-count]")).to_be_hidden()  # read now

    assert errors == [], errors
    bob_context.close()
    context.close()
