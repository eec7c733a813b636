"""The Redis cache, made to behave like an empty cache while Redis is unreachable.

The cache holds nothing that cannot be rebuilt (docs/operations.md, "Redis"): cached pages,
their version stamps, rate-limit counters. Django's RedisCache raises on every call while
Redis is down, which turned each page and each post into a 500 for as long as the outage
lasted. Here a failed call is logged (at most once every few seconds) and answered as an
empty cache would answer it: a miss, nothing stored, a counter that does not exist. Pages
render afresh and rate limits let requests through until Redis is back; /readyz still
reports Redis as down, so operators see it.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
_LOG_EVERY_SECONDS = 10.0
_last_logged = 0.0


def _failed(operation: str) -> None:
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= _LOG_EVERY_SECONDS:
        _last_logged = now
        log.warning("cache: Redis did not answer (%s); serving as if the cache were empty", operation)


class ResilientRedisCache(RedisCache):
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
