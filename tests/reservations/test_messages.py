"""What is sent when (frozen clock), claims, retries and retention (issue: messages)."""

import datetime as dt
import smtplib
import zoneinfo
from unittest import mock

import pytest
import time_machine
from django.core import mail

from reservations.booking import services
from reservations.booking.services import booking_cancel, booking_create, booking_reschedule
from reservations.messaging import outbox, retention
from reservations.models import Booking, Message, Window

from .factories import NOW, booking_data

pytestmark = pytest.mark.django_db
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TOKYO)


def sweep_at(moment, capture):
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return outbox.sweep(now=moment)


def test_confirmation_goes_out_at_once_with_code_ics_and_fixed_message_id(book):
    booking = book()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["taro@example.jp"]
    assert booking.display_code in email.subject and booking.display_code in email.body
    assert "北区役所" in email.body and "交付通知書" in email.body  # Japanese, with the checklist
    assert email.alternatives[0][1] == "text/html"
    assert email.attachments[0][0].endswith(".ics") and "DTSTART;TZID=Asia/Tokyo:20261201T090000" in email.attachments[0][1]
    message = Message.objects.get(booking=booking, kind="confirmation")
    assert message.state == "sent" and email.extra_headers["Message-ID"] == outbox.message_id_header(message)
    assert "/booking/" in email.body


def test_english_booking_gets_english_mail(book):
    book(language="en")
    assert "booked" in mail.outbox[0].subject and "Kita Ward Office" in mail.outbox[0].body


def test_reminder_is_due_at_nine_the_day_before(book):
    booking = book()
    reminder = Message.objects.get(booking=booking, kind="reminder")
    assert reminder.due_at == at(dt.date(2026, 11, 30), 9) and reminder.state == "pending"


def test_no_reminder_when_booked_after_that_moment(book):
    booking = book(date=dt.date(2026, 11, 26))  # booked 25 Nov 10:00, the reminder moment was 09:00
    assert not Message.objects.filter(booking=booking, kind="reminder").exists()


def test_sweep_sends_the_reminder_once_at_its_time(book, django_capture_on_commit_callbacks):
    booking = book()
    mail.outbox.clear()
    assert sweep_at(at(dt.date(2026, 11, 30), 8, 59), django_capture_on_commit_callbacks) == 0
    assert sweep_at(at(dt.date(2026, 11, 30), 9), django_capture_on_commit_callbacks) == 1
    assert len(mail.outbox) == 1 and "Reminder" not in mail.outbox[0].subject  # Japanese subject
    assert booking.display_code in mail.outbox[0].body
    assert sweep_at(at(dt.date(2026, 11, 30), 9, 1), django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1
    assert Message.objects.get(booking=booking, kind="reminder").state == "sent"


def test_reschedule_tells_and_moves_the_reminder(book, django_capture_on_commit_callbacks):
    booking = book()
    with django_capture_on_commit_callbacks(execute=True):
        booking_reschedule(booking=booking, window=Window.objects.get(code="kita"), date=dt.date(2026, 12, 3),
                           start=dt.time(10), now=NOW)
    kinds = {(m.kind, m.state, m.due_at.astimezone(TOKYO).date()) for m in Message.objects.filter(booking=booking)}
    assert ("rescheduled", "sent", dt.date(2026, 11, 25)) in kinds
    assert ("reminder", "skipped", dt.date(2026, 11, 30)) in kinds
    assert ("reminder", "pending", dt.date(2026, 12, 2)) in kinds
    assert mail.outbox[-1].attachments[0][0].endswith(".ics")


def test_cancel_by_staff_tells_the_chosen_notice_not_the_reason_and_stops_the_reminder(
    book, admin_user, django_capture_on_commit_callbacks
):
    booking = book()
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, now=NOW, actor=admin_user, reason="窓口の都合", by_staff=True,
                       notice="window_unavailable")
    assert "窓口の都合" not in mail.outbox[-1].body  # internal (issue #18 item 7f)
    assert "ご予約の日時に窓口で対応できなくなりました。" in mail.outbox[-1].body
    assert Message.objects.get(booking=booking, kind="reminder").state == "skipped"


def test_phone_only_bookings_get_no_message(book, django_capture_on_commit_callbacks):
    booking = book(email="", phone="0250000000")
    assert mail.outbox == []
    assert Message.objects.get(booking=booking, kind="confirmation").state == "skipped"
    sweep_at(at(dt.date(2026, 11, 30), 9), django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_closure_notice_links_to_rebooking(book, admin_user, django_capture_on_commit_callbacks):

    booking = book()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.bookings_mark_affected([booking], actor=admin_user, reason="臨時休業")
    assert len(mail.outbox) == 1 and "/booking/" in mail.outbox[0].body and "臨時休業" in mail.outbox[0].body
    assert Message.objects.get(booking=booking, kind="reminder").state == "skipped"


def test_a_message_is_claimed_once(book):
    booking = book()
    message = Message.objects.get(booking=booking, kind="reminder")
    due = at(dt.date(2026, 11, 30), 9)
    first = outbox.claim(message.pk, due)
    assert first is not None and outbox.claim(message.pk, due) is None
    # A claim whose worker died is taken over after the timeout.
    assert outbox.claim(message.pk, due + outbox.claim_timeout() - dt.timedelta(seconds=1)) is None
    assert outbox.claim(message.pk, due + outbox.claim_timeout() + dt.timedelta(seconds=1)) is not None


def test_delivering_twice_sends_once(book):
    booking = book()
    mail.outbox.clear()
    reminder = Message.objects.get(booking=booking, kind="reminder")
    due = at(dt.date(2026, 11, 30), 9)
    assert outbox.deliver(reminder.pk, now=due) == "sent"
    assert outbox.deliver(reminder.pk, now=due) is None
    assert len(mail.outbox) == 1


def test_transient_smtp_error_retries_with_backoff_then_fails(book):
    booking = book()
    reminder = Message.objects.get(booking=booking, kind="reminder")
    due = at(dt.date(2026, 11, 30), 9)
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=smtplib.SMTPServerDisconnected("gone")):
        assert outbox.deliver(reminder.pk, now=due) == "retry"
        reminder.refresh_from_db()
        assert (reminder.state, reminder.due_at, reminder.attempts) == ("pending", due + dt.timedelta(minutes=1), 1)
        moment = reminder.due_at
        for _ in range(outbox.MAX_ATTEMPTS - 1):
            outbox.deliver(reminder.pk, now=moment)
            reminder.refresh_from_db()
            moment = reminder.due_at
    assert reminder.state == "failed" and reminder.attempts == outbox.MAX_ATTEMPTS


def test_permanent_smtp_error_fails_at_once(book):
    booking = book()
    reminder = Message.objects.get(booking=booking, kind="reminder")
    error = smtplib.SMTPRecipientsRefused({"taro@example.jp": (550, b"no such user")})
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=error):
        assert outbox.deliver(reminder.pk, now=at(dt.date(2026, 11, 30), 9)) == "failed"
    reminder.refresh_from_db()
    assert reminder.state == "failed" and reminder.last_error


def test_broker_down_does_not_fail_the_booking_and_the_sweep_sends_later(django_capture_on_commit_callbacks):
    from reservations.messaging import tasks

    with mock.patch.object(tasks.send_message, "delay", side_effect=ConnectionError("redis down")):
        with django_capture_on_commit_callbacks(execute=True):
            booking = booking_create(data=booking_data(), now=NOW)
    assert Booking.objects.filter(pk=booking.pk).exists()
    assert mail.outbox == []
    assert Message.objects.get(booking=booking, kind="confirmation").state == "pending"
    sweep_at(NOW + dt.timedelta(minutes=1), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


def test_nothing_personal_in_task_arguments(book):
    from reservations.messaging import tasks

    with mock.patch.object(tasks.send_message, "delay") as delay:
        outbox.enqueue([42])
    delay.assert_called_once_with(42)


def test_retention_anonymises_old_bookings_and_keeps_counts(book):
    old = book(date=dt.date(2026, 12, 1))
    assert retention.anonymise_past_bookings(today=dt.date(2027, 3, 1)) == 0  # 90 days not yet over
    assert retention.anonymise_past_bookings(today=dt.date(2027, 3, 2)) == 1
    old.refresh_from_db()
    person = old.people.get()
    assert (person.name, person.kana, person.notice_number, old.email, old.phone) == ("", "", "", "", "")
    assert old.anonymised_at and old.party_size == 1 and old.window.code == "kita"
    assert retention.anonymise_past_bookings(today=dt.date(2027, 3, 2)) == 0


def test_beat_schedule_and_task_settings(settings):
    assert settings.CELERY_BEAT_SCHEDULE["sweep-messages"]["schedule"] == 60.0
    from reservations.messaging.tasks import send_message

    assert send_message.acks_late and send_message.reject_on_worker_lost


# --- Issue #13: who is greeted, how many come, and the calendar entry of a change --------------


def test_every_mail_greets_the_first_person_and_says_the_party_size(book, django_capture_on_commit_callbacks):
    booking = book(party=2)
    with django_capture_on_commit_callbacks(execute=True):
        booking_reschedule(booking=booking, window=booking.window, date=dt.date(2026, 12, 2), start=dt.time(9), now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, now=NOW)
    assert len(mail.outbox) == 3  # confirmation, move, cancellation
    for email in mail.outbox:
        assert email.body.startswith("新潟 太郎 様\n") and "人数: 2人" in email.body
        html = email.alternatives[0][0]
        assert "<p>新潟 太郎 様</p>" in html and "2人" in html


def test_english_mail_says_dear_and_the_number_of_people(book):
    book(language="en")
    email = mail.outbox[0]
    assert email.body.startswith("Dear 新潟 太郎,\n") and "Number of people: 1 person" in email.body


def test_the_move_and_cancellation_mails_carry_the_calendar_change(book, django_capture_on_commit_callbacks):
    """R-B7: a move mail replaces the entry (REQUEST, higher SEQUENCE), a cancellation removes it (CANCEL)."""
    booking = book()
    with django_capture_on_commit_callbacks(execute=True):
        booking_reschedule(booking=booking, window=booking.window, date=dt.date(2026, 12, 2), start=dt.time(9), now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, now=NOW)
    (_n0, first, _t0), (_n1, moved, _t1), (_n2, cancelled, kind) = (email.attachments[0] for email in mail.outbox)
    assert "METHOD:REQUEST" in moved and "SEQUENCE:1" in moved and "DTSTART;TZID=Asia/Tokyo:20261202T090000" in moved
    assert "METHOD:CANCEL" in cancelled and "STATUS:CANCELLED" in cancelled and kind == "text/calendar; method=CANCEL"
    assert "SEQUENCE:0" in first
