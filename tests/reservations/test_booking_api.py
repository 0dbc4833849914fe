"""POST /api/v1/bookings, lookup, cancel, reschedule (API.md) — response and database."""

import datetime as dt
import json

import pytest

from reservations import rules
from reservations.models import Booking, BookingPerson, SlotCounter

from .factories import api_body

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]




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
    assert set(body) == {"code", "status", "window", "date", "start", "end", "party_size"}
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
    assert book(client, attendance="proxy", proxy_reason=6).status_code == 201
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


def test_availability_counts_bookings(client):
    book(client)
    slot = client.get("/api/v1/windows/kita/availability", {"from": "2026-12-01", "to": "2026-12-01"}).json()["days"][0]["slots"][0]
    assert slot == {"start": "09:00", "end": "09:15", "capacity": 2, "remaining": 1}
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
                                                  "date": "2026-12-03", "start": "09:30", "end": "09:45", "party_size": 1}
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
