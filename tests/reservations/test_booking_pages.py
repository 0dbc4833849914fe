"""reservations/booking/views.py: the resident's booking and manage pages, posted as a browser without JavaScript would."""

import datetime as dt
import re

import pytest

from reservations.models import Booking, SlotCounter

from .booking_steps import BIRTH, confirm, fill_details, person_fields, start
from .factories import api_body

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]


def test_whole_path_books_a_slot(client):
    assert client.get("/book/").status_code == 200
    response = start(client, party=2)
    assert response.status_code == 302 and response["Location"] == "/en/book/window/"
    windows = client.get("/en/book/window/").content.decode()
    assert "Kita Ward Office" in windows and "City Hall" in windows and "Chuo Ward Office" not in windows
    calendar = client.get("/en/book/kita/").content.decode()
    assert "?date=2026-12-01" in calendar and "?date=2026-11-25" not in calendar
    day = client.get("/en/book/kita/?date=2026-12-01").content.decode()
    assert 'href="/en/book/kita/2026-12-01/0900/"' in day
    assert client.get("/en/book/kita/2026-12-01/0900/").status_code == 200
    response = fill_details(client, party=2)
    assert response.status_code == 302 and response["Location"] == "/en/book/review/"
    review = client.get("/en/book/review/").content.decode()
    assert "ニイガタ タロウ" in review and "Confirm the booking" in review
    response, _token = confirm(client)
    assert response["Location"] == "/en/book/done/"
    done = client.get("/en/book/done/").content.decode()
    booking = Booking.objects.get()
    assert booking.display_code in done and "<svg" in done and "What to bring" in done
    assert booking.party_size == 2 and booking.language == "en"
    ics = client.get("/en/book/done/calendar.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    text = ics.content.decode()
    assert "DTSTART;TZID=Asia/Tokyo:20261201T090000" in text and "DTEND;TZID=Asia/Tokyo:20261201T091500" in text
    assert "Kuzutsuka" in text


def test_outside_niigata_explains_where_to_go(client):
    response = start(client, ward="outside")
    assert response.status_code == 200
    assert "municipality where you are registered" in response.content.decode()


def test_proxy_needs_a_reason(client):
    response = start(client, attendance="proxy")
    assert response.status_code == 200 and "Choose the reason" in response.content.decode()
    assert start(client, attendance="proxy", proxy_reason="6").status_code == 302


def test_window_not_serving_the_ward_sends_back(client):
    start(client, ward="chuo")
    response = client.get("/en/book/kita/")
    assert response.status_code == 302 and response["Location"] == "/en/book/window/"


def test_details_errors_are_shown_next_to_the_fields(client):
    start(client)
    data = {"email": "", "phone": "", **person_fields(0, number="123456789018", kana="taro", born=(1990, 2, 30))}
    html = client.post("/en/book/kita/2026-12-01/0900/", data).content.decode()
    assert "My Number" in html
    assert "katakana" in html
    assert "That date does not exist." in html
    assert "Give a phone number or an e-mail address" in html
    assert not Booking.objects.exists()


def test_one_notice_number_twice_in_a_party_is_an_error_on_the_second_field(client):
    start(client, party=2)
    data = {"email": "taro@example.jp", "phone": "", **person_fields(0, number="123456789012345"),
            **person_fields(1, number="123456789012345")}
    response = client.post("/en/book/kita/2026-12-01/0900/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_p1-notice_number"' in html and "Each person needs their own issuance notice number." in html
    assert 'href="#id_p0-notice_number"' not in html
    assert "booking_details" not in client.session and not Booking.objects.exists()


def test_double_submit_books_once(client):
    start(client)
    fill_details(client)
    first, token = confirm(client)
    again = client.post("/en/book/review/", {"token": token})
    assert first["Location"] == again["Location"] == "/en/book/done/"
    assert Booking.objects.count() == 1 and SlotCounter.objects.get().booked == 1


def test_slot_filling_while_typing_gives_alternatives(client):
    start(client)
    fill_details(client)
    # Two seats go through the API meanwhile.
    client.post("/api/v1/bookings", api_body(party=2), content_type="application/json")
    response, _token = confirm(client)
    assert response.status_code == 409
    html = response.content.decode()
    assert "fully booked" in html
    assert 'href="/en/book/kita/2026-12-01/0915/"' in html
    assert Booking.objects.count() == 1


def test_no_personal_data_in_urls(client):
    start(client)
    response = fill_details(client)
    assert "ニイガタ" not in response["Location"] and "taro" not in response["Location"]


def _book_through_pages(client):
    start(client)
    fill_details(client)
    confirm(client)
    return Booking.objects.get()


def test_manage_lookup_move_and_cancel(client):
    booking = _book_through_pages(client)
    response = client.post("/en/booking/", {"code": booking.display_code.lower(), **BIRTH})
    assert response["Location"] == "/en/booking/manage/"
    assert booking.display_code in client.get("/en/booking/manage/").content.decode()
    move_page = client.get("/en/booking/manage/move/?date=2026-12-03").content.decode()
    # A time leads to a confirmation page first (issue #13), as cancelling does.
    assert 'href="?window=kita&amp;date=2026-12-03&amp;start=10:00"' in move_page
    confirmation = client.get("/en/booking/manage/move/?window=kita&date=2026-12-03&start=10:00").content.decode()
    assert "Move the booking?" in confirmation and 'name="start" value="10:00"' in confirmation
    booking.refresh_from_db()
    assert booking.date == dt.date(2026, 12, 1)  # nothing moved before the confirmation is posted
    response = client.post("/en/booking/manage/move/", {"window": "kita", "date": "2026-12-03", "start": "10:00"})
    assert response["Location"] == "/en/booking/manage/"
    booking.refresh_from_db()
    assert (booking.date, booking.start) == (dt.date(2026, 12, 3), dt.time(10))
    assert "cannot be undone" in client.get("/en/booking/manage/cancel/").content.decode()
    client.post("/en/booking/manage/cancel/")
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert SlotCounter.objects.filter(booked__gt=0).count() == 0


def test_manage_wrong_pair_says_nothing_about_which_half(client):
    booking = _book_through_pages(client)
    wrong_date = client.post("/en/booking/", {"code": booking.code, "birth_year": "1991", "birth_month": "4", "birth_day": "1"})
    wrong_code = client.post("/en/booking/", {"code": "ZZZZZZZZ", **BIRTH})
    message = "No booking matches this code and date of birth."
    assert message in wrong_date.content.decode() and message in wrong_code.content.decode()


def test_manage_is_rate_limited(client):
    booking = _book_through_pages(client)
    for _ in range(10):
        client.post("/en/booking/", {"code": "ZZZZZZZZ", **BIRTH})
    response = client.post("/en/booking/", {"code": booking.code, **BIRTH})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_booking_through_the_pages_is_rate_limited(client, settings):
    settings.BOOKING_RATE_LIMIT = 1
    _book_through_pages(client)
    fresh = client.__class__()  # a new browser session from the same address
    start(fresh)
    fill_details(fresh)
    response, _token = confirm(fresh)
    assert response.status_code == 429
    assert "Too many bookings were attempted from your connection" in response.content.decode()
    assert Booking.objects.count() == 1


def test_manage_pages_need_a_looked_up_booking(client):
    for url in ["/en/booking/manage/", "/en/booking/manage/move/", "/en/booking/manage/cancel/"]:
        assert client.get(url)["Location"] == "/en/booking/"
    assert client.get("/en/booking/manage/calendar.ics").status_code == 404


@pytest.mark.parametrize("url", ["/en/book/kita/2026-13-01/0900/", "/en/book/kita/2026-12-01/9999/"])
def test_bad_slot_urls_are_404(client, url):
    start(client)
    assert client.get(url).status_code == 404


def test_booking_pages_in_japanese(client):
    html = client.get("/book/").content.decode()
    assert '<html lang="ja">' in html and "北区" in html


def test_calendar_query_count_is_flat(client, django_assert_max_num_queries):
    start(client)
    for day in range(1, 20):
        client.post("/api/v1/bookings", api_body(date=f"2026-12-{day:02d}"), content_type="application/json")
    with django_assert_max_num_queries(12):
        assert client.get("/en/book/kita/?date=2026-12-01").status_code == 200


# --- Issue #13: the forms ------------------------------------------------------------------------


def test_radio_groups_left_empty_say_select_one(client):
    html = client.post("/en/book/", {"party_size": "1"}).content.decode()
    assert html.count("Select one.") >= 2 and "This field is required." not in html
    japanese = client.post("/book/", {"party_size": "1"}).content.decode()
    assert "選択してください。" in japanese and "この項目を入力してください。" not in japanese


def test_a_date_error_goes_under_the_year_month_day_row(client):
    start(client)
    data = {"email": "taro@example.jp", "phone": "", **person_fields(0, born=(1990, 13, 1))}
    html = client.post("/en/book/kita/2026-12-01/0900/", data).content.decode()
    fieldset = html.split('class="mb-3 date-of-birth"', 1)[1].split("</fieldset>", 1)[0]
    row, below = fieldset.split('class="d-flex gap-3 align-items-end flex-wrap date-row"', 1)[1].split(
        '<div class="invalid-feedback d-block date-errors" id="p0-dob-error">', 1
    )
    assert "invalid-feedback" not in row  # no message between the fields
    assert 'aria-describedby="id_p0-birth_month-error"' in row
    assert re.search(r'Month: <span id="id_p0-birth_month-error">[^<]+</span>', below)


@pytest.mark.parametrize("field", ["p0-notice_number", "phone"])
def test_a_my_number_is_not_shown_back(client, field):
    start(client)
    data = {"email": "taro@example.jp", "phone": "", **person_fields(0)}
    data[field] = "123456789018"  # passes the My Number check digit (R-B5)
    html = client.post("/en/book/kita/2026-12-01/0900/", data).content.decode()
    assert "My Number" in html and "123456789018" not in html
    assert f'name="{field}" value=""' in html or f'name="{field}" value' not in html


def test_back_after_confirming_shows_the_confirmation(client):
    _book_through_pages(client)
    assert client.get("/en/book/review/")["Location"] == "/en/book/done/"
    assert client.get("/en/book/kita/2026-12-01/0900/")["Location"] == "/en/book/done/"
    assert "See the confirmation" in client.get("/en/book/").content.decode()
    start(client)  # a new booking begins: its steps are shown again
    assert client.get("/en/book/kita/2026-12-01/0900/").status_code == 200


def test_the_people_are_headed_as_people_with_their_count(client):
    start(client, party=2)
    fill_details(client, party=2)
    assert "Your contact details" in client.get("/en/book/review/").content.decode()
    confirm(client)
    done = client.get("/en/book/done/").content.decode()
    assert "People picking up (2)" in done
    japanese = client.get("/book/done/").content.decode()
    assert "受け取る人（2人）" in japanese and "<dt>人数</dt>" not in japanese


def test_moving_asks_for_confirmation_and_a_bad_time_goes_back_to_the_calendar(client):
    booking = _book_through_pages(client)
    client.post("/en/booking/", {"code": booking.code, **BIRTH})
    response = client.get("/en/booking/manage/move/?window=kita&date=2026-13-03&start=10:00")
    assert response["Location"] == "/en/booking/manage/move/"
    page = client.get("/booking/manage/move/?window=kita&date=2026-12-03&start=10:00").content.decode()
    assert "予約の日時を変更しますか？" in page and "12月3日（木）" in page and "はい、変更します" in page
    booking.refresh_from_db()
    assert booking.date == dt.date(2026, 12, 1)
