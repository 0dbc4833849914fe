"""R-B11: personal data of past bookings is erased a set number of days after the appointment."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from reservations.models import Booking, BookingPerson, BookingQuota

ERASED_BIRTH_DATE = dt.date(1900, 1, 1)


def anonymise_past_bookings(*, today, days=None):
    """
    Erase names, kana, birth dates, notice numbers, contacts and network hashes of bookings
    whose date is more than ``days`` (setting BOOKING_RETENTION_DAYS) before
    ``today``; keep window, date, time, party size, ward and status for the
    statistics. Return how many bookings were anonymised.
    """
    days = settings.BOOKING_RETENTION_DAYS if days is None else days
    cutoff = today - dt.timedelta(days=days)
    with transaction.atomic():
        ids = list(
            Booking.objects.select_for_update(skip_locked=True)
            .filter(date__lt=cutoff, anonymised_at__isnull=True)
            .values_list("pk", flat=True)[:5000]
        )
        BookingPerson.objects.filter(booking_id__in=ids).update(
            name="", kana="", notice_number="", birth_date=ERASED_BIRTH_DATE, active=False
        )
        Booking.objects.filter(pk__in=ids).update(email="", phone="", client_hash=None, anonymised_at=timezone.now())
        # Yesterday's and older daily booking counts (booking.limits) limit nothing any more.
        BookingQuota.objects.filter(day__lt=today - dt.timedelta(days=1)).delete()
    return len(ids)
