"""The live event bus: an interface, and the in-process implementation (one server process).

A bus keeps a short replay log per stream so a reader reconnecting with ``Last-Event-ID``
gets what they missed, and wakes the async subscribers that hold streams open.

Event ids are ``<milliseconds>-<sequence>``, the shape Redis gives stream entries, and are
totally ordered within a stream: compare them with :func:`order_key`, never as strings.
Both buses hand out ids from a clock that never goes back, so an id a reader kept across a
server restart still sorts before everything published after it.

Publishing is synchronous (services run in a thread, the event is sent from
``transaction.on_commit``); waiting is asynchronous (the SSE view runs on an event loop).
uvicorn runs one loop per worker process and tests may run several, so whatever wakes
waiters is kept per loop and reached from the publishing thread with
``loop.call_soon_threadsafe``.
"""

import abc
import asyncio
import contextlib
import json
import logging
import re
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.module_loading import import_string

log = logging.getLogger("masthead.live")

REPLAY_SECONDS = 3600
ZERO_ID = "0-0"
_ID = re.compile(r"^(\d{1,15})(?:-(\d{1,12}))?$")


class BusUnavailable(Exception):
    """The bus cannot be read just now (Redis away). Readers wait, or are told to come back;
    publishing never raises it (an event that cannot be sent is held: docs/live.md)."""


def order_key(event_id: str) -> tuple[int, int]:
    """Where an id sorts in its stream. Raises ValueError for anything that is not an id."""
    match = _ID.match(event_id or "")
    if match is None:
        raise ValueError(f"Not a live event id: {event_id!r}")
    return int(match[1]), int(match[2] or 0)


def is_event_id(value: str) -> bool:
    return _ID.match(value or "") is not None


def id_at(seconds: float) -> str:
    """The id a stream had reached at wall-clock time ``seconds``: events published later sort
    after it. Pages carry one so their first connection replays what the page has not shown."""
    return f"{max(int(seconds * 1000), 0)}-0"


@dataclass(frozen=True)
class Event:
    id: str
    stream: str
    type: str
    data: dict
    at: float = field(default_factory=time.time)

    @property
    def key(self) -> tuple[int, int]:
        return order_key(self.id)

    @cached_property
    def data_json(self) -> str:
        """``data`` as one line of JSON, made once however many readers the event goes to."""
        return json.dumps(self.data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


class Subscription(abc.ABC):
    """One open stream's view of the bus: ``wait`` for what comes after a cursor.

    An async context manager (a class, not a generator: a stream abandoned mid-way is
    cleaned up by ``__aexit__`` as the stream's generator unwinds, with no second generator
    to be finalized in some other order)."""

    def __init__(self, stream: str) -> None:
        self.stream = stream

    async def __aenter__(self) -> "Subscription":
        await self._open()
        return self

    async def __aexit__(self, *exc_info) -> None:
        self._close()

    @abc.abstractmethod
    async def _open(self) -> None: ...

    @abc.abstractmethod
    def _close(self) -> None: ...

    @abc.abstractmethod
    def _pulse(self) -> asyncio.Event:
        """An asyncio.Event set the next time something is published on the stream."""

    @abc.abstractmethod
    async def _read(self, after: str) -> list[Event]:
        """Events after ``after`` that the bus already holds (no waiting)."""

    async def wait(self, after: str, timeout: float) -> list[Event]:
        """Events after ``after``, waiting up to ``timeout`` seconds for some; [] if none came.

        The pulse is taken before reading, so a publish landing between the read and the
        wait still wakes us: nothing is missed, and the read's cursor filter means nothing is
        delivered twice.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            pulse = self._pulse()
            events = await self._read(after)
            if events:
                return events
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            try:
                async with asyncio.timeout(remaining):
                    await pulse.wait()
            except TimeoutError:
                return []


class EventBus(abc.ABC):
    """Interface. ``publish`` is called by services after commit; ``since`` serves replays and
    polling; ``subscribe`` serves the streams held open by the SSE view."""

    replay_seconds: int = REPLAY_SECONDS

    @abc.abstractmethod
    def publish(self, stream: str, event_type: str, data: dict) -> Event | None:
        """Send an event; it is given its id now. ``None``: the bus could not take it yet and
        holds it, to send it (with an id given then) as soon as it can."""

    @abc.abstractmethod
    def since(self, stream: str, last_id: str | None, limit: int | None = None) -> list[Event]:
        """Events in ``stream`` after ``last_id`` (all of the last hour when None), oldest
        first, at most ``limit`` of them. Raises ``BusUnavailable``."""

    @abc.abstractmethod
    def latest_id(self, stream: str) -> str:
        """The id of the stream's newest event (``0-0`` when it has none). Raises
        ``BusUnavailable``."""

    async def alatest_id(self, stream: str) -> str:
        return self.latest_id(stream)

    @abc.abstractmethod
    def subscribe(self, stream: str, after: str | None = None) -> Subscription:
        """``async with bus.subscribe(stream) as sub: events = await sub.wait(cursor, 15)``.

        ``after``: the reader's cursor, when it has one; with it a bus that cannot be read
        just now still opens the subscription, which waits until the bus is back."""

    def close(self) -> None:  # noqa: B027 - optional: only buses holding connections override it
        """Let go of connections (tests swap buses)."""


class IdClock:
    """Redis's rule for stream ids: milliseconds, plus a sequence within one millisecond, never
    going back even if the wall clock does."""

    def __init__(self) -> None:
        self._last = (0, 0)

    def next(self) -> str:  # the caller holds the bus's lock
        now = time.time_ns() // 1_000_000
        ms, seq = self._last
        self._last = (now, 0) if now > ms else (ms, seq + 1)
        return f"{self._last[0]}-{self._last[1]}"


class _LoopPulses:
    """Per event loop: one asyncio.Event per stream that someone waits on, set and dropped on
    publish (the next waiter makes a fresh one)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.pulses: dict[str, asyncio.Event] = {}
        self.interest: dict[str, int] = {}

    def pulse(self, stream: str) -> asyncio.Event:
        event = self.pulses.get(stream)
        if event is None:
            event = self.pulses[stream] = asyncio.Event()
        return event

    def wake(self, stream: str) -> None:
        event = self.pulses.pop(stream, None)
        if event is not None:
            event.set()


class _InProcessSubscription(Subscription):
    def __init__(self, bus: "InProcessBus", stream: str) -> None:
        super().__init__(stream)
        self._bus = bus
        self._pulses: _LoopPulses | None = None

    async def _open(self) -> None:
        self._pulses = self._bus._register(asyncio.get_running_loop(), self.stream)

    def _close(self) -> None:
        if self._pulses is not None:
            self._bus._unregister(self._pulses, self.stream)
            self._pulses = None

    def _pulse(self) -> asyncio.Event:
        return self._pulses.pulse(self.stream)

    async def _read(self, after: str) -> list[Event]:
        return self._bus.since(self.stream, after, limit=1000)


class InProcessBus(EventBus):
    """Everything in this process's memory: right for one server process, zero setup.

    With several processes a reader connected to one never hears what another published:
    set ``REDIS_URL`` (the Redis bus) as soon as there is more than one.
    """

    def __init__(self, replay_seconds: int | None = None, max_events: int = 5000) -> None:
        self._lock = threading.Lock()
        self._logs: dict[str, deque[Event]] = {}
        self._clock = IdClock()
        self.replay_seconds = replay_seconds or getattr(settings, "LIVE_REPLAY_SECONDS", REPLAY_SECONDS)
        self._max_events = max_events
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopPulses] = (
            weakref.WeakKeyDictionary()
        )
        self._published = 0

    def publish(self, stream: str, event_type: str, data: dict) -> Event:
        with self._lock:
            event = Event(id=self._clock.next(), stream=stream, type=event_type, data=data)
            log_ = self._logs.setdefault(stream, deque(maxlen=self._max_events))
            log_.append(event)
            self._trim(log_)
            self._published += 1
            if self._published % 1000 == 0:
                self._sweep()
            loops = [p for p in self._loops.values() if p.interest.get(stream)]
        for pulses in loops:
            try:
                pulses.loop.call_soon_threadsafe(pulses.wake, stream)
            except RuntimeError:  # that loop has closed: nobody there to wake
                continue
        return event

    def since(self, stream: str, last_id: str | None, limit: int | None = None) -> list[Event]:
        after = order_key(last_id) if last_id else None
        with self._lock:
            log_ = self._logs.get(stream)
            if not log_:
                return []
            self._trim(log_)
            if after is None:
                events = list(log_)
            else:
                newer = []
                for event in reversed(log_):  # the newest few are what a live reader wants
                    if event.key <= after:
                        break
                    newer.append(event)
                events = newer[::-1]
        return events[:limit] if limit else events

    def latest_id(self, stream: str) -> str:
        with self._lock:
            log_ = self._logs.get(stream)
            return log_[-1].id if log_ else ZERO_ID

    def subscribe(self, stream: str, after: str | None = None) -> Subscription:
        return _InProcessSubscription(self, stream)

    def _register(self, loop: asyncio.AbstractEventLoop, stream: str) -> _LoopPulses:
        with self._lock:
            pulses = self._loops.get(loop)
            if pulses is None:
                pulses = self._loops[loop] = _LoopPulses(loop)
            pulses.interest[stream] = pulses.interest.get(stream, 0) + 1
        return pulses

    def _unregister(self, pulses: _LoopPulses, stream: str) -> None:
        with self._lock:
            left = pulses.interest.get(stream, 1) - 1
            if left:
                pulses.interest[stream] = left
            else:
                pulses.interest.pop(stream, None)
                pulses.pulses.pop(stream, None)

    def _trim(self, log_: deque) -> None:
        horizon = time.time() - self.replay_seconds
        while log_ and log_[0].at < horizon:
            log_.popleft()

    def _sweep(self) -> None:
        for stream in list(self._logs):
            self._trim(self._logs[stream])
            if not self._logs[stream]:
                del self._logs[stream]


@cache
def get_bus() -> EventBus:
    return import_string(settings.LIVE_EVENT_BUS)()


def reset_bus() -> None:
    """Forget the configured bus (tests, or after changing ``LIVE_EVENT_BUS``)."""
    if get_bus.cache_info().currsize:
        with contextlib.suppress(Exception):
            get_bus().close()
    get_bus.cache_clear()


def safely(call: Callable[[], object]) -> None:
    """Run a publish from ``on_commit``: a failing bus must never fail a write that has
    already committed. (The Redis bus holds what Redis refuses, so this catches only what
    went wrong beyond that, e.g. the database refusing to hold it too; it is logged.)"""
    try:
        call()
    except Exception:
        log.exception("live: publishing an event failed")
