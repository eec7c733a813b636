"""Short-lived memory the pipeline keeps for itself, in the shared cache (Redis when set).

- **Revise once**: when the toxicity scorer flags a first attempt the reader is asked to
  revise it (422 ``revise_suggested``) and nothing is stored. The pipeline remembers, for
  ten minutes, the reader + body fingerprint (sending the same text again is then held as
  pending) and the reader + article (a second flagged text in that conversation is held
  too: one chance, not a way to probe the scorer).
- **Seen bodies**: each reader's body fingerprints of the last 24 hours (recorded when the
  repeats rule looks), so posting the same text again, here or under another story, is
  held even before the comments app supplies a history.
- **Floods**: how many times anyone submitted a given (long enough) text in the last hour:
  the same paragraph from several accounts is a spam run.

Keys expire by themselves; losing them (a cache flush) only makes the pipeline forget.
"""

from django.core.cache import cache

from masthead.core.cache import Script, default_redis

REVISE_SECONDS = 10 * 60
SEEN_SECONDS = 24 * 60 * 60
FLOOD_SECONDS = 60 * 60

_PREFIX = "moderation:"


def _revise_body_key(author_id, fp: str) -> str:
    return f"{_PREFIX}revise:{author_id}:{fp}"


def _revise_thread_key(author_id, article_id) -> str:
    return f"{_PREFIX}revise-thread:{author_id}:{article_id}"


def revise_suggested(*, author_id, article_id, fp: str) -> None:
    """Remember that this reader was asked to revise this text in this conversation (and
    forget it as "seen": nothing was stored, so sending it again is not a repeat but the
    answer to the suggestion, which the toxicity rule judges)."""
    cache.set_many(
        {_revise_body_key(author_id, fp): 1, _revise_thread_key(author_id, article_id): 1},
        REVISE_SECONDS,
    )
    cache.delete(_seen_key(author_id, fp))


def revise_chance_used(*, author_id, article_id, fp: str) -> str | None:
    """``"same_text"`` if this reader was asked to revise this very text in the last ten
    minutes, ``"same_thread"`` if another text in this conversation, else None."""
    found = cache.get_many([_revise_body_key(author_id, fp), _revise_thread_key(author_id, article_id)])
    if _revise_body_key(author_id, fp) in found:
        return "same_text"
    if _revise_thread_key(author_id, article_id) in found:
        return "same_thread"
    return None


def _seen_key(author_id, fp: str) -> str:
    return f"{_PREFIX}seen:{author_id}:{fp}"


def seen_before(*, author_id, fp: str) -> bool:
    """Whether this reader sent this text in the last 24 hours; remembers it either way
    (one cache round trip: ``add`` only writes a key that is not there)."""
    return not cache.add(_seen_key(author_id, fp), 1, SEEN_SECONDS)


def _flood_key(fp: str) -> str:
    return f"{_PREFIX}flood:{fp}"


# KEYS counter; ARGV seconds. The hour starts at the first submission, as with add + incr.
_COUNT = Script(
    """
local count = redis.call('INCR', KEYS[1])
if count == 1 then
    redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return count
"""
)


def count_submission(fp: str) -> int:
    """Count one more submission of this text (by anyone); returns the count this hour (one
    round trip on Redis, where an unreachable Redis counts 1, as an empty cache would)."""
    key = _flood_key(fp)
    backend = default_redis()
    if backend is not None:
        return backend.run_script(_COUNT, [backend.make_key(key)], [FLOOD_SECONDS], default=1)
    cache.add(key, 0, FLOOD_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, FLOOD_SECONDS)
        return 1
