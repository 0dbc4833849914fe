"""
Rate limits per client address (R-B8, issue #8): failed booking lookups and
booking attempts. Past the limit within the window, the request is refused
with 429 and a page that says what to do (wait, or phone the centre).

Counters live in the cache (Redis in production, so every process shares
them); the address is hashed, never stored as typed. The limits protect the
service, not the rules: if the cache cannot be reached they fail open, and a
booking still goes through every rule in the database.

An attempt is counted before it is evaluated (issue #18): one atomic
increment whose result says whether the attempt is within the limit, so a
burst of concurrent requests cannot all pass a check made before any of them
is counted. An attempt that must not count (a lookup that found its booking)
gives its claim back.
"""

import hashlib
import ipaddress
import logging
import time
from dataclasses import dataclass

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


def bucket(request):
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
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{bucket(request)}".encode()).hexdigest()[:32]
    return f"{kind}-limit:{digest}:{window}"


def _increment(key: str, timeout: int) -> int:
    """Add one to the counter ``key`` (created for ``timeout`` seconds) and return the new count, atomically."""
    count = getattr(cache, "count", None)  # Redis (portal.cache): one round trip (issue #17)
    if count is not None:
        return count(key, timeout)
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: start it again
        if cache.add(key, 1, timeout=timeout):
            return 1
        return cache.incr(key)


@dataclass(frozen=True)
class Claim:
    """One attempt, counted before it is evaluated: ``count`` is its place in the window."""

    key: str | None  # None: not counted (an exempt client, or the cache is down)
    count: int = 0
    limit: int = 0

    @property
    def allowed(self) -> bool:
        return self.key is None or self.count <= self.limit

    def release(self) -> None:
        """Give the claim back: the attempt does not count (a lookup that found its booking)."""
        if self.key is None:
            return
        try:
            cache.decr(self.key)
        except ValueError:  # the window ended meanwhile
            pass
        except Exception:
            logger.warning("rate-limit cache unreachable; claim not given back", exc_info=True)


def claim_counter(key: str, limit: int, timeout: int) -> Claim:
    """Count one attempt against ``key``; fail open (an uncounted, allowed claim) when the cache is down."""
    try:
        return Claim(key, _increment(key, timeout), limit)
    except Exception:
        logger.warning("rate-limit cache unreachable; not limiting", exc_info=True)
        return Claim(None)


def claim(request, kind=LOOKUP) -> Claim:
    """
    Count one attempt of ``kind`` from the client before evaluating it;
    refuse it (answer 429) when ``claim(...).allowed`` is False. A lookup
    that succeeds gives its claim back, so only failures stay counted.
    """
    if exempt(request):
        return Claim(None)
    allowed, seconds = _limit(kind)
    return claim_counter(_key(request, kind), allowed, seconds * 2)


def take(request, kind=BOOKING):
    """Count one attempt of ``kind``; return False when it is over the limit (answer 429)."""
    return claim(request, kind).allowed
