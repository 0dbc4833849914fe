"""What one client is counted as (portal.ratelimit)."""

import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory

from portal import ratelimit
from portal.cache import BreakerRedisCache


@pytest.mark.parametrize(
    "address, bucket",
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("not an address", "not an address"),
        ("", ""),
    ],
)
def test_bucket(address, bucket):
    assert ratelimit.bucket(RequestFactory().get("/", REMOTE_ADDR=address)) == bucket


def test_the_forwarded_address_counts_only_behind_a_trusted_proxy(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    settings.TRUST_X_FORWARDED_FOR = False
    assert ratelimit.client_address(request) == "10.0.0.1"
    settings.TRUST_X_FORWARDED_FOR = True
    assert ratelimit.client_address(request) == "203.0.113.9"  # the last hop, the one the proxy wrote


def test_wait_minutes_follow_the_settings(settings):
    settings.BOOKING_RATE_WINDOW_SECONDS = 90
    assert ratelimit.wait_minutes(ratelimit.BOOKING) == 2
    settings.LOOKUP_FAILURE_WINDOW_SECONDS = 600
    assert ratelimit.wait_minutes(ratelimit.LOOKUP) == 10


# --- Issue #18, 7c: an attempt is counted before it is evaluated --------------------------------


def _cache(kind):
    if kind == "redis":
        return RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": f"test-ratelimit-{uuid.uuid4().hex}"})
    if kind == "breaker":  # the production backend: the counter in one round trip (issue #17)
        return BreakerRedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": f"test-ratelimit-{uuid.uuid4().hex}"})
    return LocMemCache(f"test-ratelimit-{uuid.uuid4().hex}", {})


BACKENDS = ["locmem", pytest.param("redis", marks=pytest.mark.redis), pytest.param("breaker", marks=pytest.mark.redis)]


def _burst(attempts, evaluate):
    """Run ``attempts`` lookups at once from one address; return how many were evaluated."""
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.7")
    ready = threading.Barrier(attempts)
    evaluated = []

    def lookup():
        ready.wait()
        attempt = ratelimit.claim(request, ratelimit.LOOKUP)
        if attempt.allowed:
            evaluated.append(evaluate(attempt))

    threads = [threading.Thread(target=lookup) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(evaluated)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_concurrent_burst_of_failed_lookups_evaluates_no_more_than_the_limit(backend, settings):
    settings.LOOKUP_FAILURE_LIMIT = 10
    with mock.patch.object(ratelimit, "cache", _cache(backend)):
        # Each lookup fails slowly: under check-then-count all thirteen were evaluated.
        assert _burst(13, lambda attempt: time.sleep(0.05)) == 10
        assert not ratelimit.claim(RequestFactory().post("/", REMOTE_ADDR="198.51.100.7")).allowed


@pytest.mark.parametrize("backend", BACKENDS)
def test_lookups_that_find_their_booking_give_their_claim_back(backend, settings):
    settings.LOOKUP_FAILURE_LIMIT = 3
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.7")
    with mock.patch.object(ratelimit, "cache", _cache(backend)):
        for _ in range(8):
            attempt = ratelimit.claim(request)
            assert attempt.allowed
            attempt.release()
        assert [ratelimit.claim(request).allowed for _ in range(4)] == [True, True, True, False]


@pytest.mark.parametrize("backend", BACKENDS)
def test_concurrent_booking_attempts_take_exactly_the_limit(backend, settings):
    settings.BOOKING_RATE_LIMIT = 10
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.8")
    with mock.patch.object(ratelimit, "cache", _cache(backend)):
        with ThreadPoolExecutor(max_workers=20) as pool:
            taken = list(pool.map(lambda _: ratelimit.take(request, ratelimit.BOOKING), range(40)))
    assert taken.count(True) == 10


def test_the_limits_fail_open_when_the_cache_is_down(settings):
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.9")
    with mock.patch.object(ratelimit.cache, "add", side_effect=ConnectionError("cache down")):
        attempt = ratelimit.claim(request, ratelimit.LOOKUP)
        assert attempt.allowed and ratelimit.take(request, ratelimit.BOOKING)
        attempt.release()  # nothing to give back, no error
