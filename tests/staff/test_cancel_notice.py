"""
A staff cancellation keeps its internal reason in the audit trail and mails
the resident only a standard sentence they chose (issue #18 item 7f, R-B10, R-S4).
"""

import datetime as dt

import pytest
from django.core import mail

from reservations.booking.services import CancelNotice, booking_create
from reservations.counter.forms import ReasonForm
from reservations.models import Booking, BookingEvent, Message
from tests.reservations.factories import NOW, booking_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]

INTERNAL = "本人の母より電話 090-1234-5678 入院のため"


@pytest.fixture
def cancel(client, clerk_kita, django_capture_on_commit_callbacks):
    client.force_login(clerk_kita)

    def post(booking, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"/staff/booking/{booking.code}/cancel/", data)

    return post


def _booking(language="ja"):
    return booking_create(data=booking_data("kita", date=dt.date(2026, 12, 1), language=language), now=NOW)


def test_the_internal_reason_stays_in_the_audit_trail_and_the_mail_says_the_chosen_sentence(cancel):
    booking = _booking()
    response = cancel(booking, {"reason": INTERNAL, "notice": "at_request"})
    assert response.status_code == 302
    event = BookingEvent.objects.get(booking=booking, action="cancelled")
    assert (event.reason, event.actor_label) == (INTERNAL, "clerk-kita")
    body, html = mail.outbox[-1].body, mail.outbox[-1].alternatives[0][0]
    for text in (body, html):
        assert INTERNAL not in text and "090-1234-5678" not in text
        assert "ご依頼により予約を取り消しました。" in text
    assert Message.objects.get(booking=booking, kind="cancelled").note == "ご依頼により予約を取り消しました。"


def test_the_sentence_is_in_the_residents_language(cancel):
    booking = _booking(language="en")
    cancel(booking, {"reason": INTERNAL, "notice": "duplicate"})
    assert "You have another booking for the same card." in mail.outbox[-1].body
    assert INTERNAL not in mail.outbox[-1].body


def test_without_a_chosen_sentence_the_mail_gives_no_reason(cancel):
    booking = _booking()
    cancel(booking, {"reason": INTERNAL, "notice": ""})
    assert Booking.objects.get(pk=booking.pk).status == "cancelled"
    assert INTERNAL not in mail.outbox[-1].body
    assert Message.objects.get(booking=booking, kind="cancelled").note == ""


def test_cancel_form_needs_an_internal_reason_and_a_known_sentence():
    assert not ReasonForm({"reason": "", "notice": "at_request"}, action="cancel").is_valid()
    form = ReasonForm({"reason": "x", "notice": "anything typed"}, action="cancel")
    assert not form.is_valid() and "notice" in form.errors
    form = ReasonForm({"reason": "x", "notice": "card_not_ready"}, action="cancel")
    assert form.is_valid() and form.cleaned_data == {"reason": "x", "notice": CancelNotice.CARD_NOT_READY}


@pytest.mark.parametrize("action", ["check_in", "issue", "no_show"])
def test_routine_steps_ask_no_reason_and_no_sentence(action):
    form = ReasonForm({"reason": ""}, action=action)
    assert form.is_valid() and list(form.fields) == []  # one click (issue #15)


def test_confirm_page_labels_the_two_fields_apart(client, clerk_kita):
    booking = _booking()
    client.force_login(clerk_kita)
    html = client.get(f"/en/staff/booking/{booking.code}/cancel/").content.decode()
    assert "Internal reason" in html and "Never sent to the resident." in html
    assert "Reason given to the resident" in html and "The booking was cancelled at your request." in html
