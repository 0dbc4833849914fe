"""
One table of words per concept (R-B10, R-S4): the statuses are
Booking.Status's labels, the actions rules.ACTION_LABELS, wherever they show.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import translation

from reservations import rules
from reservations.booking.services import booking_create, booking_reschedule
from reservations.models import Booking, BookingEvent, Window, forget_window_names
from tests.reservations.factories import NOW, booking_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]

DAY = dt.date(2026, 11, 26)


@pytest.fixture
def booking():
    return booking_create(data=booking_data("kita", date=DAY), now=NOW)


@pytest.mark.parametrize(
    "action, english, japanese",
    [
        ("check_in", "Check in (来庁)", "来庁受付"),
        ("issue", "Card issued (交付済)", "交付済"),
        ("no_show", "Did not come (不来庁)", "不来庁"),
        ("cancel", "Cancellation", "キャンセル"),
        ("cancelled", "Cancellation", "キャンセル"),  # the code "cancel" is recorded under
        ("booked", "Booked", "予約済"),
        ("rescheduled", "Moved", "予約変更"),
        ("affected", "Affected by a closure", "休業の影響あり"),
        ("undone", "Undone (元に戻す)", "元に戻す"),
        ("something_else", "something_else", "something_else"),
    ],
)
def test_every_action_has_one_label(action, english, japanese):
    with translation.override("en"):
        assert rules.action_label(action) == english
    with translation.override("ja"):
        assert rules.action_label(action) == japanese


def test_every_staff_action_and_recorded_action_has_words():
    recorded = {rules.RECORDED_AS.get(action, action) for action in rules.STAFF_ACTIONS}
    assert recorded | {"booked", "rescheduled", "affected", "undone"} == set(rules.ACTION_LABELS)


def test_the_button_the_confirmation_and_the_history_use_the_same_words(client, clerk_kita, booking, frozen_now):
    frozen_now(DAY)
    client.force_login(clerk_kita)
    page = client.get(f"/en/staff/booking/{booking.code}/")
    assert ("check_in", "Check in (来庁)") in page.context["actions"]
    confirm = client.get(f"/en/staff/booking/{booking.code}/check_in/").content.decode()
    assert "Confirm: Check in (来庁)" in confirm
    done = client.post(f"/en/staff/booking/{booking.code}/check_in/", follow=True).content.decode()
    assert "Done: Check in (来庁)." in done
    history = client.get(f"/en/staff/booking/{booking.code}/").content.decode()
    assert "<td>Check in (来庁)</td><td>Booked → Checked in</td>" in history


def test_day_list_counts_and_statistics_use_the_status_words(client, clerk_kita, booking):
    client.force_login(clerk_kita)
    day_list = client.get("/staff/windows/kita/", {"date": DAY.isoformat()}).content.decode()
    with translation.override("ja"):
        for status in ("BOOKED", "CHECKED_IN", "ISSUED", "NO_SHOW"):
            assert f"<dt>{Booking.Status[status].label}</dt>" in day_list
    stats = client.get("/en/staff/windows/kita/stats/", {"month": "2026-11"}).content.decode()
    assert '<th scope="row">Did not come</th>' in stats and '<th scope="row">Cancelled</th>' in stats


def test_admin_audit_trail_shows_words_not_codes(admin_client, booking):
    admin = "/" + settings.ADMIN_PATH
    BookingEvent.objects.create(booking=booking, action="cancelled", before="booked", after="cancelled", actor_label="x")
    listing = admin_client.get(f"{admin}reservations/bookingevent/").content.decode()
    assert "キャンセル済" in listing and "予約済" in listing and "<td class=\"field-action_words\">キャンセル</td>" in listing
    filtered = admin_client.get(f"{admin}reservations/bookingevent/", {"action": "cancelled"})
    assert [event.action for event in filtered.context["cl"].result_list] == ["cancelled"]
    page = admin_client.get(f"{admin}reservations/booking/{booking.pk}/change/").content.decode()
    assert "キャンセル" in page and "予約済" in page


def test_a_move_in_the_history_reads_in_window_names_and_dates(client, clerk_kita):
    forget_window_names()
    moved = booking_create(data=booking_data("kita", date=DAY, start=dt.time(9)), now=NOW)
    booking_reschedule(booking=moved, window=Window.objects.get(code="kita"), date=dt.date(2026, 11, 27),
                       start=dt.time(10), actor=None)
    client.force_login(clerk_kita)
    page = client.get(f"/staff/booking/{moved.code}/").content.decode()
    assert "北区役所 11月26日（木） 9:00 → 北区役所 11月27日（金） 10:00" in page
    assert "kita 2026-11-26" not in page
