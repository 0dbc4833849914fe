"""The shared cache's circuit breaker (issue #18: a hung Redis costs a request one timeout, not one per call)."""

import shutil
import time

import pytest

from portal.cache import BREAK_SECONDS, BreakerRedisCache, CircuitOpen
from tests.redis_server import OwnRedis

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs Debian's redis-server")


@pytest.fixture
def own_redis():
    server = OwnRedis()
    server.start()
    yield server
    server.stop()


def cache_of(server):
    return BreakerRedisCache(server.url, {"OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3}})


def test_a_hung_redis_costs_one_timeout_then_fails_at_once(own_redis, monkeypatch):
    cache = cache_of(own_redis)
    cache.set("k", 1)
    own_redis.hang()
    started = time.monotonic()
    with pytest.raises(Exception):
        cache.get("k")
    assert time.monotonic() - started >= 0.25  # the one timeout
    started = time.monotonic()
    for call in (lambda: cache.get("k"), lambda: cache.add("n", 0), lambda: cache.set_many({"a": 1})):
        with pytest.raises(CircuitOpen):
            call()
    assert time.monotonic() - started < 0.1  # no further timeouts while the circuit is open
    own_redis.resume()
    monkeypatch.setattr(time, "monotonic", lambda: BreakerRedisCache.open_until + 0.1)
    assert cache.get("k") == 1  # asked again once the break is over
    assert BREAK_SECONDS <= 10


def test_a_working_redis_is_asked_every_time(own_redis):
    cache = cache_of(own_redis)
    for value in range(3):
        cache.set("k", value)
        assert cache.get("k") == value
    assert BreakerRedisCache.open_until == 0.0
