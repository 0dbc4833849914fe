"""
The JSON API of API.md on the seeded windows: windows and calendars, then
bookings (book, look up, cancel, move) — the response and the database — and
the OpenAPI document that describes the contract.
"""

import datetime as dt
import json
from datetime import date, time

import pytest

from reservations import rules
from reservations.models import Booking, BookingBlock, BookingPerson, CapacityOverride, Closure, SlotCounter, Window

from .factories import api_body

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]

R_W1 = [
    ("kita", "北区役所", "ward", "kita", "025-387-1265"),
    ("higashi", "東区役所", "ward", "higashi", "025-250-2235"),
    ("chuo", "中央区役所", "ward", "chuo", "025-223-7106"),
    ("konan", "江南区役所", "ward", "konan", "025-382-4203"),
    ("akiha", "秋葉区役所", "ward", "akiha", "0250-25-5674"),
    ("minami", "南区役所", "ward", "minami", "025-372-6105"),
    ("nishi", "西区役所", "ward", "nishi", "025-264-7211"),
    ("nishikan", "西蒲区役所", "ward", "nishikan", "0256-72-8326"),
    ("cityhall", "市役所本館臨時交付窓口", "cityhall", None, "025-245-0300"),
]


def schedule(client, code, start, end, language=None):
    headers = {"Accept-Language": language} if language else {}
    return client.get(f"/api/v1/windows/{code}/schedule", {"from": start, "to": end}, headers=headers)


def days_by_date(response):
    return {day["date"]: day for day in response.json()["days"]}


def test_windows_lists_the_nine_windows_in_the_order_of_r_w1(client):
    response = client.get("/api/v1/windows")
    assert response.status_code == 200
    windows = response.json()["windows"]
    assert [(w["code"], w["name"], w["kind"], w["ward"], w["phone"]) for w in windows] == R_W1
    assert windows[0]["name_en"] == "Kita Ward Office"
    # + "booking" since services (issue #14): every window is booked in advance for pickup.
    assert set(windows[0]) == {"code", "name", "name_en", "kind", "ward", "phone", "booking"}
    assert {w["booking"] for w in windows} == {"required"}


def test_schedule_of_city_hall_in_november_2026(client):
    response = schedule(client, "cityhall", "2026-11-13", "2026-11-29")
    assert response.status_code == 200
    body = response.json()
    assert body["window"] == "cityhall"
    days = days_by_date(response)
    assert len(days) == 17
    assert days["2026-11-14"] == {
        "date": "2026-11-14", "open": True, "opens_at": "09:30", "closes_at": "17:45", "reason": None,
    }
    assert days["2026-11-15"]["reason"] == "weekly_closed"  # 3rd Sunday
    assert days["2026-11-17"]["reason"] == "weekly_closed"  # Tuesday
    assert days["2026-11-22"] == {
        "date": "2026-11-22", "open": False, "opens_at": None, "closes_at": None, "reason": "maintenance",
    }
    assert days["2026-11-23"]["open"] is True  # national holiday, open at City Hall
    assert days["2026-11-28"]["closes_at"] == "17:45"  # 4th Saturday
    assert days["2026-11-21"]["closes_at"] == "16:45"  # 3rd Saturday


def test_schedule_of_a_ward_office(client):
    days = days_by_date(schedule(client, "kita", "2026-11-20", "2026-11-24"))
    assert days["2026-11-20"]["opens_at"] == "09:00" and days["2026-11-20"]["closes_at"] == "17:00"
    assert days["2026-11-21"]["reason"] == "weekly_closed"
    assert days["2026-11-22"]["reason"] == "maintenance"
    assert days["2026-11-23"]["reason"] == "holiday"
    assert days["2026-11-24"]["open"] is True


def test_schedule_over_the_year_end(client):
    days = days_by_date(schedule(client, "chuo", "2026-12-28", "2027-01-04"))
    assert days["2026-12-28"]["open"] is True
    assert {days[d]["reason"] for d in days if "2026-12-29" <= d <= "2027-01-03"} == {"year_end"}
    assert days["2027-01-04"]["open"] is True


def test_schedule_holidays_of_2026(client):
    ward = days_by_date(schedule(client, "nishi", "2026-05-06", "2026-05-06"))
    ward.update(days_by_date(schedule(client, "nishi", "2026-09-21", "2026-09-22")))
    assert ward["2026-05-06"]["reason"] == "holiday"  # 振替休日
    assert ward["2026-09-22"]["reason"] == "holiday"  # 国民の休日
    hall = days_by_date(schedule(client, "cityhall", "2026-05-06", "2026-05-06"))
    hall.update(days_by_date(schedule(client, "cityhall", "2026-09-21", "2026-09-22")))
    assert hall["2026-05-06"]["reason"] == "weekly_closed"
    assert hall["2026-09-21"]["open"] is True


def test_schedule_shows_whole_day_closures_and_keeps_partial_ones_open(client):
    kita = Window.objects.get(code="kita")
    Closure.objects.create(window=kita, start_date=date(2026, 12, 3), end_date=date(2026, 12, 3))
    Closure.objects.create(window=None, start_date=date(2026, 12, 4), end_date=date(2026, 12, 4),
                           start_time=time(13), end_time=time(14))
    days = days_by_date(schedule(client, "kita", "2026-12-02", "2026-12-04"))
    assert days["2026-12-03"]["reason"] == "closure"
    assert days["2026-12-04"]["open"] is True
    assert days_by_date(schedule(client, "higashi", "2026-12-03", "2026-12-03"))["2026-12-03"]["open"] is True


def test_schedule_range_of_93_days_is_the_limit(client):
    assert len(schedule(client, "kita", "2026-12-01", "2027-03-03").json()["days"]) == 93
    response = schedule(client, "kita", "2026-12-01", "2027-03-04")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["to"]


def test_schedule_defaults_to_today_onwards(client, frozen_now):
    frozen_now(date(2026, 11, 25))
    days = client.get("/api/v1/windows/kita/schedule").json()["days"]
    assert days[0]["date"] == "2026-11-25"
    assert days[-1]["date"] == "2026-12-25"


@pytest.mark.parametrize(
    "query, field",
    [
        ({"from": "2026-13-01", "to": "2026-12-01"}, "from"),
        ({"from": "yesterday", "to": "2026-12-01"}, "from"),
        ({"from": "2026-12-01", "to": "2026/12/05"}, "to"),
        ({"from": "2026-12-05", "to": "2026-12-01"}, "to"),
        ({"from": "0001-01-01", "to": "0001-01-02"}, "from"),
        ({"from": "9999-12-30", "to": "9999-12-31"}, "from"),
        ({"from": "2026-12-01T00:00", "to": "2026-12-02"}, "from"),
    ],
)
@pytest.mark.parametrize("endpoint", ["schedule", "availability"])
def test_bad_dates_are_422_with_the_error_shape(client, endpoint, query, field):
    response = client.get(f"/api/v1/windows/kita/{endpoint}", query)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert field in errors
    assert all(isinstance(message, str) and message for message in errors[field])


def test_errors_are_japanese_by_default_and_english_on_request(client):
    ja = schedule(client, "kita", "x", "2026-12-01").json()["errors"]["from"][0]
    en = schedule(client, "kita", "x", "2026-12-01", language="en-US,en;q=0.9").json()["errors"]["from"][0]
    assert en == "Enter a valid date in the form YYYY-MM-DD."
    assert ja != en and "日" in ja


@pytest.mark.parametrize("endpoint", ["schedule", "availability"])
def test_unknown_window_is_404(client, endpoint):
    response = client.get(f"/api/v1/windows/shinjuku/{endpoint}")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found"}


# --- availability -----------------------------------------------------------


def availability(client, code, start=None, end=None):
    query = {key: value for key, value in (("from", start), ("to", end)) if value}
    response = client.get(f"/api/v1/windows/{code}/availability", query)
    assert response.status_code == 200, response.content
    return response.json()


def test_availability_defaults_to_the_booking_horizon(client, frozen_now):
    frozen_now(date(2026, 11, 25))
    body = availability(client, "kita")
    assert body["window"] == "kita"
    assert body["days"][0]["date"] == "2026-11-26"  # tomorrow
    assert body["days"][-1]["date"] == "2026-12-25"  # today + 30
    first = body["days"][0]
    assert first["bookable"] is True and first["reason"] is None
    assert first["slots"][0] == {"start": "09:00", "end": "09:15", "capacity": 2, "remaining": 2}
    assert first["slots"][-1]["start"] == "16:45"


def test_availability_reasons(client, frozen_now):
    frozen_now(date(2026, 11, 25))
    days = {d["date"]: d for d in availability(client, "kita", "2026-11-24", "2026-12-29")["days"]}
    assert days["2026-11-24"]["reason"] == "too_soon"
    assert days["2026-11-25"]["reason"] == "too_soon"  # no same-day booking (R-B2)
    assert days["2026-11-28"]["reason"] == "weekly_closed"
    assert days["2026-12-20"]["reason"] == "maintenance"
    assert days["2026-12-25"]["bookable"] is True
    assert days["2026-12-28"]["reason"] == "beyond_horizon"
    for day in days.values():
        assert (day["slots"] != []) == (day["reason"] in (None, "full"))


def test_city_hall_availability_on_a_long_saturday(client, frozen_now):
    frozen_now(date(2026, 11, 25))
    day = availability(client, "cityhall", "2026-11-28", "2026-11-28")["days"][0]
    assert day["bookable"] is True
    assert [s["start"] for s in day["slots"]][-1] == "17:30"
    assert day["slots"][0]["capacity"] == Window.objects.get(code="cityhall").offers.get(service="pickup").capacity


def test_capacity_override_and_booking_block(client, frozen_now):
    frozen_now(date(2026, 11, 25))
    kita = Window.objects.get(code="kita")
    CapacityOverride.objects.create(window=kita, date=date(2026, 12, 1), capacity=5)
    CapacityOverride.objects.create(window=kita, date=date(2026, 12, 2), capacity=0)
    BookingBlock.objects.create(window=None, start_date=date(2026, 12, 3), end_date=date(2026, 12, 4))
    days = {d["date"]: d for d in availability(client, "kita", "2026-12-01", "2026-12-07")["days"]}
    assert {s["capacity"] for s in days["2026-12-01"]["slots"]} == {5}
    assert days["2026-12-02"]["reason"] == "full"
    assert all(s["remaining"] == 0 for s in days["2026-12-02"]["slots"])
    assert days["2026-12-03"]["reason"] == "blocked" and days["2026-12-03"]["slots"] == []
    assert days["2026-12-04"]["reason"] == "blocked"
    assert days["2026-12-07"]["bookable"] is True


def test_partial_closure_removes_its_slots_from_availability(client, frozen_now):
    frozen_now(date(2026, 11, 25))
    Closure.objects.create(window=Window.objects.get(code="konan"), start_date=date(2026, 12, 1),
                           end_date=date(2026, 12, 1), start_time=time(13), end_time=time(14), note_ja="研修")
    day = availability(client, "konan", "2026-12-01", "2026-12-01")["days"][0]
    remaining = {s["start"]: s["remaining"] for s in day["slots"]}
    assert day["bookable"] is True
    assert len(remaining) == 32  # every slot of the open day is listed (API.md) …
    assert remaining["12:45"] == remaining["14:00"] == 2
    assert [remaining[t] for t in ("13:00", "13:15", "13:30", "13:45")] == [0, 0, 0, 0]  # … closed ones with none left


@pytest.mark.parametrize("days", [1, 31, 93])
def test_availability_query_count_stays_flat(client, frozen_now, django_assert_max_num_queries, days):
    frozen_now(date(2026, 11, 25))
    kita = Window.objects.get(code="kita")
    for offset in range(1, 20):
        CapacityOverride.objects.create(window=kita, date=date(2026, 12, offset), capacity=3)
        Closure.objects.create(window=kita, start_date=date(2026, 12, offset), end_date=date(2026, 12, offset),
                               start_time=time(12), end_time=time(13))
    end = date.fromordinal(date(2026, 11, 26).toordinal() + days - 1).isoformat()
    # +1 since services (issue #14): the window's services are read with its opening rules.
    with django_assert_max_num_queries(8):
        body = availability(client, "kita", "2026-11-26", end)
    assert len(body["days"]) == days


@pytest.mark.parametrize("days", [1, 93])
def test_schedule_query_count_stays_flat(client, django_assert_max_num_queries, days):
    end = date.fromordinal(date(2026, 12, 1).toordinal() + days - 1).isoformat()
    with django_assert_max_num_queries(5):  # +1: the window's services (issue #14)
        assert len(schedule(client, "cityhall", "2026-12-01", end).json()["days"]) == days


def test_openapi_document_describes_every_endpoint(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/windows", "/api/v1/windows/{code}/schedule", "/api/v1/windows/{code}/availability"} <= set(paths)
    parameters = {p["name"] for p in paths["/api/v1/windows/{code}/availability"]["get"]["parameters"]}
    assert {"code", "from", "to"} <= parameters


def test_api_never_answers_500_to_junk(client):
    for url in [
        "/api/v1/windows/kita/schedule?from=%00&to=%FF",
        "/api/v1/windows/kita/availability?from=&to=",
        "/api/v1/windows/" + "x" * 300 + "/schedule",
        "/api/v1/windows/kita/schedule?from=2026-02-30",
    ]:
        assert client.get(url).status_code in (200, 404, 422), url


# --- bookings ---------------------------------------------------------------


def post(client, url, body, language=None):
    headers = {"Accept-Language": language} if language else {}
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(url, data, content_type="application/json", headers=headers)


def book(client, **overrides):
    return post(client, "/api/v1/bookings", api_body(**overrides))


def test_booking_returns_201_with_the_contract_shape(client):
    response = book(client)
    assert response.status_code == 201
    body = response.json()
    # + "service" since services (issue #14, API.md "Services").
    assert set(body) == {"code", "status", "window", "date", "start", "end", "party_size", "service"}
    assert body["service"] == "pickup"
    assert (body["status"], body["window"], body["date"], body["start"], body["end"], body["party_size"]) == (
        "booked", "kita", "2026-12-01", "09:00", "09:15", 1)
    assert len(body["code"]) == 9 and body["code"][4] == "-"
    booking = Booking.objects.get(code=body["code"].replace("-", ""))
    assert booking.people.get().kana == "ニイガタ タロウ"
    assert SlotCounter.objects.get().booked == 1


def test_full_width_input_is_normalised(client):
    body = api_body(phone="０２５－０００－００００")
    body["people"][0].update(notice_number="１２３４５６７８９０１２３４５", kana="にいがた　たろう")
    assert post(client, "/api/v1/bookings", body).status_code == 201
    person = BookingPerson.objects.get()
    assert (person.notice_number, person.kana) == ("123456789012345", "ニイガタ タロウ")
    assert person.booking.phone == "0250000000"


def _with_person(**fields):
    body = api_body()
    body["people"][0].update(fields)
    return body


@pytest.mark.parametrize(
    "body, field",
    [
        (api_body(ward="chuo"), "window"),
        (api_body(ward="outside"), "ward"),
        (api_body(ward="shinjuku"), "ward"),
        (api_body(window="nowhere"), "window"),
        (api_body(date="2026-11-25"), "date"),
        (api_body(date="2026-12-26"), "date"),
        (api_body(date="2026-11-29"), "date"),
        (api_body(date="2026-12-01", start="09:07"), "start"),
        (api_body(date="2026-13-01"), "date"),
        (api_body(start="9am"), "start"),
        (_with_person(kana="新潟 太郎"), "people.0.kana"),
        (_with_person(notice_number="123456789018"), "people.0.notice_number"),
        (_with_person(notice_number="1234-5678-9018"), "people.0.notice_number"),
        (_with_person(notice_number=""), "people.0.notice_number"),
        (_with_person(birth_date="2030-01-01"), "people.0.birth_date"),
        (_with_person(birth_date="1990/04/01"), "people.0.birth_date"),
        (_with_person(name=""), "people.0.name"),
        (api_body(party=5), "people"),
        (api_body(people=[]), "people"),
        (api_body(email="", phone=""), "__all__"),
        (api_body(email="not-an-address"), "email"),
        (api_body(phone="12"), "phone"),
        (api_body(attendance="proxy"), "proxy_reason"),
        (api_body(attendance="proxy", proxy_reason=12), "proxy_reason"),
        (api_body(attendance="in_person", proxy_reason=3), "proxy_reason"),
        (api_body(attendance="somebody"), "attendance"),
        (api_body(party=3), "people"),  # more people than the ward office seats per slot
    ],
)
def test_every_broken_rule_is_422_and_writes_nothing(client, body, field):
    response = post(client, "/api/v1/bookings", body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"], response.json()
    assert not Booking.objects.exists() and not SlotCounter.objects.filter(booked__gt=0).exists()


def test_proxy_booking_with_a_reason(client):
    # R-E5: case 6 is for people aged 75 or over (born 1945: 81 on 2026-12-01).
    body = _with_person(birth_date="1945-04-01")
    body.update(attendance="proxy", proxy_reason=6)
    assert post(client, "/api/v1/bookings", body).status_code == 201
    assert Booking.objects.get().proxy_reason == 6


@pytest.mark.parametrize(
    "raw",
    ["not json", "", "[]", "null", '{"window": 5}', '{"people": "x"}', '{"people": [1]}', '{"proxy_reason": "x"}'],
)
def test_junk_bodies_are_422(client, raw):
    response = post(client, "/api/v1/bookings", raw)
    assert response.status_code == 422
    assert response.json()["errors"]


def test_errors_in_japanese_by_default_and_english_on_request(client):
    ja = post(client, "/api/v1/bookings", _with_person(kana="abc")).json()["errors"]["people.0.kana"][0]
    en = post(client, "/api/v1/bookings", _with_person(kana="abc"), language="en").json()["errors"]["people.0.kana"][0]
    assert "katakana" in en and "カタカナ" in ja


def test_my_number_refusal_says_so(client):
    message = post(client, "/api/v1/bookings", _with_person(notice_number="123456789018"), language="en").json()
    assert "My Number" in message["errors"]["people.0.notice_number"][0]


def test_full_slot_is_409_with_up_to_five_alternatives(client):
    assert book(client, party=2).status_code == 201
    response = book(client)
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "slot_full"
    assert 1 <= len(body["alternatives"]) <= 5
    assert body["alternatives"][0] == {"window": "kita", "date": "2026-12-01", "start": "09:15"}
    assert Booking.objects.count() == 1


def test_availability_counts_bookings(client, commit):
    with commit():
        book(client)
    slot = client.get("/api/v1/windows/kita/availability", {"from": "2026-12-01", "to": "2026-12-01"}).json()["days"][0]["slots"][0]
    assert slot == {"start": "09:00", "end": "09:15", "capacity": 2, "remaining": 1}
    with commit():
        book(client)
    day = client.get("/api/v1/windows/kita/availability", {"from": "2026-12-01", "to": "2026-12-01"}).json()["days"][0]
    assert day["slots"][0]["remaining"] == 0 and day["bookable"] is True


def test_second_booking_on_one_notice_number_is_422(client):
    body = api_body()
    assert post(client, "/api/v1/bookings", body).status_code == 201
    again = api_body(date="2026-12-02")
    again["people"][0]["notice_number"] = body["people"][0]["notice_number"]
    response = post(client, "/api/v1/bookings", again)
    assert response.status_code == 422 and "people.0.notice_number" in response.json()["errors"]


def _booked(client, **overrides):
    body = api_body(**overrides)
    response = post(client, "/api/v1/bookings", body)
    assert response.status_code == 201
    return response.json()["code"], body["people"][0]["birth_date"]


def test_lookup_returns_the_booking_with_people_and_checklist(client):
    code, born = _booked(client, party=2, attendance="with_legal_representative")
    for typed in (code, code.lower(), code.replace("-", "")):
        response = post(client, "/api/v1/bookings/lookup", {"code": typed, "birth_date": born})
        assert response.status_code == 200
    body = response.json()
    assert body["code"] == code and body["party_size"] == 2
    assert body["people"][0] == {"name": "新潟 太郎", "kana": "ニイガタ タロウ", "birth_date": "1990-04-01"}
    assert "notice_number" not in json.dumps(body)
    codes = [item["code"] for item in body["checklist"]]
    assert {"issuance_notice", "applicant_id", "legal_representative_id", "family_register_copy"} <= set(codes)
    assert all(set(item) == {"code", "label", "note"} for item in body["checklist"])


def test_wrong_code_and_wrong_birth_date_look_alike(client):
    code, born = _booked(client)
    wrong_date = post(client, "/api/v1/bookings/lookup", {"code": code, "birth_date": "1990-04-02"})
    wrong_code = post(client, "/api/v1/bookings/lookup", {"code": "ZZZZ-ZZZZ", "birth_date": born})
    assert wrong_date.status_code == wrong_code.status_code == 404
    assert wrong_date.json() == wrong_code.json() == {"error": "not_found"}


def test_lookups_are_rate_limited_after_ten_failures(client, settings):
    code, born = _booked(client)
    for _ in range(10):
        assert post(client, "/api/v1/bookings/lookup", {"code": "ZZZZ-ZZZZ", "birth_date": born}).status_code == 404
    assert post(client, "/api/v1/bookings/lookup", {"code": code, "birth_date": born}).status_code == 429
    assert post(client, f"/api/v1/bookings/{code}/cancel", {"birth_date": born}).status_code == 429
    other = client.__class__(REMOTE_ADDR="10.0.0.2")
    assert post(other, "/api/v1/bookings/lookup", {"code": code, "birth_date": born}).status_code == 200


def test_booking_attempts_are_rate_limited_per_address(client, settings):
    settings.BOOKING_RATE_LIMIT = 3
    settings.BOOKING_DAILY_LIMIT_PER_EMAIL = settings.BOOKING_DAILY_LIMIT_PER_PHONE = 10  # test_hoarding's
    statuses = [book(client, date="2026-12-01", start=start).status_code for start in ("09:00", "09:15", "09:30", "09:45")]
    assert statuses == [201, 201, 201, 429]
    assert book(client, start="10:00").json() == {"error": "too_many_requests"}
    assert Booking.objects.count() == 3
    other = client.__class__(REMOTE_ADDR="10.0.0.2")
    assert book(other, start="10:00").status_code == 201


def test_behind_a_trusted_proxy_the_limit_is_per_forwarded_address(client, settings):
    settings.BOOKING_RATE_LIMIT, settings.TRUST_X_FORWARDED_FOR = 1, True
    first = client.post("/api/v1/bookings", json.dumps(api_body(start="09:00")), content_type="application/json",
                        headers={"X-Forwarded-For": "203.0.113.1"})
    second = client.post("/api/v1/bookings", json.dumps(api_body(start="09:15")), content_type="application/json",
                         headers={"X-Forwarded-For": "203.0.113.2"})
    again = client.post("/api/v1/bookings", json.dumps(api_body(start="09:30")), content_type="application/json",
                        headers={"X-Forwarded-For": "203.0.113.1"})
    assert (first.status_code, second.status_code, again.status_code) == (201, 201, 429)


def test_partner_systems_listed_in_the_settings_are_not_limited(client, settings):
    import ipaddress

    settings.BOOKING_RATE_LIMIT = 1
    settings.RATE_LIMIT_EXEMPT = [ipaddress.ip_network("192.0.2.0/28")]
    kiosk = client.__class__(REMOTE_ADDR="192.0.2.5")
    assert [book(kiosk, start=start).status_code for start in ("09:00", "09:15", "09:30")] == [201, 201, 201]
    assert [book(client, start=start).status_code for start in ("09:45", "10:00")] == [201, 429]


def test_ipv6_clients_are_counted_per_64_network(client, settings):
    settings.BOOKING_RATE_LIMIT = 1
    one = client.__class__(REMOTE_ADDR="2001:db8:1:2::10")
    same_network = client.__class__(REMOTE_ADDR="2001:db8:1:2:ffff::1")
    other_network = client.__class__(REMOTE_ADDR="2001:db8:1:3::10")
    assert book(one, start="09:00").status_code == 201
    assert book(same_network, start="09:15").status_code == 429
    assert book(other_network, start="09:15").status_code == 201


def test_an_unreachable_rate_limit_cache_does_not_stop_bookings(client):
    from unittest import mock

    with mock.patch("portal.ratelimit.cache.add", side_effect=ConnectionError("cache down")):
        assert book(client).status_code == 201


def test_cancel(client):
    code, born = _booked(client)
    assert post(client, f"/api/v1/bookings/{code}/cancel", {"birth_date": "2000-01-01"}).status_code == 404
    response = post(client, f"/api/v1/bookings/{code.lower()}/cancel", {"birth_date": born})
    assert response.status_code == 200 and response.json() == {"status": "cancelled"}
    assert Booking.objects.get().status == "cancelled"
    assert SlotCounter.objects.get().booked == 0


def test_cancel_after_check_in_is_409(client):
    code, born = _booked(client)
    Booking.objects.update(status="checked_in")
    response = post(client, f"/api/v1/bookings/{code}/cancel", {"birth_date": born})
    assert response.status_code == 409 and response.json() == {"error": "not_cancellable"}


def test_cancel_of_a_past_booking_is_409(client, frozen_now):
    code, born = _booked(client)
    frozen_now(dt.date(2026, 12, 2))
    assert post(client, f"/api/v1/bookings/{code}/cancel", {"birth_date": born}).status_code == 409


def test_reschedule(client):
    code, born = _booked(client)
    response = post(client, f"/api/v1/bookings/{code}/reschedule",
                    {"birth_date": born, "window": "cityhall", "date": "2026-12-03", "start": "09:30"})
    assert response.status_code == 200
    assert response.json() | {"code": code} == {"code": code, "status": "booked", "window": "cityhall",
                                                  "date": "2026-12-03", "start": "09:30", "end": "09:45", "party_size": 1,
                                                  "service": "pickup"}
    counters = {(c.window.code, c.date.isoformat(), c.start.strftime("%H:%M")): c.booked for c in SlotCounter.objects.all()}
    assert counters == {("kita", "2026-12-01", "09:00"): 0, ("cityhall", "2026-12-03", "09:30"): 1}


@pytest.mark.parametrize(
    "target, status, key",
    [
        ({"window": "chuo", "date": "2026-12-02", "start": "09:00"}, 422, "window"),
        ({"window": "kita", "date": "2026-11-25", "start": "09:00"}, 422, "date"),
        ({"window": "kita", "date": "2026-12-02", "start": "25:00"}, 422, "start"),
        ({"window": "kita", "date": "2026-12-02"}, 422, "start"),
        ({"window": "nowhere", "date": "2026-12-02", "start": "09:00"}, 422, "window"),
    ],
)
def test_reschedule_refusals(client, target, status, key):
    code, born = _booked(client)
    response = post(client, f"/api/v1/bookings/{code}/reschedule", {"birth_date": born, **target})
    assert response.status_code == status
    assert key in response.json()["errors"]
    assert Booking.objects.get().date == dt.date(2026, 12, 1)


def test_reschedule_into_a_full_slot_is_409(client):
    code, born = _booked(client)
    _booked(client, start="10:00", party=2)
    response = post(client, f"/api/v1/bookings/{code}/reschedule",
                    {"birth_date": born, "window": "kita", "date": "2026-12-01", "start": "10:00"})
    assert response.status_code == 409 and response.json()["error"] == "slot_full"


def test_reschedule_with_wrong_birth_date_is_404(client):
    code, _born = _booked(client)
    response = post(client, f"/api/v1/bookings/{code}/reschedule",
                    {"birth_date": "1999-01-01", "window": "kita", "date": "2026-12-02", "start": "09:00"})
    assert response.status_code == 404


def test_openapi_describes_the_booking_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ["/api/v1/bookings", "/api/v1/bookings/lookup", "/api/v1/bookings/{code}/cancel",
                 "/api/v1/bookings/{code}/reschedule"]:
        assert "post" in paths[path]
    assert rules.CODE_LENGTH == 8


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31", "2100-01-01"])
def test_far_off_dates_are_422_not_500(client, day):
    response = book(client, date=day)
    assert response.status_code == 422 and "date" in response.json()["errors"]
    code, born = _booked(client)
    response = post(client, f"/api/v1/bookings/{code}/reschedule", {"birth_date": born, "window": "kita", "date": day, "start": "09:00"})
    assert response.status_code == 422 and "date" in response.json()["errors"]


@pytest.mark.parametrize("body", [{"birth_date": "1990-04-01"}, {"code": "", "birth_date": "1990-04-01"}, {"code": 5}, [], "x"])
def test_lookup_without_a_code_is_422(client, body):
    response = post(client, "/api/v1/bookings/lookup", body)
    assert response.status_code == 422
    assert set(response.json()["errors"]) & {"code", "__all__"}


def test_children_under_15_do_not_come_alone(client):
    child = api_body()
    child["people"][0]["birth_date"] = "2015-01-01"
    response = post(client, "/api/v1/bookings", child)
    assert response.status_code == 422 and "attendance" in response.json()["errors"]
    child["attendance"] = "with_legal_representative"
    assert post(client, "/api/v1/bookings", child).status_code == 201
    family = api_body(start="10:00", party=2)
    family["people"][1]["birth_date"] = "2016-05-05"  # a parent and a child, in person
    assert post(client, "/api/v1/bookings", family).status_code == 201


def test_availability_with_only_a_far_from_date(client):
    response = client.get("/api/v1/windows/kita/availability", {"from": "2027-01-10"})
    assert response.status_code == 200
    days = response.json()["days"]
    assert days[0]["date"] == "2027-01-10" and days[0]["reason"] == "beyond_horizon"


def test_a_slot_taken_by_a_partial_closure_is_refused_as_closed(client):
    from reservations.models import Closure, Window

    Closure.objects.create(window=Window.objects.get(code="kita"), start_date=dt.date(2026, 12, 1),
                           end_date=dt.date(2026, 12, 1), start_time=dt.time(9), end_time=dt.time(10))
    response = book(client)
    assert response.status_code == 422 and "start" in response.json()["errors"]


# --- The OpenAPI document describes the real contract -------------------------------


def _components(client):
    return client.get("/api/v1/openapi.json").json()["components"]["schemas"]


def test_openapi_booking_body_has_required_fields_enums_and_formats(client):
    schemas = _components(client)
    body = schemas["BookingIn"]
    assert set(body["required"]) == {"window", "date", "start", "ward", "attendance", "people"}
    fields = body["properties"]
    assert fields["date"]["format"] == "date"
    assert fields["start"]["pattern"] == r"^[0-2][0-9]:[0-5][0-9]$"
    assert fields["attendance"]["enum"] == ["in_person", "with_legal_representative", "proxy"]
    assert set(fields["ward"]["enum"]) == {"kita", "higashi", "chuo", "konan", "akiha", "minami", "nishi", "nishikan"}
    assert fields["language"]["enum"] == ["ja", "en"] and fields["language"]["default"] == "ja"
    assert (fields["people"]["minItems"], fields["people"]["maxItems"]) == (1, rules.MAX_PARTY)
    assert (fields["proxy_reason"]["minimum"], fields["proxy_reason"]["maximum"]) == (1, 11)
    person = schemas["PersonIn"]
    # notice_number is required for pickup only (a 422 when left out), not for application support (R-A5).
    assert set(person["required"]) == {"name", "kana", "birth_date"}
    assert person["properties"]["birth_date"]["format"] == "date"


def test_openapi_lookup_cancel_and_reschedule_bodies_are_required(client):
    schemas = _components(client)
    assert set(schemas["LookupIn"]["required"]) == {"code", "birth_date"}
    assert schemas["CancelIn"]["required"] == ["birth_date"]
    assert set(schemas["RescheduleIn"]["required"]) == {"birth_date", "window", "date", "start"}
    assert schemas["RescheduleIn"]["properties"]["date"]["format"] == "date"


def test_openapi_calendar_ranges_are_dates(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for endpoint in ("schedule", "availability"):
        parameters = {p["name"]: p for p in paths[f"/api/v1/windows/{{code}}/{endpoint}"]["get"]["parameters"]}
        assert not parameters["from"].get("required") and not parameters["to"].get("required")
        formats = [option.get("format") for option in parameters["from"]["schema"].get("anyOf", [parameters["from"]["schema"]])]
        assert "date" in formats


@pytest.mark.parametrize(
    "body, field, english",
    [
        (api_body(date="2026-12-1"), "date", "Enter a valid date in the form YYYY-MM-DD."),
        (api_body(date="2100-01-01"), "date", "Enter a date from 2000-01-01 to 2099-12-31."),
        (api_body(start="0900"), "start", "Enter a valid time in the form HH:MM."),
        (api_body(ward="outside"), "ward", "Only residents registered in Niigata City can book here."),
        (api_body(ward="shinjuku"), "ward", "Choose one of the eight wards of Niigata City."),
        (api_body(window="nowhere"), "window", "There is no pickup window with this code."),
        (api_body(proxy_reason=True, attendance="proxy"), "proxy_reason", "Enter a whole number."),
        (api_body(people=[]), "people", "Give from 1 to 4 people."),
        (api_body(party=5), "people", "At most 4 people can come in one booking."),
        (api_body(email="", phone=""), "__all__", "Give a phone number or an e-mail address"),
        (api_body(people=[1]), "people.0", "Send a JSON object."),
    ],
)
def test_schema_refusals_keep_the_rules_words(client, body, field, english):
    response = post(client, "/api/v1/bookings", body, language="en")
    assert response.status_code == 422
    assert response.json()["errors"][field][0].startswith(english), response.json()
    assert not Booking.objects.exists()


def test_a_missing_field_is_required_in_japanese_by_default(client):
    body = api_body()
    del body["window"]
    errors = post(client, "/api/v1/bookings", body).json()["errors"]
    assert list(errors) == ["window"] and errors["window"][0] != "This field is required."


def test_error_responses_keep_the_api_content_type(client):
    response = post(client, "/api/v1/bookings", api_body(window="nowhere"))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.content.startswith(b'{"errors": {"window": [')


@pytest.mark.parametrize("url", ["/api/v1/bookings", "/api/v1/bookings/lookup"])
@pytest.mark.parametrize("raw", ["[]", "5", '"text"'])
def test_a_body_that_is_not_an_object_is_refused_as_a_whole(client, url, raw):
    response = post(client, url, raw, language="en")
    assert response.status_code == 422
    assert response.json() == {"errors": {"__all__": ["Send a JSON object."]}}
