"""The article page carries the live client; nothing inline, nothing that needs it."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import AsyncClient

from masthead.live.bus import order_key
from tests.live.sse_client import run

pytestmark = pytest.mark.django_db


def _client_tag(page: str) -> dict:
    tag = re.search(r'<script src="[^"]+" defer id="live-client"([^>]*)></script>', page)
    assert tag, "the live client script is on the page"
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', tag.group(1)))


def test_the_page_tells_the_client_where_to_listen(client, live_article):
    page = client.get(live_article.get_absolute_url()).content.decode()
    data = _client_tag(page)
    assert data["events-url"] == f"/api/v1/articles/{live_article.slug}/events"
    assert data["poll-url"] == f"/api/v1/articles/{live_article.slug}/events/poll"
    assert order_key(data["cursor"]) > (0, 0)
    assert data["poll-seconds"] == "10"
    assert data["mode"] == "poll", "a WSGI server cannot hold streams: the page polls"
    assert "/static/live/live.css" in page


def test_under_asgi_the_page_streams(live_article):
    async def scenario():
        return await AsyncClient().get(live_article.get_absolute_url())

    assert _client_tag(run(scenario).content.decode())["mode"] == "sse"


def test_no_inline_script_or_style_for_the_csp(client, live_article):
    page = client.get(live_article.get_absolute_url()).content.decode()
    executable = re.findall(r'<script(?![^>]*\s(?:src=|type="application/ld\+json"))[^>]*>', page)
    assert executable == [], "every script has a src (JSON-LD is data, not script)"
    assert " style=" not in page


def test_the_client_files_are_served(client, live_article):
    assert finders.find("live/live.js") and finders.find("live/live.css")
    script = Path(finders.find("live/live.js")).read_text()
    for event in (
        "comment.published",
        "comment.edited",
        "comment.removed",
        "comment.featured",
        "story.update",
    ):
        assert f'"{event}"' in script


def test_without_javascript_the_updates_are_on_the_page(client, live_article, editor):
    from masthead.newsroom import services

    services.liveupdate_post(article=live_article, author=editor, headline="Ferries halted", body="All off.")
    page = client.get(live_article.get_absolute_url()).content.decode()
    assert "Ferries halted" in page
