"""
The reservation centre's phone booking (R-S2, issue #15): a compact grid of the
times that hold the party, proxy reasons in words, the proxy's name and phone
recorded and shown, and the code with a reading to say it aloud.
"""

import csv
import datetime as dt
import io

import pytest

from reservations.booking.services import booking_create
from reservations.messaging.retention import anonymise_past_bookings
from reservations.models import Booking
from tests.reservations.factories import NOW, booking_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]

CALLER = {
    "window": "chuo", "date": "2026-12-01", "ward": "chuo", "start": "09:00",
    "p0-notice_number": "555555555555555", "p0-name": "新潟 花子", "p0-kana": "ニイガタ ハナコ",
    "p0-birth_year": "1940", "p0-birth_month": "1", "p0-birth_day": "2", "phone": "025-111-2222", "email": "",
}
PROXY = {"attendance": "proxy", "proxy_reason": "6", "proxy_name": "新潟 次郎", "proxy_phone": "090-1234-5678"}


def test_the_times_are_a_grid_of_the_slots_that_hold_the_party(client, operator):
    client.force_login(operator)
    page = client.get("/staff/book/?window=chuo&date=2026-12-01").content.decode()
    assert 'class="time-grid"' in page
    assert page.count('name="start"') == 32  # 09:00 … 16:45, one radio each
    assert "09:00 (2)" in page and "09:00–09:15" not in page  # short labels fit the grid


def test_a_full_slot_is_not_offered(client, operator):
    booking_create(data=booking_data("chuo", party=2), now=NOW)
    client.force_login(operator)
    page = client.get("/staff/book/?window=chuo&date=2026-12-01").content.decode()
    assert 'value="09:00"' not in page and 'value="09:15"' in page


def test_a_proxy_booking_records_the_proxy(client, operator):
    client.force_login(operator)
    response = client.post("/staff/book/", {**CALLER, **PROXY})
    assert response.status_code == 302, response.content.decode()[:2000]
    booking = Booking.objects.get()
    assert (booking.attendance, booking.proxy_reason) == ("proxy", 6)
    assert (booking.proxy_name, booking.proxy_phone) == ("新潟 次郎", "09012345678")


@pytest.mark.parametrize("missing", ["proxy_name", "proxy_phone"])
def test_a_proxy_booking_needs_the_proxys_name_and_phone(client, operator, missing):
    client.force_login(operator)
    response = client.post("/staff/book/", {**CALLER, **PROXY, missing: ""})
    assert response.status_code == 200 and not Booking.objects.exists()
    assert "代理人の氏名と電話番号" in response.content.decode()


def test_no_proxy_details_are_kept_when_nobody_comes_as_proxy(client, operator):
    client.force_login(operator)
    client.post("/staff/book/", {**CALLER, "attendance": "in_person", "proxy_name": "誰か", "proxy_phone": ""})
    assert Booking.objects.get().proxy_name == ""


def test_the_booking_page_shows_the_reason_in_words_the_proxy_and_the_reading(client, operator):
    client.force_login(operator)
    client.post("/staff/book/", {**CALLER, **PROXY})
    booking = Booking.objects.get()
    page = client.get(f"/staff/booking/{booking.code}/").content.decode()
    assert "代理人 (代理人): 75歳以上の方" in page or ": 75歳以上の方" in page
    assert "(6)" not in page
    assert "新潟 次郎" in page and "09012345678" in page
    first = booking.code[0]
    assert f'<span class="code-char">{first}</span>' in page
    english = client.get(f"/en/staff/booking/{booking.code}/").content.decode()
    assert "How to read the code aloud" in english


def test_the_csv_has_the_proxy_and_the_reason_in_words(client, operator):
    client.force_login(operator)
    client.post("/staff/book/", {**CALLER, **PROXY})
    response = client.get("/staff/windows/chuo/export.csv?date=2026-12-01")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    assert "新潟 次郎" in row and "09012345678" in row
    assert len(header) == len(row)


def test_retention_erases_the_proxy(client, operator):
    client.force_login(operator)
    client.post("/staff/book/", {**CALLER, **PROXY})
    anonymise_past_bookings(today=dt.date(2027, 6, 1))
    booking = Booking.objects.get()
    assert (booking.proxy_name, booking.proxy_phone) == ("", "")


def test_the_phone_page_stays_flat_in_queries(client, operator, django_assert_max_num_queries):
    client.force_login(operator)
    client.get("/staff/book/?window=chuo&date=2026-12-01")
    for start in ("09:00", "10:00", "11:00", "13:00"):
        booking_create(data=booking_data("chuo", start=dt.time.fromisoformat(start)), now=NOW)
    with django_assert_max_num_queries(14):
        assert client.get("/staff/book/?window=chuo&date=2026-12-01").status_code == 200
