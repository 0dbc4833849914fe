"""Helpers shared by the browser tests."""

from django.utils import timezone

from reservations.models import Window
from reservations.schedule import calendars


def bookable_days(code="kita"):
    """Return the bookable days (rules.DayAvailability) of window ``code`` over the horizon."""
    today = timezone.localdate()
    first, last = calendars.booking_window(today)
    window = Window.objects.with_rules().get(code=code)
    return [day for day in calendars.window_availability(window, first, last, today=today) if day.bookable]


def first_bookable_slot(code="kita"):
    """Return (day, start) of the first bookable slot of window ``code``."""
    days = bookable_days(code)
    assert days, "no bookable day"
    return days[0].date, days[0].slots[0].start
