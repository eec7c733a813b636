"""A reader takes part in the conversation under a story, in Chromium, with htmx: signs in,
posts a comment and a reply, edits, reacts, loads more, sorts, deletes, follows a permalink."""

import os
import re

import pytest
from playwright.sync_api import expect

from masthead.comments.models import Comment
from tests import factories

pytestmark = pytest.mark.browser

PASSWORD = "tide tables at noon"
SHOTS = os.environ.get("MASTHEAD_SCREENSHOTS")  # a folder: save what the reader saw, to look at


@pytest.fixture
def conversation(transactional_db, settings):
    settings.SESSION_COOKIE_SECURE = False  # the live server speaks plain HTTP
    settings.CSRF_COOKIE_SECURE = False
    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.CheapArgon2PasswordHasher"]
    settings.COMMENT_RATE_LIMIT = "1000/m"
    article = factories.article(
        headline="Council votes to reopen the harbour baths",
        body="The vote was unanimous.\n\nWork starts in the spring.",
    )
    regular = factories.reader(username="otto", display_name="Otto Penrose")
    older = [
        factories.comment(article=article, author=regular, body=f"Earlier thought number {n}")
        for n in range(22)
    ]
    factories.reader(username="nadia", password=PASSWORD, display_name="Nadia K")
    return {"article": article, "older": older}


def _shot(page, name: str) -> None:
    if SHOTS:
        # caret="initial": hiding the caret would inject a <style>, which the CSP reports.
        page.screenshot(path=os.path.join(SHOTS, f"comments-{name}.png"), full_page=True, caret="initial")


def test_a_reader_takes_part_in_the_conversation(live_server, tab, conversation):
    page = tab.page
    article = conversation["article"]
    story = live_server.url + article.get_absolute_url()

    # Signed out: the conversation is there to read, with a way in.
    page.goto(story)
    comments = page.locator("#comments")
    expect(comments.get_by_role("heading", name=re.compile("Comments"))).to_contain_text("22")
    sign_in = comments.get_by_role("link", name="Sign in to join the conversation")
    expect(sign_in).to_be_visible()
    sign_in.click()
    page.get_by_label("Username or email").fill("nadia")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(re.escape(article.get_absolute_url())))

    # Post a comment, watching the counter.
    box = page.get_by_label("Join the conversation")
    box.fill("The baths were the *heart* of the harbour.")
    expect(page.locator("#comment-form-counter")).to_have_text("2,958 characters left")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#comment-form-preview em")).to_have_text("heart")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("#comments-status")).to_have_text("Your comment is published.")
    expect(page.locator("#comment-list .comment__card").first.locator("em")).to_have_text("heart")
    mine = Comment.objects.get(author__username="nadia")
    card = page.locator(f"#comment-{mine.pk}-card")
    expect(page.locator("#comments-count")).to_have_text("23")
    expect(page.get_by_label("Join the conversation")).to_have_value("")
    _shot(page, "posted")

    # Reply to Otto's latest comment.
    latest = conversation["older"][-1]
    otto_card = page.locator(f"#comment-{latest.pk}-card")
    otto_card.locator("summary", has_text="Reply").click()
    otto_card.get_by_label("Your reply to Otto Penrose").fill("Agreed, Otto.")
    otto_card.get_by_role("button", name="Post reply").click()
    expect(page.locator(f"#replies-{latest.pk} .comment__card")).to_contain_text("Agreed, Otto.")
    reply = Comment.objects.get(author__username="nadia", parent=latest)
    expect(otto_card.get_by_label("Your reply to Otto Penrose")).not_to_be_visible()  # the form closed

    # Edit in place.
    card.get_by_role("button", name="Edit").click()
    editor = page.get_by_label("Edit your comment")
    expect(editor).to_have_value("The baths were the *heart* of the harbour.")
    editor.fill("The baths were the **heart** of the harbour.")
    page.get_by_role("button", name="Save changes").click()
    expect(card.locator("strong")).to_have_text("heart")
    expect(card.locator(".comment__edited")).to_have_text("edited")

    # React to Otto's comment.
    respect = otto_card.get_by_role("button", name=re.compile("^Respect"))
    expect(respect).to_have_attribute("aria-pressed", "false")
    respect.click()
    respect = otto_card.get_by_role("button", name=re.compile("^Respect"))
    expect(respect).to_have_attribute("aria-pressed", "true")
    expect(respect.locator(".reaction-button__count")).to_have_text("1")

    # Load more: 23 top-level comments, 20 to a page (plus mine, added at the top).
    top_level = page.locator("#comment-list > li.comment")
    expect(top_level).to_have_count(21)
    page.get_by_role("button", name="Load more comments").click()
    expect(top_level).to_have_count(23)
    expect(page.get_by_role("button", name="Load more comments")).to_have_count(0)

    # Sort: oldest first, and back; the address follows.
    page.get_by_role("link", name="Oldest").click()
    expect(page).to_have_url(re.compile(r"\?sort=oldest"))
    expect(top_level.first).to_contain_text("Earlier thought number 0")
    page.get_by_role("link", name="Top").click()
    expect(top_level.first).to_contain_text("Earlier thought number 21")  # the one with a reaction
    page.get_by_role("link", name="Newest").click()
    expect(top_level.first).to_contain_text("The baths were the heart of the harbour.")
    _shot(page, "thread")

    # Delete my comment: a tombstone stays.
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"#comment-{mine.pk}-card").get_by_role("button", name="Delete").click()
    expect(page.locator(f"#comment-{mine.pk}-card")).to_contain_text("This comment was deleted.")

    # A permalink opens the reply's conversation, scrolled into view.
    page.goto(f"{story}?comment={reply.pk}")
    focused = page.locator(f"#comment-{reply.pk}")
    expect(focused).to_have_attribute("aria-current", "true")
    expect(focused).to_be_in_viewport()
    expect(page.locator(f"#comment-{latest.pk}-card")).to_be_visible()
    expect(page.get_by_text("You are viewing a single conversation.")).to_be_visible()
    _shot(page, "permalink")

    assert any(url.endswith("/static/vendor/htmx/htmx.min.js") for url in tab.requests)
    assert tab.outside_requests() == [], "every request stays on this server"
    assert tab.errors == [], "no console errors (CSP violations show there), no failed requests"
