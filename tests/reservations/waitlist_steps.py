"""Full calendars for the waiting-list tests (SPEC §9): every seat of a window's horizon taken."""

import datetime as dt

from django.utils import timezone

from reservations.booking.services import booking_create
from reservations.models import SlotCounter, Window
from reservations.schedule import calendars

from .factories import booking_data


def fill_horizon(window_code="kita", keep=(dt.date(2026, 12, 1), dt.time(9)), service="pickup", now=None):
    """
    Take every seat of ``window_code``'s horizon (R-B2): the counters of
    every slot but ``keep`` (day, start; None: the first with seats) are set full, and real bookings of one person each
    fill ``keep``, so that cancelling one of them frees a seat. Return those bookings.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    window = Window.objects.with_rules().get(code=window_code)
    first, last = calendars.booking_window(today, window, service)
    counters, kept = [], None
    days = calendars.window_availability(window, first, last, today=today, service=service, now=now)
    if keep is None:  # the first slot with seats
        keep = next((day.date, slot.start) for day in days for slot in day.slots if slot.remaining)
    for day in days:
        for slot in day.slots:
            if (day.date, slot.start) == keep:
                kept = slot
            else:
                counters.append(SlotCounter(window=window, service=service, date=day.date, start=slot.start,
                                            capacity=slot.capacity, booked=slot.capacity))
    SlotCounter.objects.bulk_create(counters)
    calendars.invalidate_availability()
    assert kept is not None, f"{keep} is no slot of {window_code}"
    made = [booking_create(data=booking_data(window, date=keep[0], start=keep[1], service=service), now=now)
            for _seat in range(kept.remaining)]
    calendars.invalidate_availability()
    return made
