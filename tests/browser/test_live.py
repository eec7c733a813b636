"""Two readers' browsers on one story: what happens in one shows up in the other, live.

Streams need the ASGI server, so these tests run the real one (uvicorn) in a thread of
the test process, on the test database, instead of pytest-django's WSGI live server.
"""

import socket
import threading
import time

import pytest
import uvicorn
from django.conf import settings
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client
from playwright.sync_api import expect

from masthead.live.events import publish_on_commit
from tests import factories

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def asgi_server(transactional_db):
    """uvicorn serving the project (and its static files) on 127.0.0.1; yields its URL.

    Each request's sync work runs in a thread of its own (asgiref's thread-sensitive
    context), which opens a database connection: with CONN_MAX_AGE=0 Django closes it when
    the request finishes, so none is left behind to block dropping the test database."""
    db_settings = connections.settings[DEFAULT_DB_ALIAS]
    conn_max_age = db_settings.get("CONN_MAX_AGE", 0)
    db_settings["CONN_MAX_AGE"] = 0
    port = _free_port()
    config = uvicorn.Config(
        ASGIStaticFilesHandler(get_asgi_application()),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    db_settings["CONN_MAX_AGE"] = conn_max_age


def _signed_in(browser, url: str, user):
    """A browser context whose session is ``user``'s."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": url,
            }
        ]
    )
    return context


def _watch(page, errors: list) -> None:
    page.set_default_timeout(10_000)
    page.on("console", lambda msg: msg.type == "error" and errors.append(f"console: {msg.text}"))
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))


def _reader_page(browser, url: str, article, errors: list):
    """A reader (signed out) on the story, its stream open, marked to catch any reload."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    _watch(page, errors)
    page.goto(url + article.get_absolute_url())
    expect(page.locator("#live-client")).to_have_attribute("data-state", "streaming")
    page.evaluate("window.__sameDocument = true")
    return context, page


@pytest.fixture
def story(transactional_db):
    editor = factories.reader(username="edna", role="editor")
    article = factories.article(headline="Storm hits the harbour", is_live=True)
    from masthead.newsroom import services

    services.liveupdate_post(article=article, author=editor, headline="Gale warning", body="Winds of 70 mph.")
    return {"article": article, "editor": editor}


def test_an_update_posted_at_the_live_desk_appears_on_a_readers_page(browser, asgi_server, story):
    errors: list[str] = []
    article = story["article"]
    reader_context, reader = _reader_page(browser, asgi_server, article, errors)
    expect(reader.locator(".live-update")).to_have_count(1)

    desk_context = _signed_in(browser, asgi_server, story["editor"])
    desk = desk_context.new_page()
    _watch(desk, errors)
    desk.goto(f"{asgi_server}/newsroom/live/{article.slug}/")
    desk.get_by_label("Headline").fill("Ferries halted")
    desk.get_by_label("Body").fill("All crossings are **off** until the morning.")
    posted = time.monotonic()
    desk.get_by_role("button", name="Post update").click()
    expect(desk.get_by_text("readers on the story have it now")).to_be_visible()

    newest = reader.locator(".live-updates__list > .live-update").first
    expect(newest.locator(".live-update__headline")).to_have_text("Ferries halted", timeout=5000)
    arrived = time.monotonic() - posted
    expect(newest.locator(".live-update__body strong")).to_have_text("off")
    expect(newest).to_have_class("live-update live-update--new")  # the highlight…
    expect(newest).to_have_class("live-update", timeout=10_000)  # …fades
    expect(reader.locator(".live-update")).to_have_count(2)
    assert reader.evaluate("window.__sameDocument") is True, "the reader's page was not reloaded"
    assert arrived < 3, f"the update took {arrived:.1f}s from the click to the reader's page"
    assert errors == []
    desk_context.close()
    reader_context.close()


def test_a_comment_posted_in_one_browser_waits_behind_a_button_in_the_other(
    browser, asgi_server, story, settings
):
    settings.COMMENT_MODERATION_PIPELINE = "masthead.comments.moderation.PassThrough"
    errors: list[str] = []
    article = story["article"]
    earlier = factories.comment(article=article, author=factories.reader(username="olga"), body="First!")
    watcher_context, watcher = _reader_page(browser, asgi_server, article, errors)
    expect(watcher.locator(f"#comment-{earlier.pk}")).to_be_visible()
    scroll = watcher.evaluate("window.scrollY")

    poster_context = _signed_in(browser, asgi_server, factories.reader(username="rita"))
    poster = poster_context.new_page()
    _watch(poster, errors)
    poster.goto(asgi_server + article.get_absolute_url())
    poster.get_by_label("Join the conversation").fill("The harbour wall took a **battering**.")
    poster.get_by_role("button", name="Post comment").click()
    expect(poster.locator("#comment-list").get_by_text("The harbour wall took a")).to_be_visible()

    # The watcher's page does not move: the comment waits behind a button.
    button = watcher.get_by_role("button", name="1 new comment — show")
    expect(button).to_be_visible()
    expect(watcher.locator("#comment-list").get_by_text("The harbour wall took a")).to_have_count(0)
    assert watcher.evaluate("window.scrollY") == scroll

    # A reply to the earlier comment joins the count; shown, it sits under its parent.
    factories.comment(
        article=article, author=factories.reader(username="omar"), body="Agreed.", parent=earlier
    )
    expect(watcher.get_by_role("button", name="2 new comments — show")).to_be_visible()
    watcher.get_by_role("button", name="2 new comments — show").click()
    new_comment = watcher.locator("#comment-list > li.comment").filter(has_text="The harbour wall took a")
    expect(new_comment).to_be_visible()
    expect(new_comment.locator(".comment__body strong")).to_have_text("battering")
    expect(watcher.locator(f"#replies-{earlier.pk}").get_by_text("Agreed.")).to_be_visible()
    expect(watcher.locator("#live-new-comments")).to_be_hidden()

    assert watcher.evaluate("window.__sameDocument") is True, "the watcher's page was not reloaded"
    assert errors == []
    poster_context.close()
    watcher_context.close()


def test_edits_removals_and_featuring_change_comments_in_place(browser, asgi_server, story, settings):
    from masthead.comments import services as comments

    settings.COMMENT_MODERATION_PIPELINE = "masthead.comments.moderation.PassThrough"
    settings.COMMENT_EDIT_WINDOW_SECONDS = 3600
    errors: list[str] = []
    article = story["article"]
    author = factories.reader(username="olga")
    kept = factories.comment(article=article, author=author, body="Waves over the promenade.")
    doomed = factories.comment(article=article, author=author, body="Something regrettable.")
    context, page = _reader_page(browser, asgi_server, article, errors)

    comments.comment_edit(comment=kept, editor=author, body="Waves *over* the promenade wall.")
    expect(page.locator(f"#comment-{kept.pk} .comment__body")).to_have_text("Waves over the promenade wall.")
    expect(page.locator(f"#comment-{kept.pk} .comment__edited")).to_be_visible()

    comments.comment_feature(comment=kept, actor=story["editor"])
    expect(page.locator(f"#comment-{kept.pk} .comment-badge--featured")).to_have_text("Featured")

    comments.comment_delete(comment=doomed, actor=author)
    expect(page.locator(f"#comment-{doomed.pk} .comment__tombstone")).to_be_visible()
    expect(page.locator(f"#comment-{doomed.pk}")).not_to_contain_text("Something regrettable.")

    expect(page.locator("#live-new-comments")).to_have_count(0)
    assert page.evaluate("window.__sameDocument") is True
    assert errors == []
    context.close()


def test_an_event_replayed_to_a_page_that_already_shows_it_changes_nothing(browser, asgi_server, story):
    """A page asks for a little of the past on its first connection: what it already
    shows must not be added twice."""
    errors: list[str] = []
    article = story["article"]
    update = article.live_updates.get()
    from masthead.newsroom.services import liveupdate_live_data

    publish_on_commit(article_id=article.pk, event="story.update", data=liveupdate_live_data(update))
    context, page = _reader_page(browser, asgi_server, article, errors)
    page.wait_for_timeout(500)
    expect(page.locator(".live-update")).to_have_count(1)
    assert errors == []
    context.close()


def test_a_page_that_cannot_hold_a_stream_polls_instead(browser, asgi_server, story, settings):
    settings.LIVE_MAX_CONNECTIONS = 0  # this process is "full"
    settings.LIVE_POLL_SECONDS = 1
    errors: list[str] = []
    article = story["article"]
    context = browser.new_context()
    page = context.new_page()
    _watch(page, errors)
    page.goto(asgi_server + article.get_absolute_url())
    expect(page.locator("#live-client")).to_have_attribute("data-state", "polling")

    from masthead.newsroom import services

    services.liveupdate_post(
        article=article, author=story["editor"], headline="Power cut", body="Half the town."
    )
    expect(page.locator(".live-update__headline").first).to_have_text("Power cut", timeout=5000)
    # The refused stream shows as a failed request in the console; nothing else may fail.
    assert [e for e in errors if "503" not in e and "EventSource" not in e] == []
    context.close()
