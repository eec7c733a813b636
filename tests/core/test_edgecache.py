"""The edge cache in front of Django (masthead.core.edgecache): what it keeps, for whom,
and how soon a change shows."""

import asyncio
import concurrent.futures

from masthead.core import edgecache, pagecache


class FakeApp:
    """An ASGI app answering 200 with a counter, marked cacheable unless told otherwise."""

    def __init__(self, headers=((b"x-page-cache", b"hit"),), status=200):
        self.calls = 0
        self.headers = list(headers)
        self.status = status

    async def __call__(self, scope, receive, send):
        self.calls += 1
        body = f"render {self.calls}".encode()
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": body})


def _get(app, path="/articles/a/", headers=(), method="GET", query=b""):
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "headers": [(b"host", b"127.0.0.1:8000"), *headers],
    }
    # In a thread of its own: a browser test earlier in the run may leave an event loop in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    start = sent[0]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], dict(start["headers"]), body


def test_a_marked_anonymous_page_is_answered_from_memory():
    inner = FakeApp()
    app = edgecache.EdgeCache(inner, seconds=60)
    assert _get(app)[2] == b"render 1"
    status, headers, body = _get(app)
    assert (status, body, inner.calls) == (200, b"render 1", 1)
    assert headers[b"x-edge-cache"] == b"hit"
    assert headers[b"content-length"] == b"8"
    assert _get(app, query=b"sort=top")[2] == b"render 2"  # another URL, another copy


def test_readers_with_credentials_always_reach_django():
    inner = FakeApp()
    app = edgecache.EdgeCache(inner, seconds=60, session_cookie="sessionid")
    _get(app)
    assert _get(app, headers=[(b"cookie", b"csrftoken=x; sessionid=abc")])[2] == b"render 2"
    assert _get(app, headers=[(b"cookie", b"messages=abc")])[2] == b"render 3"
    assert _get(app, headers=[(b"authorization", b"Bearer mhp_x")])[2] == b"render 4"
    assert _get(app, method="HEAD")[2] == b"render 5"
    assert _get(app, headers=[(b"cookie", b"csrftoken=x")])[2] == b"render 1"  # anonymous still


def test_only_marked_cookieless_200s_are_kept():
    for headers, status in (
        ([], 200),  # not marked by Django's page cache
        ([(b"x-page-cache", b"hit"), (b"set-cookie", b"a=b")], 200),
        ([(b"x-page-cache", b"hit"), (b"vary", b"Accept-Language")], 200),
        ([(b"x-page-cache", b"hit")], 404),
    ):
        inner = FakeApp(headers=headers, status=status)
        app = edgecache.EdgeCache(inner, seconds=60)
        _get(app)
        _get(app)
        assert inner.calls == 2, headers


def test_a_change_in_this_process_shows_at_once_and_copies_expire(monkeypatch):
    inner = FakeApp()
    app = edgecache.EdgeCache(inner, seconds=60)
    _get(app)
    pagecache.bump("thread:1")  # what every service that changes content calls
    assert _get(app)[2] == b"render 2"
    assert _get(app)[2] == b"render 2"

    clock = [1000.0]
    monkeypatch.setattr(edgecache.time, "monotonic", lambda: clock[0])
    expiring = edgecache.EdgeCache(FakeApp(), seconds=1)
    assert _get(expiring)[2] == b"render 1"
    clock[0] += 0.5
    assert _get(expiring)[2] == b"render 1"
    clock[0] += 1
    assert _get(expiring)[2] == b"render 2"


def test_wrap_is_a_no_op_when_switched_off(settings):
    inner = FakeApp()
    settings.EDGE_CACHE_SECONDS = 0
    assert edgecache.wrap(inner) is inner
    settings.EDGE_CACHE_SECONDS = 1
    assert isinstance(edgecache.wrap(inner), edgecache.EdgeCache)
