"""
Read a window's calendar from the database and run it through the rules.

A fixed number of queries whatever the length of the date range: the opening
rules (prefetched with the window), recurring closures, closures, capacity
overrides and booking blocks, each read once for the whole range.
"""

import datetime as dt
import logging
import pickle
import secrets
import zlib
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language

from reservations import rules
from reservations.models import BookingBlock, CapacityOverride, Closure, RecurringClosure, Service, SlotCounter

PICKUP = Service.PICKUP

logger = logging.getLogger(__name__)


def _rows(window, start):
    """The window's dated rows kept with it (schedule.snapshots), when they reach back to ``start``; else None."""
    rows = getattr(window, "calendar_rows", None)
    return rows if rows is not None and rows.covers(start) else None


def _recurring_for(window, rows=None):
    if rows is not None:
        return tuple(item.as_rule() for item in rows.recurring)
    queryset = RecurringClosure.objects.filter(Q(window=window) | Q(window__isnull=True))
    return tuple(item.as_rule() for item in queryset)


def _closures(window, start, end, rows=None):
    if rows is not None:
        return tuple(c.as_rule() for c in rows.closures if c.start_date <= end and c.end_date >= start)
    return tuple(c.as_rule() for c in Closure.objects.for_window(window).overlapping(start, end))


def _blocks(window, start, end, service, rows=None):
    if rows is not None:
        return [b for b in rows.blocks if b.service in (service, "") and b.start_date <= end and b.end_date >= start]
    return list(BookingBlock.objects.for_window(window, service).overlapping(start, end))


def window_schedule(window, start, end, service=PICKUP):
    """
    Return the rules.DaySchedule of every day from ``start`` to ``end`` for
    ``service`` at ``window`` (its own opening rules and slots; the window's
    closures apply to every service, R-A3).
    """
    rows = _rows(window, start)
    return rules.schedule(
        start,
        end,
        window.calendar(service),
        recurring=_recurring_for(window, rows),
        closures=_closures(window, start, end, rows),
        holidays=rules.japanese_holidays(start, end, language=get_language() or "ja"),
    )


def booked_seats(window, start, end, service=PICKUP):
    """Return {(date, slot start): seats taken} of ``service`` at ``window`` from the slot counters (R-B6)."""
    rows = SlotCounter.objects.filter(window=window, service=service, date__range=(start, end), booked__gt=0)
    return {(date, slot_start): booked for date, slot_start, booked in rows.values_list("date", "start", "booked")}


def booking_terms(window, service=PICKUP):
    """Return (lead days, lead minutes, horizon days) of ``service`` at ``window``: its own, else the settings (R-B2, R-A4)."""
    policy = rules.service_rules(
        service,
        pickup_lead_days=settings.BOOKING_LEAD_DAYS,
        support_lead_minutes=settings.APPLICATION_SUPPORT_LEAD_MINUTES,
    )
    offer = window.offer(service)

    def own(name, default):
        value = getattr(offer, name, None)
        return default if value is None else value

    return own("lead_days", policy.lead_days), own("lead_minutes", policy.lead_minutes), own(
        "horizon_days", settings.BOOKING_HORIZON_DAYS
    )


def earliest_start(window, service=PICKUP, now=None):
    """Return the earliest bookable slot start of ``service`` at ``window`` now (naive Japan time), or None for a whole-day lead."""
    lead_days, lead_minutes, _horizon = booking_terms(window, service)
    if not lead_minutes:
        return None
    # Rounded up to the whole minute: the cache keys availability by that minute, and every
    # answer under one key then agrees with the booking's own check (R-A4).
    local = timezone.localtime(now).replace(tzinfo=None)
    if local.second or local.microsecond:
        local = local.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    return rules.earliest_start(local, lead_days=lead_days, lead_minutes=lead_minutes)


def window_availability(window, start, end, *, today, seats=True, service=PICKUP, now=None):
    """
    Return the rules.DayAvailability of every day from ``start`` to ``end``
    for ``service`` at ``window``. With ``seats=False`` the seats taken are
    not read (every slot shows its full capacity): for the booking's own
    check, where the seat counter's conditional UPDATE decides (R-B6). A
    walk-in window answers "walk_in" on every day (R-A4); a slot sooner than
    the service's lead time in minutes has no seats (R-A4).
    """
    plans = day_plans(window, start, end, service)
    booked = booked_seats(window, start, end, service) if seats else {}
    return availability_from_plans(window, plans, booked, today=today, service=service, now=now)


def day_plans(window, start, end, service=PICKUP):
    """
    Return the DayPlan of every day from ``start`` to ``end`` for ``service``
    at ``window``: all that makes a day's availability but its seats taken
    (4 queries: closures, recurring closures, capacity overrides, blocks).
    """
    offer = window.offer(service)
    days = window_schedule(window, start, end, service)
    overrides = capacity_overrides(window, start, end, service)
    blocks = _blocks(window, start, end, service, _rows(window, start))
    return [DayPlan(day, overrides.get(day.date, offer.capacity), any(block.covers(day.date) for block in blocks))
            for day in days]


class DayPlan(NamedTuple):
    """A day's schedule (rules.DaySchedule), its seats per slot and whether bookings are blocked (R-B2, R-W7)."""

    schedule: rules.DaySchedule
    capacity: int
    blocked: bool


def availability_from_plans(window, plans, booked, *, today, service=PICKUP, now=None):
    """
    Return the rules.DayAvailability of each DayPlan with the seats ``booked``
    ({(date, slot start): seats taken}, booked_seats): pure, no query.
    """
    offer = window.offer(service)
    taken = {}
    for (date, slot_start), count in booked.items():
        taken.setdefault(date, {})[slot_start] = count
    lead_days, _lead_minutes, horizon_days = booking_terms(window, service)
    earliest = earliest_start(window, service, now)
    return [
        rules.day_availability(
            plan.schedule,
            today=today,
            capacity=plan.capacity,
            booked=taken.get(plan.schedule.date, {}),
            blocked=plan.blocked,
            lead_days=lead_days,
            horizon_days=horizon_days,
            earliest=earliest,
            walk_in=offer.walk_in,
        )
        for plan in plans
    ]


def booking_window(today, window=None, service=PICKUP):
    """Return (first, last) bookable dates of ``service`` (at ``window``: its own terms) under the settings (R-B2, R-A4)."""
    if window is None:
        lead_days = rules.service_rules(service, pickup_lead_days=settings.BOOKING_LEAD_DAYS).lead_days
        horizon_days = settings.BOOKING_HORIZON_DAYS
    else:
        lead_days, _minutes, horizon_days = booking_terms(window, service)
    return rules.booking_window(today, lead_days=lead_days, horizon_days=horizon_days)


def capacity_overrides(window, start, end, service=PICKUP):
    """Return {date: capacity} of ``service``'s per-date overrides at ``window`` from ``start`` to ``end``."""
    rows = _rows(window, start)
    if rows is not None:
        return {o.date: o.capacity for o in rows.overrides if o.service == service and start <= o.date <= end}
    return dict(
        CapacityOverride.objects.filter(window=window, service=service, date__range=(start, end)).values_list(
            "date", "capacity"
        )
    )


def capacity_on(window, day, overrides=None, service=PICKUP):
    """Return the seats per slot of ``service`` at ``window`` on ``day`` (its override, else the service's, R-W7)."""
    if overrides is None:
        overrides = capacity_overrides(window, day, day, service)
    return overrides.get(day, window.offer(service).capacity)


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
SERVICES = tuple(Service.values)


def _version_key(code):
    return f"availability:version:{code}"


def _seats_key(code, service):
    """The version of the seats of ``service`` at window ``code``: replaced by every booking change there."""
    return f"availability:seats:{code}:{service}"


def _day_key(code, service, day):
    """The version of one day of ``service`` at window ``code``: replaced by a booking change of that day."""
    return f"availability:version:{code}:{service}:{day.isoformat()}"


def cache_lookup(code, *parts):
    """
    Return (value, None) for a fresh entry of window ``code`` under ``parts``
    (strings), or (None, ticket) on a miss: pass the ticket to cache_store.
    """
    if settings.AVAILABILITY_CACHE_SECONDS <= 0:
        return None, None
    key = ":".join(("availability", code, get_language() or settings.LANGUAGE_CODE, *parts))
    # A range of days of any service: stale after a change of the window or of any seat there.
    seats = [_seats_key(code, service) for service in SERVICES]
    try:
        found = cache.get_many([key, ALL_WINDOWS, _version_key(code), *seats])
    except Exception:  # the cache is down: compute from the database
        logger.warning("availability cache unreachable; computing from the database", exc_info=True)
        return None, None
    versions = (found.get(ALL_WINDOWS, ""), found.get(_version_key(code), ""), *(found.get(k, "") for k in seats))
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


def cached_window_availability(window, start, end, *, today, service=PICKUP, now=None):
    """
    Return window_availability(window, start, end, today=today, service=service),
    from the shared cache when a fresh entry exists (for pages and
    suggestions; never for the booking itself). A lead time in minutes
    (R-A4) keys the entry by the minute of its earliest start.
    """
    earliest = earliest_start(window, service, now)
    parts = [today.isoformat(), start.isoformat(), end.isoformat()]
    if service != PICKUP:  # pickup's keys stay as they were
        parts += [service, earliest.isoformat(timespec="minutes") if earliest else ""]
    packed, ticket = cache_lookup(window.code, "days", *parts)
    if packed is not None:
        return unpack(packed)
    days = window_availability(window, start, end, today=today, service=service, now=now)
    cache_store(ticket, pack(days))
    return days


def cached_days(window, first, last, *, today, summary, service=PICKUP, now=None, versions_out=None):
    """
    Return {date: (summary(day), packed day)} of every day from ``first`` to
    ``last`` of ``service`` at ``window`` (unpack() gives the rules.DayAvailability),
    each day from its own entry of the shared cache when fresh (issue #17).

    A day's entry is stale after a change of the window or of all windows, or
    a booking change of that very day (invalidate_availability_days): a
    booking makes one day of one service stale, not the window's month. The
    stale days are computed at once: from their plans (DayPlan, kept in the
    shared cache under the all-windows and window versions) and the slot
    counters when only their seats changed (1 query), else from the database
    (the same queries as one window_availability over their span). ``summary`` (a pure function of
    a DayAvailability, picklable result) is kept beside the day, so that a
    page showing a month reads the summaries without unpacking 30 days.
    ``versions_out`` (a dict) receives {date: the versions read before the day
    was taken}, which day_versions reads again to tell a result still holds.
    """
    span = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    language = get_language() or settings.LANGUAGE_CODE
    earliest = earliest_start(window, service, now)
    tail = (service, today.isoformat(), earliest.isoformat(timespec="minutes") if earliest else "")
    keys = {day: ":".join(("availability", window.code, language, "day", *tail, day.isoformat())) for day in span}
    found = None
    if settings.AVAILABILITY_CACHE_SECONDS > 0:
        try:
            found = cache.get_many([ALL_WINDOWS, _version_key(window.code), *keys.values(),
                                    *(_day_key(window.code, service, day) for day in span)])
        except Exception:  # the cache is down: compute from the database
            logger.warning("availability cache unreachable; computing from the database", exc_info=True)
    result, versions, common = {}, {}, None
    if found is not None:
        common = (found.get(ALL_WINDOWS, ""), found.get(_version_key(window.code), ""))
        for day in span:
            versions[day] = (*common, found.get(_day_key(window.code, service, day), ""))
            entry = found.get(keys[day])
            if entry is not None and entry[0] == versions[day]:
                result[day] = entry[1:]
    (versions_out if versions_out is not None else {}).update(versions)
    stale = [day for day in span if day not in result]
    if not stale:
        return result
    # A day made stale by its seats alone (a booking, a cancellation) is recomputed
    # from its plan, kept apart, and the slot counters: 1 query instead of 5.
    plans, new_plans = _plans_of(window, stale, language, service, common)
    booked = booked_seats(window, stale[0], stale[-1], service)
    fresh = {}
    for day in availability_from_plans(window, plans, booked, today=today, service=service, now=now):
        if day.date not in result:
            result[day.date] = (summary(day), pack(day))
            if day.date in versions:
                fresh[keys[day.date]] = (versions[day.date], *result[day.date])
    try:
        if fresh:
            cache.set_many(fresh, timeout=settings.AVAILABILITY_CACHE_SECONDS)
        if new_plans:
            cache.set_many(new_plans, timeout=PLAN_SECONDS)
    except Exception:
        logger.warning("availability cache unreachable; entries not stored", exc_info=True)
    return result


def day_versions(wanted, service=PICKUP):
    """
    Return {window code: {date: versions}} of the days ``wanted`` ({window
    code: dates}) of ``service``, as cached_days reads them (the all-windows,
    window and day versions), in one cache read; None when the cache is off
    or unreachable. A result cached_days gave is still what it would give
    while these are the same (issue #17).
    """
    if settings.AVAILABILITY_CACHE_SECONDS <= 0:
        return None
    keys = [ALL_WINDOWS, *(_version_key(code) for code in wanted)]
    keys += [_day_key(code, service, day) for code, days in wanted.items() for day in days]
    try:
        found = cache.get_many(keys)
    except Exception:
        logger.warning("availability cache unreachable; computing from the database", exc_info=True)
        return None
    return {
        code: {day: (found.get(ALL_WINDOWS, ""), found.get(_version_key(code), ""),
                     found.get(_day_key(code, service, day), "")) for day in days}
        for code, days in wanted.items()
    }


# A day's plan changes with the calendar's rows only (every change of them makes all
# windows stale): kept longer than the day's seats, which every booking there changes.
# Its lifetime only bounds a missed invalidation of a page's display; the booking
# itself reads the plan from the database (window_availability, seats=False).
PLAN_SECONDS = 60


def _plans_of(window, days, language, service, common):
    """
    Return (the DayPlans of ``days``, the plan entries to keep): from the
    shared cache when each is fresh under ``common`` (the all-windows and
    window versions; None: the cache is unreachable), else from the database
    for the span of ``days``.
    """
    keys = {day: ":".join(("availability", window.code, language, "plan", service, day.isoformat())) for day in days}
    if common is not None and settings.AVAILABILITY_CACHE_SECONDS > 0:
        try:
            found = cache.get_many(list(keys.values()))
        except Exception:
            found, common = {}, None
        plans = [found[keys[day]][1] for day in days if found.get(keys[day], (None,))[0] == common]
        if len(plans) == len(days):
            return plans, {}
    plans = day_plans(window, days[0], days[-1], service)
    if common is None or settings.AVAILABILITY_CACHE_SECONDS <= 0:
        return plans, {}
    return plans, {keys[plan.schedule.date]: (common, plan) for plan in plans if plan.schedule.date in keys}


def invalidate_availability_days(code, service, dates):
    """
    Make the cached availability of ``dates`` of ``service`` at window
    ``code`` stale (a seat taken or given back there) once the current
    transaction commits, as invalidate_availability does: each day's own
    entry (cached_days) and every cached range of the window's days (the
    availability JSON, suggestions). The other days' entries stay fresh.
    """
    # These versions need only outlive the entries they judge (seconds): an hour, not forever.
    _bump([_seats_key(code, service), *(_day_key(code, service, day) for day in set(dates))], timeout=DAY_VERSION_SECONDS)


def invalidate_availability(codes=None):
    """
    Make every cached availability of the windows ``codes`` (all windows when
    None) stale once the current transaction commits (at once outside one).
    """
    _bump([ALL_WINDOWS] if codes is None else [_version_key(code) for code in set(codes)])


DAY_VERSION_SECONDS = 3600


def _bump(keys, timeout=None):
    """
    Write new versions under ``keys`` once the current transaction commits
    (at once outside a transaction), in one round trip, before the request
    answers: on_commit runs when the outermost atomic block exits.

    Once is enough (issue #17). An entry is stale when its versions differ
    from the current ones; a page that read the versions before this bump
    computed from the database as it was before the commit, and this bump
    makes that entry stale; a page that reads them after it sees the commit.
    A bump before the commit as well (as until issue #17) changed nothing a
    reader could see: until the commit the database still shows the old
    seats, so an entry recomputed then is just as old. A rollback bumps
    nothing, and nothing changed. If the bump cannot reach the cache, the
    entries expire on their own (AVAILABILITY_CACHE_SECONDS).
    """

    def bump():
        try:
            cache.set_many({key: secrets.token_hex(6) for key in keys}, timeout=timeout)
        except Exception:
            logger.warning("availability cache unreachable; cached entries expire on their own", exc_info=True)

    transaction.on_commit(bump)
