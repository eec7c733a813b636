"""The Redis cache, made to behave like an empty cache while Redis is unreachable.

The cache holds nothing that cannot be rebuilt (docs/operations.md, "Redis"): cached pages,
their version stamps, rate-limit counters. Django's RedisCache raises on every call while
Redis is down, which turned each page and each post into a 500 for as long as the outage
lasted. Here a failed call is logged (at most once every few seconds) and answered as an
empty cache would answer it: a miss, nothing stored, a counter that does not exist. Pages
render afresh and rate limits let requests through until Redis is back; /readyz still
reports Redis as down, so operators see it.

Two things Django's backend does not do, for what is done on every request:

- It builds a new ``redis.Redis`` around its connection pool for every call (about 0.15 ms
  of Python each, a dozen times per posted comment). ``redis.Redis`` keeps no connection of
  its own (each command borrows one from the pool) and is safe to share between threads, so
  :class:`ReusingRedisCacheClient` keeps one per pool.
- Its API needs several round trips for a check-and-count (a rate limit, a flood counter).
  :meth:`ResilientRedisCache.run_script` runs a Lua :class:`Script` in one, atomically, and
  answers ``default`` while Redis is unreachable, as the other calls answer an empty cache.
"""

import hashlib
import logging
import time
from collections.abc import Sequence

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import NoScriptError, ReadOnlyError, RedisError, ResponseError

log = logging.getLogger(__name__)
_LOG_EVERY_SECONDS = 10.0
_last_logged = 0.0


def _failed(operation: str) -> None:
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= _LOG_EVERY_SECONDS:
        _last_logged = now
        log.warning("cache: Redis did not answer (%s); serving as if the cache were empty", operation)


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client, with one ``redis.Redis`` per connection pool instead of one per call."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))  # pools live as long as this object: ids stay theirs
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class Script:
    """A Lua script for :meth:`ResilientRedisCache.run_script` (sent by its SHA1 once Redis
    has seen it)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.sha = hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def run_script(self, script: Script, keys: Sequence[str], args: Sequence, *, default):
        """``script``'s answer for ``keys`` (made with :meth:`make_key`, so they stay in this
        cache's namespace) and ``args``, in one round trip; ``default`` while Redis does not
        answer. An error in the script itself (Redis answered) is raised."""
        client = self._cache.get_client(None, write=True)
        try:
            try:
                return client.evalsha(script.sha, len(keys), *keys, *args)
            except NoScriptError:  # first use since Redis started (or SCRIPT FLUSH)
                return client.eval(script.source, len(keys), *keys, *args)
        except (RedisError, OSError) as error:
            # A read-only replica (a failover under way) is Redis not taking writes: as if down.
            if isinstance(error, ResponseError) and not isinstance(error, ReadOnlyError):
                raise
            _failed("script")
            return default

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except (RedisError, OSError):
            _failed("get")
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except (RedisError, OSError):
            _failed("get_many")
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except (RedisError, OSError):
            _failed("has_key")
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except (RedisError, OSError):
            _failed("add")
            return True  # as into an empty cache (nothing is kept: the next add succeeds too)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except (RedisError, OSError):
            _failed("set")

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except (RedisError, OSError):
            _failed("set_many")
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except (RedisError, OSError):
            _failed("touch")
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except (RedisError, OSError):
            _failed("delete")
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except (RedisError, OSError):
            _failed("delete_many")

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except (RedisError, OSError):
            _failed("incr")
            raise ValueError(f"Key {key!r} not found (the cache is unreachable).") from None

    def decr(self, key, delta=1, version=None):
        try:
            return RedisCache.incr(self, key, -delta, version)
        except (RedisError, OSError):
            _failed("decr")
            return 0

    def clear(self):
        try:
            return super().clear()
        except (RedisError, OSError):
            _failed("clear")
            return False


def default_redis() -> ResilientRedisCache | None:
    """The default cache when it is Redis (what can run a :class:`Script`), else None."""
    backend = caches["default"]
    return backend if isinstance(backend, ResilientRedisCache) else None
