"""
The earliest free time at a glance (issue #16): on the window choice, each
window the ward may use shows its earliest day and time with seats for the
whole party, and one shortcut goes to the first free time anywhere. Read
from the shared availability cache: no query per window on a warm cache.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from reservations import rules
from reservations.models import Window
from reservations.schedule import calendars


@dataclass(frozen=True)
class EarliestSlot:
    window: Window
    date: dt.date
    start: dt.time

    @property
    def url(self) -> str:
        """The details step of this slot, as choosing it in the calendar leads to."""
        return reverse("reservations:book_details", args=[self.window.code, self.date.isoformat(),
                                                         self.start.strftime("%H%M")])


def day_state(day: rules.DayAvailability) -> tuple:
    """
    What the booking calendar keeps of a day beside it in the shared cache
    (calendars.cached_days): free for 1 … MAX_PARTY people, few seats left,
    × rather than closed. The month tables and the earliest free time read it.
    """
    free = tuple(bool(rules.slots_for_party(day, size)) for size in range(1, rules.MAX_PARTY + 1))
    return free, rules.few_seats_left(day.slots), day.reason == "full" or bool(day.slots)


def earliest_slots(
    windows: Iterable[Window], party_size: int, service: str, now: dt.datetime | None = None
) -> dict[int, EarliestSlot]:
    """
    Return {window id: its EarliestSlot} for the windows (walk-in ones left
    out) with a time free for the whole party: each window's days come from
    the calendar's per-day cache entries (one cache read, no query when
    warm), and only the first free day is unpacked.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    found = {}
    for window in windows:
        offer = window.offer(service)
        if offer is None or offer.walk_in or not 0 < party_size <= rules.MAX_PARTY:
            continue
        first, last = calendars.booking_window(today, window, service)
        days = calendars.cached_days(window, first, last, today=today, summary=day_state, service=service, now=now)
        free_day = next((day for day in sorted(days) if days[day][0][0][party_size - 1]), None)
        if free_day is None:
            continue
        availability = calendars.unpack(days[free_day][1])
        slots = rules.first_fitting_slots([(window.pk, [availability])], party_size, free_day, free_day, limit=1)
        if slots:
            found[window.pk] = EarliestSlot(window, free_day, slots[0][2])
    return found


def first_anywhere(earliest: dict[int, EarliestSlot]) -> EarliestSlot | None:
    """The first free time among the windows (the earlier day and time; R-W1 order breaks a tie)."""
    return min(earliest.values(), key=lambda slot: (slot.date, slot.start), default=None)
