"""Loading the toxicity scorer ahead of the first comment — in server processes only.

The local model costs ~1.5 s and ~130 MB to load. Loading it at import or in
``AppConfig.ready()`` would charge that to every management command, migration and test
process. Instead the first request a process serves (``request_started``: only servers —
uvicorn, gunicorn, runserver, a live test server — serve requests) starts a background
thread that builds the configured scorer and calls its ``warm()``. A comment that arrives
while it loads waits on the same lock rather than loading it twice.

Only a request that may write starts it (anything but GET, HEAD, OPTIONS): a worker that
only ever serves reads never holds the model, which is most of a worker's memory
(docs/benchmarks.md, "Memory"). A worker's first comment then waits for the load, as it
would have right after the worker started.
"""

import logging
import threading

from django.core.signals import request_started

from masthead.moderation.scorers import get_scorer

log = logging.getLogger("masthead.moderation")

DISPATCH_UID = "masthead.moderation.warm"
_lock = threading.Lock()
_started = False


def warm_scorer() -> None:
    try:
        scorer = get_scorer()
        warm = getattr(scorer, "warm", None)
        if callable(warm):
            warm()
    except (
        Exception
    ) as exc:  # the toxicity rule reports an unusable scorer per comment (fail open to pending)
        log.warning("Could not load the toxicity scorer ahead of traffic: %s", exc)


_READS = {"GET", "HEAD", "OPTIONS"}


def _method(kwargs) -> str | None:
    """The request's method from ``request_started``'s arguments: ``scope`` under ASGI,
    ``environ`` under WSGI (None when neither says)."""
    scope = kwargs.get("scope")
    if scope is not None:
        return scope.get("method")
    environ = kwargs.get("environ")
    if environ is not None:
        return environ.get("REQUEST_METHOD")
    return None


def on_first_request(sender=None, **kwargs) -> None:
    global _started
    if _method(kwargs) in _READS:
        return
    with _lock:
        if _started:
            return
        _started = True
    request_started.disconnect(dispatch_uid=DISPATCH_UID)
    threading.Thread(target=warm_scorer, name="moderation-warm", daemon=True).start()


def connect() -> None:
    request_started.connect(on_first_request, dispatch_uid=DISPATCH_UID)
