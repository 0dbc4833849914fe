"""
The counter with two services (SPEC §8, R-A7; R-S1, R-S2): day lists,
search, counter actions, print, CSV, statistics, phone bookings and moves
per service, and the access rules unchanged across services.
"""

import csv
import datetime as dt
import io

import pytest
from django.utils import translation

from reservations.booking.services import booking_create, booking_transition
from reservations.models import Booking, Window
from reservations.rules.lifecycle import action_label, service_status_label
from tests.reservations.factories import NOW, booking_data, person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]

TODAY = dt.date(2026, 11, 26)  # a Thursday; "today" is 25 Nov, 10:00, until a test moves it
SUPPORT, PICKUP = "application_support", "pickup"


def support(window="chuo", date=TODAY, start=dt.time(9), party=1, **overrides):
    """Book application support as a resident does: no notice number (R-A5)."""
    people = tuple(person(notice_number="", kana=overrides.pop("kana", "ニイガタ タロウ")) for _ in range(party))
    return booking_create(
        data=booking_data(window, date=date, start=start, service=SUPPORT, people=people, **overrides), now=NOW
    )


def pickup(window="chuo", date=TODAY, start=dt.time(9), party=1, **overrides):
    return booking_create(data=booking_data(window, date=date, start=start, party=party, **overrides), now=NOW)


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- Day list, print, CSV --------------------------------------------------------------


def test_day_list_shows_both_services_by_default_each_with_its_own_slot_grid(client, clerk_chuo):
    card, helped = pickup(), support(start=dt.time(9, 30), party=2)
    client.force_login(clerk_chuo)
    response = client.get("/en/staff/windows/chuo/", {"date": TODAY.isoformat()})
    sections = {section["service"]: section for section in response.context["sections"]}
    assert list(sections) == [PICKUP, SUPPORT]
    # R-A3: support slots are 30 minutes, 09:00–16:00 (last start 15:30), 2 seats each.
    starts = [row["start"] for row in sections[SUPPORT]["rows"]]
    assert starts[:2] == [dt.time(9), dt.time(9, 30)] and starts[-1] == dt.time(15, 30) and len(starts) == 14
    assert sections[SUPPORT]["capacity"] == 2 and sections[SUPPORT]["counts"]["free"] == 14 * 2 - 2
    pickup_starts = [row["start"] for row in sections[PICKUP]["rows"]]
    assert pickup_starts[1] == dt.time(9, 15)
    assert [b.pk for row in sections[SUPPORT]["rows"] for b in row["bookings"]] == [helped.pk]
    assert [b.pk for row in sections[PICKUP]["rows"] for b in row["bookings"]] == [card.pk]
    counts = response.context["counts"]  # the total of both services
    assert counts["booked"] == 3
    assert counts["free"] == sections[PICKUP]["counts"]["free"] + sections[SUPPORT]["counts"]["free"]
    html = response.content.decode()
    assert "Card pickup" in html and "Application support" in html  # the badges say the service in words
    assert 'id="service-application_support"' in html and "Both services" in html


@pytest.mark.parametrize(
    ("asked", "shown"),
    [("", [PICKUP, SUPPORT]), (SUPPORT, [SUPPORT]), (PICKUP, [PICKUP]), ("bogus", [PICKUP, SUPPORT])],
)
def test_day_list_filters_by_service(client, clerk_chuo, asked, shown):
    card, helped = pickup(), support()
    client.force_login(clerk_chuo)
    response = client.get("/en/staff/windows/chuo/", {"date": TODAY.isoformat(), "service": asked})
    assert [section["service"] for section in response.context["sections"]] == shown
    html = response.content.decode()
    assert (card.display_code in html) == (PICKUP in shown)
    assert (helped.display_code in html) == (SUPPORT in shown)
    if len(shown) == 1:  # the filter stays on the links to the next day, print and CSV
        assert f"&amp;service={shown[0]}" in html


def test_a_walk_in_service_shows_no_slots_and_no_seats(client, clerk_kita):
    """R-A4: Kita takes no support bookings: its support section says so, with no grid and no seats."""
    client.force_login(clerk_kita)
    response = client.get("/en/staff/windows/kita/", {"date": TODAY.isoformat()})
    walk_in = response.context["sections"][1]
    assert (walk_in["service"], walk_in["walk_in"], walk_in["rows"], walk_in["counts"]["free"]) == (SUPPORT, True, [], 0)
    assert "Walk-in only" in response.content.decode()


def test_print_shows_the_service_of_each_booking_and_keeps_the_filter(client, clerk_chuo):
    card, helped = pickup(), support()
    client.force_login(clerk_chuo)
    both = client.get("/en/staff/windows/chuo/print/", {"date": TODAY.isoformat()}).content.decode()
    assert card.display_code in both and helped.display_code in both
    assert both.count("service-badge service-application_support") == 1
    only = client.get("/en/staff/windows/chuo/print/", {"date": TODAY.isoformat(), "service": SUPPORT}).content.decode()
    assert helped.display_code in only and card.display_code not in only
    assert "— Application support</h1>" in only


def test_csv_has_a_service_column_and_follows_the_filter(client, clerk_chuo):
    card, helped = pickup(), support(start=dt.time(9, 30))
    client.force_login(clerk_chuo)
    response = client.get("/en/staff/windows/chuo/export.csv", {"date": TODAY.isoformat()})
    rows = csv_rows(response)
    assert rows[0] == ["Time", "Reservation code", "Name", "Kana", "Party size", "Service", "Who comes", "Contact",
                       "Status", "Booked by", "Proxy reason", "Proxy's name", "Proxy's phone"]
    assert [(row[1], row[5]) for row in rows[1:]] == [
        (card.display_code, "Card pickup"), (helped.display_code, "Application support")
    ]
    only = client.get("/staff/windows/chuo/export.csv", {"date": TODAY.isoformat(), "service": SUPPORT})
    assert only["Content-Disposition"].endswith(f'chuo-{TODAY.isoformat()}-application_support.csv"')
    japanese = csv_rows(only)
    assert japanese[0][5] == "手続き" and [row[1] for row in japanese[1:]] == [helped.display_code]


# --- Search and the counter actions ------------------------------------------------------


def test_search_finds_support_bookings_by_code_and_kana(client, clerk_chuo):
    helped = support(kana="サポート ハナコ")
    client.force_login(clerk_chuo)
    response = client.post("/staff/search/", {"q": helped.display_code})
    assert response["Location"] == f"/staff/booking/{helped.code}/"
    listed = client.post("/en/staff/search/", {"q": "さぽーと"}).content.decode()
    assert helped.display_code in listed and "Application support" in listed


def test_check_in_and_application_done_on_a_support_booking(client, clerk_chuo, frozen_now):
    """R-A7, R-B10: the same life; its last step reads 'Application done (申請完了)', stored as 'issued'."""
    helped = support()
    frozen_now(TODAY)
    client.force_login(clerk_chuo)
    page = client.get(f"/en/staff/booking/{helped.code}/")
    assert ("check_in", "Check in (来庁)") in page.context["actions"]
    assert "Issuance notice number" not in page.content.decode()  # R-A5: support has none
    client.post(f"/staff/booking/{helped.code}/check_in/")
    page = client.get(f"/en/staff/booking/{helped.code}/")
    assert ("issue", "Application done (申請完了)") in page.context["actions"]
    confirm = client.get(f"/en/staff/booking/{helped.code}/issue/").content.decode()
    assert "Confirm: Application done (申請完了)" in confirm
    done = client.post(f"/en/staff/booking/{helped.code}/issue/", follow=True).content.decode()
    assert "Done: Application done (申請完了)." in done
    helped.refresh_from_db()
    assert helped.status == "issued"  # the stored value is the pickup's
    history = client.get(f"/en/staff/booking/{helped.code}/").content.decode()
    assert "<td>Application done (申請完了)</td><td>Checked in → Application done</td>" in history
    assert "Card issued" not in history
    japanese = client.get(f"/staff/booking/{helped.code}/").content.decode()
    assert "申請完了" in japanese and "交付済" not in japanese
    day_list = client.get("/en/staff/windows/chuo/", {"date": TODAY.isoformat(), "service": SUPPORT})
    assert '<span class="status status-issued">Application done</span>' in day_list.content.decode()
    assert "<dt>Application done</dt>" in day_list.content.decode()


def test_a_pickup_booking_keeps_its_words(client, clerk_chuo, frozen_now):
    card = pickup()
    frozen_now(TODAY)
    client.force_login(clerk_chuo)
    client.post(f"/staff/booking/{card.code}/check_in/")
    client.post(f"/staff/booking/{card.code}/issue/")
    history = client.get(f"/en/staff/booking/{card.code}/").content.decode()
    assert "<td>Card issued (交付済)</td><td>Checked in → Issued</td>" in history


def test_no_show_on_a_support_booking(client, clerk_chuo, frozen_now):
    helped = support()
    frozen_now(TODAY)
    client.force_login(clerk_chuo)
    assert client.post(f"/staff/booking/{helped.code}/no_show/").status_code == 302
    helped.refresh_from_db()
    assert helped.status == "no_show"


# --- Statistics ------------------------------------------------------------------------


def test_statistics_per_service_and_in_total(client, clerk_chuo, frozen_now):
    card = pickup()
    helped = support(party=2)
    support(date=dt.date(2026, 11, 27))
    frozen_now(TODAY)
    booking_transition(booking=helped, action="check_in", actor=None)
    booking_transition(booking=helped, action="issue", actor=None)
    booking_transition(booking=card, action="no_show", actor=None)
    client.force_login(clerk_chuo)
    response = client.get("/en/staff/windows/chuo/stats/", {"month": "2026-11"})
    columns = {column["service"]: column["figures"] for column in response.context["by_service"]}
    total = response.context["figures"]
    assert (columns[PICKUP]["booked"], columns[PICKUP]["no_show"], columns[PICKUP]["issued"]) == (1, 1, 0)
    assert (columns[SUPPORT]["booked"], columns[SUPPORT]["issued"]) == (3, 2)
    assert total["booked"] == 4 and total["issued"] == 2 and total["no_show"] == 1
    # Support seats: 2 per 30-minute slot, 14 slots a weekday (R-A3); November 2026 has 19 open weekdays.
    assert columns[SUPPORT]["offered"] == 14 * 2 * 19
    assert total["offered"] == columns[PICKUP]["offered"] + columns[SUPPORT]["offered"]
    html = response.content.decode()
    assert '<th scope="col">Application support</th>' in html and '<th scope="col">Total</th>' in html
    only = client.get("/en/staff/windows/chuo/stats/", {"month": "2026-11", "service": SUPPORT})
    assert only.context["figures"]["booked"] == 3
    assert '<th scope="row">Applications done</th>' in only.content.decode()


# --- Phone bookings of application support (R-S2, R-A2, R-A4, R-A5) --------------------------


def phone_support(**overrides):
    data = {"service": SUPPORT, "window": "chuo", "date": TODAY.isoformat(), "ward": "chuo", "attendance": "in_person",
            "start": "11:00", "p0-name": "新潟 花子", "p0-kana": "ニイガタ ハナコ", "p0-birth_year": "1980",
            "p0-birth_month": "1", "p0-birth_day": "2", "phone": "025-111-2222", "email": ""}
    data.update(overrides)
    return data


def test_phone_page_of_support_asks_no_notice_number_and_offers_no_proxy(client, operator):
    client.force_login(operator)
    response = client.get("/en/staff/book/", {"service": SUPPORT, "window": "chuo"})
    html = response.content.decode()
    assert 'name="p0-notice_number"' not in html and 'name="p0-name"' in html
    assert 'value="proxy"' not in html and 'name="proxy_reason"' not in html
    assert response.context["service"] == SUPPORT
    assert {window.code for window in response.context["windows"]} == {
        w.code for w in Window.objects.offering(SUPPORT)
    }  # the eight ward offices, never City Hall (R-A2)
    assert "cityhall" not in {window.code for window in response.context["windows"]}
    pickup_page = client.get("/en/staff/book/").content.decode()
    assert 'name="p0-notice_number"' in pickup_page


def test_phone_booking_of_support_the_same_day_without_notice_number(client, operator):
    client.force_login(operator)
    response = client.post("/staff/book/", phone_support())
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.service, booking.window.code, booking.date, booking.start) == (SUPPORT, "chuo", TODAY, dt.time(11))
    assert booking.end == dt.time(11, 30) and booking.made_by == operator
    assert list(booking.people.values_list("notice_number", flat=True)) == [""]


def test_phone_booking_of_support_today_needs_thirty_minutes(client, operator, frozen_now):
    frozen_now(TODAY)  # 10:00: 10:00 is too soon, 10:30 is the first bookable start (R-A4)
    client.force_login(operator)
    page = client.get("/staff/book/", {"service": SUPPORT, "window": "chuo", "date": TODAY.isoformat()})
    assert page.context["slots"][0].start == dt.time(10, 30)
    client.post("/staff/book/", phone_support(start="10:00"))
    assert not Booking.objects.exists()
    assert client.post("/staff/book/", phone_support(start="10:30")).status_code == 302


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"attendance": "proxy", "proxy_reason": "1"}, id="proxy"),  # R-A5
        pytest.param({"ward": "higashi"}, id="other-ward"),  # R-A2
        pytest.param({"window": "kita", "ward": "kita"}, id="walk-in-window"),  # R-A4
    ],
)
def test_phone_booking_of_support_is_refused(client, operator, overrides):
    client.force_login(operator)
    response = client.post("/en/staff/book/", phone_support(**overrides), follow=True)
    assert response.status_code == 200
    assert not Booking.objects.exists()


def test_phone_booking_of_another_ward_says_why(client, operator):
    client.force_login(operator)
    html = client.post("/en/staff/book/", phone_support(ward="higashi"), follow=True).content.decode()
    assert "only at the ward office of the ward you are registered in" in html


def test_phone_page_of_a_walk_in_window_offers_no_time(client, operator):
    client.force_login(operator)
    response = client.get("/en/staff/book/", {"service": SUPPORT, "window": "kita"})
    assert response.context["slots"] == []
    assert "No bookings: come without a booking" in response.content.decode()


# --- Moves and access ---------------------------------------------------------------------


def test_staff_move_stays_in_the_service(client, clerk_chuo):
    helped = support()
    client.force_login(clerk_chuo)
    page = client.get(f"/staff/booking/{helped.code}/move/", {"date": "2026-12-01"})
    assert [w.code for w in page.context["windows"]] == ["chuo"]  # R-A2: own ward office only
    assert [slot.start for slot in page.context["slots"]][:2] == [dt.time(9), dt.time(9, 30)]
    response = client.post(f"/staff/booking/{helped.code}/move/", {"window": "chuo", "date": "2026-12-01", "start": "10:30"})
    assert response.status_code == 302
    helped.refresh_from_db()
    assert (helped.service, helped.date, helped.start, helped.end) == (SUPPORT, dt.date(2026, 12, 1), dt.time(10, 30),
                                                                         dt.time(11))
    # A pickup time that is not a support slot is refused.
    client.post(f"/staff/booking/{helped.code}/move/", {"window": "chuo", "date": "2026-12-01", "start": "10:15"})
    helped.refresh_from_db()
    assert helped.start == dt.time(10, 30)


def test_operator_cannot_move_support_to_city_hall(client, operator):
    helped = support()
    client.force_login(operator)
    page = client.get(f"/staff/booking/{helped.code}/move/", {"date": "2026-12-01"})
    assert "cityhall" not in [w.code for w in page.context["windows"]]
    client.post(f"/staff/booking/{helped.code}/move/", {"window": "cityhall", "date": "2026-12-01", "start": "10:00"})
    helped.refresh_from_db()
    assert (helped.window.code, helped.date) == ("chuo", TODAY)


@pytest.mark.parametrize("service", ["", PICKUP, SUPPORT])
def test_a_kita_clerk_sees_nothing_of_chuo_in_either_service(client, clerk_kita, service):
    card, helped = pickup(), support()
    client.force_login(clerk_kita)
    query = {"date": TODAY.isoformat(), "service": service}
    for path in ("", "print/", "export.csv", "stats/"):
        assert client.get(f"/staff/windows/chuo/{path}", query).status_code == 404
    for booking in (card, helped):
        assert client.get(f"/staff/booking/{booking.code}/").status_code == 404
        assert client.post(f"/staff/booking/{booking.code}/check_in/").status_code == 404
        found = client.post("/staff/search/", {"q": booking.display_code})
        assert found.status_code == 200 and found.context["results"] == []
    assert client.post("/staff/search/", {"q": "ニイガタ"}).context["results"] == []


@pytest.mark.parametrize("bookings", [1, 12])
def test_day_list_query_count_stays_flat_with_both_services(client, clerk_chuo, django_assert_max_num_queries, bookings):
    for index in range(bookings):
        start = (dt.datetime.combine(TODAY, dt.time(9)) + dt.timedelta(minutes=30 * (index // 2))).time()
        (support if index % 2 else pickup)(start=start, party=1)
    client.force_login(clerk_chuo)
    for path in ("", "print/", "export.csv"):
        with django_assert_max_num_queries(19):
            assert client.get(f"/staff/windows/chuo/{path}", {"date": TODAY.isoformat()}).status_code == 200


def test_statuses_have_the_support_words_in_japanese():
    with translation.override("ja"):
        assert action_label("issue", SUPPORT) == "申請完了"
        assert action_label("issue") == "交付済"
        assert service_status_label("issued", SUPPORT) == "申請完了"
        assert service_status_label("issued", PICKUP) is None
