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

Redis outages (docs/live.md, "Redis outages"): an event Redis does not take is *held* in
the database (``live/outbox.py``) and sent, oldest first, as soon as Redis answers again,
getting its id then, so a reader resuming with ``Last-Event-ID`` receives it. While
anything is held, what this process publishes goes behind it. A marker key says "nothing
is held"; a publish that finds it gone (Redis restarted empty, or a process has begun
releasing what it held) sends what is held first, so after a restart held events go out
before anything new, whichever process held them. Readers wait through an outage: the
pump retries, open streams keep their cursor and heartbeat.
"""

import asyncio
import json
import logging
import threading
import time
import weakref
from collections import deque

import redis
import redis.asyncio
from django.conf import settings
from django.db import connections

from masthead.live import outbox
from masthead.live.bus import (
    REPLAY_SECONDS,
    ZERO_ID,
    BusUnavailable,
    Event,
    EventBus,
    Subscription,
    order_key,
)

log = logging.getLogger("masthead.live")

RING_SIZE = 500  # events per stream kept in each process's memory for the readers it holds
BLOCK_MS = 500  # how long one pump read waits; a stream first opened meanwhile waits this long
MAX_LENGTH = 10_000  # a ceiling on one stream's log, whatever the replay window says
PUMP_BACKOFF_MAX = 2.0  # seconds between a pump's tries while Redis is away
HOLD_SECONDS = 1.0  # after Redis failed a publish, hold without trying it again for this long
RELEASE_BACKOFF = (0.2, 2.0)  # the releasing thread's first and longest wait between tries
RELEASE_BATCH = 200
REDIS_ERRORS = (redis.RedisError, OSError)

# One round trip per publish, as the pipeline it replaced. The marker (KEYS[2]) says that
# nothing is held in the outbox; without it (Redis restarted empty, or a process has begun
# releasing) the caller sends what is held first. ARGV: type, data, MINID, MAXLEN, expiry,
# and "1" when the marker must be there.
_XADD = """
local id = redis.call('XADD', KEYS[1], 'MINID', '~', ARGV[3], '*', 'type', ARGV[1], 'data', ARGV[2])
redis.call('XTRIM', KEYS[1], 'MAXLEN', '~', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return id
"""
_ADD = (
    """
if ARGV[6] == '1' and redis.call('EXISTS', KEYS[2]) == 0 then return false end
"""
    + _XADD
)
# A held event (KEYS[2]: its "sent" mark): whoever sets the mark sends it, so two processes
# releasing the outbox at once, or one retrying after a failure, send each event once.
_RELEASE = (
    """
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[5]) then return false end
"""
    + _XADD
)


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
    def __init__(self, bus: "RedisBus", stream: str, after: str | None) -> None:
        super().__init__(stream)
        self._bus = bus
        self._after = after
        self._hub: _Hub | None = None
        self._state: _StreamState | None = None

    async def _open(self) -> None:
        self._hub = self._bus._hub()
        self._state = await self._hub.attach(self.stream, self._after)

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
        try:
            return await self._hub.range_after(self.stream, after)
        except BusUnavailable:
            # The gap is in Redis and Redis is away: wait (the pump wakes us when it reads
            # again, the heartbeat otherwise) and read it then. Never the ring's events
            # past a gap.
            return []


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

    async def attach(self, stream: str, after: str | None = None) -> _StreamState:
        state = self.streams.get(stream)
        if state is None:
            try:
                latest = await self.latest_id(stream)
            except BusUnavailable:
                if after is None:
                    raise
                # Redis is away: the pump starts from this reader's cursor (and so reads
                # what came after it, once Redis is back).
                latest = after
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
        try:
            newest = await self.client.xrevrange(self.bus.key(stream), "+", "-", count=1)
        except REDIS_ERRORS as exc:
            raise BusUnavailable(str(exc)) from exc
        return newest[0][0] if newest else ZERO_ID

    async def range_after(self, stream: str, after: str) -> list[Event]:
        try:
            entries = await self.client.xrange(self.bus.key(stream), f"({after}", "+", count=1000)
        except REDIS_ERRORS as exc:
            raise BusUnavailable(str(exc)) from exc
        return [_decode(stream, entry_id, fields) for entry_id, fields in entries]

    async def _run(self) -> None:
        delay = 0.1
        failed = False
        try:
            while self.streams:
                wanted = {self.bus.key(stream): state.cursor for stream, state in self.streams.items()}
                try:
                    reply = await self.client.xread(wanted, count=500, block=BLOCK_MS)
                except REDIS_ERRORS as exc:
                    if not failed:
                        log.warning("live: reading from Redis failed (%s); retrying until it answers", exc)
                    failed = True
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, PUMP_BACKOFF_MAX)
                    continue
                if failed:
                    # Redis is back: make sure what was held during the outage (by any
                    # process, even one that has since died) is sent, without waiting for
                    # the next publish.
                    log.warning("live: Redis answers again")
                    self.bus.release_soon()
                    failed = False
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
    """Redis Streams: shared by every process, replay log and live channel in one; events
    Redis refuses are held in the database until it takes them."""

    def __init__(
        self, url: str | None = None, replay_seconds: int | None = None, prefix: str | None = None
    ) -> None:
        self.url = url or settings.REDIS_URL
        if not self.url:
            raise ValueError("RedisBus needs REDIS_URL")
        self.replay_seconds = replay_seconds or getattr(settings, "LIVE_REPLAY_SECONDS", REPLAY_SECONDS)
        self.prefix = f"{prefix if prefix is not None else settings.CACHE_KEY_PREFIX}:live:"
        self.max_connections = getattr(settings, "LIVE_REDIS_MAX_CONNECTIONS", 20)
        self._client = redis.Redis.from_url(
            self.url, decode_responses=True, socket_timeout=5, socket_connect_timeout=2
        )
        self._add = self._client.register_script(_ADD)
        self._release = self._client.register_script(_RELEASE)
        self._hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Hub] = weakref.WeakKeyDictionary()
        # The outbox, as this process knows it. ``_holding``: something this process held
        # may still wait (its publishes go behind it); ``_holds`` counts holds, so a release
        # that raced a new hold does not clear ``_holding``.
        self._state_lock = threading.Lock()
        self._release_lock = threading.Lock()  # one release at a time in this process
        self._holding = False
        self._holds = 0
        self._retry_at = 0.0
        self._releaser: threading.Thread | None = None
        self._closed = threading.Event()

    def key(self, stream: str) -> str:
        return self.prefix + stream

    def stream_of(self, key: str) -> str:
        return key[len(self.prefix) :]

    @property
    def clear_key(self) -> str:
        """The marker: present while nothing is held (stream keys are ``article:…``)."""
        return self.prefix + "outbox:clear"

    def _sent_key(self, held) -> str:
        return f"{self.prefix}outbox:sent:{held.token}"

    def _args(self, event_type: str, data_json: str) -> list:
        horizon_ms = int((time.time() - self.replay_seconds) * 1000)
        return [event_type, data_json, f"{horizon_ms}-0", MAX_LENGTH, self.replay_seconds + 60]

    def _xadd(self, draft: Event, *, only_if_clear: bool) -> str | None:
        args = [*self._args(draft.type, draft.data_json), "1" if only_if_clear else "0"]
        return self._add(keys=[self.key(draft.stream), self.clear_key], args=args)

    # --- Publishing

    def publish(self, stream: str, event_type: str, data: dict) -> Event | None:
        draft = Event(id="", stream=stream, type=event_type, data=data)
        if not self._holding:
            try:
                entry_id = self._xadd(draft, only_if_clear=True)
            except REDIS_ERRORS as exc:
                return self._hold(draft, exc)
            if entry_id is not None:
                return self._sent(draft, entry_id)
            # The marker is gone: Redis restarted (held events may wait), or another
            # process is releasing. Held events go first.
        return self._publish_behind_held(draft)

    def _publish_behind_held(self, draft: Event) -> Event | None:
        if self._holding and time.monotonic() < self._retry_at:
            # Redis failed a moment ago: hold at once rather than make every request that
            # publishes wait on it (a hung Redis costs a timeout). The releasing thread
            # keeps trying.
            return self._hold(draft, None)
        if not self._release_lock.acquire(blocking=False):
            # Another thread of this process is releasing (maybe waiting on a Redis that
            # hangs): go behind what it releases rather than wait for it.
            return self._hold(draft, None)
        try:
            self._release_held()
            entry_id = self._xadd(draft, only_if_clear=False)
        except REDIS_ERRORS as exc:
            return self._hold(draft, exc)
        finally:
            self._release_lock.release()
        return self._sent(draft, entry_id)

    @staticmethod
    def _sent(draft: Event, entry_id: str) -> Event:
        event = Event(id=entry_id, stream=draft.stream, type=draft.type, data=draft.data)
        event.__dict__["data_json"] = draft.data_json
        return event

    def _hold(self, draft: Event, error: Exception | None) -> Event | None:
        """Keep the event in the database; the releasing thread sends it once Redis answers."""
        outbox.held_event_create(stream=draft.stream, event_type=draft.type, data_json=draft.data_json)
        with self._state_lock:
            if not self._holding and error is not None:
                log.warning("live: Redis did not take an event (%s); holding events until it does", error)
            self._holding = True
            self._holds += 1
            if error is not None:
                self._retry_at = time.monotonic() + HOLD_SECONDS
            self._start_releaser()
        return None

    def _release_held(self) -> int:
        """Send every held event, oldest first, then set the marker. The caller holds
        ``_release_lock``; raises what Redis raises (what was sent stays sent: its mark)."""
        with self._state_lock:
            holds_before = self._holds
        # Without the marker, other processes' publishes come through here too: nothing
        # overtakes what is being released.
        self._client.delete(self.clear_key)
        released = 0
        while batch := outbox.held_events_oldest(limit=RELEASE_BATCH):
            for held in batch:
                self._release(
                    keys=[self.key(held.stream), self._sent_key(held)],
                    args=self._args(held.type, held.data),
                )
            outbox.held_events_delete(ids=[held.pk for held in batch])
            released += len(batch)
        self._client.set(self.clear_key, "1")
        with self._state_lock:
            if self._holds == holds_before:
                self._holding = False
        if released:
            log.warning("live: sent %d events held while Redis was away", released)
        return released

    def release_held(self) -> int:
        """Send what is held now (tests, and the releasing thread). Raises ``BusUnavailable``."""
        with self._release_lock:
            try:
                return self._release_held()
            except REDIS_ERRORS as exc:
                raise BusUnavailable(str(exc)) from exc

    def release_soon(self) -> None:
        """Release what is held, in a thread of its own (a pump saw Redis come back)."""
        with self._state_lock:
            self._start_releaser()

    def _start_releaser(self) -> None:  # the caller holds _state_lock
        if self._releaser is None and not self._closed.is_set():
            self._releaser = threading.Thread(
                target=self._keep_releasing, name="masthead-live-release", daemon=True
            )
            self._releaser.start()

    def _keep_releasing(self) -> None:
        delay, longest = RELEASE_BACKOFF
        try:
            while not self._closed.is_set():
                try:
                    self.release_held()
                except BusUnavailable:
                    pass
                except Exception:
                    log.exception("live: releasing held events failed")
                else:
                    with self._state_lock:
                        if not self._holding:
                            self._releaser = None
                            return
                self._closed.wait(delay)
                delay = min(delay * 2, longest)
        finally:
            with self._state_lock:
                if self._releaser is threading.current_thread():
                    self._releaser = None
            connections.close_all()  # this thread's own

    # --- Reading

    def since(self, stream: str, last_id: str | None, limit: int | None = None) -> list[Event]:
        horizon = f"{int((time.time() - self.replay_seconds) * 1000)}-0"
        start = f"({last_id}" if last_id else horizon
        try:
            entries = self._client.xrange(self.key(stream), start, "+", count=limit)
        except REDIS_ERRORS as exc:
            raise BusUnavailable(str(exc)) from exc
        return [_decode(stream, entry_id, fields) for entry_id, fields in entries]

    def latest_id(self, stream: str) -> str:
        try:
            newest = self._client.xrevrange(self.key(stream), "+", "-", count=1)
        except REDIS_ERRORS as exc:
            raise BusUnavailable(str(exc)) from exc
        return newest[0][0] if newest else ZERO_ID

    async def alatest_id(self, stream: str) -> str:
        return await self._hub().latest_id(stream)

    def _hub(self) -> _Hub:
        loop = asyncio.get_running_loop()
        hub = self._hubs.get(loop)
        if hub is None:
            hub = self._hubs[loop] = _Hub(self)
        return hub

    def subscribe(self, stream: str, after: str | None = None) -> Subscription:
        return _RedisSubscription(self, stream, after)

    def close(self) -> None:
        self._closed.set()
        releaser = self._releaser
        if releaser is not None and releaser is not threading.current_thread():
            releaser.join(timeout=5)
        self._client.close()
