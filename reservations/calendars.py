"""
Read a window's calendar from the database and run it through the rules.

A fixed number of queries whatever the length of the date range: the opening
rules (prefetched with the window), recurring closures, closures, capacity
overrides and booking blocks, each read once for the whole range.
"""

from django.conf import settings
from django.db.models import Q
from django.utils.translation import get_language

from . import rules
from .models import BookingBlock, CapacityOverride, Closure, RecurringClosure, SlotCounter


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


def window_availability(window, start, end, *, today):
    """Return the rules.DayAvailability of every day from ``start`` to ``end`` for ``window``."""
    days = window_schedule(window, start, end)
    overrides = capacity_overrides(window, start, end)
    blocks = list(BookingBlock.objects.for_window(window).overlapping(start, end))
    taken = {}
    for (date, slot_start), seats in booked_seats(window, start, end).items():
        taken.setdefault(date, {})[slot_start] = seats
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
