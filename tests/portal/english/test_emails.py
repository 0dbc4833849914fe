"""The e-mails in English, and the closure notice that speaks each booking's language."""

import datetime as dt
import re

import pytest

from reservations.admin import closure_reason, in_language
from reservations.booking import services, waitlist
from reservations.booking.request import WaitlistData
from reservations.booking.services import booking_cancel, booking_create, booking_reschedule
from reservations.messaging import outbox
from reservations.models import Message
from tests.reservations.factories import NOW, booking_data, closure_with_notes, person
from tests.reservations.waitlist_steps import fill_horizon

from .checks import japanese_leaks

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("city_windows", "booking_day")]


def test_emails_have_no_japanese_in_english(leaks):
    booking = booking_create(
        data=booking_data("kita", date=dt.date(2026, 12, 1), language="en", attendance="proxy", proxy_reason=6,
                          people=(person(birth_date=dt.date(1945, 4, 1)), person(birth_date=dt.date(1948, 1, 1)))),
        now=NOW,
    )
    booking_reschedule(booking=booking, window=booking.window, date=dt.date(2026, 12, 3), start=dt.time(10), now=NOW)
    booking_cancel(booking=booking, reason="Called to cancel", now=NOW, by_staff=True)
    half_past_nine = dt.time(9, 30)  # City Hall's first slot
    affected = booking_create(
        data=booking_data("cityhall", date=dt.date(2026, 12, 4), start=half_past_nine, language="en"), now=NOW
    )
    closure = closure_with_notes(dt.date(2026, 12, 4))
    services.bookings_mark_affected([affected], actor=None, reason=in_language(lambda: closure_reason(closure)))
    reminder = booking_create(
        data=booking_data("cityhall", date=dt.date(2026, 12, 5), start=half_past_nine, language="en"), now=NOW
    )
    # The waiting list's mails (SPEC §9): joined, an offer, ended.
    waiting = fill_horizon("higashi", keep=None, now=NOW)
    entry = waitlist.waitlist_join(data=WaitlistData(
        service="pickup", window=waiting[0].window, date_from=dt.date(2026, 11, 26), date_to=dt.date(2026, 12, 25),
        ward="higashi", attendance="in_person", proxy_reason=None, email="hanako@example.jp", phone="",
        language="en", people=(person(),),
    ), now=NOW)
    booking_cancel(booking=waiting[0], now=NOW)
    waitlist.expire_offers(NOW + dt.timedelta(minutes=31))
    messages = list(Message.objects.filter(booking__in=[booking, affected, reminder]))
    messages += list(Message.objects.filter(entry=entry))
    assert {message.kind for message in messages} == set(Message.Kind.values)
    escaped = []
    for message in messages:
        subject, text, html, attachments = outbox.render(message)
        where = f"e-mail {message.kind}"
        leaks.text(f"{where} (subject)", subject)
        leaks.text(f"{where} (text)", text)
        leaks.html(f"{where} (HTML)", html)
        for name, content, _mimetype in (a for a in attachments if isinstance(a, tuple)):
            leaks.text(f"{where} ({name})", content)
        # Plain text is not HTML: "The applicant's" must not arrive as "The applicant&#x27;s".
        escaped += [(where, entity) for entity in re.findall(r"&(?:#x?[0-9a-fA-F]+|amp|lt|gt|quot);", subject + text)]
    leaks.assert_none()
    assert escaped == []


def test_closure_notice_from_the_admin_speaks_each_bookings_language(admin_client, admin_user):
    from django.conf import settings

    english = booking_create(data=booking_data("kita", date=dt.date(2026, 12, 1), language="en"), now=NOW)
    japanese = booking_create(data=booking_data("kita", date=dt.date(2026, 12, 1), language="ja"), now=NOW)
    url = f"/{settings.ADMIN_PATH}reservations/closure/add/"
    form = {"window": english.window.pk, "kind": "temporary", "start_date": "2026-12-01", "end_date": "2026-12-01",
            "start_time": "", "end_time": "", "note_ja": "停電", "note_en": "Power cut", "_save": "Save"}
    preview = admin_client.post(url, form)
    confirm = {name: value for name, value in preview.context["hidden_fields"]}
    confirm[preview.context["confirm_field"]] = preview.context["fingerprint"]
    assert admin_client.post(url, confirm).status_code == 302

    notice = Message.objects.get(booking=english, kind="closure_notice")
    assert "Power cut" in notice.note and japanese_leaks(notice.note) == []
    assert "停電" in Message.objects.get(booking=japanese, kind="closure_notice").note
    # The audit trail stays in the staff's language.
    assert {event.reason for event in english.events.filter(action="affected")} == {
        event.reason for event in japanese.events.filter(action="affected")
    }
    assert "停電" in english.events.get(action="affected").reason
