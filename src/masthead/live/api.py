"""`/api/v1/articles/{slug}/events`: live events, streamed (SSE) or polled.

The stream is an async view (ninja runs it on the server's event loop): under ASGI the
connection costs a socket and a few kilobytes, never a thread. The poll endpoint is the
same events as JSON, for pages whose stream cannot be held (a proxy that buffers, the
connection caps, a WSGI server).
"""

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from masthead.accounts.client import client_ip
from masthead.core.errors import MastheadError
from masthead.live import selectors
from masthead.live.bus import BusUnavailable, get_bus, is_event_id
from masthead.live.caps import slots
from masthead.live.events import page_cursor
from masthead.live.sse import OPEN_EVENT, EventStream, encode, encode_events

router = Router(tags=["live"])

ID_PATTERN = r"^\d{1,15}(-\d{1,12})?$"
POLL_LIMIT = 200


class ErrorDetail(Schema):
    code: str
    message: str


class ErrorOut(Schema):
    error: ErrorDetail


class LiveEventOut(Schema):
    id: str = Field(description="Totally ordered within the article's stream; pass it back as `after`.")
    event: str = Field(
        description="comment.published, comment.edited, comment.removed, comment.featured, story.update"
    )
    data: dict


class PollOut(Schema):
    events: list[LiveEventOut]
    last_event_id: str = Field(description="Where to continue from: `after` on the next poll.")
    more: bool = Field(description="More events are waiting: poll again at once.")
    poll_seconds: int = Field(description="How long to wait before the next poll.")


class EventsQuery(Schema):
    last_event_id: str | None = Field(
        None,
        max_length=40,
        pattern=ID_PATTERN,
        description="Where to start when the Last-Event-ID header is absent (a first connection).",
    )


class PollQuery(Schema):
    after: str | None = Field(None, max_length=40, pattern=ID_PATTERN, description="The last id seen.")
    last_event_id: str | None = Field(None, max_length=40, pattern=ID_PATTERN, description="Same as `after`.")


def _last_event_id(request: HttpRequest, query_value: str | None) -> str | None:
    """The header (EventSource sends it on every reconnect) beats the query (the page's
    starting point, still on the URL after a reconnect)."""
    header = request.headers.get("Last-Event-ID", "").strip()
    if header:
        if not is_event_id(header):
            raise MastheadError(
                "validation_error",
                "Some fields are not valid.",
                422,
                fields={"Last-Event-ID": ["Not an event id from this stream."]},
            )
        return header
    return query_value


_STREAM_DOC = {
    "responses": {
        200: {
            "description": "`text/event-stream`: `stream.open`, then the events (`id:`, `event:`, `data:` "
            "holding the JSON object concerned) and a `: heartbeat` comment every "
            "LIVE_HEARTBEAT_SECONDS. Reconnect with `Last-Event-ID` to get everything missed in "
            "the last hour.",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
    },
    "parameters": [
        {
            "in": "header",
            "name": "Last-Event-ID",
            "required": False,
            "schema": {"type": "string", "pattern": ID_PATTERN},
            "description": "The last event id received: replay what came after it, then go on live.",
        }
    ],
}


@router.get(
    "/articles/{slug}/events",
    response={404: ErrorOut, 422: ErrorOut, 429: ErrorOut, 503: ErrorOut},
    summary="Live events of an article (Server-Sent Events)",
    url_name="live_article_events",
    openapi_extra=_STREAM_DOC,
)
async def article_events(request: HttpRequest, slug: str, query: Query[EventsQuery]):
    after = _last_event_id(request, query.last_event_id)
    stream = await sync_to_async(_stream_get)(viewer=request.user, slug=slug)
    if not isinstance(request, ASGIRequest):
        return await sync_to_async(_short_poll)(stream, after)
    if after is None:
        after = await _newest(stream)
    slot = slots.acquire(client_ip(request))
    response = StreamingHttpResponse(
        EventStream(bus=get_bus(), stream=stream, after=after, slot=slot),
        content_type="text/event-stream; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on as it comes
    return response


@router.get(
    "/articles/{slug}/events/poll",
    response={200: PollOut, 404: ErrorOut, 422: ErrorOut},
    summary="Live events of an article after an id, as JSON (for clients that cannot hold a stream)",
    url_name="live_article_events_poll",
)
def article_events_poll(request: HttpRequest, slug: str, query: Query[PollQuery], response: HttpResponse):
    stream = selectors.article_stream_get(viewer=request.user, slug=slug)
    bus = get_bus()
    after = query.after or query.last_event_id
    response["Cache-Control"] = "no-cache"
    try:
        if after is None:
            newest = bus.latest_id(stream)
            return {"events": [], "last_event_id": newest, "more": False, "poll_seconds": _poll()}
        events = bus.since(stream, after, limit=POLL_LIMIT + 1)
    except BusUnavailable:
        # Redis is away: nothing to give yet, and nothing lost (events published meanwhile
        # are held, and come after this cursor once it is back). A first poll starts a
        # little in the past, as a page does: what it then replays twice, the client skips.
        return {"events": [], "last_event_id": after or page_cursor(), "more": False, "poll_seconds": _poll()}
    more, events = len(events) > POLL_LIMIT, events[:POLL_LIMIT]
    return {
        "events": [{"id": e.id, "event": e.type, "data": e.data} for e in events],
        "last_event_id": events[-1].id if events else after,
        "more": more,
        "poll_seconds": 0 if more else _poll(),
    }


def _stream_get(*, viewer, slug: str) -> str:
    """The stream to follow, and the database connection given back at once: a stream stays
    open for up to LIVE_STREAM_MAX_SECONDS, and Django returns a request's connection only
    when its response closes, so each open stream held one (the soak: 50 live readers took
    the whole pool and every other request waited; without a pool, PostgreSQL's
    max_connections)."""
    try:
        return selectors.article_stream_get(viewer=viewer, slug=slug)
    finally:
        if not connection.in_atomic_block:  # (a test's transaction: leave it be)
            connection.close()


def _short_poll(stream: str, after: str | None) -> HttpResponse:
    """Under a WSGI server (runserver, gunicorn's sync workers) a held stream would take a
    whole thread for as long as the reader stays: answer with what is new and end. The
    ``retry`` makes EventSource come back after LIVE_POLL_SECONDS with its Last-Event-ID,
    so the stream still misses nothing; it just arrives by the poll."""
    bus = get_bus()
    try:
        cursor = after or bus.latest_id(stream)
        events = bus.since(stream, cursor, limit=POLL_LIMIT)
    except BusUnavailable:  # Redis is away: come back later, as from any poll
        cursor, events = after or page_cursor(), []
    hello = {"last_event_id": cursor, "heartbeat_seconds": None}
    body = f"retry: {_poll() * 1000}\n".encode() + encode(cursor, OPEN_EVENT, hello) + encode_events(events)
    response = HttpResponse(body, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


async def _newest(stream: str) -> str:
    """Where a stream without a cursor starts: the newest event. With Redis away there is
    no knowing it: 503, and the client polls (EventSource gives up on a 503 at once)."""
    try:
        return await get_bus().alatest_id(stream)
    except BusUnavailable as exc:
        raise MastheadError(
            "live_unavailable",
            "Live events are unavailable for a moment; poll the events instead.",
            503,
            headers={"Retry-After": str(_poll())},
        ) from exc


def _poll() -> int:
    return settings.LIVE_POLL_SECONDS
