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


def earliest_slots(windows: Iterable[Window], party_size: int, service: str, now: dt.datetime | None = None) -> dict[int, EarliestSlot]:
    """Return {window id: its EarliestSlot} for the windows (walk-in ones left out) with a time free for the party."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    found = {}
    for window in windows:
        offer = window.offer(service)
        if offer is None or offer.walk_in:
            continue
        first, last = calendars.booking_window(today, window, service)
        days = calendars.cached_window_availability(window, first, last, today=today, service=service, now=now)
        slots = rules.first_fitting_slots([(window.pk, days)], party_size, first, last, limit=1)
        if slots:
            _window_id, day, start = slots[0]
            found[window.pk] = EarliestSlot(window, day, start)
    return found


def first_anywhere(earliest: dict[int, EarliestSlot]) -> EarliestSlot | None:
    """The first free time among the windows (the earlier day and time; R-W1 order breaks a tie)."""
    return min(earliest.values(), key=lambda slot: (slot.date, slot.start), default=None)
