"""
The shared cache with a circuit breaker (issue #18: a hung Redis must not hang the web tier).

Every caller of the cache already fails open (rate limits, the availability cache). Each call
to a hung Redis still costs its socket timeout, though, and one booking makes several. After
a connection error or a timeout, this backend answers every call of this process at once with
the same error for ``BREAK_SECONDS``, then tries Redis again: a hung Redis costs a request one
timeout, not one per call.
"""

import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

BREAK_SECONDS = 5.0
GUARDED = (
    "add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "decr", "set_many", "delete_many",
    "clear", "get_or_set",
)


class CircuitOpen(RedisConnectionError):
    """Redis failed moments ago; not asked again until the break ends."""


class BreakerRedisCache(RedisCache):
    """Django's RedisCache that stops asking a failing Redis for a few seconds."""

    open_until = 0.0  # shared by every instance of this process: one Redis

    def _guarded(self, name, *args, **kwargs):
        return self._through_breaker(getattr(super(), name), *args, **kwargs)

    @staticmethod
    def _through_breaker(call, *args, **kwargs):
        if time.monotonic() < BreakerRedisCache.open_until:
            raise CircuitOpen("the cache failed moments ago")
        try:
            return call(*args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError):
            BreakerRedisCache.open_until = time.monotonic() + BREAK_SECONDS
            raise

    def count(self, key, timeout):
        """
        Add one to the counter ``key`` and return the new count, creating it
        at 0 for ``timeout`` seconds first when missing: SET NX and INCR in
        one MULTI, one round trip (Django's add() and incr() take three: incr
        asks EXISTS first). The value is the integer Django's own incr and
        decr read and write.
        """
        key = self.make_and_validate_key(key)

        def run():
            pipe = self._cache.get_client(key, write=True).pipeline(transaction=True)
            pipe.set(key, 0, ex=self.get_backend_timeout(timeout), nx=True)
            pipe.incr(key)
            return int(pipe.execute()[1])

        return self._through_breaker(run)


def _guard(name):
    def method(self, *args, **kwargs):
        return self._guarded(name, *args, **kwargs)

    method.__name__ = name
    return method


for _name in GUARDED:
    setattr(BreakerRedisCache, _name, _guard(_name))
