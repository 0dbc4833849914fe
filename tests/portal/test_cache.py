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


def test_a_counter_is_counted_in_one_round_trip_and_expires(own_redis):
    """Issue #17: SET NX and INCR in one MULTI; the value is the integer Django's incr and decr use."""
    import redis

    cache = cache_of(own_redis)
    cache.get("hits")  # connected (the handshake is not the counter's)
    sent = []
    real = redis.connection.Connection.send_packed_command

    def send(self, command, *args, **kwargs):
        sent.append(command)
        return real(self, command, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(redis.connection.Connection, "send_packed_command", send)
        assert [cache.count("hits", 60) for _ in range(3)] == [1, 2, 3]
    assert len(sent) == 3  # one write (MULTI … EXEC) per count
    cache.decr("hits")
    assert cache.get("hits") == 2 and cache.incr("hits") == 3
    ttl = cache._cache.get_client().ttl(cache.make_key("hits"))
    assert 0 < ttl <= 60  # created with its timeout; counting again does not extend it


def test_a_counter_on_a_hung_redis_opens_the_circuit(own_redis):
    cache = cache_of(own_redis)
    own_redis.hang()
    with pytest.raises(Exception):
        cache.count("hits", 60)
    with pytest.raises(CircuitOpen):
        cache.count("hits", 60)
    own_redis.resume()
