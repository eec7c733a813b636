"""Buses the tests configure by dotted path (``LIVE_EVENT_BUS``), pointed at their own Redis
database: Redis always runs beside the suite (here and in CI), whatever REDIS_URL says."""

import os

from masthead.live.redis_bus import RedisBus

TEST_REDIS_URL = os.environ.get("LIVE_TEST_REDIS_URL", "redis://127.0.0.1:6379/10")
TEST_PREFIX = f"live-tests-{os.getpid()}"


class TestRedisBus(RedisBus):
    __test__ = False  # not a pytest class

    def __init__(self) -> None:
        super().__init__(url=TEST_REDIS_URL, prefix=TEST_PREFIX)
