"""Which page-cache versions newsroom pages depend on (see masthead.core.pagecache)."""

import math
import time

from django.core.cache import cache
from django.db import transaction

from masthead.core import pagecache
from masthead.newsroom.services import NEWSROOM

_NEXT_SCHEDULED = "newsroom:next-scheduled"


def _schedule_tick() -> None:
    """A scheduled article going live changes every listing without anyone saving anything:
    remember when the next one is due, and bump the newsroom version once it is."""
    due = cache.get(_NEXT_SCHEDULED)
    if due is not None and due > time.time():
        return
    from masthead.newsroom.selectors import next_scheduled_at

    if due is not None:
        pagecache.bump(NEWSROOM)
    upcoming = next_scheduled_at()
    cache.set(_NEXT_SCHEDULED, upcoming.timestamp() if upcoming else math.inf, timeout=3600)


def schedule_changed() -> None:
    transaction.on_commit(lambda: cache.delete(_NEXT_SCHEDULED))


def listing_keys(*extra: str) -> tuple[str, ...]:
    _schedule_tick()
    return (NEWSROOM, *extra)


def article_keys(article_id: int) -> tuple[str, ...]:
    return listing_keys(f"article:{article_id}")
