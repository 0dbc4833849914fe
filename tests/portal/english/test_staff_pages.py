"""The staff pages in English (reservations/counter/)."""

import datetime as dt

import pytest

from reservations.booking.services import booking_create
from reservations.models import Message
from tests.reservations.factories import NOW, STATES, booking_data, booking_in_state, person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("city_windows", "booking_day")]


def test_staff_pages_have_no_japanese_in_english(client, clerk_kita, operator, leaks):
    leaks.html("GET /en/staff/login/", client.get("/en/staff/login/"))
    leaks.html("POST /en/staff/login/ (error)", client.post("/en/staff/login/", {"username": "clerk-kita",
                                                                               "password": "wrong"}))
    day = dt.date(2026, 11, 26)
    bookings = {status: booking_in_state(status) for status in STATES}
    phone_only = booking_create(data=booking_data("kita", date=day, start=dt.time(11), email="", phone="0250000000",
                                                  attendance="proxy", proxy_reason=6,
                                                  people=(person(birth_date=dt.date(1945, 4, 1)),)), now=NOW)
    Message.objects.filter(booking=bookings["booked"], kind="confirmation").update(state="failed",
                                                                                 last_error="550 refused")
    client.force_login(clerk_kita)
    for path in ["/en/staff/", "/en/staff/affected/", "/en/staff/search/", f"/en/staff/windows/kita/?date={day}",
                 "/en/staff/windows/kita/", "/en/staff/windows/kita/?date=2026-11-28",
                 f"/en/staff/windows/kita/print/?date={day}", "/en/staff/windows/kita/stats/?month=2026-11",
                 "/en/staff/windows/kita/stats/", "/en/staff/windows/kita/stats/?month=nonsense"]:
        leaks.html(path, client.get(path))
    csv = client.get(f"/en/staff/windows/kita/export.csv?date={day}").content.decode("utf-8-sig")
    leaks.text("/en/staff/windows/kita/export.csv", csv)
    for query in ("にいがた", "新潟", "nobody", ""):
        leaks.html(f"POST /en/staff/search/ ({query!r})", client.post("/en/staff/search/", {"q": query}))
    for status, booking in [*bookings.items(), ("phone only", phone_only)]:
        base = f"/en/staff/booking/{booking.code}/"
        # The history shows each event's reason as recorded (a closure's in Japanese, the admin's language).
        recorded = [event.reason for event in booking.events.all() if event.reason]
        leaks.html(f"{base} ({status})", client.get(base), data=recorded)
        for action in ("check_in", "issue", "no_show", "cancel"):
            leaks.html(f"{base}{action}/ ({status})", client.get(f"{base}{action}/"))
    base = f"/en/staff/booking/{bookings['booked'].code}/"
    leaks.html(f"{base}move/", client.get(f"{base}move/"))
    leaks.html(f"{base}move/?date=2026-12-01", client.get(f"{base}move/?date=2026-12-01"))
    leaks.html(f"POST {base}cancel/ (no reason)", client.post(f"{base}cancel/", {"reason": ""}))
    leaks.html(f"POST {base}check_in/ (not today)", client.post(f"{base}check_in/", follow=True))
    leaks.html(f"POST {base}move/ (closed day)",
               client.post(f"{base}move/", {"window": "kita", "date": "2026-11-28", "start": "09:00"}, follow=True))
    leaks.html(f"POST {base}move/ (moved)",
               client.post(f"{base}move/", {"window": "kita", "date": "2026-12-01", "start": "10:00"}, follow=True))
    leaks.html(f"POST {base}cancel/",
               client.post(f"{base}cancel/", {"reason": "Called to cancel"}, follow=True))
    leaks.html("/en/staff/windows/chuo/ (not her window: 404)", client.get("/en/staff/windows/chuo/"), 404)

    client.force_login(operator)
    leaks.html("/en/staff/ (operator)", client.get("/en/staff/"))
    leaks.html("/en/staff/book/", client.get("/en/staff/book/"))
    leaks.html("/en/staff/book/?window=cityhall&date=2026-11-29",
               client.get("/en/staff/book/?window=cityhall&date=2026-11-29"))
    leaks.post(client, "/en/staff/book/", {"window": "chuo", "date": "2026-11-25"}, "errors")
    data = {"window": "chuo", "date": "2026-12-01", "ward": "chuo", "attendance": "in_person", "start": "09:00",
            "p0-notice_number": "555555555555555", "p0-name": "新潟 花子", "p0-kana": "ニイガタ ハナコ",
            "p0-birth_year": "1980", "p0-birth_month": "1", "p0-birth_day": "2", "phone": "025-111-2222", "email": ""}
    leaks.html("POST /en/staff/book/", client.post("/en/staff/book/", data, follow=True))
    leaks.html("/en/staff/windows/cityhall/ (operator)", client.get("/en/staff/windows/cityhall/?date=2026-11-29"))
    leaks.assert_none()
