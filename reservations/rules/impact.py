"""Bookings that a closure or a capacity cut makes impossible (R-B9)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time

from reservations.rules.schedule import DaySchedule

# checked-in, issued or no-show booking is history and keeps its seat.
SEAT_HOLDING_STATUSES = ("booked", "checked_in", "issued", "no_show")


@dataclass(frozen=True)
class HeldBooking:
    """A booking as the impact rule sees it (model instances with these attributes do as well)."""

    pk: int
    start: time
    party_size: int
    created_at: datetime
    status: str = "booked"


def _made_order(booking: HeldBooking) -> tuple[datetime, int]:
    return (booking.created_at, booking.pk)


def bookings_made_impossible(
    bookings: Iterable[HeldBooking], schedule_day: DaySchedule, capacity: int
) -> list[HeldBooking]:
    """
    Return the bookings of one window and day that cannot take place under
    ``schedule_day`` (the day's DaySchedule, closures applied) and
    ``capacity`` (seats per slot that day), earliest slot first (R-B9).

    A booked booking is impossible when its slot no longer exists (the day
    is closed, a partial closure or a changed opening rule removed the
    slot), or when its slot holds more people than ``capacity``: then the
    most recently made bookings of the slot go, one by one, until the rest
    fit, so the earliest bookings keep their seats. Checked-in, issued and
    no-show bookings are never returned but count as seats taken; cancelled
    and affected bookings are ignored.
    """
    starts = {slot.start for slot in schedule_day.slots} if schedule_day.open else set()
    fixed = {}
    by_slot = {}
    impossible = []
    for booking in sorted(bookings, key=_made_order):
        if booking.status != "booked":
            if booking.status in SEAT_HOLDING_STATUSES:
                fixed[booking.start] = fixed.get(booking.start, 0) + booking.party_size
        elif booking.start not in starts:
            impossible.append(booking)
        else:
            by_slot.setdefault(booking.start, []).append(booking)
    for start, group in by_slot.items():
        seats = fixed.get(start, 0) + sum(booking.party_size for booking in group)
        while group and seats > capacity:
            latest = group.pop()
            seats -= latest.party_size
            impossible.append(latest)
    return sorted(impossible, key=lambda booking: (booking.start, _made_order(booking)))
