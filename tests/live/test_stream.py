"""`GET /api/v1/articles/{slug}/events`: the SSE stream, through Django's ASGI handler."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient

from masthead.live.bus import Subscription, get_bus, order_key
from masthead.live.caps import slots
from masthead.live.events import article_stream
from masthead.newsroom import services
from tests import factories
from tests.api.openapi import ERROR_SCHEMA, validate
from tests.live.sse_client import AsgiStream, Buffer, run

pytestmark = pytest.mark.django_db


def _url(article) -> str:
    return f"/api/v1/articles/{article.slug}/events"


async def _open(article, **kwargs):
    response = await AsyncClient().get(_url(article), **kwargs)
    return response, AsgiStream(response) if response.streaming else None


def test_the_stream_opens_with_its_starting_point(live_article, configured_bus):
    async def scenario():
        response, stream = await _open(live_article)
        first = await stream.next()
        await stream.close()
        return response, first

    response, first = run(scenario)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream; charset=utf-8"
    assert response["Cache-Control"] == "no-cache, no-transform"
    assert response["X-Accel-Buffering"] == "no"
    assert first.retry == 3000
    assert first.event == "stream.open"
    assert first.id == first.json["last_event_id"] == "0-0"


def test_an_update_posted_by_an_editor_arrives_on_the_open_stream(
    live_article, editor, configured_bus, django_capture_on_commit_callbacks
):
    def post_update():
        with django_capture_on_commit_callbacks(execute=True):
            return services.liveupdate_post(
                article=live_article, author=editor, headline="Ferries halted", body="All **crossings** off."
            )

    async def scenario():
        _, stream = await _open(live_article)
        await stream.next()  # stream.open
        update = await sync_to_async(post_update)()
        (message,) = await stream.events(1)
        await stream.close()
        return update, message

    update, message = run(scenario)
    assert message.event == "story.update"
    assert is_valid_id(message.id)
    assert "<strong>crossings</strong>" in update.body_html
    assert message.json == {
        "id": update.pk,
        "posted_at": update.posted_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "author": editor.public_name,
        "headline": "Ferries halted",
        "body_html": update.body_html,
    }


def is_valid_id(value: str) -> bool:
    return order_key(value) > (0, 0)


def test_every_event_type_goes_out_with_an_id_and_json(live_article, configured_bus):
    stream_name = article_stream(live_article.pk)
    kinds = ["comment.published", "comment.edited", "comment.featured", "comment.removed", "story.update"]

    async def scenario():
        _, stream = await _open(live_article)
        await stream.next()
        for n, kind in enumerate(kinds):
            await asyncio.to_thread(configured_bus.publish, stream_name, kind, {"id": n})
        messages = await stream.events(len(kinds))
        await stream.close()
        return messages

    messages = run(scenario)
    assert [m.event for m in messages] == kinds
    assert [m.json for m in messages] == [{"id": n} for n in range(len(kinds))]
    assert [m.id for m in messages] == [e.id for e in get_bus().since(stream_name, None)]


def test_reconnecting_with_last_event_id_misses_nothing_and_doubles_nothing(live_article, configured_bus):
    """Read some, drop the connection, let more happen, come back with Last-Event-ID."""
    stream_name = article_stream(live_article.pk)
    bus = configured_bus

    def publish(n):
        return bus.publish(stream_name, "comment.published", {"id": n})

    async def scenario():
        received = []
        _, stream = await _open(live_article)
        opened = await stream.next()
        for n in range(3):
            await sync_to_async(publish)(n)
        received += await stream.events(3)
        last_seen = received[-1].id
        await stream.close()  # the reader's train goes into a tunnel

        for n in range(3, 8):  # what happens meanwhile
            await sync_to_async(publish)(n)

        _, stream = await _open(live_article, headers={"Last-Event-ID": last_seen})
        reopened = await stream.next()
        received += await stream.events(5)  # the replay
        await sync_to_async(publish)(8)  # and the live stream goes on
        received += await stream.events(1)
        try:
            extra = await stream.next(timeout=0.5)
        except TimeoutError:
            extra = None
        await stream.close()
        return opened, reopened, received, extra

    opened, reopened, received, extra = run(scenario)
    assert [m.json["id"] for m in received] == list(range(9)), "every event, once, in order"
    assert len({m.id for m in received}) == 9
    assert opened.event == reopened.event == "stream.open"
    assert reopened.json["last_event_id"] == received[2].id
    assert extra is None or extra.is_heartbeat


def test_a_page_starting_point_in_the_query_replays_what_came_since(live_article, configured_bus):
    stream_name = article_stream(live_article.pk)
    before = configured_bus.publish(stream_name, "story.update", {"id": 1})
    after = configured_bus.publish(stream_name, "story.update", {"id": 2})

    async def scenario():
        _, stream = await _open(live_article, query_params={"last_event_id": before.id})
        messages = await stream.events(2)
        await stream.close()
        return messages

    opened, replayed = run(scenario)
    assert opened.event == "stream.open"
    assert (replayed.id, replayed.json) == (after.id, {"id": 2})


def test_the_header_beats_the_query_on_a_reconnect(live_article, configured_bus):
    """EventSource reconnects to the same URL (the page's old starting point still on it)
    and says where it really got to in Last-Event-ID."""
    stream_name = article_stream(live_article.pk)
    events = [configured_bus.publish(stream_name, "story.update", {"id": n}) for n in range(3)]

    async def scenario():
        _, stream = await _open(
            live_article,
            query_params={"last_event_id": events[0].id},
            headers={"Last-Event-ID": events[1].id},
        )
        messages = await stream.events(2)
        await stream.close()
        return messages

    _, replayed = run(scenario)
    assert replayed.json == {"id": 2}


def test_without_an_id_the_stream_starts_from_now(live_article, configured_bus):
    configured_bus.publish(article_stream(live_article.pk), "story.update", {"id": 1})

    async def scenario():
        _, stream = await _open(live_article)
        opened = await stream.next()
        try:
            more = await stream.next(timeout=0.5)
        except TimeoutError:
            more = None
        await stream.close()
        return opened, more

    opened, more = run(scenario)
    assert opened.id == configured_bus.latest_id(article_stream(live_article.pk))
    assert more is None


def test_heartbeats_keep_an_idle_stream_talking(live_article, configured_bus, settings):
    settings.LIVE_HEARTBEAT_SECONDS = 0.2

    async def scenario():
        _, stream = await _open(live_article)
        await stream.next()
        beats = [await stream.next(timeout=2), await stream.next(timeout=2)]
        await stream.close()
        return beats

    assert all(m.is_heartbeat and m.comments == ["heartbeat"] for m in run(scenario))


def test_a_stream_ends_after_its_longest_life(live_article, settings):
    settings.LIVE_STREAM_MAX_SECONDS = 0.3
    settings.LIVE_HEARTBEAT_SECONDS = 0.1

    async def scenario():
        _, stream = await _open(live_article)
        messages = await stream.rest()
        await stream.close()
        return messages

    messages = run(scenario, timeout=5)
    assert messages[0].event == "stream.open"
    assert all(m.is_heartbeat for m in messages[1:])
    assert slots.total == 0


@pytest.mark.parametrize(
    ("headers", "query", "field"),
    [
        ({"Last-Event-ID": "yesterday"}, {}, "Last-Event-ID"),
        ({}, {"last_event_id": "1-2-3"}, "last_event_id"),
    ],
)
def test_a_malformed_id_is_a_validation_error(live_article, headers, query, field):
    async def scenario():
        return await AsyncClient().get(_url(live_article), headers=headers, query_params=query)

    response = run(scenario)
    assert response.status_code == 422
    body = response.json()
    validate(body, ERROR_SCHEMA)
    assert body["error"]["code"] == "validation_error"
    assert field in body["error"]["fields"]


def test_unknown_and_unpublished_articles_are_not_found(db, section):
    draft = factories.article(headline="Not yet", published=False, is_live=True)

    async def scenario():
        client = AsyncClient()
        return [await client.get("/api/v1/articles/no-such-story/events"), await client.get(_url(draft))]

    for response in run(scenario):
        assert response.status_code == 404
        validate(response.json(), ERROR_SCHEMA)
        assert response.json()["error"]["code"] == "not_found"
    assert slots.total == 0


def test_an_editor_may_follow_a_draft_they_are_preparing(db, editor):
    draft = factories.article(headline="Not yet", published=False, is_live=True)

    async def scenario():
        client = AsyncClient()
        await sync_to_async(client.force_login)(editor)
        response = await client.get(_url(draft))
        stream = AsgiStream(response)
        first = await stream.next()
        await stream.close()
        return response, first

    response, first = run(scenario)
    assert response.status_code == 200
    assert first.event == "stream.open"


def test_a_bad_token_is_refused_as_everywhere_in_the_api(live_article):
    async def scenario():
        return await AsyncClient().get(_url(live_article), headers={"Authorization": "Bearer mhp_nonsense"})

    response = run(scenario)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_under_a_wsgi_server_the_stream_answers_what_is_new_and_ends(client, live_article):
    """A held stream would take a whole WSGI thread: EventSource gets what is new and comes
    back (``retry``) with its Last-Event-ID, so it still misses nothing, by the poll."""
    stream = article_stream(live_article.pk)
    first = get_bus().publish(stream, "story.update", {"id": 1})
    second = get_bus().publish(stream, "story.update", {"id": 2})
    response = client.get(_url(live_article), headers={"Last-Event-ID": first.id})
    assert response.status_code == 200
    assert not response.streaming
    assert response["Content-Type"] == "text/event-stream; charset=utf-8"
    messages = Buffer().feed(response.content)
    assert messages[0].retry == 10_000
    assert [(m.event, m.id) for m in messages] == [("stream.open", first.id), ("story.update", second.id)]
    assert slots.total == 0


def test_a_bus_failure_ends_the_stream_instead_of_hanging_it(live_article, monkeypatch):
    """The client then reconnects with Last-Event-ID (or polls) and misses nothing."""

    async def broken(self, after, timeout):
        raise ConnectionError("redis went away")

    async def scenario():
        monkeypatch.setattr(Subscription, "wait", broken)
        _, stream = await _open(live_article)
        messages = await stream.rest()
        await stream.close()
        return messages

    (opened,) = run(scenario, timeout=30)
    assert opened.event == "stream.open"
    assert slots.total == 0
