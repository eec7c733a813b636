"""A moderator clears the pending queue with the keyboard, in Chromium, with htmx: approves,
moves with j/k, rejects with a reason, watches the counts fall to zero, then features a
comment from the approved queue with f."""

import os
import re

import pytest
from playwright.sync_api import expect

from masthead.comments.models import Comment
from masthead.comments.services import comment_post
from tests import factories

pytestmark = pytest.mark.browser

PASSWORD = "tide tables at noon"
SHOTS = os.environ.get("MASTHEAD_SCREENSHOTS")  # a folder: save what the moderator saw, to look at


@pytest.fixture
def queue(transactional_db, settings):
    settings.SESSION_COOKIE_SECURE = False  # the live server speaks plain HTTP
    settings.CSRF_COOKIE_SECURE = False
    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.CheapArgon2PasswordHasher"]
    settings.MODERATION_SCORER = "none"
    article = factories.article(headline="Council votes to reopen the harbour baths")
    bodies = [
        "The baths were the heart of the harbour; glad to see them back.",
        "Has anyone asked what the upkeep will cost? Off topic, but my bins were not collected.",
        "Swimming lessons for the primary school would be a fine use of it.",
        "Please keep the Victorian tiles; they are what make the place.",
    ]
    comments = []
    for n, body in enumerate(bodies):
        author = factories.reader(username=f"newcomer{n}", display_name=f"Newcomer {n}")
        comments.append(comment_post(article=article, author=author, body=body).comment)
    assert {c.status for c in comments} == {"pending"}  # new readers' first comments wait
    factories.reader(username="maya", role="moderator", password=PASSWORD)
    return {"article": article, "comments": comments}


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"moderation-{name}.png"), full_page=True, caret="initial")


def test_a_moderator_clears_the_queue_with_the_keyboard(live_server, tab, queue):
    page = tab.page
    first, second, third, fourth = queue["comments"]

    page.goto(live_server.url + "/moderation/")
    page.get_by_label("Username or email").fill("maya")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/moderation/queue/pending/$"))

    count = page.locator("#desk-count-pending")
    header_count = page.locator('.moderation-link [data-moderation-count="waiting"]')
    cards = page.locator("[data-mod-card]")
    expect(count).to_have_text("4")
    expect(header_count).to_have_text("4")
    expect(cards).to_have_count(4)
    card = page.locator(f"#mod-comment-{first.pk}")
    expect(card).to_have_class(re.compile(r"\bis-current\b"))
    expect(card).to_contain_text("new reader: 0 of 2 approved")
    _shot(page, "queue")

    # a: approve the first; the next card becomes the current one.
    page.keyboard.press("a")
    expect(page.locator(f"#mod-comment-{first.pk}")).to_contain_text("Approved: comment by Newcomer 0")
    expect(count).to_have_text("3")
    expect(page.locator(f"#mod-comment-{second.pk}")).to_have_class(re.compile(r"\bis-current\b"))

    # j / k move.
    page.keyboard.press("j")
    expect(page.locator(f"#mod-comment-{third.pk}")).to_have_class(re.compile(r"\bis-current\b"))
    page.keyboard.press("k")
    expect(page.locator(f"#mod-comment-{second.pk}")).to_have_class(re.compile(r"\bis-current\b"))

    # r: reject, with a reason typed into the field it opens; Enter sends it.
    page.keyboard.press("r")
    reason = page.locator(f"#reject-reason-{second.pk}")
    expect(reason).to_be_focused()
    page.keyboard.type("Off topic: the bins are for the council's contact form.")
    _shot(page, "rejecting")
    page.keyboard.press("Enter")
    expect(page.locator(f"#mod-comment-{second.pk}")).to_contain_text("Rejected: comment by Newcomer 1")
    expect(count).to_have_text("2")

    # a: the third. The author's record is one click away on the last card.
    expect(page.locator(f"#mod-comment-{third.pk}")).to_have_class(re.compile(r"\bis-current\b"))
    page.keyboard.press("a")
    expect(page.locator(f"#mod-comment-{third.pk}")).to_contain_text("Approved")
    last = page.locator(f"#mod-comment-{fourth.pk}")
    expect(last).to_have_class(re.compile(r"\bis-current\b"))
    last.get_by_role("link", name="History and sanctions").click()
    record = last.locator("[data-mod-reader]")
    expect(record).to_contain_text("In good standing")
    expect(record.locator("[data-mod-approved]")).to_have_text("0 published")
    _shot(page, "history")
    page.keyboard.press("a")
    expect(last).to_contain_text("Approved")
    expect(count).to_have_text("0")
    expect(header_count).to_have_text("0")  # the header follows at once, not at its next poll
    _shot(page, "cleared")

    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert [statuses[c.pk] for c in (first, second, third, fourth)] == [
        "published",
        "rejected",
        "published",
        "published",
    ]
    assert Comment.objects.get(pk=second.pk).moderation_reason.startswith("Off topic")

    page.reload()
    expect(page.get_by_text("Nothing waiting. The queue is clear.")).to_be_visible()
    expect(header_count).to_have_text("0")

    # f: feature a comment from the approved queue.
    page.get_by_role("link", name="Recently approved").click()
    expect(page.locator("[data-mod-card]")).to_have_count(3)
    page.keyboard.press("f")
    latest = page.locator("[data-mod-card]").first
    expect(latest.locator(".comment-badge--featured")).to_have_text("Featured")
    assert Comment.objects.filter(featured_at__isnull=False).count() == 1

    assert tab.errors == []  # nothing the CSP refused, no failed request
    assert tab.outside_requests() == []


def test_the_header_count_rises_by_itself_when_a_comment_is_held(live_server, tab, queue, monkeypatch):
    """masthead/poll.js under moderation/counts.js: a comment held while a moderator reads a
    story shows in their header's count without a reload (polled every 5 s here)."""
    monkeypatch.setattr("masthead.moderation.templatetags.moderation_tags.POLL_SECONDS", 5)
    page = tab.page
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username or email").fill("maya")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + queue["article"].get_absolute_url())
    header_count = page.locator('.moderation-link [data-moderation-count="waiting"]')
    expect(header_count).to_have_text("4")

    newcomer = factories.reader(username="newcomer9", display_name="Newcomer 9")
    held = comment_post(article=queue["article"], author=newcomer, body="First time here: the tiles matter.")
    assert held.comment.status == "pending"

    # The counts' own cache (5 s) and the poll (5 s): well within 20 s.
    expect(header_count).to_have_text("5", timeout=20_000)
    link = page.locator("a.moderation-link")
    expect(link).to_have_attribute("aria-label", "Moderation: 5 pending, 0 reported")
