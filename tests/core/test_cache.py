"""core.cache: Django's Redis cache with one client per pool, Lua scripts in one round trip,
and an unreachable Redis answered as an empty cache."""

import uuid

import pytest
from django.core.cache import caches
from redis.exceptions import ResponseError

from masthead.core.cache import ResilientRedisCache, Script
from tests.redis_helpers import needs_redis

NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def _cache(location: str = NOWHERE) -> ResilientRedisCache:
    return ResilientRedisCache(location, {"KEY_PREFIX": "test", "OPTIONS": {"socket_connect_timeout": 1}})


def test_one_redis_client_serves_every_call():
    cache = _cache()
    client = cache._cache.get_client("a", write=True)
    assert cache._cache.get_client("b") is client  # one server: reads and writes share its pool
    assert cache._cache.get_client(None, write=True) is client


def test_an_unreachable_redis_answers_as_an_empty_cache():
    cache = _cache()
    for _ in range(2):  # and keeps answering with the same client
        assert cache.get("page", "missing") == "missing"
        assert cache.get_many(["a", "b"]) == {}
        assert cache.has_key("page") is False
        assert cache.add("page", 1) is True
        cache.set("page", 1)
        assert cache.set_many({"a": 1}) == ["a"]
        assert cache.touch("page") is False
        assert cache.delete("page") is False
        cache.delete_many(["a", "b"])
        with pytest.raises(ValueError):
            cache.incr("counter")
        assert cache.decr("counter") == 0
        assert cache.clear() is False
        assert cache.run_script(Script("return 1"), [cache.make_key("k")], [], default="down") == "down"


@needs_redis
def test_a_script_runs_in_one_round_trip_once_redis_knows_it(monkeypatch):
    cache = caches["default"]
    # A script this Redis has never seen: the first call loads it, the next ones send its SHA1.
    script = Script(f"-- {uuid.uuid4().hex}\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])")
    key = cache.make_key("scripted")
    assert cache.run_script(script, [key], [2], default=None) == 2

    client = cache._cache.get_client(None, write=True)
    sent = []
    execute = client.execute_command

    def counting(*args, **kwargs):
        sent.append(args[0])
        return execute(*args, **kwargs)

    monkeypatch.setattr(client, "execute_command", counting)
    assert cache.run_script(script, [key], [3], default=None) == 5
    assert sent == ["EVALSHA"]
    assert cache.get("scripted") == 5  # in the cache's own namespace


@needs_redis
def test_a_failing_script_is_raised_but_a_read_only_replica_is_redis_down():
    cache = caches["default"]
    broken = Script("return redis.error_reply('ERR the script is wrong')")
    with pytest.raises(ResponseError):
        cache.run_script(broken, [], [], default=None)
    read_only = Script('return redis.error_reply("READONLY You can\'t write against a read only replica.")')
    assert cache.run_script(read_only, [], [], default="down") == "down"
