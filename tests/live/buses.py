"""Buses the tests configure by dotted path (``LIVE_EVENT_BUS``), pointed at their own Redis
database: Redis always runs beside the suite (here and in CI), whatever REDIS_URL says."""

import os

import redis

from masthead.live.redis_bus import RedisBus

TEST_REDIS_URL = os.environ.get("LIVE_TEST_REDIS_URL", "redis://127.0.0.1:6379/10")
TEST_PREFIX = f"live-tests-{os.getpid()}"


class TestRedisBus(RedisBus):
    __test__ = False  # not a pytest class

    def __init__(self) -> None:
        super().__init__(url=TEST_REDIS_URL, prefix=TEST_PREFIX)


def mark_nothing_held() -> None:
    """Set the marker a Redis that has been running a while holds: nothing waits in the
    outbox. Without it (a fresh Redis) the bus's first publish looks in the database, which
    tests of the bus alone may not touch; the outbox tests remove it on purpose."""
    client = redis.Redis.from_url(TEST_REDIS_URL)
    client.set(f"{TEST_PREFIX}:live:outbox:clear", "1")
    client.close()


# A Redis the test starts and stops itself (tests/live/test_outbox.py): never the shared one.
OWN_REDIS = {"url": ""}


class OwnRedisBus(RedisBus):
    """The bus on the test's own Redis, for views that build theirs from ``LIVE_EVENT_BUS``."""

    __test__ = False

    def __init__(self) -> None:
        super().__init__(url=OWN_REDIS["url"], prefix="outbox-tests")
