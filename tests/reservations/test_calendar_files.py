"""
The calendar files (.ics) of the mails and the pages, parsed back with
icalendar: one entry per booking (stable UID), moved by a REQUEST at a higher
SEQUENCE, removed by a CANCEL (R-B7; reservations.messaging.ical).
"""

import datetime as dt
import zoneinfo

import icalendar
import pytest
from django.core import mail

from reservations.booking.services import booking_cancel, booking_reschedule
from reservations.messaging import ical
from reservations.models import Booking, Window

from .factories import NOW, person

pytestmark = pytest.mark.django_db
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


@pytest.fixture
def move(django_capture_on_commit_callbacks):
    def make(booking, day, start, now=NOW):
        with django_capture_on_commit_callbacks(execute=True):
            booking_reschedule(booking=booking, window=Window.objects.get(code="kita"), date=day, start=start, now=now)
        return Booking.objects.get(pk=booking.pk)

    return make


def calendar_of(email):
    """Return (the parsed VCALENDAR, its only VEVENT, the MIME type) of the mail's .ics attachment."""
    [(name, content, mimetype)] = [a for a in email.attachments if isinstance(a, tuple) and a[0].endswith(".ics")]
    calendar = icalendar.Calendar.from_ical(content)
    [event] = calendar.walk("VEVENT")
    return calendar, event, mimetype


def test_confirmation_carries_a_request_in_tokyo_time(book):
    booking = book()
    calendar, event, mimetype = calendar_of(mail.outbox[0])
    assert str(calendar["METHOD"]) == "REQUEST" and mimetype == "text/calendar; method=REQUEST"
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Asia/Tokyo"
    assert event.decoded("DTSTART") == dt.datetime(2026, 12, 1, 9, 0, tzinfo=TOKYO)
    assert event["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert event.decoded("DTEND") == dt.datetime(2026, 12, 1, 9, 15, tzinfo=TOKYO)
    assert str(event["UID"]) == ical.booking_uid(booking) and int(event["SEQUENCE"]) == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "北区役所" in str(event["SUMMARY"]) and "北区役所" in str(event["LOCATION"])
    assert booking.display_code in str(event["DESCRIPTION"])
    assert str(event["ATTENDEE"]) == "mailto:taro@example.jp"
    assert str(event["ORGANIZER"]).startswith("mailto:")


def test_an_english_booking_gets_an_english_entry(book):
    book(language="en")
    _calendar, event, _mimetype = calendar_of(mail.outbox[0])
    assert "Kita Ward Office" in str(event["SUMMARY"]) and "Reservation code" in str(event["DESCRIPTION"])


def test_a_move_replaces_the_entry_with_the_same_uid_at_a_higher_sequence(book, move):
    booking = book()
    uid = ical.booking_uid(booking)
    booking = move(booking, dt.date(2026, 12, 3), dt.time(10))
    calendar, event, _mimetype = calendar_of(mail.outbox[-1])
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == dt.datetime(2026, 12, 3, 10, 0, tzinfo=TOKYO)
    # The move mail carries one entry only: no CANCEL that would remove what the REQUEST moves.
    assert len([a for a in mail.outbox[-1].attachments if isinstance(a, tuple) and a[0].endswith(".ics")]) == 1
    move(booking, dt.date(2026, 12, 4), dt.time(11), now=NOW + dt.timedelta(minutes=5))
    _calendar, event, _mimetype = calendar_of(mail.outbox[-1])
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 2


def test_a_cancellation_carries_a_cancel_above_every_request(book, move, django_capture_on_commit_callbacks):
    booking = book()
    booking = move(booking, dt.date(2026, 12, 3), dt.time(10))
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, now=NOW)
    calendar, event, mimetype = calendar_of(mail.outbox[-1])
    assert str(calendar["METHOD"]) == "CANCEL" and mimetype == "text/calendar; method=CANCEL"
    assert str(event["UID"]) == ical.booking_uid(booking) and int(event["SEQUENCE"]) == 2
    assert str(event["STATUS"]) == "CANCELLED"
    assert event.decoded("DTSTART") == dt.datetime(2026, 12, 3, 10, 0, tzinfo=TOKYO)


def test_the_sent_mail_says_the_method_in_its_content_type(book):
    book()
    parts = [part for part in mail.outbox[0].message().walk() if part.get_content_type() == "text/calendar"]
    assert [part.get_param("method") for part in parts] == ["REQUEST"]


def test_the_downloaded_file_is_published_at_the_current_sequence(book, move):
    booking = book()
    calendar = icalendar.Calendar.from_ical(ical.booking_ics(booking))
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "PUBLISH" and int(event["SEQUENCE"]) == 0 and "ATTENDEE" not in event
    booking = move(booking, dt.date(2026, 12, 3), dt.time(10))
    [event] = icalendar.Calendar.from_ical(ical.booking_ics(booking)).walk("VEVENT")
    assert int(event["SEQUENCE"]) == 1 and str(event["UID"]) == ical.booking_uid(booking)


def test_long_japanese_lines_are_folded_without_splitting_a_character(book):
    booking = book()
    text = ical.booking_ics(booking, method=ical.REQUEST, sequence=0)
    lines = text.split("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert text.endswith("\r\n")


def test_an_application_support_entry_says_so_and_what_to_bring(book):
    """R-A6: no issuance notice before applying; the entry names the service."""
    book(window="chuo", service="application_support", language="en", people=(person(notice_number=""),))
    _calendar, event, _mimetype = calendar_of(mail.outbox[0])
    assert "application support" in str(event["SUMMARY"])
    assert "issuance notice" not in str(event["DESCRIPTION"])
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(minutes=30)
