"""Counter actions, the audit trail, day list, CSV, phone bookings and statistics."""

import csv
import datetime as dt
import io

import pytest

from reservations.booking.services import NotChangeable, booking_create, booking_transition
from reservations.models import Booking, BookingEvent, SlotCounter
from tests.reservations.factories import NOW, booking_data, person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]

TODAY = dt.date(2026, 11, 26)  # the booking's day; "today" is moved there where needed


@pytest.fixture
def booking():
    return booking_create(data=booking_data("kita", date=TODAY), now=NOW)


def test_counter_day_check_in_then_issue_writes_the_audit_trail(client, clerk_kita, booking, frozen_now):
    frozen_now(TODAY)
    client.force_login(clerk_kita)
    response = client.post(f"/staff/booking/{booking.code}/check_in/")
    assert response.status_code == 302
    client.post(f"/staff/booking/{booking.code}/issue/")
    booking.refresh_from_db()
    assert booking.status == "issued"
    events = list(BookingEvent.objects.filter(booking=booking).order_by("pk").values_list("action", "before", "after", "actor_label"))
    assert events == [
        ("booked", "", "kita 2026-11-26 09:00", "resident"),
        ("check_in", "booked", "checked_in", "clerk-kita"),
        ("issue", "checked_in", "issued", "clerk-kita"),
    ]
    history = client.get(f"/en/staff/booking/{booking.code}/").content.decode()
    assert "Checked in → Card issued" not in history  # the action is one column, the states another
    # Actions in the words of the one action table, statuses in those of Booking.Status.
    assert "<td>Card issued (交付済)</td><td>Checked in → Issued</td>" in history
    assert "<td>Check in (来庁)</td><td>Booked → Checked in</td>" in history
    assert "check_in" not in history.split("<tbody>")[-1]
    japanese = client.get(f"/staff/booking/{booking.code}/").content.decode()
    assert "<td>来庁受付</td><td>予約済 → 来庁済</td>" in japanese


def test_issuing_a_cancelled_booking_is_refused_with_a_message(client, clerk_kita, booking, frozen_now):
    frozen_now(TODAY)
    client.force_login(clerk_kita)
    client.post(f"/staff/booking/{booking.code}/cancel/", {"reason": "電話で取消"})
    response = client.post(f"/staff/booking/{booking.code}/issue/", follow=True)
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    # Refused: back to the day list at the booking's row, with the reason.
    assert response.redirect_chain[-1][0] == f"/staff/windows/kita/?date=2026-11-26#booking-{booking.code}"
    assert "現在の状態の予約には、この操作はできません。" in response.content.decode()
    assert BookingEvent.objects.filter(booking=booking, action="issue").count() == 0
    cancel = BookingEvent.objects.get(booking=booking, action="cancelled")
    assert (cancel.reason, cancel.actor_label) == ("電話で取消", "clerk-kita")
    assert SlotCounter.objects.get().booked == 0


def test_cancel_needs_a_reason(client, clerk_kita, booking):
    client.force_login(clerk_kita)
    response = client.post(f"/staff/booking/{booking.code}/cancel/", {"reason": ""})
    assert response.status_code == 200
    booking.refresh_from_db()
    assert booking.status == "booked"


def test_check_in_is_only_on_the_day(client, clerk_kita, booking):
    client.force_login(clerk_kita)  # today is 25 Nov, the booking is on 26 Nov
    client.post(f"/staff/booking/{booking.code}/check_in/")
    booking.refresh_from_db()
    assert booking.status == "booked"


def test_service_refuses_with_the_reason(booking):
    with pytest.raises(NotChangeable) as info:
        booking_transition(booking=booking, action="issue", actor=None, now=NOW)
    assert info.value.args == ("not_from_status",)


def test_staff_move(client, clerk_kita, booking):
    client.force_login(clerk_kita)
    response = client.post(f"/staff/booking/{booking.code}/move/", {"window": "kita", "date": "2026-12-01", "start": "10:00"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.date, booking.start) == (dt.date(2026, 12, 1), dt.time(10))
    assert booking.events.get(action="rescheduled").actor_label == "clerk-kita"


def test_day_list_shows_slots_bookings_and_counts(client, clerk_kita, booking):
    booking_create(data=booking_data("kita", date=TODAY, start=dt.time(10), party=2, email="", phone="0250000000"), now=NOW)
    client.force_login(clerk_kita)
    response = client.get("/en/staff/windows/kita/", {"date": TODAY.isoformat()})
    html = response.content.decode()
    assert booking.display_code in html and "ニイガタ タロウ" in html
    assert "(no e-mail: phone only)" in html
    counts = response.context["counts"]
    assert (counts["booked"], counts["free"]) == (3, 32 * 2 - 3)
    pickup = response.context["sections"][0]  # Kita's application support is walk-in: no seats (R-A4)
    assert pickup["service"] == "pickup" and pickup["counts"] == counts
    starts = [row["start"] for row in pickup["rows"]]
    assert starts == sorted(starts) and len(starts) == 32


@pytest.mark.parametrize("bookings", [1, 12])
def test_day_list_query_count_is_flat(client, clerk_kita, django_assert_max_num_queries, bookings):
    for index in range(bookings):
        start = (dt.datetime.combine(TODAY, dt.time(9)) + dt.timedelta(minutes=15 * index)).time()
        booking_create(data=booking_data("kita", date=TODAY, start=start, party=2), now=NOW)
    client.force_login(clerk_kita)
    with django_assert_max_num_queries(16):
        assert client.get("/staff/windows/kita/", {"date": TODAY.isoformat()}).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get("/staff/windows/kita/export.csv", {"date": TODAY.isoformat()}).status_code == 200


def test_csv_is_utf8_with_bom_and_lists_the_bookings(client, clerk_kita, booking):
    client.force_login(clerk_kita)
    response = client.get("/staff/windows/kita/export.csv", {"date": TODAY.isoformat()})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "時刻" and len(rows) == 2
    assert rows[1][:5] == ["09:00", booking.display_code, "新潟 太郎", "ニイガタ タロウ", "1"]


def test_print_view_has_no_navigation(client, clerk_kita, booking):
    client.force_login(clerk_kita)
    html = client.get("/staff/windows/kita/print/", {"date": TODAY.isoformat()}).content.decode()
    assert booking.display_code in html and "site-nav" not in html and "<header" not in html


def test_search_by_code_jumps_and_by_kana_lists(client, clerk_kita, booking):
    client.force_login(clerk_kita)
    response = client.post("/staff/search/", {"q": booking.display_code.lower()})
    assert response.status_code == 302 and response["Location"] == f"/staff/booking/{booking.code}/"
    response = client.post("/staff/search/", {"q": "にいがた"})
    assert booking.display_code in response.content.decode()
    assert booking.display_code in client.post("/staff/search/", {"q": "新潟"}).content.decode()


def test_phone_booking_follows_the_rules_and_is_marked(client, operator):
    client.force_login(operator)
    data = {"window": "chuo", "date": "2026-12-01", "ward": "chuo", "attendance": "in_person", "start": "09:00",
            "p0-notice_number": "555555555555555", "p0-name": "新潟 花子", "p0-kana": "ニイガタ ハナコ",
            "p0-birth_year": "1980", "p0-birth_month": "1", "p0-birth_day": "2", "phone": "025-111-2222", "email": ""}
    response = client.post("/staff/book/", data)
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.made_by == operator and booking.party_size == 1 and booking.phone == "0251112222"
    # R-B2 holds for staff too: no same-day booking.
    same_day = dict(data, date="2026-11-25", start="09:00", **{"p0-notice_number": "666666666666666"})
    client.post("/staff/book/", same_day)
    assert Booking.objects.count() == 1


def test_statistics(client, clerk_kita, frozen_now):
    first = booking_create(data=booking_data("kita", date=TODAY), now=NOW)
    second = booking_create(data=booking_data("kita", date=TODAY, start=dt.time(9, 30), party=2), now=NOW)
    booking_create(data=booking_data("kita", date=dt.date(2026, 11, 27), people=(person(),)), now=NOW)
    frozen_now(TODAY)
    booking_transition(booking=first, action="check_in", actor=None)
    booking_transition(booking=first, action="issue", actor=None)
    booking_transition(booking=second, action="no_show", actor=None)
    client.force_login(clerk_kita)
    figures = client.get("/staff/windows/kita/stats/", {"month": "2026-11"}).context["figures"]
    assert figures["booked"] == 4 and figures["issued"] == 1 and figures["no_show"] == 2
    assert figures["offered"] > 0 and abs(figures["utilisation"] - 4 / figures["offered"]) < 1e-9
    assert figures["no_show_rate"] == pytest.approx(2 / 3)


def test_login_is_throttled_after_five_failures(client, clerk_kita, clear_cache):
    for _ in range(5):
        response = client.post("/en/staff/login/", {"username": "clerk-kita", "password": "wrong"})
        assert response.status_code == 200
    response = client.post("/en/staff/login/", {"username": "clerk-kita", "password": "Counter-Pass-2026!"})
    assert response.status_code == 429 and "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_works(client, clerk_kita, clear_cache):
    response = client.post("/staff/login/", {"username": "clerk-kita", "password": "Counter-Pass-2026!"})
    assert response.status_code == 302 and response["Location"] == "/staff/"


def test_admin_login_is_throttled_too(client, admin_user, clear_cache):
    from django.conf import settings

    url = f"/{settings.ADMIN_PATH}login/"
    for _ in range(5):
        client.post(url, {"username": "city-admin", "password": "wrong"})
    response = client.post(url, {"username": "city-admin", "password": "Str0ng-Admin-Pass!"})
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    assert "ログインに失敗した回数が多すぎます" in response.content.decode()  # the admin speaks Japanese


def test_sessions_expire_after_thirty_idle_minutes(client, clerk_kita, clear_cache):
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone.utc), tick=False) as clock:
        client.post("/en/staff/login/", {"username": "clerk-kita", "password": "Counter-Pass-2026!"})
        for _ in range(3):  # in use: every 20 minutes, an hour in all
            clock.shift(dt.timedelta(minutes=20))
            assert client.get("/en/staff/").status_code == 200
        clock.shift(dt.timedelta(minutes=31))  # then idle
        assert client.get("/en/staff/").status_code == 302


def test_failed_messages_are_shown_to_staff(client, clerk_kita, booking):
    from reservations.models import Message

    Message.objects.filter(booking=booking, kind="confirmation").update(state="failed", last_error="550 refused")
    client.force_login(clerk_kita)
    html = client.get("/en/staff/").content.decode()
    assert "Messages that could not be sent" in html and booking.display_code in html and "550 refused" in html
    assert "Booking confirmation" in client.get(f"/en/staff/booking/{booking.code}/").content.decode()


def test_logins_work_when_the_throttle_cache_is_down(client, clerk_kita, admin_user):
    from unittest import mock

    from django.conf import settings

    with mock.patch("portal.auth.cache.get", side_effect=ConnectionError("cache down")), \
            mock.patch("portal.auth.cache.add", side_effect=ConnectionError("cache down")):
        wrong = client.post("/en/staff/login/", {"username": "clerk-kita", "password": "wrong"})
        assert wrong.status_code == 200 and "_auth_user_id" not in client.session
        right = client.post("/en/staff/login/", {"username": "clerk-kita", "password": "Counter-Pass-2026!"})
        assert right.status_code == 302
        client.logout()
        admin = client.post(f"/{settings.ADMIN_PATH}login/", {"username": "city-admin", "password": "Str0ng-Admin-Pass!"})
        assert admin.status_code == 302
