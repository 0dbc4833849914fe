"""
Rate limit on booking lookups (R-B8): after LOOKUP_FAILURE_LIMIT failed
lookups from one client address within LOOKUP_FAILURE_WINDOW_SECONDS, every
lookup from that address is refused until the window has passed.

Counters live in the cache (Redis in production, so all processes share
them); the address is hashed, never stored as typed.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def client_address(request):
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _key(request):
    window = int(time.time()) // settings.LOOKUP_FAILURE_WINDOW_SECONDS
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_address(request)}".encode()).hexdigest()[:32]
    return f"lookup-failures:{digest}:{window}"


def is_blocked(request):
    return (cache.get(_key(request)) or 0) >= settings.LOOKUP_FAILURE_LIMIT


def record_failure(request):
    key = _key(request)
    cache.add(key, 0, timeout=settings.LOOKUP_FAILURE_WINDOW_SECONDS * 2)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=settings.LOOKUP_FAILURE_WINDOW_SECONDS * 2)
