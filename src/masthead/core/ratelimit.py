"""Rate limits for anything a reader (or a key) may do only so often, counted in the cache.

A rate is ``"count/period"``: ``5/m``, ``100/h``, ``1000/d``, ``10/5m``, ``3/30s``. Periods
are ``s``, ``m``, ``h``, ``d``, optionally with a multiplier in front.

Counting is a sliding window, approximated the way large proxies do it: the current fixed
window's count plus the previous window's, weighted by how much of it still overlaps the
last ``period`` seconds. Unlike a plain fixed window it never lets through twice the rate
across a window boundary, and it costs two cache keys per limited thing. The counters
live in Django's cache, so with ``REDIS_URL`` every process shares them; with the
in-memory cache each process counts on its own (docs/configuration.md). On Redis the check
and the count are one Lua script (one round trip, atomic); elsewhere they are four cache
calls, with a re-check after counting for two requests racing.

    from masthead.core import ratelimit

    ratelimit.consume(scope="comment_post", key=str(reader.pk), rate=settings.COMMENT_RATE_LIMIT)

raises ``MastheadError("rate_limited", …, 429)`` with a ``Retry-After`` header once over.
"""

import math
import re
import time
from dataclasses import dataclass
from functools import lru_cache

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from masthead.core.cache import Script, default_redis
from masthead.core.errors import MastheadError

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    def __str__(self) -> str:
        return f"{self.count}/{self.seconds}s"


@lru_cache(maxsize=64)
def parse_rate(text: str) -> Rate:
    """``"5/m"`` → ``Rate(5, 60)``; ``"10/5m"`` → ``Rate(10, 300)``. Bad text is a setup error."""
    match = _RATE.match(text or "")
    if not match:
        raise ImproperlyConfigured(f"{text!r} is not a rate: write count/period, e.g. 5/m, 100/h, 10/5m.")
    count, multiplier, unit = int(match[1]), int(match[2] or 1), match[3]
    if count < 1 or multiplier < 1:
        raise ImproperlyConfigured(f"{text!r}: the count and period must be at least 1.")
    return Rate(count=count, seconds=multiplier * _UNITS[unit])


def _rate(rate: str | Rate) -> Rate:
    return rate if isinstance(rate, Rate) else parse_rate(rate)


def _keys(scope: str, key: str, rate: Rate, now: float) -> tuple[str, str, float]:
    window = int(now // rate.seconds)
    base = f"ratelimit:{scope}:{rate.count}/{rate.seconds}:{key}"
    elapsed = now - window * rate.seconds
    return f"{base}:{window}", f"{base}:{window - 1}", elapsed


def _weighted(previous: int, current: int, elapsed: float, rate: Rate) -> float:
    return previous * (rate.seconds - elapsed) / rate.seconds + current


def _retry_after(previous: int, current: int, elapsed: float, rate: Rate) -> int:
    """Seconds until one more request fits: exact for this counting scheme."""
    s, limit = rate.seconds, rate.count
    if current + 1 <= limit and previous:
        # Still this window: wait for enough of the previous window's weight to slide out.
        wait = s - elapsed - s * (limit - current - 1) / previous
    else:
        # Next window: this window's count becomes the (decaying) previous one.
        wait = (s - elapsed) + s - s * (limit - 1) / max(current, 1)
    return max(1, math.ceil(wait))


def usage(*, scope: str, key: str, rate: str | Rate) -> tuple[float, int]:
    """(requests counted in the last period, seconds until one more fits or 0)."""
    rate, now = _rate(rate), time.time()
    current_key, previous_key, elapsed = _keys(scope, key, rate, now)
    found = cache.get_many([current_key, previous_key])
    previous, current = int(found.get(previous_key, 0)), int(found.get(current_key, 0))
    used = _weighted(previous, current, elapsed, rate)
    wait = 0 if used + 1 <= rate.count else _retry_after(previous, current, elapsed, rate)
    return used, wait


# consume() in one round trip: KEYS current, previous; ARGV elapsed, seconds, count, timeout.
# The same arithmetic as _weighted, in the same order, on the same doubles (redis-py sends a
# float as its repr, which reads back exactly). Answers {counted 1/0, previous, current}.
_CONSUME = Script(
    """
local found = redis.call('MGET', KEYS[1], KEYS[2])
local current, previous = tonumber(found[1] or '0'), tonumber(found[2] or '0')
local seconds = tonumber(ARGV[2])
if previous * (seconds - tonumber(ARGV[1])) / seconds + current + 1 > tonumber(ARGV[3]) then
    return {0, previous, current}
end
current = redis.call('INCR', KEYS[1])
if current == 1 then
    redis.call('EXPIRE', KEYS[1], ARGV[4])
end
return {1, previous, current}
"""
)


def consume(*, scope: str, key: str, rate: str | Rate, message: str | None = None) -> None:
    """Count one request of ``key`` in ``scope``, or raise 429 ``rate_limited`` if it would
    exceed ``rate``. A refused request is not counted, so a client that waits as told
    (``Retry-After``) gets through."""
    rate, now = _rate(rate), time.time()
    current_key, previous_key, elapsed = _keys(scope, key, rate, now)
    # Two windows' worth of life: the counter is read again as "previous" in the next one.
    timeout = 2 * rate.seconds + 1
    backend = default_redis()
    if backend is not None:
        keys = [backend.make_key(current_key), backend.make_key(previous_key)]
        # Redis unreachable: counted nowhere, let through (as the calls below would).
        counted, previous, current = backend.run_script(
            _CONSUME, keys, [elapsed, rate.seconds, rate.count, timeout], default=(1, 0, 0)
        )
        if not counted:
            raise _limited(_retry_after(previous, current, elapsed, rate), message)
        return
    found = cache.get_many([current_key, previous_key])
    previous, current = int(found.get(previous_key, 0)), int(found.get(current_key, 0))
    if _weighted(previous, current, elapsed, rate) + 1 > rate.count:
        raise _limited(_retry_after(previous, current, elapsed, rate), message)
    cache.add(current_key, 0, timeout=timeout)
    try:
        current = cache.incr(current_key)
    except ValueError:  # expired between add and incr
        cache.set(current_key, 1, timeout=timeout)
        current = 1
    # Two requests racing past the check above: the counter settles it.
    if _weighted(previous, current, elapsed, rate) > rate.count:
        cache.decr(current_key)
        raise _limited(_retry_after(previous, current - 1, elapsed, rate), message)


def reset(*, scope: str, key: str, rate: str | Rate) -> None:
    """Forget ``key``'s count in ``scope`` (an operator lifting a limit, or a test)."""
    rate = _rate(rate)
    current_key, previous_key, _ = _keys(scope, key, rate, time.time())
    cache.delete_many([current_key, previous_key])


def _limited(retry_after: int, message: str | None) -> MastheadError:
    wait = f"{retry_after} seconds" if retry_after != 1 else "a second"
    return MastheadError(
        "rate_limited",
        f"{message or 'Too many requests.'} Try again in {wait}.",
        429,
        headers={"Retry-After": str(retry_after)},
    )
