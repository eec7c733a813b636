"""The Server-Sent Events wire format, and one open stream as an async iterator."""

import asyncio
import json
import logging

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from masthead.live.bus import BusUnavailable, Event, EventBus
from masthead.live.caps import Slot

log = logging.getLogger("masthead.live")

OPEN_EVENT = "stream.open"
HEARTBEAT = b": heartbeat\n\n"


def _json(data: dict) -> str:
    # No newline can appear: json escapes control characters, so the data is one line.
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def encode(event_id: str, event_type: str, data: dict) -> bytes:
    return f"id: {event_id}\nevent: {event_type}\ndata: {_json(data)}\n\n".encode()


def encode_events(events: list[Event]) -> bytes:
    return b"".join(f"id: {e.id}\nevent: {e.type}\ndata: {e.data_json}\n\n".encode() for e in events)


class EventStream:
    """What the SSE response iterates: the replay after ``after``, then the live tail, with a
    heartbeat comment whenever ``LIVE_HEARTBEAT_SECONDS`` pass without an event.

    It first sends ``stream.open`` (its ``id`` is where the stream starts), so a client
    knows the stream really flows: a buffering proxy would hold it back, and the page then
    polls instead. The stream ends after ``LIVE_STREAM_MAX_SECONDS``; EventSource reconnects
    with ``Last-Event-ID`` (maybe to a less busy process) and misses nothing.

    ``close`` (Django calls it when the response is done, even one that never started)
    and the generator's ``finally`` both give the connection slot back; whichever runs first.
    """

    def __init__(self, *, bus: EventBus, stream: str, after: str | None, slot: Slot) -> None:
        self.bus = bus
        self.stream = stream
        self.after = after
        self.slot = slot

    def __aiter__(self):
        return self._run()

    def close(self) -> None:
        self.slot.release()

    async def _run(self):
        loop = asyncio.get_running_loop()
        ends = loop.time() + settings.LIVE_STREAM_MAX_SECONDS
        heartbeat = settings.LIVE_HEARTBEAT_SECONDS
        try:
            async with self.bus.subscribe(self.stream, after=self.after) as subscription:
                cursor = self.after or await self.bus.alatest_id(self.stream)
                retry = f"retry: {settings.LIVE_RETRY_MS}\n".encode()
                hello = {"last_event_id": cursor, "heartbeat_seconds": heartbeat}
                yield retry + encode(cursor, OPEN_EVENT, hello)
                while (remaining := ends - loop.time()) > 0:
                    events = await subscription.wait(cursor, min(heartbeat, remaining))
                    if events:
                        cursor = events[-1].id
                        yield encode_events(events)
                    else:
                        yield HEARTBEAT
        except BusUnavailable as exc:
            # Redis is away and this stream has no cursor to wait from (the view gives every
            # stream one, so this is a stream made elsewhere): end it; the client reconnects.
            log.warning("live: stream %s ended, the bus is unavailable (%s)", self.stream, exc)
        except Exception:
            log.exception("live: stream %s failed", self.stream)
        finally:
            self.slot.release()
