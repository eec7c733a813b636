"""What the pipeline needs to know about a reader's past, and where it gets it.

The comments app owns the comments, so it answers: either the draft it hands the pipeline
carries a :class:`ReaderHistory` (or a callable returning one), or the setting
``MODERATION_READER_HISTORY`` names a function ``(author, *, since, exclude_comment_id)
-> ReaderHistory`` (see docs/moderation.md, "Reader history"). Without either, the rules
that need a history (new readers, repeats from the history, rejection rate) stay silent:
the pipeline never guesses that a reader is new.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from masthead.moderation.normalize import fingerprint

# "Recent" for the rejection rate; the provider is asked for counts since now - this.
RECENT = timedelta(days=30)
# How far back a reader's own bodies count as "the same text again".
REPEAT_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class ReaderHistory:
    """A reader's record, not counting the comment being assessed.

    ``approved_count`` and ``rejected_count`` are all-time counts of comments moderation
    published (or a moderator approved) and rejected; ``recent_*`` count the same since
    ``since`` (30 days by default). ``last_rejected_at`` is the latest rejection.
    ``recent_bodies`` are the texts of the reader's comments of the last 24 hours (newest
    first; 50 are plenty) — or give ``recent_fingerprints`` (``normalize.fingerprint`` of
    each) instead, if that is what you store.
    """

    approved_count: int = 0
    rejected_count: int = 0
    recent_approved_count: int = 0
    recent_rejected_count: int = 0
    last_rejected_at: datetime | None = None
    recent_bodies: Sequence[str] = ()
    recent_fingerprints: frozenset[str] = field(default_factory=frozenset)

    def fingerprints(self) -> frozenset[str]:
        if not self.recent_bodies:
            return self.recent_fingerprints
        return self.recent_fingerprints | {fingerprint(body) for body in self.recent_bodies}

    @property
    def recent_decided(self) -> int:
        return self.recent_approved_count + self.recent_rejected_count

    @property
    def recent_rejection_rate(self) -> float:
        return self.recent_rejected_count / self.recent_decided if self.recent_decided else 0.0


HistoryProvider = Callable[..., ReaderHistory | None]


@cache
def _provider(path: str) -> HistoryProvider | None:
    return import_string(path) if path else None


def history_for(author, *, exclude_comment_id: int | None = None) -> ReaderHistory | None:
    """The configured provider's answer for ``author``, or None when none is configured."""
    provider = _provider(getattr(settings, "MODERATION_READER_HISTORY", ""))
    if provider is None or author is None:
        return None
    return provider(author, since=timezone.now() - RECENT, exclude_comment_id=exclude_comment_id)


def reset() -> None:
    _provider.cache_clear()
