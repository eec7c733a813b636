"""Badges beside readers' names (staff, the article's author, Premium supporter…).

Apps that know a reason for a badge register a provider; the comments app asks for the
badges of everyone on a page in one call per provider (no per-comment queries).
A provider is ``fn(*, reader_ids: set[int], article) -> dict[int, list[str]]``.

Every page, reply list and posted comment shows badges, so each worker remembers a
reader's badges (per article) for ``BADGE_CACHE_SECONDS`` (60 by default; 0: ask the
providers every time). A provider names the models whose changes can change its answer
(``changed_by``); saving or deleting any of them (now, and again after commit) makes every worker's
remembered badges stale at once (a version in the shared cache, read once per call).
What only time changes — a membership lapsing at the end of its period — shows within
``BADGE_CACHE_SECONDS``, as a cached page shows it within ``PAGE_CACHE_SECONDS``.
"""

import threading
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

BadgeProvider = Callable[..., dict[int, list[str]]]
_providers: list[BadgeProvider] = []

VERSION_NAME = "badges"
_MAX_ENTRIES = 50_000
_lock = threading.Lock()
_remembered: dict[tuple[int | None, int], tuple[float, tuple[str, ...]]] = {}
_remembered_version: list[str | None] = [None]


def register_badge_provider(provider: BadgeProvider, *, changed_by: Iterable = ()) -> BadgeProvider:
    """Register (usable as a decorator); call from ``AppConfig.ready()``. ``changed_by``:
    the models (or many-to-many ``through`` models) whose saves and deletions may change
    what ``provider`` answers."""
    if provider not in _providers:
        _providers.append(provider)
    for sender in changed_by:
        uid = f"masthead.core.badges:{sender._meta.label}"
        post_save.connect(_changed, sender=sender, dispatch_uid=uid + ":save")
        post_delete.connect(_changed, sender=sender, dispatch_uid=uid + ":delete")
        m2m_changed.connect(_changed, sender=sender, dispatch_uid=uid + ":m2m")
    return provider


def _changed(sender=None, update_fields=None, action=None, **kwargs) -> None:
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed: once, after the change
    if update_fields is not None and set(update_fields) <= {"last_login", "last_used_at"}:
        return  # a sign-in or a token's use changes no badge
    forget()
    transaction.on_commit(forget)  # and again, past anything read before the commit


def forget() -> None:
    """Make every worker's remembered badges stale (after a change that may alter them)."""
    from masthead.core import pagecache

    pagecache.bump(VERSION_NAME)


def _ask(ids: set[int], article) -> dict[int, list[str]]:
    badges: dict[int, list[str]] = {i: [] for i in ids}
    for provider in _providers:
        for reader_id, names in provider(reader_ids=ids, article=article).items():
            badges.setdefault(reader_id, []).extend(n for n in names if n not in badges[reader_id])
    return badges


def badges_for(*, reader_ids: Iterable[int], article=None) -> dict[int, list[str]]:
    ids = {i for i in reader_ids if i is not None}
    if not ids:
        return {}
    seconds = getattr(settings, "BADGE_CACHE_SECONDS", 60)
    if seconds <= 0:
        return _ask(ids, article)
    from masthead.core import pagecache

    (version,) = pagecache.versions([VERSION_NAME])
    article_id = getattr(article, "pk", None)
    now = time.monotonic()
    found: dict[int, list[str]] = {}
    with _lock:
        if _remembered_version[0] != version or len(_remembered) > _MAX_ENTRIES:
            _remembered.clear()
            _remembered_version[0] = version
        for reader_id in ids:
            entry = _remembered.get((article_id, reader_id))
            if entry is not None and entry[0] > now:
                found[reader_id] = list(entry[1])
    missing = ids - found.keys()
    if missing:
        fresh = _ask(missing, article)
        expires = now + seconds
        with _lock:
            if _remembered_version[0] == version:
                for reader_id, names in fresh.items():
                    _remembered[(article_id, reader_id)] = (expires, tuple(names))
        found.update(fresh)
    return found
