"""The Redis bus through a Redis outage: events Redis refuses are held in the database and
sent, oldest first, once it answers; readers resuming with Last-Event-ID get each once;
the stream and the poll keep answering meanwhile.

Each test starts its own redis-server on a free port and stops it (never the shared one).
"""

import asyncio
import shutil
import threading
import time

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.test import AsyncClient

from masthead.live import outbox
from masthead.live.bus import BusUnavailable, get_bus, id_at, order_key, reset_bus
from masthead.live.events import article_stream, publish_on_commit
from masthead.live.models import HeldEvent
from masthead.live.redis_bus import RedisBus
from tests import factories
from tests.api.openapi import ERROR_SCHEMA, validate
from tests.live.buses import OWN_REDIS
from tests.live.sse_client import AsgiStream, run
from tests.reliability.servers import OwnRedis

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the releasing thread reads the outbox too
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="no redis-server on PATH"),
]

STREAM = "article:1"


@pytest.fixture
def own_redis(tmp_path):
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def make_bus(own_redis):
    """Bus objects on the test's Redis; each stands for one server process."""
    made: list[RedisBus] = []

    def make() -> RedisBus:
        bus = RedisBus(url=own_redis.url, prefix="outbox-tests")
        made.append(bus)
        return bus

    yield make
    for bus in made:
        bus.close()


def _ids(events) -> list:
    return [e.data["n"] for e in events]


def _wait_for(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.05)


def test_while_redis_answers_publishing_costs_no_query(make_bus, django_assert_num_queries):
    bus = make_bus()
    bus.publish(STREAM, "story.update", {"n": 0})  # a fresh Redis: the first looks at the outbox
    with django_assert_num_queries(0):
        for n in range(1, 20):
            assert bus.publish(STREAM, "story.update", {"n": n}) is not None
    assert _ids(bus.since(STREAM, None)) == list(range(20))


def test_events_published_while_redis_is_down_reach_a_reader_resuming_with_last_event_id(own_redis, make_bus):
    bus = make_bus()
    seen = bus.publish(STREAM, "comment.published", {"n": 0})
    own_redis.stop()  # and it comes back empty: no persistence

    assert [bus.publish(STREAM, "comment.published", {"n": n}) for n in (1, 2, 3)] == [None] * 3
    assert list(HeldEvent.objects.values_list("stream", "type")) == [(STREAM, "comment.published")] * 3
    with pytest.raises(BusUnavailable):
        bus.since(STREAM, seen.id)

    own_redis.start()
    # Sent at once, or (within a second of the failure) held behind the others and sent
    # by the releasing thread: either way after them.
    bus.publish(STREAM, "comment.published", {"n": 4})
    _wait_for(lambda: HeldEvent.objects.count() == 0)
    resumed = bus.since(STREAM, seen.id)
    assert _ids(resumed) == [1, 2, 3, 4], "each once, held ones first, in order"
    assert all(order_key(e.id) > order_key(seen.id) for e in resumed)


def test_the_releasing_thread_sends_held_events_without_waiting_for_another_publish(own_redis, make_bus):
    bus = make_bus()
    own_redis.stop()
    bus.publish(STREAM, "story.update", {"n": 1})
    time.sleep(0.5)  # it tries, and fails, meanwhile
    assert HeldEvent.objects.count() == 1
    own_redis.start()
    _wait_for(lambda: HeldEvent.objects.count() == 0)
    assert _ids(bus.since(STREAM, None)) == [1]


def test_another_process_sends_what_a_dead_one_held_before_its_own_after_a_restart(own_redis, make_bus):
    dead, alive = make_bus(), make_bus()
    own_redis.stop()
    dead.publish(STREAM, "comment.published", {"n": 1})
    dead.publish(STREAM, "comment.published", {"n": 2})
    dead.close()  # the process dies holding them
    own_redis.start()
    alive.publish(STREAM, "comment.published", {"n": 3})
    assert _ids(alive.since(STREAM, None)) == [1, 2, 3]


def test_a_process_that_held_events_sends_them_before_its_next_when_redis_kept_its_data(own_redis, make_bus):
    bus = make_bus()
    first = bus.publish(STREAM, "comment.edited", {"n": 0})
    own_redis.stop(keep_data=True)
    bus.publish(STREAM, "comment.edited", {"n": 1})
    own_redis.start()
    bus.publish(STREAM, "comment.edited", {"n": 2})
    _wait_for(lambda: HeldEvent.objects.count() == 0)
    assert _ids(bus.since(STREAM, first.id)) == [1, 2]
    assert _ids(bus.since(STREAM, None)) == [0, 1, 2]


def test_processes_releasing_at_once_send_each_held_event_once(own_redis, make_bus):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memorydb"):
        # Threads on the in-memory test database share one cache, whose table locks ignore
        # the busy timeout ("database table is locked"); a file database waits its turn.
        pytest.skip("in-memory SQLite locks tables between threads; the PostgreSQL pass runs it")
    for n in range(60):
        outbox.held_event_create(stream=STREAM, event_type="story.update", data_json=f'{{"n":{n}}}')
    buses = [make_bus() for _ in range(3)]
    errors: list[BaseException] = []

    def release(bus):
        try:
            bus.release_held()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=release, args=(bus,)) for bus in buses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert _ids(buses[0].since(STREAM, None)) == list(range(60))
    assert HeldEvent.objects.count() == 0


def test_a_committed_write_is_never_undone_by_the_outage(own_redis, make_bus, settings):
    """What services do: ``publish_on_commit`` while Redis is down holds the event."""
    OWN_REDIS["url"] = own_redis.url
    settings.LIVE_EVENT_BUS = "tests.live.buses.OwnRedisBus"
    reset_bus()
    try:
        own_redis.stop()
        publish_on_commit(article_id=1, event="comment.published", data={"n": 1})
        assert HeldEvent.objects.count() == 1
        own_redis.start()
        _wait_for(lambda: HeldEvent.objects.count() == 0)
        assert _ids(get_bus().since(article_stream(1), None)) == [1]
    finally:
        reset_bus()


# --- Readers while Redis is away: the stream waits, the poll answers.


@pytest.fixture
def own_bus(own_redis, settings):
    OWN_REDIS["url"] = own_redis.url
    settings.LIVE_EVENT_BUS = "tests.live.buses.OwnRedisBus"
    settings.LIVE_HEARTBEAT_SECONDS = 0.5
    reset_bus()
    yield get_bus()
    reset_bus()


@pytest.fixture
def story(db):
    return factories.article(headline="Storm hits the harbour", is_live=True)


def test_an_open_stream_waits_through_the_outage_and_then_delivers_what_was_held(own_redis, own_bus, story):
    stream_name = article_stream(story.pk)
    url = f"/api/v1/articles/{story.slug}/events"

    async def scenario():
        first = await sync_to_async(own_bus.publish)(stream_name, "comment.published", {"n": 0})
        response = await AsyncClient().get(url, headers={"Last-Event-ID": first.id})
        stream = AsgiStream(response)
        opened = await stream.next()
        await asyncio.to_thread(own_redis.stop)
        publish = sync_to_async(own_bus.publish)
        during = [await publish(stream_name, "comment.published", {"n": n}) for n in (1, 2)]
        heartbeats = [await stream.next(timeout=3) for _ in range(3)]  # still open, still talking
        await asyncio.to_thread(own_redis.start)
        after = await sync_to_async(own_bus.publish)(stream_name, "comment.published", {"n": 3})
        got = await stream.events(3, timeout=10)
        await stream.close()
        return opened, during, heartbeats, after, got

    opened, during, heartbeats, after, got = run(scenario, timeout=60)
    assert opened.event == "stream.open"
    assert during == [None, None], "held"
    assert all(m.is_heartbeat for m in heartbeats)
    assert [m.json["n"] for m in got] == [1, 2, 3]
    assert got[-1].id == after.id


def test_a_stream_opened_during_the_outage_with_a_cursor_waits_for_redis(own_redis, own_bus, story):
    stream_name = article_stream(story.pk)
    url = f"/api/v1/articles/{story.slug}/events"

    async def scenario():
        first = await sync_to_async(own_bus.publish)(stream_name, "comment.published", {"n": 0})
        await asyncio.to_thread(own_redis.stop)
        await sync_to_async(own_bus.publish)(stream_name, "comment.published", {"n": 1})
        response = await AsyncClient().get(url, headers={"Last-Event-ID": first.id})
        stream = AsgiStream(response)
        opened = await stream.next()
        await asyncio.to_thread(own_redis.start)
        got = await stream.events(1, timeout=10)
        await stream.close()
        return response.status_code, opened, first, got

    status, opened, first, got = run(scenario, timeout=60)
    assert status == 200
    assert (opened.event, opened.id) == ("stream.open", first.id)
    assert [m.json["n"] for m in got] == [1]


def test_a_stream_without_a_cursor_is_told_to_poll_while_redis_is_away(own_redis, own_bus, story):
    own_redis.stop()

    async def scenario():
        return await AsyncClient().get(f"/api/v1/articles/{story.slug}/events")

    response = run(scenario)
    assert response.status_code == 503
    assert response["Retry-After"]
    body = response.json()
    validate(body, ERROR_SCHEMA)
    assert body["error"]["code"] == "live_unavailable"


def test_the_poll_keeps_answering_and_resumes_after_the_outage(client, own_redis, own_bus, story):
    stream_name = article_stream(story.pk)
    url = f"/api/v1/articles/{story.slug}/events/poll"
    first = own_bus.publish(stream_name, "story.update", {"n": 0})
    own_redis.stop()
    own_bus.publish(stream_name, "story.update", {"n": 1})

    during = client.get(url, {"after": first.id})
    assert during.status_code == 200
    assert during.json()["events"] == []
    assert during.json()["last_event_id"] == first.id, "the cursor stays where it was"
    fresh = client.get(url)  # no cursor yet: one a little in the past, as a page's
    assert fresh.status_code == 200
    assert order_key(fresh.json()["last_event_id"]) < order_key(id_at(time.time()))

    own_redis.start()
    _wait_for(lambda: HeldEvent.objects.count() == 0)
    after = client.get(url, {"after": first.id}).json()
    assert [e["data"]["n"] for e in after["events"]] == [1]
