import pytest
import redis

from masthead.live.bus import InProcessBus, get_bus, reset_bus
from tests import factories
from tests.live.buses import TEST_PREFIX, TEST_REDIS_URL, TestRedisBus, mark_nothing_held

BUSES = {
    "inprocess": "masthead.live.bus.InProcessBus",
    "redis": "tests.live.buses.TestRedisBus",
}


def _forget_test_streams() -> None:
    client = redis.Redis.from_url(TEST_REDIS_URL)
    keys = list(client.scan_iter(f"{TEST_PREFIX}:*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def redis_bus():
    _forget_test_streams()
    mark_nothing_held()
    bus = TestRedisBus()
    yield bus
    bus.close()
    _forget_test_streams()


@pytest.fixture
def inprocess_bus():
    return InProcessBus()


@pytest.fixture(params=list(BUSES))
def bus_name(request):
    return request.param


@pytest.fixture
def bus(bus_name, request):
    """Each implementation in turn, built directly."""
    return request.getfixturevalue(f"{bus_name}_bus")


@pytest.fixture
def configured_bus(bus_name, settings):
    """Each implementation in turn, as the configured bus (what views and services use)."""
    _forget_test_streams()
    mark_nothing_held()
    settings.LIVE_EVENT_BUS = BUSES[bus_name]
    reset_bus()
    yield get_bus()
    reset_bus()
    _forget_test_streams()


@pytest.fixture
def live_article(db):
    return factories.article(headline="Storm hits the harbour", is_live=True)
