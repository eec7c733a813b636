"""The moderation settings as the pipeline uses them: one immutable, compiled snapshot.

:func:`current` returns the snapshot of the stored settings. Each process keeps one and
checks a version stamp in the shared cache (one cache read) on every call, or once per
request while serving one: posting a comment asks twice (are comments closed here? then the
pipeline) and both answers come from the same snapshot. Saving the settings, a section's or
an article's mode changes the stamp after commit, and every process rebuilds its snapshot on
its next comment. With a per-process cache (no Redis) other processes catch up within
``MAX_AGE`` seconds.

:meth:`ModerationConfig.build` makes a snapshot from plain values, without a database:
the evaluation, the benchmark and unit tests use it.
"""

import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from functools import lru_cache
from types import MappingProxyType
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from masthead.moderation import defaults
from masthead.moderation.links import clean_domain
from masthead.moderation.normalize import WordList, clean_terms

POST, PRE, CLOSED = "post", "pre", "closed"
MODES = (POST, PRE, CLOSED)
LINK_POLICIES = ("allowlist", "hold_all", "allow_all")

VERSION_KEY = "moderation:settings-version"
MAX_AGE = 30.0  # seconds a snapshot is trusted without seeing the stamp change


def _lines(value: str | Iterable[str]) -> list[str]:
    return value.splitlines() if isinstance(value, str) else list(value)


@lru_cache(maxsize=16)
def _word_list(terms: tuple[str, ...]) -> WordList:
    return WordList(terms)


def _site_domain() -> str | None:
    return clean_domain(urlsplit(settings.SITE_URL).hostname or "")


@dataclass(frozen=True)
class ModerationConfig:
    mode: str = POST
    banned: WordList = field(default_factory=lambda: WordList(()))
    suspect: WordList = field(default_factory=lambda: WordList(()))
    allowed: WordList = field(default_factory=lambda: WordList(()))
    link_policy: str = "allowlist"
    link_allowlist: tuple[str, ...] = ()
    toxicity_threshold: float = 0.8
    new_reader_count: int = 2
    new_reader_probation_days: int = 7
    rejection_rate_threshold: float = 0.5
    rejection_rate_min_comments: int = 4
    # Reports (weighted) that send a published comment to the reported queue.
    report_threshold: int = 3
    # The same text from anyone this many times in an hour is held (texts this long or more).
    flood_threshold: int = 3
    flood_min_length: int = 40
    section_modes: Mapping[int, str] = field(default_factory=lambda: MappingProxyType({}))
    article_modes: Mapping[int, str] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def build(
        cls,
        *,
        banned_words: str | Iterable[str] = (),
        suspect_words: str | Iterable[str] = (),
        allowed_words: str | Iterable[str] = (),
        link_allowlist: str | Iterable[str] = (),
        section_modes: Mapping[int, str] | None = None,
        article_modes: Mapping[int, str] | None = None,
        **values,
    ) -> "ModerationConfig":
        """A snapshot from plain values; lists may be newline-separated text or iterables.
        The site's own domain joins the allow-list."""
        domains = {d for d in (clean_domain(x) for x in _lines(link_allowlist)) if d}
        if site := _site_domain():
            domains.add(site)
        return cls(
            banned=_word_list(tuple(clean_terms(_lines(banned_words)))),
            suspect=_word_list(tuple(clean_terms(_lines(suspect_words)))),
            allowed=_word_list(tuple(clean_terms(_lines(allowed_words)))),
            link_allowlist=tuple(sorted(domains)),
            section_modes=MappingProxyType(dict(section_modes or {})),
            article_modes=MappingProxyType(dict(article_modes or {})),
            **values,
        )

    @classmethod
    def defaults(cls, **overrides) -> "ModerationConfig":
        """What a new installation starts with (the shipped word lists), no database."""
        values = {
            "banned_words": defaults.banned_words(),
            "suspect_words": defaults.suspect_words(),
            "allowed_words": defaults.allowed_words(),
            "link_allowlist": defaults.allowed_domains(),
        }
        return cls.build(**{**values, **overrides})

    def with_changes(self, **changes) -> "ModerationConfig":
        return replace(self, **changes)

    def mode_for(self, *, article_id: int | None = None, section_id: int | None = None) -> str:
        """The article's own mode, else its section's, else the site's."""
        if article_id is not None and article_id in self.article_modes:
            return self.article_modes[article_id]
        if section_id is not None and section_id in self.section_modes:
            return self.section_modes[section_id]
        return self.mode


def from_database() -> ModerationConfig:
    """Two queries: the settings row (its defaults when none was saved yet) and every
    section's and article's own mode."""
    from django.db.models import F, Value

    from masthead.moderation.models import ArticleModeration, ModerationSettings, SectionModeration

    row = ModerationSettings.read()
    sections = SectionModeration.objects.annotate(kind=Value("section"), target=F("section_id"))
    articles = ArticleModeration.objects.annotate(kind=Value("article"), target=F("article_id"))
    modes: dict[str, dict[int, str]] = {"section": {}, "article": {}}
    for kind, target, mode in sections.values_list("kind", "target", "mode").union(
        articles.values_list("kind", "target", "mode"), all=True
    ):
        modes[kind][target] = mode
    return ModerationConfig.build(
        mode=row.mode,
        banned_words=row.banned_words,
        suspect_words=row.suspect_words,
        allowed_words=row.allowed_words,
        link_policy=row.link_policy,
        link_allowlist=row.link_allowlist,
        toxicity_threshold=row.toxicity_threshold,
        new_reader_count=row.new_reader_count,
        new_reader_probation_days=row.new_reader_probation_days,
        rejection_rate_threshold=row.rejection_rate_threshold,
        rejection_rate_min_comments=row.rejection_rate_min_comments,
        report_threshold=row.report_threshold,
        section_modes=modes["section"],
        article_modes=modes["article"],
    )


@dataclass(frozen=True)
class _Memo:
    version: str
    config: ModerationConfig
    at: float


class _RequestScope:
    """The snapshot this request has used, and when its stamp was read."""

    __slots__ = ("at", "memo")

    def __init__(self) -> None:
        self.memo: _Memo | None = None
        self.at = 0.0


_memo: _Memo | None = None
_lock = threading.Lock()
# Set from request_started to request_finished: outside a request (tasks, commands) every
# call reads the stamp. A request trusts the stamp it read for REQUEST_MAX_AGE at most, so a
# request_started never followed by its request_finished (a test sending the signal, a
# stream never read to its end) cannot pin a snapshot on its thread.
_request: ContextVar[_RequestScope | None] = ContextVar("moderation_config_request", default=None)
REQUEST_MAX_AGE = 1.0


def current() -> ModerationConfig:
    """The stored settings' snapshot (rebuilt only when they changed; the stamp is read once
    per request)."""
    global _memo
    memo, scope = _memo, _request.get()
    # ``memo`` is None or another object once this process changed or rebuilt the settings.
    if scope is not None and scope.memo is memo is not None and time.monotonic() - scope.at < REQUEST_MAX_AGE:
        return memo.config
    version = cache.get(VERSION_KEY)
    if memo is None or version != memo.version or time.monotonic() - memo.at >= MAX_AGE:
        with _lock:
            if version is None:
                cache.add(VERSION_KEY, uuid.uuid4().hex, None)
                version = cache.get(VERSION_KEY) or ""
            memo = _memo = _Memo(version=version, config=from_database(), at=time.monotonic())
    if scope is not None:
        scope.memo, scope.at = memo, time.monotonic()
    return memo.config


def invalidate() -> None:
    """Every process rebuilds its snapshot on its next comment."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    _forget_local()


def _forget_local() -> None:
    global _memo
    _memo = None


def _request_started(**kwargs) -> None:
    _request.set(_RequestScope())


def _request_finished(**kwargs) -> None:
    _request.set(None)


def _on_change(sender, **kwargs) -> None:
    # This process (this very transaction included) sees the change on its next comment;
    # the others once it is committed. A change rolled back may linger here for MAX_AGE.
    _forget_local()
    transaction.on_commit(invalidate)


def connect_signals() -> None:
    from masthead.moderation.models import ArticleModeration, ModerationSettings, SectionModeration

    request_started.connect(_request_started, dispatch_uid="masthead.moderation.config.request_started")
    request_finished.connect(_request_finished, dispatch_uid="masthead.moderation.config.request_finished")

    for model in (ModerationSettings, SectionModeration, ArticleModeration):
        uid = f"masthead.moderation.config.{model.__name__}"
        post_save.connect(_on_change, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=uid + ".delete")
