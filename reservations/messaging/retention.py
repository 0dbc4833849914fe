"""
R-B11: personal data of past bookings is erased a set number of days after
the appointment, and abandoned booking sessions once they expire.
"""

import datetime as dt
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from reservations.models import (
    Booking, BookingEvent, BookingPerson, BookingQuota, Message, WaitlistEntry, WaitlistPerson,
)

ERASED_BIRTH_DATE = dt.date(1900, 1, 1)
BATCH_SIZE = 5000


def anonymise_past_bookings(*, today: dt.date, days: int | None = None) -> int:
    """
    Erase names, kana, birth dates, notice numbers and contacts of at most
    BATCH_SIZE bookings whose date is more than ``days`` (setting
    BOOKING_RETENTION_DAYS) before ``today``, with the staff's free-text
    reasons of their events, the notes and errors of their messages and the
    client network hashes (issue #18); keep
    window, date, time, party size, ward, status and the audit trail's who,
    when and what for the statistics. Return how many bookings were anonymised.
    """
    days = settings.BOOKING_RETENTION_DAYS if days is None else days
    cutoff = today - dt.timedelta(days=days)
    with transaction.atomic():
        ids = list(
            Booking.objects.select_for_update(skip_locked=True)
            .filter(date__lt=cutoff, anonymised_at__isnull=True)
            .values_list("pk", flat=True)[:BATCH_SIZE]
        )
        BookingPerson.objects.filter(booking_id__in=ids).update(
            name="", kana="", notice_number="", birth_date=ERASED_BIRTH_DATE, active=False
        )
        Booking.objects.filter(pk__in=ids).update(
            email="", phone="", proxy_name="", proxy_phone="", client_hash=None, anonymised_at=timezone.now()
        )
        _redact_free_text(Booking.objects.filter(pk__in=ids))
        # Yesterday's and older daily booking counts (booking.limits) limit nothing any more.
        BookingQuota.objects.filter(day__lt=today - dt.timedelta(days=1)).delete()
    return len(ids)


def _redact_free_text(bookings) -> int:
    """
    Empty the free text of ``bookings`` that can name a resident: the staff's
    reasons in their events, the notes and delivery errors of their messages.
    Return how many rows changed.
    """
    events = BookingEvent.objects.filter(booking__in=bookings).exclude(reason="").update(reason="")
    messages = Message.objects.filter(booking__in=bookings).exclude(note="", last_error="").update(note="", last_error="")
    return events + messages


def redact_anonymised_free_text() -> int:
    """Redact the free text of every anonymised booking, those anonymised before it was erased too."""
    return _redact_free_text(Booking.objects.filter(anonymised_at__isnull=False))


def clear_expired_sessions() -> None:
    """Delete expired sessions: an abandoned booking path holds names, notice numbers and contacts."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()


def anonymise_ended_entries(*, today: dt.date, days: int | None = None) -> int:
    """
    Erase the names, kana, birth dates, notice numbers and contacts of the
    waiting-list entries (SPEC §9) whose last wanted day is more than
    ``days`` (BOOKING_RETENTION_DAYS) before ``today`` and that have ended;
    keep service, window, dates, party size, ward and status for the
    statistics. Return how many entries were anonymised.
    """
    days = settings.BOOKING_RETENTION_DAYS if days is None else days
    cutoff = today - dt.timedelta(days=days)
    with transaction.atomic():
        ids = list(
            WaitlistEntry.objects.select_for_update(skip_locked=True)
            .filter(date_to__lt=cutoff, anonymised_at__isnull=True)
            .exclude(status__in=WaitlistEntry.ACTIVE_STATUSES)
            .values_list("pk", flat=True)[:BATCH_SIZE]
        )
        WaitlistPerson.objects.filter(entry_id__in=ids).update(
            name="", kana="", notice_number="", birth_date=ERASED_BIRTH_DATE, key=""
        )
        WaitlistEntry.objects.filter(pk__in=ids).update(email="", phone="", anonymised_at=timezone.now())
        Message.objects.filter(entry_id__in=ids).exclude(note="", last_error="").update(note="", last_error="")
    return len(ids)


def erase_personal_data(*, today: dt.date, days: int | None = None) -> int:
    """Anonymise every past booking and ended waiting-list entry due (batch after batch), clear expired sessions; return the bookings."""
    total = 0
    while anonymise_ended_entries(today=today, days=days):
        pass
    while count := anonymise_past_bookings(today=today, days=days):
        total += count
    redact_anonymised_free_text()
    clear_expired_sessions()
    return total
