"""The live event bus: an interface, and the in-process implementation (one server process).

A bus keeps a short replay log per stream so a reader reconnecting with ``Last-Event-ID``
gets what they missed. Event ids increase within a stream.
"""

import abc
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

REPLAY_SECONDS = 3600


@dataclass(frozen=True)
class Event:
    id: str
    stream: str
    type: str
    data: dict
    at: float = field(default_factory=time.time)


class EventBus(abc.ABC):
    """Interface. ``publish`` is called by services after commit; ``since`` serves replays."""

    @abc.abstractmethod
    def publish(self, stream: str, event_type: str, data: dict) -> Event: ...

    @abc.abstractmethod
    def since(self, stream: str, last_id: str | None) -> list[Event]:
        """Events in ``stream`` after ``last_id`` (all of the last hour when None)."""


class InProcessBus(EventBus):
    """Everything in this process's memory: right for one server process, zero setup."""

    def __init__(self, replay_seconds: int = REPLAY_SECONDS, max_events: int = 5000) -> None:
        self._lock = threading.Lock()
        self._logs: dict[str, deque[Event]] = {}
        self._counter = 0
        self._replay_seconds = replay_seconds
        self._max_events = max_events

    def publish(self, stream: str, event_type: str, data: dict) -> Event:
        with self._lock:
            self._counter += 1
            event = Event(id=f"{time.time_ns()}-{self._counter}", stream=stream, type=event_type, data=data)
            log = self._logs.setdefault(stream, deque(maxlen=self._max_events))
            log.append(event)
            self._trim(log)
        return event

    def since(self, stream: str, last_id: str | None) -> list[Event]:
        with self._lock:
            log = self._logs.get(stream)
            if not log:
                return []
            self._trim(log)
            events = list(log)
        if last_id is None:
            return events
        return [e for e in events if _order(e.id) > _order(last_id)]

    def _trim(self, log: deque) -> None:
        horizon = time.time() - self._replay_seconds
        while log and log[0].at < horizon:
            log.popleft()


def _order(event_id: str) -> tuple[int, int]:
    try:
        stamp, seq = event_id.split("-", 1)
        return int(stamp), int(seq)
    except ValueError:
        return (0, 0)


@cache
def get_bus() -> EventBus:
    return import_string(settings.LIVE_EVENT_BUS)()
