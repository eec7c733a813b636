"""`GET /api/v1/articles/{slug}/events/poll`: the same events as JSON, for pages that cannot
hold a stream."""

import pytest

from masthead.live.bus import get_bus
from masthead.live.events import article_stream
from tests import factories
from tests.api.openapi import assert_matches_schema

pytestmark = pytest.mark.django_db


def _url(article) -> str:
    return f"/api/v1/articles/{article.slug}/events/poll"


def test_without_a_cursor_it_says_where_to_start(client, live_article, configured_bus):
    event = configured_bus.publish(article_stream(live_article.pk), "story.update", {"id": 1})
    response = client.get(_url(live_article))
    assert response.status_code == 200
    body = assert_matches_schema(response)
    assert body == {"events": [], "last_event_id": event.id, "more": False, "poll_seconds": 10}
    assert response["Cache-Control"] == "no-cache"


def test_it_returns_what_came_after_the_cursor_then_nothing(client, live_article, configured_bus):
    stream = article_stream(live_article.pk)
    first = configured_bus.publish(stream, "comment.published", {"id": 1})
    second = configured_bus.publish(stream, "comment.edited", {"id": 1, "body_html": "<p>fixed</p>"})
    third = configured_bus.publish(stream, "comment.removed", {"id": 1, "deleted": True})

    body = assert_matches_schema(client.get(_url(live_article), {"after": first.id}))
    assert body["events"] == [
        {"id": second.id, "event": "comment.edited", "data": {"id": 1, "body_html": "<p>fixed</p>"}},
        {"id": third.id, "event": "comment.removed", "data": {"id": 1, "deleted": True}},
    ]
    assert body["last_event_id"] == third.id

    again = assert_matches_schema(client.get(_url(live_article), {"last_event_id": third.id}))
    assert again["events"] == []
    assert again["last_event_id"] == third.id


def test_a_long_gap_comes_in_pages(client, live_article, configured_bus, monkeypatch):
    monkeypatch.setattr("masthead.live.api.POLL_LIMIT", 3)
    stream = article_stream(live_article.pk)
    start = configured_bus.latest_id(stream)
    for n in range(5):
        configured_bus.publish(stream, "story.update", {"id": n})
    page = assert_matches_schema(client.get(_url(live_article), {"after": start}))
    assert [e["data"]["id"] for e in page["events"]] == [0, 1, 2]
    assert page["more"] is True
    assert page["poll_seconds"] == 0, "come straight back for the rest"
    rest = assert_matches_schema(client.get(_url(live_article), {"after": page["last_event_id"]}))
    assert [e["data"]["id"] for e in rest["events"]] == [3, 4]
    assert rest["more"] is False


def test_a_malformed_cursor_is_a_validation_error(client, live_article):
    response = client.get(_url(live_article), {"after": "<script>"})
    assert response.status_code == 422
    body = assert_matches_schema(response)
    assert body["error"]["code"] == "validation_error"
    assert "after" in body["error"]["fields"]


def test_unknown_and_draft_articles_are_not_found(client, db, editor):
    draft = factories.article(headline="Not yet", published=False, is_live=True)
    for url in ("/api/v1/articles/no-such-story/events/poll", _url(draft)):
        response = client.get(url)
        assert response.status_code == 404
        assert assert_matches_schema(response)["error"]["code"] == "not_found"
    client.force_login(editor)
    assert client.get(_url(draft)).status_code == 200, "an editor may follow their draft"


def test_an_anonymous_poll_is_cheap(client, live_article, django_assert_num_queries):
    """Every open page polls every few seconds: after the first, no database at all."""
    get_bus().publish(article_stream(live_article.pk), "story.update", {"id": 1})
    client.get(_url(live_article), {"after": "0-0"})
    with django_assert_num_queries(0):
        response = client.get(_url(live_article), {"after": "0-0"})
    assert response.json()["events"][0]["data"] == {"id": 1}
