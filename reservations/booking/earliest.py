"""
The earliest free time at a glance (issue #16): on the window choice, each
window the ward may use shows its earliest day and time with seats for the
whole party, and one shortcut goes to the first free time anywhere. Read
from the shared availability cache: no query per window on a warm cache.
"""

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from reservations import rules
from reservations.models import Window
from reservations.schedule import calendars

logger = logging.getLogger(__name__)


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
    out) with a time free for the whole party. Each window's answer is kept
    in the shared cache with the versions of the days up to its day (issue
    #17): no other day can change it, so while those are the same (one
    cache read for all windows) the answer stands; else the window's days
    come from the calendar's per-day cache entries (calendars.cached_days)
    and only the first free day is unpacked.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    wanted = {}
    for window in windows:
        offer = window.offer(service)
        if offer is None or offer.walk_in or not 0 < party_size <= rules.MAX_PARTY:
            continue
        first, last = calendars.booking_window(today, window, service)
        wanted[window] = (first, last, _key(window, service, party_size, today, first, last, now))
    kept = _kept([key for _first, _last, key in wanted.values()])
    checks = {window.code: _span(first, kept[key][1] or last)
              for window, (first, last, key) in wanted.items() if key in kept}
    current = calendars.day_versions(checks, service) if checks else None
    found, keep = {}, {}
    for window, (first, last, key) in wanted.items():
        entry = kept.get(key)
        if entry is not None and current is not None and current.get(window.code) == entry[0]:
            day, start = entry[1:]
        else:
            versions = {}
            day, start = _earliest(window, first, last, party_size, service, today, now, versions)
            upto = _span(first, day or last)
            if all(date in versions for date in upto):
                keep[key] = ({date: versions[date] for date in upto}, day, start)
        if day is not None:
            found[window.pk] = EarliestSlot(window, day, start)
    if keep:
        try:
            cache.set_many(keep, timeout=settings.AVAILABILITY_CACHE_SECONDS)
        except Exception:
            logger.warning("availability cache unreachable; earliest times not kept", exc_info=True)
    return found


def _earliest(window, first, last, party_size, service, today, now, versions):
    """(day, start) of the first time at ``window`` that holds the party, or (None, None); ``versions`` as cached_days fills it."""
    days = calendars.cached_days(window, first, last, today=today, summary=day_state, service=service, now=now,
                                 versions_out=versions)
    free_day = next((day for day in sorted(days) if days[day][0][0][party_size - 1]), None)
    if free_day is None:
        return None, None
    availability = calendars.unpack(days[free_day][1])
    slots = rules.first_fitting_slots([(window.pk, [availability])], party_size, free_day, free_day, limit=1)
    return (free_day, slots[0][2]) if slots else (None, None)


def _key(window, service, party_size, today, first, last, now) -> str:
    """The shared cache's key of a window's earliest time: everything its answer is made of but the days' states."""
    earliest = calendars.earliest_start(window, service, now)  # a lead in minutes (R-A4): the minute
    minute = earliest.isoformat(timespec="minutes") if earliest else ""
    return ":".join(("availability", "earliest", window.code, service, str(party_size), today.isoformat(),
                     first.isoformat(), last.isoformat(), minute))


def _kept(keys: list[str]) -> dict:
    """The kept answers under ``keys`` ({} when the cache is off or unreachable)."""
    if not keys or settings.AVAILABILITY_CACHE_SECONDS <= 0:
        return {}
    try:
        return cache.get_many(keys)
    except Exception:
        logger.warning("availability cache unreachable; earliest times computed", exc_info=True)
        return {}


def _span(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def first_anywhere(earliest: dict[int, EarliestSlot]) -> EarliestSlot | None:
    """The first free time among the windows (the earlier day and time; R-W1 order breaks a tie)."""
    return min(earliest.values(), key=lambda slot: (slot.date, slot.start), default=None)
