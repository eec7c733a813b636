"""The event bus, both implementations: ids, replay, waiting, and no loss between them."""

import asyncio
import random
import threading
import time

import pytest

from masthead.live import redis_bus as redis_bus_module
from masthead.live.bus import BusUnavailable, InProcessBus, id_at, is_event_id, order_key
from tests.live.buses import TestRedisBus
from tests.live.sse_client import run


def test_ids_are_ordered_as_numbers_not_strings():
    assert order_key("1700000000000-10") > order_key("1700000000000-9")
    assert order_key("1700000000001-0") > order_key("1700000000000-99")
    assert order_key("5") == (5, 0)
    for bad in ("", "abc", "1-2-3", "-1", "12-", "1" * 16):
        assert not is_event_id(bad)
        with pytest.raises(ValueError):
            order_key(bad)


def test_an_id_at_a_time_sorts_before_what_is_published_after_it(bus):
    cursor = id_at(time.time() - 1)
    event = bus.publish("article:1", "story.update", {"id": 1})
    assert event.key > order_key(cursor)
    assert [e.id for e in bus.since("article:1", cursor)] == [event.id]


def test_publish_then_since_replays_in_order(bus):
    ids = [bus.publish("article:1", "comment.published", {"id": n}).id for n in range(50)]
    assert [order_key(i) for i in ids] == sorted(order_key(i) for i in ids), "ids increase"
    assert len(set(ids)) == 50
    assert [e.data["id"] for e in bus.since("article:1", None)] == list(range(50))
    assert [e.data["id"] for e in bus.since("article:1", ids[39])] == list(range(40, 50))
    assert bus.since("article:1", ids[-1]) == []
    assert [e.data["id"] for e in bus.since("article:1", ids[9], limit=3)] == [10, 11, 12]
    assert bus.latest_id("article:1") == ids[-1]


def test_streams_are_separate(bus):
    bus.publish("article:1", "story.update", {"id": 1})
    bus.publish("article:2", "story.update", {"id": 2})
    assert [e.data for e in bus.since("article:2", None)] == [{"id": 2}]
    assert bus.latest_id("article:3") == "0-0"
    assert bus.since("article:3", None) == []


def test_events_carry_type_and_data_unchanged(bus):
    data = {"id": 7, "body_html": "<p>café “quotes”\nand a line</p>", "author": {"badges": ["staff"]}}
    bus.publish("article:1", "comment.edited", data)
    (event,) = bus.since("article:1", None)
    assert (event.type, event.data, event.stream) == ("comment.edited", data, "article:1")


def test_the_replay_log_keeps_one_window():
    bus = InProcessBus(replay_seconds=60)
    old = bus.publish("article:1", "story.update", {"id": 1})
    bus._logs["article:1"][0] = type(old)(
        id=old.id, stream=old.stream, type=old.type, data=old.data, at=time.time() - 61
    )
    fresh = bus.publish("article:1", "story.update", {"id": 2})
    assert [e.id for e in bus.since("article:1", None)] == [fresh.id]
    assert [e.id for e in bus.since("article:1", "0-0")] == [fresh.id]


def test_redis_trims_its_log_to_the_window(redis_bus):
    redis_bus.replay_seconds = 1
    redis_bus.publish("article:1", "story.update", {"id": 1})
    time.sleep(1.2)
    fresh = redis_bus.publish("article:1", "story.update", {"id": 2})
    assert [e.id for e in redis_bus.since("article:1", None)] == [fresh.id]
    ttl = redis_bus._client.ttl(redis_bus.key("article:1"))
    assert 0 < ttl <= 61, "a quiet article's log expires on its own"


def test_wait_returns_what_is_already_there(bus):
    first = bus.publish("article:1", "story.update", {"id": 1})
    second = bus.publish("article:1", "story.update", {"id": 2})

    async def scenario():
        async with bus.subscribe("article:1") as subscription:
            return await subscription.wait(first.id, timeout=2)

    assert [e.id for e in run(scenario)] == [second.id]


def test_wait_times_out_empty(bus):
    async def scenario():
        async with bus.subscribe("article:1") as subscription:
            started = time.monotonic()
            events = await subscription.wait(bus.latest_id("article:1"), timeout=0.3)
            return events, time.monotonic() - started

    events, took = run(scenario)
    assert events == []
    assert 0.25 <= took < 2


def test_a_publish_from_another_thread_wakes_the_waiter_at_once(bus):
    async def scenario():
        async with bus.subscribe("article:1") as subscription:
            cursor = await bus.alatest_id("article:1")
            timer = threading.Timer(0.2, lambda: bus.publish("article:1", "story.update", {"id": 9}))
            timer.start()
            started = time.monotonic()
            events = await subscription.wait(cursor, timeout=5)
            return events, time.monotonic() - started

    events, took = run(scenario)
    assert [e.data for e in events] == [{"id": 9}]
    assert took < 1.0, f"woken {took:.2f}s after waiting began"


def test_a_subscriber_misses_nothing_and_gets_nothing_twice_under_a_stream_of_publishes(bus):
    """Publishes land at random moments relative to the subscriber's read-then-wait cycle."""
    total = 300

    def publisher():
        for n in range(total):
            bus.publish("article:1", "comment.published", {"id": n})
            if random.random() < 0.3:  # noqa: S311 - timing jitter, not secrecy
                time.sleep(random.random() / 200)  # noqa: S311

    async def scenario():
        received = []
        async with bus.subscribe("article:1") as subscription:
            cursor = await bus.alatest_id("article:1")
            thread = threading.Thread(target=publisher)
            thread.start()
            while len(received) < total:
                events = await subscription.wait(cursor, timeout=3)
                assert events, f"stalled after {len(received)} events"
                received.extend(e.data["id"] for e in events)
                cursor = events[-1].id
            await asyncio.to_thread(thread.join)
            assert await subscription.wait(cursor, timeout=0.3) == []
        return received

    assert run(scenario, timeout=30) == list(range(total))


def test_many_subscribers_on_one_loop_all_get_the_event(bus):
    async def reader(cursor):
        async with bus.subscribe("article:1") as subscription:
            return await subscription.wait(cursor, timeout=5)

    async def scenario():
        cursor = await bus.alatest_id("article:1")
        readers = [asyncio.create_task(reader(cursor)) for _ in range(200)]
        await asyncio.sleep(0.3)  # all of them waiting
        await asyncio.to_thread(bus.publish, "article:1", "story.update", {"id": 1})
        return await asyncio.gather(*readers)

    results = run(scenario)
    assert all([e.data for e in events] == [{"id": 1}] for events in results)


def test_redis_bus_carries_events_between_processes(redis_bus):
    """Two bus objects with their own connections stand for two server processes."""
    other_process = TestRedisBus()

    async def scenario():
        async with redis_bus.subscribe("article:5") as subscription:
            cursor = await redis_bus.alatest_id("article:5")
            await asyncio.to_thread(other_process.publish, "article:5", "comment.published", {"id": 1})
            return await subscription.wait(cursor, timeout=3)

    try:
        events = run(scenario)
    finally:
        other_process.close()
    assert [(e.type, e.data) for e in events] == [("comment.published", {"id": 1})]


def test_a_redis_reader_behind_the_ring_reads_the_gap_from_redis(redis_bus, monkeypatch):
    monkeypatch.setattr(redis_bus_module, "RING_SIZE", 5)

    async def scenario():
        async with redis_bus.subscribe("article:1") as subscription:
            start = await redis_bus.alatest_id("article:1")
            for n in range(20):
                await asyncio.to_thread(redis_bus.publish, "article:1", "story.update", {"id": n})
            got, cursor = [], start
            while len(got) < 20:
                events = await subscription.wait(cursor, timeout=3)
                assert events
                got.extend(e.data["id"] for e in events)
                cursor = events[-1].id
            hub = redis_bus._hubs[asyncio.get_running_loop()]
            return got, len(hub.streams["article:1"].ring)

    got, ring = run(scenario)
    assert got == list(range(20))
    assert ring <= 5


def test_redis_readers_share_one_pump_per_loop(redis_bus):
    async def scenario():
        async with redis_bus.subscribe("article:1"), redis_bus.subscribe("article:2"):
            hub = redis_bus._hubs[asyncio.get_running_loop()]
            pump = hub.pump
            async with redis_bus.subscribe("article:1"):
                assert hub.pump is pump
                assert hub.streams["article:1"].refs == 2
        await asyncio.sleep(0)
        return hub

    hub = run(scenario)
    assert hub.streams == {}, "streams nobody reads are dropped"
    assert hub.pump is None or hub.pump.done()


def test_reading_a_redis_that_is_away_says_the_bus_is_unavailable():
    """Readers wait or are told to poll (tests/live/test_outbox.py); publishing holds the
    event instead (same file)."""
    bus = redis_bus_module.RedisBus(url="redis://127.0.0.1:1/0", prefix="nowhere")
    try:
        with pytest.raises(BusUnavailable):
            bus.since("article:1", None)
        with pytest.raises(BusUnavailable):
            bus.latest_id("article:1")
        with pytest.raises(BusUnavailable):
            run(bus.alatest_id, "article:1")
    finally:
        bus.close()
