"""
Rate limits per client address (R-B8, issue #8): failed booking lookups and
booking attempts. Past the limit within the window, the request is refused
with 429 and a page that says what to do (wait, or phone the centre).

Counters live in the cache (Redis in production, so every process shares
them); the address is hashed, never stored as typed. The limits protect the
service, not the rules: if the cache cannot be reached they fail open, and a
booking still goes through every rule in the database.
"""

import hashlib
import ipaddress
import logging
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

LOOKUP = "lookup"  # failed lookups: code + date of birth that match nothing
BOOKING = "booking"  # attempts to make a booking (pages and API)


def _limit(kind):
    """Return (allowed count, window seconds) of ``kind``."""
    if kind == LOOKUP:
        return settings.LOOKUP_FAILURE_LIMIT, settings.LOOKUP_FAILURE_WINDOW_SECONDS
    return settings.BOOKING_RATE_LIMIT, settings.BOOKING_RATE_WINDOW_SECONDS


def wait_minutes(kind):
    """The longest wait, in whole minutes, before ``kind`` is allowed again (for the 429 page)."""
    return max(1, -(-_limit(kind)[1] // 60))


def client_address(request):
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _parsed(request):
    try:
        return ipaddress.ip_address(client_address(request))
    except ValueError:
        return None


def _bucket(request):
    """What one client is counted as: its IPv4 address, or its IPv6 /64 (one household's network)."""
    address = _parsed(request)
    if address is None:
        return client_address(request)
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def exempt(request):
    """Whether the client is a partner system listed in RATE_LIMIT_EXEMPT (kiosks, the reservation centre)."""
    address = _parsed(request)
    return address is not None and any(address in network for network in settings.RATE_LIMIT_EXEMPT)


def _key(request, kind):
    window = int(time.time()) // _limit(kind)[1]
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{_bucket(request)}".encode()).hexdigest()[:32]
    return f"{kind}-limit:{digest}:{window}"


def _count(request, kind):
    """Add one to the address's counter of ``kind`` and return the new count."""
    key = _key(request, kind)
    timeout = _limit(kind)[1] * 2
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def is_blocked(request, kind=LOOKUP):
    """Return whether the address has used up ``kind`` in this window."""
    if exempt(request):
        return False
    try:
        return (cache.get(_key(request, kind)) or 0) >= _limit(kind)[0]
    except Exception:
        logger.warning("rate-limit cache unreachable; not limiting", exc_info=True)
        return False


def record_failure(request, kind=LOOKUP):
    """Count one failure (a lookup that matched nothing) against the address."""
    try:
        _count(request, kind)
    except Exception:
        logger.warning("rate-limit cache unreachable; failure not counted", exc_info=True)


def take(request, kind=BOOKING):
    """Count one attempt of ``kind``; return False when it is over the limit (answer 429)."""
    if exempt(request):
        return True
    try:
        return _count(request, kind) <= _limit(kind)[0]
    except Exception:
        logger.warning("rate-limit cache unreachable; not limiting", exc_info=True)
        return True
