"""
What a closure, a capacity cut or a rule change does to existing bookings
(R-B9, R-S3).

``affected_bookings`` answers "which bookings would this make impossible?"
for an unsaved Closure or CapacityOverride (or a window whose capacity or
opening rules changed), reading the calendar with a fixed number of queries
and deciding with ``rules.bookings_made_impossible``. Marking them affected
is a booking write: ``reservations.booking.services.bookings_mark_affected``.
Bookings are never deleted.
"""

import datetime as dt
import hashlib
from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language

from reservations import rules
from reservations.models import (
    Booking,
    BookingBlock,
    CapacityOverride,
    Closure,
    RecurringClosure,
    Window,
    WindowService,
)


def affected_bookings(
    window: Window | None,
    start_date: dt.date,
    end_date: dt.date | None,
    *,
    extra_closure: Closure | None = None,
    capacity_override: CapacityOverride | None = None,
    service: str | None = None,
    offer: WindowService | None = None,
) -> list[Booking]:
    """
    Return the booked bookings from ``start_date`` to ``end_date`` (None: no
    end) of ``window`` (None: every window) and ``service`` (None: every
    service) that the calendar cannot hold once ``extra_closure`` (a
    Closure) and ``capacity_override`` (a CapacityOverride), saved or not,
    are in force. Days before today are left alone. A closure hits the
    bookings of every service of its windows (R-A3, R-A7).

    ``offer``, a WindowService saved or not (a capacity cut), counts with its
    own values; opening rules are read from the database. A service that is
    no longer offered, or offered walk-in only (R-A4), holds none of its
    booked bookings.

    Seven queries at most, whatever the number of days and bookings.
    """
    days = _days_with_booked_bookings(window, max(start_date, timezone.localdate()), end_date, service)
    if not days:
        return []
    window_ids = {window_id for window_id, _service, _day in days}
    first = min(day for _window_id, _service, day in days)
    last = max(day for _window_id, _service, day in days)
    windows = _windows_as_changed(window_ids, offer)
    recurring, closures = _closure_rules(window_ids, first, last, extra_closure)
    capacities = _capacities(window_ids, first, last, capacity_override)
    holidays = rules.japanese_holidays(first, last, language=get_language() or "ja")
    found = []
    ordered = sorted(days.items(), key=lambda item: (item[0][2], windows[item[0][0]].sort_order, item[0][1]))
    for (window_id, booked_service, day), group in ordered:
        owner = windows[window_id]
        offer = owner.offer(booked_service)
        if offer is None or offer.walk_in:  # no longer offered, or walk-in only (R-A4): nothing can hold these bookings
            found.extend(_with_window(group, owner, only_booked=True))
            continue
        schedule_day = rules.day_schedule(
            day,
            owner.calendar(booked_service),
            recurring=[rule for pk, rule in recurring if pk in (None, window_id)],
            closures=[rule for pk, rule in closures if pk in (None, window_id)],
            holidays=holidays,
        )
        capacity = capacities.get((window_id, booked_service, day), offer.capacity)
        found.extend(_with_window(rules.bookings_made_impossible(group, schedule_day, capacity), owner))
    return found


def _with_window(bookings: Iterable[Booking], window: Window, only_booked: bool = False) -> list[Booking]:
    chosen = [b for b in bookings if not only_booked or b.status == Booking.Status.BOOKED]
    for booking in chosen:
        booking.window = window
    return chosen


def _days_with_booked_bookings(
    window: Window | None, start_date: dt.date, end_date: dt.date | None, service: str | None = None
) -> dict[tuple[int, str, dt.date], list[Booking]]:
    """
    Return the seat-holding bookings by (window id, service, day), oldest
    first, for the days that have a booked booking (only those can change). One query.
    """
    if end_date is not None and end_date < start_date:
        return {}
    holders = Booking.objects.filter(status__in=rules.SEAT_HOLDING_STATUSES, date__gte=start_date)
    if end_date is not None:
        holders = holders.filter(date__lte=end_date)
    if window is not None:
        holders = holders.filter(window=window.pk)
    if service is not None:
        holders = holders.filter(service=service)
    days = {}
    for booking in holders.order_by("date", "start", "created_at", "pk"):
        days.setdefault((booking.window_id, booking.service, booking.date), []).append(booking)
    return {key: group for key, group in days.items() if any(b.status == Booking.Status.BOOKED for b in group)}


def _windows_as_changed(window_ids: set[int], offer: WindowService | None) -> dict[int, Window]:
    """
    Return the windows by id with their opening rules and services (three
    queries); ``offer`` (unsaved capacity or slots) stands in for its saved self.
    """
    windows = {w.pk: w for w in Window.objects.filter(pk__in=window_ids).with_rules()}
    if offer is not None and offer.window_id in windows:
        fresh = windows[offer.window_id]
        others = [saved for saved in fresh.offers.all() if saved.service != offer.service]
        fresh._prefetched_objects_cache["offers"] = [*others, offer]
    return windows


def _closure_rules(
    window_ids: set[int], first: dt.date, last: dt.date, extra_closure: Closure | None
) -> tuple[list[tuple[int | None, rules.RecurringClosure]], list[tuple[int | None, rules.Closure]]]:
    """
    Return the recurring and the dated closures as (window id or None for
    all, rule) pairs, with ``extra_closure`` in place of its saved self (two queries).
    """
    recurring = [
        (item.window_id, item.as_rule())
        for item in RecurringClosure.objects.filter(Q(window__in=window_ids) | Q(window__isnull=True))
    ]
    closures = Closure.objects.filter(Q(window__in=window_ids) | Q(window__isnull=True)).overlapping(first, last)
    if extra_closure is not None and extra_closure.pk is not None:
        closures = closures.exclude(pk=extra_closure.pk)
    closures = [(item.window_id, item.as_rule()) for item in closures]
    if extra_closure is not None:
        closures.append((extra_closure.window_id, extra_closure.as_rule()))
    return recurring, closures


def _capacities(
    window_ids: set[int], first: dt.date, last: dt.date, capacity_override: CapacityOverride | None
) -> dict[tuple[int, dt.date], int]:
    """Return the seats per slot of the (window, service, day) with their own capacity, ``capacity_override`` included (one query)."""
    overrides = CapacityOverride.objects.filter(window__in=window_ids, date__range=(first, last))
    if capacity_override is not None and capacity_override.pk is not None:
        overrides = overrides.exclude(pk=capacity_override.pk)
    capacities = {
        (window_id, service, day): seats
        for window_id, service, day, seats in overrides.values_list("window", "service", "date", "capacity")
    }
    if capacity_override is not None:
        key = (capacity_override.window_id, capacity_override.service, capacity_override.date)
        capacities[key] = capacity_override.capacity
    return capacities


def bookings_in_block(block: BookingBlock) -> list[Booking]:
    """
    Return the booked bookings, from today on, that lie in the dates of the
    BookingBlock ``block`` (saved or not). A block only stops new bookings
    (R-B2): these stay valid.
    """
    start_date = max(block.start_date, timezone.localdate())
    bookings = Booking.objects.filter(status=Booking.Status.BOOKED, date__range=(start_date, block.end_date))
    if block.window_id is not None:
        bookings = bookings.filter(window=block.window_id)
    if block.service:
        bookings = bookings.filter(service=block.service)
    return list(bookings.select_related("window").order_by("date", "start", "window__sort_order", "pk"))


def fingerprint(bookings: Iterable[Booking]) -> str:
    """Return a short digest of which bookings a list holds (what an admin confirmed)."""
    keys = ",".join(str(pk) for pk in sorted(booking.pk for booking in bookings))
    return hashlib.sha256(keys.encode()).hexdigest()[:20]
