"""The live settings, as a fresh process reads them from the environment."""

from tests.core.test_settings import _settings, data_dir  # noqa: F401 - data_dir is a fixture

NAMES = (
    "LIVE_EVENT_BUS",
    "LIVE_MAX_CONNECTIONS",
    "LIVE_MAX_CONNECTIONS_PER_CLIENT",
    "LIVE_HEARTBEAT_SECONDS",
)


def test_the_in_process_bus_alone_and_redis_as_soon_as_it_is_configured(data_dir):  # noqa: F811
    alone = _settings(data_dir, {}, *NAMES)
    scaled = _settings(data_dir, {"REDIS_URL": "redis://cache.example.org:6379/2"}, *NAMES)
    assert alone == {
        "LIVE_EVENT_BUS": "masthead.live.bus.InProcessBus",
        "LIVE_MAX_CONNECTIONS": 5000,
        "LIVE_MAX_CONNECTIONS_PER_CLIENT": 20,
        "LIVE_HEARTBEAT_SECONDS": 15.0,
    }
    assert scaled["LIVE_EVENT_BUS"] == "masthead.live.redis_bus.RedisBus"


def test_every_live_knob_is_an_environment_variable(data_dir):  # noqa: F811
    env = {
        "LIVE_EVENT_BUS": "masthead.live.bus.InProcessBus",
        "REDIS_URL": "redis://cache.example.org:6379/2",
        "LIVE_MAX_CONNECTIONS": "100",
        "LIVE_MAX_CONNECTIONS_PER_CLIENT": "3",
        "LIVE_HEARTBEAT_SECONDS": "5",
    }
    assert _settings(data_dir, env, *NAMES) == {
        "LIVE_EVENT_BUS": "masthead.live.bus.InProcessBus",
        "LIVE_MAX_CONNECTIONS": 100,
        "LIVE_MAX_CONNECTIONS_PER_CLIENT": 3,
        "LIVE_HEARTBEAT_SECONDS": 5.0,
    }
