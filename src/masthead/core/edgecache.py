"""Anonymous reads answered from the worker's memory, in front of Django (ASGI).

Pages that Django already serves alike to every anonymous reader mark their responses
with an ``X-Page-Cache`` header (``core.pagecache.cache_anonymous_page``: the article page,
listings; the comments API's first pages). This layer keeps such a response whole in the
worker process for ``EDGE_CACHE_SECONDS`` and answers the same URL from there without
entering Django at all: no middleware, no thread hop, no cache or database round trip.

Only a GET without credentials is answered here: no ``Authorization`` header, no session
or flash-message cookie. A response is kept only if it is a 200 with the header, sets no
cookie and varies on nothing but ``Cookie``/``Accept-Encoding``; the key is the scheme,
``Host`` and the full path, as Django's own page cache keys it.

Freshness: ``pagecache.bump()`` in this process drops every copy this process holds at
once (so a worker always sees its own writes); copies in other workers expire within
``EDGE_CACHE_SECONDS`` (1 s by default; 0 turns this layer off). While one request renders
an expired page afresh, the others get the expired copy instead of piling onto Django.
"""

import itertools
import time
from dataclasses import dataclass

_MAX_BODY = 2 * 1024 * 1024
_MAX_ENTRIES = 256
_BYPASS_COOKIES = (b"messages=",)
_VARY_OK = {b"cookie", b"accept-encoding", b""}

_generations = itertools.count(1)
_generation = 0


def forget() -> None:
    """Drop every copy this process holds (``pagecache.bump`` calls this)."""
    global _generation
    _generation = next(_generations)


@dataclass
class _Entry:
    headers: list
    body: bytes
    expires: float
    generation: int
    refreshing: bool = False


class EdgeCache:
    def __init__(self, app, *, seconds: float, session_cookie: str = "sessionid"):
        self.app = app
        self.seconds = seconds
        self.bypass = (f"{session_cookie}=".encode(), *_BYPASS_COOKIES)
        self.entries: dict[tuple, _Entry] = {}

    def _key(self, scope) -> tuple | None:
        if scope["type"] != "http" or scope["method"] != "GET":
            return None
        host = b""
        for name, value in scope["headers"]:
            if name == b"authorization":
                return None
            if name == b"cookie" and any(b in value for b in self.bypass):
                return None
            if name == b"host":
                host = value
        return (
            scope.get("scheme", "http"),
            host,
            scope.get("raw_path") or scope["path"],
            scope["query_string"],
        )

    async def __call__(self, scope, receive, send):
        key = self._key(scope)
        if key is None:
            return await self.app(scope, receive, send)
        entry = self.entries.get(key)
        if entry is not None and entry.generation == _generation:
            if time.monotonic() < entry.expires or entry.refreshing:
                await send({"type": "http.response.start", "status": 200, "headers": entry.headers})
                await send({"type": "http.response.body", "body": entry.body})
                return None
            entry.refreshing = True
        try:
            await self._fill(key, scope, receive, send)
        finally:
            if entry is not None:
                entry.refreshing = False

    async def _fill(self, key, scope, receive, send) -> None:
        generation = _generation
        start: dict = {}
        parts: list[bytes] = []
        size = 0
        keep = True

        async def capture(message) -> None:
            nonlocal keep, size
            if message["type"] == "http.response.start":
                start.update(message)
                keep = message["status"] == 200 and _cacheable(message.get("headers", []))
            elif message["type"] == "http.response.body" and keep:
                parts.append(message.get("body", b""))
                size += len(parts[-1])
                if size > _MAX_BODY:
                    keep = False
                elif not message.get("more_body", False):
                    self._store(key, start, b"".join(parts), generation)
            await send(message)

        await self.app(scope, receive, capture)

    def _store(self, key, start: dict, body: bytes, generation: int) -> None:
        if generation != _generation:
            return  # the content changed while this response was being made
        headers = [(n, v) for n, v in start.get("headers", []) if n.lower() != b"content-length"]
        headers += [(b"content-length", str(len(body)).encode()), (b"x-edge-cache", b"hit")]
        self.entries.pop(key, None)
        while len(self.entries) >= _MAX_ENTRIES:
            self.entries.pop(next(iter(self.entries)))
        self.entries[key] = _Entry(headers, body, time.monotonic() + self.seconds, generation)


def _cacheable(headers) -> bool:
    marked = False
    for name, value in headers:
        name = name.lower()
        if name == b"set-cookie":
            return False
        if name == b"x-page-cache":
            marked = True
        elif name == b"vary" and any(v.strip().lower() not in _VARY_OK for v in value.split(b",")):
            return False
    return marked


def wrap(app):
    """The ASGI application behind the edge cache (or as it is, with EDGE_CACHE_SECONDS=0)."""
    from django.conf import settings

    seconds = float(getattr(settings, "EDGE_CACHE_SECONDS", 1.0))
    if seconds <= 0:
        return app
    return EdgeCache(app, seconds=seconds, session_cookie=settings.SESSION_COOKIE_NAME)
