"""core.ratelimit: rates parsed from settings, a sliding window counted in the cache."""

import threading

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.core.exceptions import ImproperlyConfigured

from masthead.core import ratelimit
from masthead.core.errors import MastheadError
from masthead.core.ratelimit import Rate, parse_rate
from tests.redis_helpers import needs_redis, redis_commands


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(1_000_040.0)  # 20 s into a minute
    monkeypatch.setattr(ratelimit.time, "time", clock)
    return clock


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("5/m", Rate(5, 60)),
        ("1000/m", Rate(1000, 60)),
        ("100/h", Rate(100, 3600)),
        ("3/30s", Rate(3, 30)),
        ("10/5m", Rate(10, 300)),
        (" 2 / d ", Rate(2, 86400)),
    ],
)
def test_rates_are_read_as_count_per_period(text, rate):
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["", "5", "5/", "m/5", "five/m", "5/w", "0/m", "5/0m", "-1/m"])
def test_a_bad_rate_is_a_setup_error(text):
    with pytest.raises(ImproperlyConfigured):
        parse_rate(text)


def _consume(key="reader:1", rate="3/m", scope="test"):
    ratelimit.consume(scope=scope, key=key, rate=rate)


def test_allows_the_rate_then_refuses_with_retry_after(clock):
    for _ in range(3):
        _consume()
    with pytest.raises(MastheadError) as caught:
        _consume()
    error = caught.value
    assert (error.status, error.code) == (429, "rate_limited")
    # Three in this window: the next fits once the window rolls and its weight decays
    # enough, 40 s to the next minute plus a third of a minute.
    assert error.headers["Retry-After"] == "60"
    assert "Try again in 60 seconds." in error.message


def test_keys_and_scopes_count_apart(clock):
    for _ in range(3):
        _consume(key="reader:1")
    _consume(key="reader:2")
    _consume(key="reader:1", scope="other")
    _consume(key="reader:1", rate="4/m")  # another rate is another counter


def test_a_refused_request_is_not_counted(clock):
    for _ in range(3):
        _consume()
    for _ in range(5):
        with pytest.raises(MastheadError):
            _consume()
    used, wait = ratelimit.usage(scope="test", key="reader:1", rate="3/m")
    assert used == 3
    assert wait == 60


def test_the_window_slides_instead_of_resetting_at_the_boundary(clock):
    for _ in range(3):
        _consume()
    clock.now += 45  # 5 s into the next minute: the previous minute still weighs 55/60 of 3
    with pytest.raises(MastheadError) as caught:
        _consume()
    assert int(caught.value.headers["Retry-After"]) == 15  # when 3 * (55 - t) / 60 <= 2
    clock.now += 15
    _consume()
    with pytest.raises(MastheadError):
        _consume()


def test_waiting_as_told_is_enough(clock):
    for _ in range(3):
        _consume()
    with pytest.raises(MastheadError) as caught:
        _consume()
    clock.now += int(caught.value.headers["Retry-After"])
    _consume()


def test_reset_forgets_a_key(clock):
    for _ in range(3):
        _consume()
    ratelimit.reset(scope="test", key="reader:1", rate="3/m")
    _consume()


# --- Where the counters live: one round trip on Redis, the cache's own keys, Redis down.


@needs_redis
def test_on_redis_a_request_costs_one_round_trip_counted_or_refused(clock, monkeypatch):
    sent = redis_commands(monkeypatch)
    for _ in range(3):
        _consume()
    with pytest.raises(MastheadError):
        _consume()
    assert len(sent) == 4
    assert set(sent) <= {"EVALSHA", "EVAL"}  # EVAL: the first use since Redis started


def test_the_counters_are_the_caches_keys_and_expire_after_two_windows(clock):
    _consume()
    _consume()
    current_key, _, _ = ratelimit._keys("test", "reader:1", parse_rate("3/m"), clock.now)
    assert cache.get(current_key) == 2
    if django_settings.REDIS_URL:
        client = caches["default"]._cache.get_client(None)
        assert 115 <= client.ttl(cache.make_key(current_key)) <= 121


def test_with_redis_unreachable_requests_are_let_through(clock, settings):
    settings.CACHES = {
        "default": {"BACKEND": "masthead.core.cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    for _ in range(5):
        _consume()
    assert ratelimit.usage(scope="test", key="reader:1", rate="3/m") == (0, 0)


def test_requests_racing_never_pass_more_than_the_rate(clock):
    """Twenty at once at 5/m: on Redis exactly five pass (check and count are one script);
    the in-memory cache's re-check may refuse a racer that would have fitted, never more."""
    start = threading.Barrier(20)
    passed: list[bool] = []

    def one() -> None:
        start.wait()
        try:
            _consume(rate="5/m")
        except MastheadError:
            passed.append(False)
        else:
            passed.append(True)

    threads = [threading.Thread(target=one) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(passed) == 20
    if django_settings.REDIS_URL:
        assert passed.count(True) == 5
    else:
        assert 1 <= passed.count(True) <= 5
