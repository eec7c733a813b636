"""Whole-page caching for anonymous readers, invalidated by version bumps.

Each cached page is keyed by its URL and the current version of every piece of content it
shows ("article:42", "newsroom"). A service that changes content calls ``bump()`` after
commit, so the next request renders afresh; nothing has to find and delete old entries.
"""

import functools
import hashlib
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from masthead.core import edgecache


def _version_key(name: str) -> str:
    return f"pagever:{name}"


def versions(names: Iterable[str]) -> list[str]:
    names = list(names)
    found = cache.get_many([_version_key(n) for n in names])
    out = []
    for name in names:
        value = found.get(_version_key(name))
        if value is None:
            value = str(time.time_ns())
            cache.add(_version_key(name), value, timeout=None)
            value = cache.get(_version_key(name), value)
        out.append(str(value))
    return out


def bump(*names: str) -> None:
    """Make every cached page showing any of ``names`` stale."""
    cache.set_many({_version_key(n): str(time.time_ns()) for n in names}, timeout=None)
    edgecache.forget()  # this process's in-memory copies, at once (others' expire shortly)


def _personal(request: HttpRequest) -> bool:
    """Whether the page just rendered holds something for this visitor only. Their CSRF
    token or flash message would otherwise be served to every anonymous reader after them
    (the cookies that go with them are only set by middleware, after the view returns)."""
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # set by get_token(), i.e. {% csrf_token %}
        return True
    messages = getattr(request, "_messages", None)
    return messages is not None and len(messages) > 0


def cache_anonymous_page(keys: Callable[..., Iterable[str]]):
    """Cache a view's 200 responses for anonymous GETs, keyed by ``keys(request, **kwargs)``."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
                return view(request, *args, **kwargs)
            names = list(keys(request, *args, **kwargs))
            # Scheme and host too: pages carry absolute links (canonical, og:url).
            where = [request.scheme, request.get_host(), request.get_full_path()]
            digest = hashlib.sha256("|".join([*where, *names, *versions(names)]).encode()).hexdigest()
            key = f"page:{digest}"
            hit = cache.get(key)
            if hit is not None:
                content, content_type = hit
                response = HttpResponse(content, content_type=content_type)
                response["X-Page-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if response.status_code == 200 and not response.cookies and not _personal(request):
                cache.set(
                    key,
                    (response.content, response["Content-Type"]),
                    timeout=settings.PAGE_CACHE_SECONDS,
                )
                response["X-Page-Cache"] = "miss"
            return response

        return wrapper

    return decorator
