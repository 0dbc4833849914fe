"""make run's demo bookings: both services, booked once through the booking service (issue #14)."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from reservations.models import Booking

pytestmark = pytest.mark.django_db


def test_demo_bookings_of_both_services_are_made_once(frozen_now, mailoutbox):
    frozen_now(dt.date(2026, 11, 25))
    out = io.StringIO()
    call_command("ensure_demo_bookings", stdout=out)
    services = sorted(Booking.objects.values_list("service", flat=True))
    assert services == ["application_support", "application_support", "pickup", "pickup"]
    support = Booking.objects.filter(service="application_support")
    assert {b.window.code for b in support} == {"chuo", "higashi"}
    assert all(b.date == dt.date(2026, 11, 25) and b.start >= dt.time(10, 30) for b in support)  # same day (R-A4)
    assert all(b.date == dt.date(2026, 11, 26) for b in Booking.objects.filter(service="pickup"))  # R-B2
    call_command("ensure_demo_bookings", stdout=out)
    assert Booking.objects.count() == 4 and "exist already" in out.getvalue()
