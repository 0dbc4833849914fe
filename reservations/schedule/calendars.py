"""
Read a window's calendar from the database and run it through the rules.

A fixed number of queries whatever the length of the date range: the opening
rules (prefetched with the window), recurring closures, closures, capacity
overrides and booking blocks, each read once for the whole range.
"""

import logging
import pickle
import secrets
import zlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils.translation import get_language

from reservations import rules
from reservations.models import BookingBlock, CapacityOverride, Closure, RecurringClosure, SlotCounter

logger = logging.getLogger(__name__)


def _recurring_for(window):
    queryset = RecurringClosure.objects.filter(Q(window=window) | Q(window__isnull=True))
    return tuple(item.as_rule() for item in queryset)


def window_schedule(window, start, end):
    """Return the rules.DaySchedule of every day from ``start`` to ``end`` for ``window``."""
    closures = tuple(c.as_rule() for c in Closure.objects.for_window(window).overlapping(start, end))
    return rules.schedule(
        start,
        end,
        window.calendar(),
        recurring=_recurring_for(window),
        closures=closures,
        holidays=rules.japanese_holidays(start, end, language=get_language() or "ja"),
    )


def booked_seats(window, start, end):
    """Return {(date, slot start): seats taken} for ``window`` from the slot counters (R-B6)."""
    rows = SlotCounter.objects.filter(window=window, date__range=(start, end), booked__gt=0)
    return {(date, slot_start): booked for date, slot_start, booked in rows.values_list("date", "start", "booked")}


def window_availability(window, start, end, *, today, seats=True):
    """
    Return the rules.DayAvailability of every day from ``start`` to ``end``
    for ``window``. With ``seats=False`` the seats taken are not read (every
    slot shows its full capacity): for the booking's own check, where the
    seat counter's conditional UPDATE decides (R-B6).
    """
    days = window_schedule(window, start, end)
    overrides = capacity_overrides(window, start, end)
    blocks = list(BookingBlock.objects.for_window(window).overlapping(start, end))
    taken = {}
    for (date, slot_start), count in (booked_seats(window, start, end) if seats else {}).items():
        taken.setdefault(date, {})[slot_start] = count
    result = []
    for day in days:
        booked = taken.get(day.date, {})
        result.append(
            rules.day_availability(
                day,
                today=today,
                capacity=overrides.get(day.date, window.capacity),
                booked=booked,
                blocked=any(block.covers(day.date) for block in blocks),
                lead_days=settings.BOOKING_LEAD_DAYS,
                horizon_days=settings.BOOKING_HORIZON_DAYS,
            )
        )
    return result


def booking_window(today):
    """Return (first, last) bookable dates under the settings (R-B2)."""
    return rules.booking_window(
        today, lead_days=settings.BOOKING_LEAD_DAYS, horizon_days=settings.BOOKING_HORIZON_DAYS
    )


def capacity_overrides(window, start, end):
    """Return {date: capacity} of the window's per-date overrides from ``start`` to ``end``."""
    return dict(CapacityOverride.objects.filter(window=window, date__range=(start, end)).values_list("date", "capacity"))


def capacity_on(window, day, overrides=None):
    """Return the seats per slot of ``window`` on ``day`` (its override, else the window's, R-W7)."""
    if overrides is None:
        overrides = capacity_overrides(window, day, day)
    return overrides.get(day, window.capacity)


# --- The shared availability cache ----------------------------------------------
#
# The launch-morning load is reads: thousands of residents looking at the same
# nine calendars. The computed availability of a window is kept for a few
# seconds in the shared cache (Redis in production, so every web process sees
# the same entries and the same invalidations) and thrown away the moment a
# booking, cancellation, move, closure or capacity change commits: each entry
# carries the version of its window and the version of all windows it was
# computed under, read in the same round trip as the entry, and a change
# writes new versions. A booking never trusts this cache: it re-checks the
# slot and takes the seat in the database (R-B6).
#
# The cache is an optimisation only: if it cannot be reached, availability is
# computed from the database as before, and a failed invalidation is bounded
# by the entries' short lifetime (AVAILABILITY_CACHE_SECONDS).

ALL_WINDOWS = "availability:version:*"


def _version_key(code):
    return f"availability:version:{code}"


def cache_lookup(code, *parts):
    """
    Return (value, None) for a fresh entry of window ``code`` under ``parts``
    (strings), or (None, ticket) on a miss: pass the ticket to cache_store.
    """
    if settings.AVAILABILITY_CACHE_SECONDS <= 0:
        return None, None
    key = ":".join(("availability", code, get_language() or settings.LANGUAGE_CODE, *parts))
    try:
        found = cache.get_many([key, ALL_WINDOWS, _version_key(code)])
    except Exception:  # the cache is down: compute from the database
        logger.warning("availability cache unreachable; computing from the database", exc_info=True)
        return None, None
    versions = (found.get(ALL_WINDOWS, ""), found.get(_version_key(code), ""))
    entry = found.get(key)
    if entry is not None and entry[0] == versions:
        return entry[1], None
    if entry is not None:
        # Stale: one request recomputes while the others keep serving the
        # previous answer, instead of all of them recomputing at once after
        # every booking. Stale for one recomputation at most (REFRESH_SECONDS
        # if the recomputing process dies).
        try:
            refreshing = not cache.add(key + ":refresh", 1, timeout=REFRESH_SECONDS)
        except Exception:
            refreshing = False
        if refreshing:
            return entry[1], None
    return None, (key, versions)


REFRESH_SECONDS = 2


def cache_store(ticket, value):
    """Keep ``value`` for the entry of a cache_lookup miss (under the versions read then)."""
    if ticket is None:
        return
    key, versions = ticket
    try:
        cache.set(key, (versions, value), timeout=settings.AVAILABILITY_CACHE_SECONDS)
        cache.delete(key + ":refresh")
    except Exception:
        logger.warning("availability cache unreachable; entry not stored", exc_info=True)


def pack(value):
    """``value`` pickled and compressed, as kept in the cache (a month of slots: 60 KB -> a few KB)."""
    return zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack(data):
    return pickle.loads(zlib.decompress(data))


def cached_window_availability(window, start, end, *, today):
    """
    Return window_availability(window, start, end, today=today), from the
    shared cache when a fresh entry exists (for pages and suggestions; never
    for the booking itself).
    """
    packed, ticket = cache_lookup(window.code, "days", today.isoformat(), start.isoformat(), end.isoformat())
    if packed is not None:
        return unpack(packed)
    days = window_availability(window, start, end, today=today)
    cache_store(ticket, pack(days))
    return days


def invalidate_availability(codes=None):
    """
    Make every cached availability of the windows ``codes`` (all windows when
    None) stale, now and again once the current transaction commits: a page
    that read the database between the two cached its answer under the first
    new version, which the second makes stale. (A rollback only costs a
    recomputation.)
    """
    keys = [ALL_WINDOWS] if codes is None else [_version_key(code) for code in set(codes)]

    def bump():
        try:
            cache.set_many({key: secrets.token_hex(6) for key in keys}, timeout=None)
        except Exception:
            logger.warning("availability cache unreachable; cached entries expire on their own", exc_info=True)

    bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(bump)
