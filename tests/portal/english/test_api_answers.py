"""The JSON API's answers in English (Accept-Language: en)."""

import datetime as dt
import json

import pytest

from tests.reservations.factories import BookingBlockFactory, api_body, api_person, closure_with_notes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("city_windows", "booking_day")]

EN = {"Accept-Language": "en"}
# Keys whose values are Japanese by contract (API.md): a window's Japanese name beside name_en,
# and the people's own names and kana.
JAPANESE_BY_CONTRACT = ("name", "kana")


def api_post(client, url, body):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, data, content_type="application/json", headers=EN)


def test_api_answers_have_no_japanese_in_english(client, leaks):
    closure_with_notes(dt.date(2026, 12, 4))
    BookingBlockFactory(start_date=dt.date(2026, 12, 10), end_date=dt.date(2026, 12, 11),
                        note_ja="システム更新のため予約を停止します。", note_en="Bookings paused for a system update.")
    client.get("/api/v1/windows/kita/availability")  # in Japanese first: a cache must not answer it in English
    for url in ["/api/v1/windows", "/api/v1/windows/kita/schedule?from=2026-11-01&to=2027-01-31",
                "/api/v1/windows/cityhall/schedule?from=2026-11-01&to=2027-01-31",
                "/api/v1/windows/kita/availability", "/api/v1/windows/cityhall/availability",
                "/api/v1/windows/kita/schedule?from=nonsense",
                "/api/v1/windows/kita/availability?from=2026-01-01&to=2026-12-31",
                "/api/v1/windows/nowhere/schedule", "/api/v1/nowhere", "/api/v1/eligibility/proxy-reasons",
                "/api/v1/eligibility/card-validity?birth_date=1975-08-20&issue_date=2018-02-01",
                "/api/v1/eligibility/card-validity?birth_date=2000-01-02&issue_date=2000-01-01",
                "/api/v1/eligibility/card-validity"]:
        response = client.get(url, headers=EN)
        leaks.json(f"GET {url}", response.json(), allowed_keys=JAPANESE_BY_CONTRACT)

    bad_bookings = {
        "not JSON": "{",
        "not an object": [],
        "empty": {},
        "wrong types": api_body(date="tomorrow", start="9", people="many", email=5),
        "rules": api_body(window="kita", ward="chuo", date="2026-11-25"),
        "closed day": api_body(date="2026-11-28"),
        "no such slot": api_body(start="09:07"),
        "too many": api_body(party=3),
        "people": api_body(people=[api_person(notice_number="123456789018", name="", kana="taro",
                                              birth_date="1990-02-30")]),
        "no contact": api_body(email="", phone=""),
        "under 15 alone": api_body(people=[api_person(birth_date="2020-01-01")]),
        "proxy without reason": api_body(attendance="proxy"),
        "beyond horizon": api_body(date="2027-03-01"),
    }
    for label, body in bad_bookings.items():
        response = api_post(client, "/api/v1/bookings", body)
        assert response.status_code == 422, (label, response.content)
        leaks.json(f"POST /api/v1/bookings ({label})", response.json(), allowed_keys=JAPANESE_BY_CONTRACT)
    made = api_post(client, "/api/v1/bookings", api_body(party=2, language="en"))
    assert made.status_code == 201
    leaks.json("POST /api/v1/bookings (201)", made.json(), allowed_keys=JAPANESE_BY_CONTRACT)
    full = api_post(client, "/api/v1/bookings", api_body())
    leaks.json("POST /api/v1/bookings (409)", full.json(), allowed_keys=JAPANESE_BY_CONTRACT)
    code = made.json()["code"]
    for label, body in {"found": {"code": code, "birth_date": "1990-04-01"},
                        "not found": {"code": code, "birth_date": "1991-04-01"},
                        "bad": {"code": "", "birth_date": "x"}, "not JSON": "{"}.items():
        response = api_post(client, "/api/v1/bookings/lookup", body)
        leaks.json(f"POST /api/v1/bookings/lookup ({label})", response.json(), allowed_keys=JAPANESE_BY_CONTRACT)
    moves = {
        "closed": {"birth_date": "1990-04-01", "window": "kita", "date": "2026-11-28", "start": "09:00"},
        "bad": {"birth_date": "1990-04-01", "window": "kita", "date": "x", "start": "y"},
        "moved": {"birth_date": "1990-04-01", "window": "kita", "date": "2026-12-03", "start": "10:00"},
    }
    for label, body in moves.items():
        response = api_post(client, f"/api/v1/bookings/{code}/reschedule", body)
        leaks.json(f"POST reschedule ({label})", response.json(), allowed_keys=JAPANESE_BY_CONTRACT)
    for body in ({"birth_date": "x"}, {"birth_date": "1990-04-01"}):
        response = api_post(client, f"/api/v1/bookings/{code}/cancel", body)
        leaks.json(f"POST cancel {body}", response.json(), allowed_keys=JAPANESE_BY_CONTRACT)
    for url, body in [
        ("/api/v1/eligibility/identity", {"role": "applicant_in_person", "documents": [{"type": "student_id"}]}),
        ("/api/v1/eligibility/identity", {"role": "nobody", "documents": "x"}),
        ("/api/v1/eligibility/checklist", {"attendance": "proxy", "proxy_reason": 4, "applicant_age": 9,
                                           "sub_proxy": True}),
        ("/api/v1/eligibility/checklist", {"attendance": "with_representative", "applicant_age": 40,
                                           "adult_ward": True, "replacing_card": True}),
        ("/api/v1/eligibility/checklist", {"attendance": "x"}),
        ("/api/v1/eligibility/move-in", {"started_living_on": "2026-03-10", "move_in_notified_on": "2026-03-25",
                                         "card_presented_at_move_in": True}),
        ("/api/v1/eligibility/move-in", {"started_living_on": "2026-03-10", "move_in_notified_on": "2026-03-01"}),
        ("/api/v1/fees/quote", {"reason": "lost"}),
        ("/api/v1/fees/quote", {"reason": "x", "noto_earthquake": "yes"}),
    ]:
        response = api_post(client, url, body)
        leaks.json(f"POST {url} {body}", response.json(), allowed_keys=JAPANESE_BY_CONTRACT)
    leaks.assert_none()
