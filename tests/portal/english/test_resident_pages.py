"""The resident's booking path and manage pages in English (reservations/booking/views.py)."""

import datetime as dt

import pytest
from django.test import Client

from reservations.models import Booking
from tests.reservations.booking_steps import BIRTH, look_up, person_fields, review_token
from tests.reservations.factories import STATES, BookingBlockFactory, api_body, booking_in_state, closure_with_notes, notice_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("city_windows", "booking_day")]


def test_booking_path_has_no_japanese_in_english(client, leaks):
    leaks.html("GET /en/book/", client.get("/en/book/"))
    for label, data in {
        "errors": {},
        "proxy without a reason": {"ward": "kita", "attendance": "proxy", "party_size": "1", "proxy_reason": ""},
        "outside Niigata": {"ward": "outside", "attendance": "in_person", "party_size": "1", "proxy_reason": ""},
    }.items():
        leaks.html(f"POST /en/book/ ({label})", client.post("/en/book/", data))
    response = client.post("/en/book/", {"ward": "kita", "attendance": "proxy", "party_size": "2", "proxy_reason": "6"})
    assert response.status_code == 302
    leaks.html("/en/book/window/", client.get("/en/book/window/"))
    BookingBlockFactory(start_date=dt.date(2026, 12, 10), end_date=dt.date(2026, 12, 11),
                        note_ja="システム更新のため予約を停止します。", note_en="Bookings paused for a system update.")
    closure_with_notes(dt.date(2026, 12, 4))
    for path in ["/en/book/kita/", "/en/book/kita/?date=2026-12-01", "/en/book/kita/?date=2026-11-28",
                 "/en/book/kita/?date=2026-12-04", "/en/book/kita/?date=2026-12-10", "/en/book/kita/?date=2026-12-20",
                 "/en/book/kita/?date=nonsense", "/en/book/cityhall/", "/en/book/cityhall/?date=2026-11-29"]:
        client.get(path.removeprefix("/en"))  # the Japanese page first: a cache must not serve it in English
        leaks.html(path, client.get(path))
    details = "/en/book/kita/2026-12-01/0900/"
    leaks.html(f"GET {details}", client.get(details))
    wrong = {"email": "", "phone": "",
             **person_fields(0, number="123456789018", kana="taro", born=("1990", "2", "30")),
             **person_fields(1, number="12", kana="", born=("", "", ""))}
    leaks.html(f"POST {details} (errors)", client.post(details, wrong))
    same_number = notice_number()
    duplicate = {"email": "not an address", "phone": "123456789018",
                 **person_fields(0, number=same_number), **person_fields(1, number=same_number)}
    leaks.html(f"POST {details} (more errors)", client.post(details, duplicate))
    # R-E5: proxy case 6 is for people aged 75 or over on the pickup day.
    right = {"email": "taro@example.jp", "phone": "025-000-0000", **person_fields(0, born=(1945, 4, 1)),
             **person_fields(1, born=(1948, 1, 1))}
    assert client.post(details, right).status_code == 302
    review = client.get("/en/book/review/")
    leaks.html("GET /en/book/review/", review)
    response = client.post("/en/book/review/", {"token": review_token(review.content.decode())})
    assert response["Location"] == "/en/book/done/"
    leaks.html("GET /en/book/done/", client.get("/en/book/done/"))
    booking = Booking.objects.get()
    assert booking.language == "en"
    ics = client.get("/en/book/done/calendar.ics").content.decode()
    leaks.text("/en/book/done/calendar.ics", ics)

    # The slot fills while the resident types: the review page offers other times (409).
    other = Client()
    other.post("/en/book/", {"ward": "kita", "attendance": "in_person", "party_size": "1", "proxy_reason": ""})
    other.post("/en/book/kita/2026-12-02/0900/", {"email": "a@example.jp", "phone": "", **person_fields(0)})
    page = other.get("/en/book/review/").content.decode()
    client_api = Client()
    client_api.post("/api/v1/bookings", api_body(date="2026-12-02", party=2), content_type="application/json")
    leaks.html("POST /en/book/review/ (slot full)", other.post("/en/book/review/", {"token": review_token(page)}), 409)
    leaks.assert_none()


def test_manage_pages_have_no_japanese_in_english(client, leaks):
    leaks.get(client, "/en/booking/")
    leaks.post(client, "/en/booking/", {"code": ""}, "errors")
    leaks.post(client, "/en/booking/", {"code": "ZZZZ-ZZZZ", **BIRTH}, "no match")
    no_such_day = {**BIRTH, "birth_month": "2", "birth_day": "30"}
    leaks.post(client, "/en/booking/", {"code": "ZZZZ-ZZZZ", **no_such_day}, "bad date")
    for status in STATES:
        look_up(client, booking_in_state(status))
        leaks.html(f"/en/booking/manage/ ({status})", client.get("/en/booking/manage/"))
        if status != "booked":
            leaks.post(client, "/en/booking/manage/cancel/", {}, f"{status}: refused", follow=True)
            continue
        for path in ["/en/booking/manage/move/", "/en/booking/manage/move/?date=2026-12-03",
                     "/en/booking/manage/move/?window=cityhall&date=2026-11-29", "/en/booking/manage/cancel/"]:
            leaks.get(client, path)
        move = "/en/booking/manage/move/"
        leaks.post(client, move, {"window": "kita", "date": "", "start": ""}, "no time", follow=True)
        leaks.post(client, move, {"window": "kita", "date": "2026-11-28", "start": "09:00"}, "closed day", follow=True)
        leaks.post(client, move, {"window": "kita", "date": "2026-12-03", "start": "10:00"}, "moved", follow=True)
        leaks.text("/en/booking/manage/calendar.ics", client.get("/en/booking/manage/calendar.ics").content.decode())
        leaks.post(client, "/en/booking/manage/cancel/", {}, "cancelled", follow=True)
    blocked = Client()
    for _ in range(10):
        blocked.post("/en/booking/", {"code": "ZZZZZZZZ", **BIRTH})
    leaks.post(blocked, "/en/booking/", {"code": "ZZZZZZZZ", **BIRTH}, "blocked", status=429)
    leaks.assert_none()


def test_application_support_pages_have_no_japanese_in_english(client, leaks):
    """Issue #14: the support path, its confirmation (R-A6, R-A1), look-up and the walk-in page in English."""
    leaks.html("GET /en/book/support/", client.get("/en/book/support/"))
    leaks.html("POST /en/book/support/ (proxy)", client.post("/en/book/support/", {"ward": "kita", "attendance": "proxy",
                                                                                   "party_size": "1"}))
    client.post("/en/book/support/", {"ward": "kita", "attendance": "in_person", "party_size": "1"})
    leaks.html("/en/book/window/ (walk-in)", client.get("/en/book/window/"))
    client.post("/en/book/support/", {"ward": "chuo", "attendance": "in_person", "party_size": "1"})
    leaks.html("/en/book/window/ (support)", client.get("/en/book/window/"))
    leaks.html("/en/book/chuo/?date=2026-11-25", client.get("/en/book/chuo/?date=2026-11-25"))
    details = "/en/book/chuo/2026-12-01/0900/"
    leaks.html(f"GET {details}", client.get(details))
    fields = {key: value for key, value in person_fields(0).items() if not key.endswith("notice_number")}
    client.post(details, {"email": "taro@example.jp", "phone": "", **fields})
    review = client.get("/en/book/review/")
    leaks.html("GET /en/book/review/ (support)", review)
    client.post("/en/book/review/", {"token": review_token(review.content.decode())})
    leaks.html("GET /en/book/done/ (support)", client.get("/en/book/done/"))
    look_up(client, Booking.objects.get())
    for path in ["/en/booking/manage/", "/en/booking/manage/move/?date=2026-12-02", "/en/booking/manage/cancel/"]:
        leaks.html(path, client.get(path))
    for path in ["/en/windows/", "/en/windows/kita/", "/en/windows/chuo/", "/en/"]:
        leaks.html(path, client.get(path))
