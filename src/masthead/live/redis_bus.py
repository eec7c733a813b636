"""The Redis event bus: what lets a comment posted through process A reach readers on B.

Each stream is a Redis Stream (``<CACHE_KEY_PREFIX>:live:article:42``) that is at once the
replay log and the live channel:

- ``publish`` is one ``XADD`` that trims entries older than the replay window (``MINID``),
  plus a length cap and an expiry, so an article nobody talks about costs nothing an hour on.
  Redis assigns the id (``<ms>-<seq>``), so ids are totally ordered across every process.
- Each event loop (one per uvicorn worker) runs one *pump*: a single ``XREAD BLOCK`` over
  every stream that loop's readers hold open, continuing from the last id it read. What it
  reads goes into a small per-stream ring in memory, and the readers waiting on that stream
  are woken to take what is after their own cursor. A thousand readers of one article cost
  one Redis read per event, not a thousand.
- A reader whose cursor is older than the ring (a reconnect with ``Last-Event-ID``, or one
  that fell behind) reads the gap with ``XRANGE`` first.

Reading the live tail from the same log as the replay is what makes a reconnect exact:
there is no moment between "replay" and "subscribe" in which an event could fall through,
and the cursor filter means nothing is delivered twice. (Plain pub/sub would lose whatever
is published while a reader is between the two.)
"""

import asyncio
import json
import logging
import time
import weakref
from collections import deque

import redis
import redis.asyncio
from django.conf import settings

from masthead.live.bus import REPLAY_SECONDS, ZERO_ID, Event, EventBus, Subscription, order_key

log = logging.getLogger("masthead.live")

RING_SIZE = 500  # events per stream kept in each process's memory for the readers it holds
BLOCK_MS = 500  # how long one pump read waits; a stream first opened meanwhile waits this long
MAX_LENGTH = 10_000  # a ceiling on one stream's log, whatever the replay window says


def _decode(stream: str, entry_id: str, fields: dict) -> Event:
    ms = int(entry_id.split("-", 1)[0])
    data = json.loads(fields["data"])
    event = Event(id=entry_id, stream=stream, type=fields["type"], data=data, at=ms / 1000)
    event.__dict__["data_json"] = fields["data"]  # the JSON as published: no need to make it again
    return event


def _entries(reply) -> list[tuple[str, list]]:
    """XREAD's reply as [(key, entries)], whichever protocol (RESP2 list, RESP3 dict)."""
    if not reply:
        return []
    if isinstance(reply, dict):
        return [
            (key, entries[0] if entries and isinstance(entries[0], list) else entries)
            for key, entries in reply.items()
        ]
    return [(key, entries) for key, entries in reply]


class _StreamState:
    """What one loop knows of one stream: everything after ``floor`` up to ``cursor`` is in
    ``ring``."""

    def __init__(self, latest: str) -> None:
        self.refs = 0
        self.cursor = latest
        self.floor = latest
        self.ring: deque[Event] = deque()
        self.pulse = asyncio.Event()

    def add(self, events: list[Event]) -> None:
        self.ring.extend(events)
        self.cursor = events[-1].id
        while len(self.ring) > RING_SIZE:
            self.floor = self.ring.popleft().id
        pulse, self.pulse = self.pulse, asyncio.Event()
        pulse.set()


class _RedisSubscription(Subscription):
    def __init__(self, bus: "RedisBus", stream: str) -> None:
        super().__init__(stream)
        self._bus = bus
        self._hub: _Hub | None = None
        self._state: _StreamState | None = None

    async def _open(self) -> None:
        self._hub = self._bus._hub()
        self._state = await self._hub.attach(self.stream)

    def _close(self) -> None:
        if self._state is not None:
            self._hub.detach(self.stream, self._state)
            self._state = None

    def _pulse(self) -> asyncio.Event:
        return self._state.pulse

    async def _read(self, after: str) -> list[Event]:
        state = self._state
        cursor = order_key(after)
        if cursor >= order_key(state.floor):
            newer = []
            for event in reversed(state.ring):
                if event.key <= cursor:
                    break
                newer.append(event)
            return newer[::-1]
        return await self._hub.range_after(self.stream, after)


class _Hub:
    """One event loop's connection to Redis and its pump."""

    def __init__(self, bus: "RedisBus") -> None:
        self.bus = bus
        pool = redis.asyncio.BlockingConnectionPool.from_url(
            bus.url, max_connections=bus.max_connections, timeout=10, decode_responses=True
        )
        self.client = redis.asyncio.Redis(connection_pool=pool)
        self.streams: dict[str, _StreamState] = {}
        self.pump: asyncio.Task | None = None

    async def attach(self, stream: str) -> _StreamState:
        state = self.streams.get(stream)
        if state is None:
            latest = await self.latest_id(stream)
            state = self.streams.get(stream)  # another reader may have got here during the await
            if state is None:
                state = self.streams[stream] = _StreamState(latest)
        state.refs += 1
        if self.pump is None or self.pump.done() or self.pump.cancelling():
            self.pump = asyncio.get_running_loop().create_task(self._run(), name="masthead-live-pump")
        return state

    def detach(self, stream: str, state: _StreamState) -> None:
        state.refs -= 1
        if state.refs <= 0 and self.streams.get(stream) is state:
            del self.streams[stream]
        if not self.streams and self.pump is not None:
            # Stop reading at once rather than at the end of the current block: the loop may
            # be about to close (a test's, or a worker shutting down).
            self.pump.cancel()

    async def latest_id(self, stream: str) -> str:
        newest = await self.client.xrevrange(self.bus.key(stream), "+", "-", count=1)
        return newest[0][0] if newest else ZERO_ID

    async def range_after(self, stream: str, after: str) -> list[Event]:
        entries = await self.client.xrange(self.bus.key(stream), f"({after}", "+", count=1000)
        return [_decode(stream, entry_id, fields) for entry_id, fields in entries]

    async def _run(self) -> None:
        delay = 0.1
        try:
            while self.streams:
                wanted = {self.bus.key(stream): state.cursor for stream, state in self.streams.items()}
                try:
                    reply = await self.client.xread(wanted, count=500, block=BLOCK_MS)
                except (redis.RedisError, OSError):
                    log.exception("live: reading from Redis failed; retrying in %.1fs", delay)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 5.0)
                    continue
                delay = 0.1
                for key, entries in _entries(reply):
                    stream = self.bus.stream_of(key)
                    state = self.streams.get(stream)
                    if state is None or not entries:
                        continue  # every reader left while we were reading
                    events = [_decode(stream, entry_id, fields) for entry_id, fields in entries]
                    events = [e for e in events if e.key > order_key(state.cursor)]
                    if events:
                        state.add(events)
        finally:
            if self.pump is asyncio.current_task():
                self.pump = None


class RedisBus(EventBus):
    """Redis Streams: shared by every process, replay log and live channel in one."""

    def __init__(
        self, url: str | None = None, replay_seconds: int | None = None, prefix: str | None = None
    ) -> None:
        self.url = url or settings.REDIS_URL
        if not self.url:
            raise ValueError("RedisBus needs REDIS_URL")
        self.replay_seconds = replay_seconds or getattr(settings, "LIVE_REPLAY_SECONDS", REPLAY_SECONDS)
        self.prefix = f"{prefix if prefix is not None else settings.CACHE_KEY_PREFIX}:live:"
        self.max_connections = getattr(settings, "LIVE_REDIS_MAX_CONNECTIONS", 20)
        self._client = redis.Redis.from_url(self.url, decode_responses=True, socket_timeout=5)
        self._hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Hub] = weakref.WeakKeyDictionary()

    def key(self, stream: str) -> str:
        return self.prefix + stream

    def stream_of(self, key: str) -> str:
        return key[len(self.prefix) :]

    def publish(self, stream: str, event_type: str, data: dict) -> Event:
        key = self.key(stream)
        horizon_ms = int((time.time() - self.replay_seconds) * 1000)
        pipe = self._client.pipeline(transaction=False)
        draft = Event(id="", stream=stream, type=event_type, data=data)
        fields = {"type": event_type, "data": draft.data_json}
        pipe.xadd(key, fields, minid=f"{horizon_ms}-0", approximate=True)
        pipe.xtrim(key, maxlen=MAX_LENGTH, approximate=True)
        pipe.expire(key, self.replay_seconds + 60)
        entry_id, *_ = pipe.execute()
        return Event(id=entry_id, stream=stream, type=event_type, data=data)

    def since(self, stream: str, last_id: str | None, limit: int | None = None) -> list[Event]:
        horizon = f"{int((time.time() - self.replay_seconds) * 1000)}-0"
        start = f"({last_id}" if last_id else horizon
        entries = self._client.xrange(self.key(stream), start, "+", count=limit)
        return [_decode(stream, entry_id, fields) for entry_id, fields in entries]

    def latest_id(self, stream: str) -> str:
        newest = self._client.xrevrange(self.key(stream), "+", "-", count=1)
        return newest[0][0] if newest else ZERO_ID

    async def alatest_id(self, stream: str) -> str:
        return await self._hub().latest_id(stream)

    def _hub(self) -> _Hub:
        loop = asyncio.get_running_loop()
        hub = self._hubs.get(loop)
        if hub is None:
            hub = self._hubs[loop] = _Hub(self)
        return hub

    def subscribe(self, stream: str) -> Subscription:
        return _RedisSubscription(self, stream)

    def close(self) -> None:
        self._client.close()
