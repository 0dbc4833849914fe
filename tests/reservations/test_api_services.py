"""
The JSON API of the two services (API.md "Services and the waiting list",
SPEC §8 R-A1 … R-A7) on the seeded windows: the services, the windows and
calendars of each service, bookings of application support, and the pickup
answers of the API without ``service`` as they were.

"Today" is Wednesday 2026-11-25, 10:00 in Niigata (``booking_day``): the
application support horizon runs from today to 2026-12-25 (R-A4, R-B2).
"""

import datetime as dt
import json
import zoneinfo

import pytest
import time_machine

from reservations.models import Booking, BookingPerson, CapacityOverride, Closure, SlotCounter, Window

from .factories import api_body, api_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
SUPPORT = "application_support"
R_W1 = ["kita", "higashi", "chuo", "konan", "akiha", "minami", "nishi", "nishikan", "cityhall"]
# R-A3 defaults: 09:00–16:00, 30-minute slots, the last one starting at 15:30.
SUPPORT_STARTS = [f"{hour:02d}:{minute:02d}" for hour in range(9, 16) for minute in (0, 30)]
R_A6_CODES = ["applicant_id", "application_form", "pin_request_form", "notification_card",
              "resident_register_card", "old_card"]


@pytest.fixture(autouse=True)
def _daily_limits_out_of_the_way(settings):
    """Several bookings of one test share an e-mail address (the limits of issue #18 have their own tests)."""
    settings.BOOKING_DAILY_LIMIT_PER_EMAIL = settings.BOOKING_DAILY_LIMIT_PER_PHONE = 20
    settings.BOOKING_DAILY_LIMIT_PER_ADDRESS = 20


def get(client, url, language=None, **query):
    headers = {"Accept-Language": language} if language else {}
    return client.get(url, query, headers=headers)


def post(client, url, body, language=None):
    headers = {"Accept-Language": language} if language else {}
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def days_by_date(response):
    assert response.status_code == 200, response.content
    return {day["date"]: day for day in response.json()["days"]}


def support_body(window="chuo", date="2026-12-01", start="09:00", party=1, **overrides):
    """A body of POST /api/v1/bookings for application support: the people without notice numbers (R-A5)."""
    body = api_body(window=window, date=date, start=start, party=party, service=SUPPORT)
    for person in body["people"]:
        del person["notice_number"]
    body.update(overrides)
    return body


def book(client, body, language=None):
    return post(client, "/api/v1/bookings", body, language)


def at(day, hour, minute=0, second=0):
    """The clock at ``hour``:``minute`` Japan time on ``day`` (inside a with block)."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=TOKYO), tick=False)


# --- GET /services ----------------------------------------------------------------------------


def test_services_lists_pickup_and_application_support(client):
    response = client.get("/api/v1/services")
    assert response.status_code == 200
    assert response.json() == {"services": [
        {"code": "pickup", "name": "受取予約", "name_en": "Card pickup"},
        {"code": "application_support", "name": "申請補助サービス", "name_en": "Application support"},
    ]}


def test_services_names_do_not_depend_on_the_request_language(client):
    assert get(client, "/api/v1/services", language="en").json() == client.get("/api/v1/services").json()


# --- GET /windows?service= --------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected",
    [
        # R-A2: support only at the ward offices, never at City Hall; R-A4: Kita and Nishi walk-in only.
        ({"service": SUPPORT}, [("kita", "walk_in"), ("higashi", "required"), ("chuo", "required"),
                                ("konan", "required"), ("akiha", "required"), ("minami", "required"),
                                ("nishi", "walk_in"), ("nishikan", "required")]),
        ({"service": "pickup"}, [(code, "required") for code in R_W1]),
        ({}, [(code, "required") for code in R_W1]),
        ({"service": ""}, [(code, "required") for code in R_W1]),
    ],
)
def test_windows_of_each_service_in_r_w1_order_with_their_booking_mode(client, query, expected):
    response = client.get("/api/v1/windows", query)
    assert response.status_code == 200
    windows = response.json()["windows"]
    assert [(w["code"], w["booking"]) for w in windows] == expected
    assert all(set(w) == {"code", "name", "name_en", "kind", "ward", "phone", "booking"} for w in windows)


@pytest.mark.parametrize("service", ["pickup", SUPPORT])
def test_the_windows_list_takes_two_queries(client, django_assert_num_queries, service):
    with django_assert_num_queries(2):  # the windows, their services
        assert client.get("/api/v1/windows", {"service": service}).status_code == 200


def test_windows_of_support_keep_the_window_fields(client):
    chuo = next(w for w in client.get("/api/v1/windows", {"service": SUPPORT}).json()["windows"] if w["code"] == "chuo")
    assert chuo == {"code": "chuo", "name": "中央区役所", "name_en": Window.objects.get(code="chuo").name_en,
                    "kind": "ward", "ward": "chuo", "phone": "025-223-7106", "booking": "required"}


@pytest.mark.parametrize("url", [
    "/api/v1/windows", "/api/v1/windows/chuo/schedule", "/api/v1/windows/chuo/availability",
])
@pytest.mark.parametrize("service", ["parking", "PICKUP", "pickup ", "\x00", "x" * 300])
def test_an_unknown_service_is_422_on_service(client, url, service):
    response = client.get(url, {"service": service})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["service"]


def test_the_unknown_service_message_follows_the_request_language(client):
    ja = get(client, "/api/v1/windows", service="parking").json()["errors"]["service"][0]
    en = get(client, "/api/v1/windows", language="en", service="parking").json()["errors"]["service"][0]
    assert en == "Select a valid choice. parking is not one of the available choices."
    assert ja != en and "parking" in ja


# --- schedule and availability of application support ---------------------------------------


@pytest.mark.parametrize(
    "day, expected",
    [
        ("2026-11-20", (True, "09:00", "16:00", None)),  # Friday (R-A3 defaults)
        ("2026-11-21", (False, None, None, "weekly_closed")),  # Saturday: weekdays only
        ("2026-11-22", (False, None, None, "maintenance")),  # the day after the 3rd Saturday (R-W5): a Sunday
        ("2026-11-23", (False, None, None, "holiday")),  # 勤労感謝の日, a Monday
        ("2026-11-24", (True, "09:00", "16:00", None)),
        ("2026-12-18", (True, "09:00", "16:00", None)),  # the Friday before the 3rd Saturday (19 Dec)
        ("2026-12-20", (False, None, None, "maintenance")),  # the day after it: a Sunday again
        ("2026-12-21", (True, "09:00", "16:00", None)),  # so R-W5 never closes a weekday of the service
        ("2026-12-28", (True, "09:00", "16:00", None)),
        ("2026-12-29", (False, None, None, "year_end")),
        ("2027-01-01", (False, None, None, "year_end")),
        ("2027-01-03", (False, None, None, "year_end")),
        ("2027-01-04", (True, "09:00", "16:00", None)),
        ("2027-01-11", (False, None, None, "holiday")),  # 成人の日
    ],
)
def test_support_schedule_is_weekdays_9_to_16_without_holidays_and_year_end(client, day, expected):
    # R-A3 (and R-W5 for the maintenance Sunday, the first reason that applies).
    response = get(client, "/api/v1/windows/chuo/schedule", **{"from": day, "to": day, "service": SUPPORT})
    assert response.json()["service"] == SUPPORT and response.json()["window"] == "chuo"
    found = days_by_date(response)[day]
    assert (found["open"], found["opens_at"], found["closes_at"], found["reason"]) == expected


def test_the_day_after_the_third_saturday_is_a_sunday_every_month_of_2026_2027():
    # R-W5 can close only a Sunday, never a weekday of application support (R-A3).
    for year, month in [(year, month) for year in (2026, 2027) for month in range(1, 13)]:
        first = dt.date(year, month, 1)
        third_saturday = first + dt.timedelta(days=(5 - first.weekday()) % 7 + 14)
        assert (third_saturday + dt.timedelta(days=1)).weekday() == 6


def test_support_and_pickup_keep_their_own_hours_at_one_window(client):
    day = "2026-12-01"
    support = days_by_date(get(client, "/api/v1/windows/chuo/schedule", **{"from": day, "to": day, "service": SUPPORT}))
    pickup = days_by_date(get(client, "/api/v1/windows/chuo/schedule", **{"from": day, "to": day}))
    assert (support[day]["opens_at"], support[day]["closes_at"]) == ("09:00", "16:00")
    assert (pickup[day]["opens_at"], pickup[day]["closes_at"]) == ("09:00", "17:00")


@pytest.mark.parametrize("service", ["pickup", SUPPORT])
def test_an_admin_closure_of_the_window_closes_both_services(client, service):
    # R-A3 / R-A7: the window's closures (R-W6) apply to every service.
    chuo = Window.objects.get(code="chuo")
    Closure.objects.create(window=chuo, start_date=dt.date(2026, 12, 2), end_date=dt.date(2026, 12, 2))
    Closure.objects.create(window=None, start_date=dt.date(2026, 12, 3), end_date=dt.date(2026, 12, 3),
                           start_time=dt.time(13), end_time=dt.time(14))
    query = {"from": "2026-12-02", "to": "2026-12-03", "service": service}
    schedule = days_by_date(get(client, "/api/v1/windows/chuo/schedule", **query))
    assert schedule["2026-12-02"]["reason"] == "closure"
    assert schedule["2026-12-03"]["open"] is True
    availability = days_by_date(get(client, "/api/v1/windows/chuo/availability", **query))
    assert availability["2026-12-02"]["reason"] == "closure" and availability["2026-12-02"]["slots"] == []
    remaining = {s["start"]: s["remaining"] for s in availability["2026-12-03"]["slots"]}
    assert remaining["13:00"] == 0 and remaining["12:00"] == remaining["14:00"] == 2


def test_support_availability_defaults_from_today_to_the_horizon(client):
    # R-A4: same-day booking; the horizon is §2's (30 days).
    response = get(client, "/api/v1/windows/chuo/availability", service=SUPPORT)
    body = response.json()
    assert (body["window"], body["service"]) == ("chuo", SUPPORT)
    assert body["days"][0]["date"] == "2026-11-25" and body["days"][-1]["date"] == "2026-12-25"


def test_support_slots_are_half_hours_from_9_to_1530_with_two_seats(client):
    # R-A3: 30-minute slots, last start 15:30, 2 people per slot.
    day = days_by_date(get(client, "/api/v1/windows/chuo/availability",
                           **{"from": "2026-12-01", "to": "2026-12-01", "service": SUPPORT}))["2026-12-01"]
    assert day["bookable"] is True and day["reason"] is None
    assert [s["start"] for s in day["slots"]] == SUPPORT_STARTS
    assert day["slots"][0] == {"start": "09:00", "end": "09:30", "capacity": 2, "remaining": 2}
    assert day["slots"][-1] == {"start": "15:30", "end": "16:00", "capacity": 2, "remaining": 2}


def test_on_today_slots_sooner_than_30_minutes_are_listed_with_no_seats(client):
    # R-A4: at 10:00 the first bookable start is 10:30; every slot of the day is still listed.
    day = days_by_date(get(client, "/api/v1/windows/chuo/availability", service=SUPPORT))["2026-11-25"]
    remaining = {s["start"]: s["remaining"] for s in day["slots"]}
    assert list(remaining) == SUPPORT_STARTS
    assert [remaining[t] for t in ("09:00", "09:30", "10:00")] == [0, 0, 0]
    assert all(remaining[t] == 2 for t in SUPPORT_STARTS[3:])
    assert day["bookable"] is True


@pytest.mark.parametrize(
    "hour, minute, first_free",
    [(8, 0, "09:00"), (9, 1, "10:00"), (9, 30, "10:00"), (14, 59, "15:30"), (15, 0, "15:30")],
)
def test_the_same_day_lead_moves_with_the_clock(client, hour, minute, first_free):
    with at(dt.date(2026, 11, 25), hour, minute):
        day = days_by_date(get(client, "/api/v1/windows/chuo/availability",
                               **{"from": "2026-11-25", "to": "2026-11-25", "service": SUPPORT}))["2026-11-25"]
    free = [s["start"] for s in day["slots"] if s["remaining"] > 0]
    assert free[0] == first_free and free[-1] == "15:30"


def test_a_cached_support_calendar_follows_the_clock(client):
    # The shared cache (10 s) must not keep 10:30 bookable once it is sooner than 30 minutes away.
    url, query = "/api/v1/windows/chuo/availability", {"from": "2026-11-25", "to": "2026-11-25", "service": SUPPORT}

    def remaining_at_1030():
        slots = client.get(url, query).json()["days"][0]["slots"]
        return next(s["remaining"] for s in slots if s["start"] == "10:30")

    with at(dt.date(2026, 11, 25), 9, 59, 30):
        assert remaining_at_1030() == 2
    with at(dt.date(2026, 11, 25), 10, 0, 0):
        assert remaining_at_1030() == 2  # exactly 30 minutes ahead: bookable
    with at(dt.date(2026, 11, 25), 10, 0, 1):
        assert remaining_at_1030() == 0  # a second later: too soon, whatever the cache holds


def test_late_in_the_day_nothing_is_left_today_and_it_says_too_soon(client):
    with at(dt.date(2026, 11, 25), 15, 1):
        day = days_by_date(get(client, "/api/v1/windows/chuo/availability",
                               **{"from": "2026-11-25", "to": "2026-11-25", "service": SUPPORT}))["2026-11-25"]
    assert (day["bookable"], day["reason"]) == (False, "too_soon")
    assert len(day["slots"]) == len(SUPPORT_STARTS) and {s["remaining"] for s in day["slots"]} == {0}


def test_the_lead_minutes_are_a_setting(client, settings):
    settings.APPLICATION_SUPPORT_LEAD_MINUTES = 60
    day = days_by_date(get(client, "/api/v1/windows/chuo/availability",
                           **{"from": "2026-11-25", "to": "2026-11-25", "service": SUPPORT}))["2026-11-25"]
    assert [s["start"] for s in day["slots"] if s["remaining"] > 0][0] == "11:00"


@pytest.mark.parametrize(
    "day, reason",
    [
        ("2026-11-24", "too_soon"),  # yesterday
        ("2026-11-28", "weekly_closed"),
        ("2026-12-20", "maintenance"),
        ("2026-12-25", None),  # today + 30
        ("2026-12-28", "beyond_horizon"),
    ],
)
def test_support_availability_reasons(client, day, reason):
    found = days_by_date(get(client, "/api/v1/windows/chuo/availability",
                             **{"from": "2026-11-24", "to": "2026-12-28", "service": SUPPORT}))[day]
    assert found["reason"] == reason
    assert (found["slots"] != []) == (reason is None)


@pytest.mark.parametrize("code", ["kita", "nishi"])
def test_walk_in_windows_answer_walk_in_on_every_day(client, code):
    # R-A4: no calendar, no slots, whatever the day (open, closed or beyond the horizon).
    days = get(client, f"/api/v1/windows/{code}/availability",
               **{"from": "2026-11-25", "to": "2027-01-10", "service": SUPPORT}).json()["days"]
    assert len(days) == 47
    assert all((d["bookable"], d["reason"], d["slots"]) == (False, "walk_in", []) for d in days)
    # Their hours are still there, for coming in.
    schedule = days_by_date(get(client, f"/api/v1/windows/{code}/schedule",
                                **{"from": "2026-12-01", "to": "2026-12-01", "service": SUPPORT}))
    assert schedule["2026-12-01"]["opens_at"] == "09:00"


@pytest.mark.parametrize("endpoint", ["schedule", "availability"])
@pytest.mark.parametrize(
    "code, query, status",
    [
        ("cityhall", {"service": SUPPORT}, 404),  # R-A2: City Hall does not offer the service
        ("cityhall", {"service": SUPPORT, "from": "junk"}, 404),  # 404 before 422
        ("shinjuku", {"service": "parking"}, 404),  # an unknown window before an unknown service
        ("cityhall", {"service": "parking"}, 422),
        ("cityhall", {"service": "pickup"}, 200),
        ("chuo", {"service": SUPPORT, "from": "junk"}, 422),
    ],
)
def test_windows_that_do_not_offer_the_service_are_404(client, endpoint, code, query, status):
    response = client.get(f"/api/v1/windows/{code}/{endpoint}", query)
    assert response.status_code == status, response.content
    if status == 404:
        assert response.json() == {"error": "not_found"}


def test_support_capacity_overrides_leave_pickup_alone(client):
    chuo = Window.objects.get(code="chuo")
    CapacityOverride.objects.create(window=chuo, service=SUPPORT, date=dt.date(2026, 12, 1), capacity=1)
    query = {"from": "2026-12-01", "to": "2026-12-01"}
    support = get(client, "/api/v1/windows/chuo/availability", **query, service=SUPPORT).json()["days"][0]
    pickup = get(client, "/api/v1/windows/chuo/availability", **query).json()["days"][0]
    assert {s["capacity"] for s in support["slots"]} == {1}
    assert {s["capacity"] for s in pickup["slots"]} == {2}


# --- POST /bookings with application support ------------------------------------------------


def test_a_support_booking_is_201_with_its_service_and_no_notice_number(client):
    response = book(client, support_body())
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"code", "status", "window", "date", "start", "end", "party_size", "service"}
    assert (body["status"], body["window"], body["date"], body["start"], body["end"], body["service"]) == (
        "booked", "chuo", "2026-12-01", "09:00", "09:30", SUPPORT)
    booking = Booking.objects.get(code=body["code"].replace("-", ""))
    assert booking.service == SUPPORT and booking.end == dt.time(9, 30)
    assert booking.people.get().notice_number == ""  # R-A5
    assert SlotCounter.objects.get().service == SUPPORT


@pytest.mark.parametrize("notice_number", ["123456789018", "not a number", "", None, 5, "123456789012345"])
def test_a_notice_number_sent_for_support_is_ignored(client, notice_number):
    body = support_body()
    body["people"][0]["notice_number"] = notice_number
    assert book(client, body).status_code == 201
    assert BookingPerson.objects.get().notice_number == ""


def test_one_person_may_book_support_and_pickup(client):
    # No notice-number duplicate check for support (R-A5): nobody has a number before applying.
    assert book(client, support_body()).status_code == 201
    assert book(client, support_body(start="10:00")).status_code == 201
    assert book(client, api_body(window="chuo")).status_code == 201


def test_same_day_support_from_30_minutes_ahead(client):
    # R-A4 at 10:00: 10:30 is bookable today, 10:00 is not.
    assert book(client, support_body(date="2026-11-25", start="10:30")).status_code == 201
    response = book(client, support_body(date="2026-11-25", start="10:00"))
    assert response.status_code == 422 and list(response.json()["errors"]) == ["start"]


def _person(**fields):
    person = api_person(**fields)
    del person["notice_number"]
    return person


@pytest.mark.parametrize(
    "body, field",
    [
        # R-A5: never a proxy, whatever the proxy reason.
        (support_body(attendance="proxy"), "attendance"),
        (support_body(attendance="proxy", proxy_reason=3), "attendance"),
        (support_body(people=[_person(birth_date="1945-04-01")], attendance="proxy", proxy_reason=6), "attendance"),
        # R-A2: only the ward's own office, never City Hall or another ward's office.
        (support_body(window="chuo", ward="higashi"), "window"),
        (support_body(window="cityhall", ward="chuo"), "window"),
        # R-A4: no bookings at Kita and Nishi (walk-in only), even for their own residents.
        (support_body(window="kita", ward="kita"), "window"),
        (support_body(window="nishi", ward="nishi"), "window"),
        # R-A4: same day from 30 minutes ahead only (now 10:00).
        (support_body(date="2026-11-25", start="09:30"), "start"),
        (support_body(date="2026-11-25", start="10:00"), "start"),
        (support_body(date="2026-11-24"), "date"),  # yesterday
        (support_body(date="2026-12-28"), "date"),  # beyond the horizon (R-B2)
        (support_body(date="2026-11-28"), "date"),  # Saturday (R-A3)
        (support_body(date="2026-12-29"), "date"),  # year end
        (support_body(start="09:15"), "start"),  # not a support slot (30 minutes)
        (support_body(start="16:00"), "start"),  # after the last start, 15:30
        (support_body(party=3), "people"),  # two people per slot (R-A3)
        (support_body(people=[_person(birth_date="2015-01-01")]), "attendance"),  # under 15 in person (R-A5)
        (support_body(service="parking"), "service"),
        (support_body(service=5), "service"),
        (support_body(attendance="in_person", proxy_reason=3), "proxy_reason"),
        (support_body(email="", phone=""), "__all__"),
        (support_body(people=[_person(kana="新潟 太郎")]), "people.0.kana"),
    ],
)
def test_every_rule_a_support_booking_breaks_is_422_and_writes_nothing(client, body, field):
    response = book(client, body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"], response.json()
    assert not Booking.objects.exists() and not SlotCounter.objects.filter(booked__gt=0).exists()


def test_the_proxy_refusal_says_why(client):
    response = book(client, support_body(attendance="proxy"), language="en")
    assert "a proxy cannot apply" in response.json()["errors"]["attendance"][0]


def test_a_support_booking_with_a_legal_representative(client):
    body = support_body(attendance="with_legal_representative", people=[_person(birth_date="2015-01-01")])
    assert book(client, body).status_code == 201


def test_a_full_support_slot_is_409_with_support_alternatives(client):
    # R-B6 per service (R-A7): two seats, then the nearest free support slots.
    assert book(client, support_body(party=2)).status_code == 201
    response = book(client, support_body())
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "slot_full"
    assert 1 <= len(body["alternatives"]) <= 5
    assert body["alternatives"][0] == {"window": "chuo", "date": "2026-12-01", "start": "09:30"}
    assert all(a["window"] == "chuo" and a["start"] in SUPPORT_STARTS for a in body["alternatives"])
    assert Booking.objects.count() == 1


def test_filling_a_support_slot_leaves_the_pickup_slot_free(client):
    assert book(client, support_body(party=2)).status_code == 201
    query = {"from": "2026-12-01", "to": "2026-12-01"}
    pickup = get(client, "/api/v1/windows/chuo/availability", **query).json()["days"][0]["slots"][0]
    support = get(client, "/api/v1/windows/chuo/availability", **query, service=SUPPORT).json()["days"][0]["slots"][0]
    assert (pickup["start"], pickup["remaining"]) == ("09:00", 2)
    assert (support["start"], support["remaining"]) == ("09:00", 0)
    assert book(client, api_body(window="chuo", party=2)).status_code == 201


def test_filling_a_pickup_slot_leaves_the_support_slot_free(client):
    assert book(client, api_body(window="chuo", party=2)).status_code == 201
    assert book(client, api_body(window="chuo")).status_code == 409
    assert book(client, support_body()).status_code == 201
    assert book(client, support_body()).status_code == 201
    counters = {(c.service, c.start): c.booked for c in SlotCounter.objects.all()}
    assert counters == {("pickup", dt.time(9)): 2, (SUPPORT, dt.time(9)): 2}


# --- lookup, cancel and reschedule of a support booking --------------------------------------


def _support_booked(client, **overrides):
    body = support_body(**overrides)
    response = book(client, body)
    assert response.status_code == 201, response.content
    return response.json()["code"], body["people"][0]["birth_date"]


@pytest.mark.parametrize(
    "attendance, birth_date, codes",
    [
        ("in_person", "1990-04-01", R_A6_CODES),
        ("with_legal_representative", "2015-01-01", R_A6_CODES + ["legal_representative_id"]),
    ],
)
def test_lookup_of_a_support_booking_has_its_service_and_the_r_a6_checklist(client, attendance, birth_date, codes):
    code, born = _support_booked(client, attendance=attendance, people=[_person(birth_date=birth_date)])
    response = post(client, "/api/v1/bookings/lookup", {"code": code, "birth_date": born})
    assert response.status_code == 200
    body = response.json()
    assert (body["service"], body["window"], body["start"], body["end"]) == (SUPPORT, "chuo", "09:00", "09:30")
    assert body["people"] == [{"name": "新潟 太郎", "kana": "ニイガタ タロウ", "birth_date": birth_date}]
    assert [item["code"] for item in body["checklist"]] == codes
    assert "issuance_notice" not in json.dumps(body)


def test_cancel_of_a_support_booking_frees_its_seat(client):
    code, born = _support_booked(client)
    response = post(client, f"/api/v1/bookings/{code}/cancel", {"birth_date": born})
    assert response.status_code == 200 and response.json() == {"status": "cancelled"}
    assert SlotCounter.objects.get(service=SUPPORT).booked == 0


def test_reschedule_keeps_the_service(client):
    code, born = _support_booked(client)
    response = post(client, f"/api/v1/bookings/{code}/reschedule",
                    {"birth_date": born, "window": "chuo", "date": "2026-12-02", "start": "15:30"})
    assert response.status_code == 200, response.content
    assert response.json() | {"code": code} == {
        "code": code, "status": "booked", "window": "chuo", "date": "2026-12-02", "start": "15:30", "end": "16:00",
        "party_size": 1, "service": SUPPORT,
    }
    counters = {(c.service, c.date.isoformat(), c.start.strftime("%H:%M")): c.booked for c in SlotCounter.objects.all()}
    assert counters == {(SUPPORT, "2026-12-01", "09:00"): 0, (SUPPORT, "2026-12-02", "15:30"): 1}
    assert Booking.objects.get().service == SUPPORT


@pytest.mark.parametrize(
    "target, key",
    [
        ({"window": "cityhall", "date": "2026-12-03", "start": "09:30"}, "window"),  # R-A2
        ({"window": "higashi", "date": "2026-12-03", "start": "09:00"}, "window"),  # another ward
        ({"window": "kita", "date": "2026-12-03", "start": "09:00"}, "window"),  # walk-in and another ward
        ({"window": "chuo", "date": "2026-12-03", "start": "09:15"}, "start"),  # a pickup time, not a support one
        ({"window": "chuo", "date": "2026-11-25", "start": "10:00"}, "start"),  # too soon today (R-A4)
        ({"window": "chuo", "date": "2026-11-28", "start": "10:00"}, "date"),  # Saturday
    ],
)
def test_reschedule_of_support_refusals(client, target, key):
    code, born = _support_booked(client)
    response = post(client, f"/api/v1/bookings/{code}/reschedule", {"birth_date": born, **target})
    assert response.status_code == 422, response.content
    assert key in response.json()["errors"]
    booking = Booking.objects.get()
    assert (booking.window.code, booking.date, booking.start) == ("chuo", dt.date(2026, 12, 1), dt.time(9))


def test_reschedule_of_support_to_today_from_30_minutes_on(client):
    code, born = _support_booked(client)
    response = post(client, f"/api/v1/bookings/{code}/reschedule",
                    {"birth_date": born, "window": "chuo", "date": "2026-11-25", "start": "10:30"})
    assert response.status_code == 200 and response.json()["service"] == SUPPORT


def test_reschedule_of_support_into_a_full_support_slot_is_409_with_support_alternatives(client):
    code, born = _support_booked(client)
    _support_booked(client, start="11:00", party=2)
    book(client, api_body(window="chuo", start="11:15"))  # a pickup booking near by: not a support slot
    response = post(client, f"/api/v1/bookings/{code}/reschedule",
                    {"birth_date": born, "window": "chuo", "date": "2026-12-01", "start": "11:00"})
    assert response.status_code == 409 and response.json()["error"] == "slot_full"
    assert all(a["start"] in SUPPORT_STARTS for a in response.json()["alternatives"])


def test_a_move_stays_in_the_bookings_service_whatever_the_body_says(client):
    code = book(client, api_body(window="chuo")).json()["code"]
    # 16:30 is a pickup slot (no support slot starts then): the move stays in pickup (R-A7).
    response = post(client, f"/api/v1/bookings/{code}/reschedule",
                    {"birth_date": "1990-04-01", "window": "chuo", "date": "2026-12-02", "start": "16:30",
                     "service": SUPPORT})
    assert response.status_code == 200 and response.json()["service"] == "pickup"


# --- Without service the API answers as before (pickup) ------------------------------------


@pytest.mark.parametrize(
    "url, query",
    [
        ("/api/v1/windows", {}),
        ("/api/v1/windows/kita/schedule", {"from": "2026-11-20", "to": "2026-12-31"}),
        ("/api/v1/windows/cityhall/availability", {}),
        ("/api/v1/windows/kita/availability", {"from": "2026-11-24", "to": "2026-12-29"}),
    ],
)
def test_without_service_the_calendars_are_pickups(client, url, query):
    without = client.get(url, query)
    assert without.status_code == 200
    assert without.json() == client.get(url, {**query, "service": "pickup"}).json()


def test_without_service_pickup_answers_keep_every_value_they_had(client):
    # The values of tests/reservations/test_api.py before services; only "service" (and "booking") are added.
    body = client.get("/api/v1/windows/kita/availability").json()
    assert set(body) == {"window", "days", "service"} and body["service"] == "pickup"
    assert (body["days"][0]["date"], body["days"][-1]["date"]) == ("2026-11-26", "2026-12-25")
    assert set(body["days"][0]) == {"date", "bookable", "reason", "slots"}
    assert body["days"][0]["slots"][0] == {"start": "09:00", "end": "09:15", "capacity": 2, "remaining": 2}
    assert body["days"][0]["slots"][-1]["start"] == "16:45"
    schedule = client.get("/api/v1/windows/cityhall/schedule", {"from": "2026-11-22", "to": "2026-11-22"}).json()
    assert schedule == {"window": "cityhall", "service": "pickup", "days": [
        {"date": "2026-11-22", "open": False, "opens_at": None, "closes_at": None, "reason": "maintenance"}]}
    windows = client.get("/api/v1/windows").json()["windows"]
    assert windows[0] == {"code": "kita", "name": "北区役所", "name_en": "Kita Ward Office", "kind": "ward",
                          "ward": "kita", "phone": "025-387-1265", "booking": "required"}


def test_without_service_a_booking_is_a_pickup_booking_as_before(client):
    response = book(client, api_body())
    assert response.status_code == 201
    body = response.json()
    assert body | {"code": ""} == {"code": "", "status": "booked", "window": "kita", "date": "2026-12-01",
                                   "start": "09:00", "end": "09:15", "party_size": 1, "service": "pickup"}
    booking = Booking.objects.get()
    assert booking.service == "pickup" and booking.people.get().notice_number
    lookup = post(client, "/api/v1/bookings/lookup", {"code": body["code"], "birth_date": "1990-04-01"}).json()
    assert lookup["service"] == "pickup" and "issuance_notice" in [item["code"] for item in lookup["checklist"]]


@pytest.mark.parametrize("service", [None, "pickup"])
def test_pickup_still_asks_for_the_notice_number(client, service):
    # R-B3: left out, empty or null, a pickup booking is refused on the person's notice number.
    for value in ("missing", "", None):
        body = api_body() if service is None else api_body(service=service)
        if value == "missing":
            del body["people"][0]["notice_number"]
        else:
            body["people"][0]["notice_number"] = value
        response = book(client, body, language="en")
        assert response.status_code == 422
        assert response.json()["errors"] == {"people.0.notice_number": ["This field is required."]}


def test_pickup_refusals_are_unchanged_by_services(client):
    # Proxy without a reason: still 422 on proxy_reason for pickup (R-E5), on attendance for support (R-A5).
    assert list(book(client, api_body(attendance="proxy")).json()["errors"]) == ["proxy_reason"]
    assert list(book(client, support_body(attendance="proxy")).json()["errors"]) == ["attendance"]
    # An unknown window in a path is 404 before a bad query is 422, with or without service.
    assert client.get("/api/v1/windows/shinjuku/schedule", {"from": "x"}).status_code == 404
    assert client.get("/api/v1/windows/shinjuku/schedule", {"from": "x", "service": "x"}).status_code == 404


# --- The OpenAPI document -----------------------------------------------------------------------


def test_openapi_describes_services_and_the_service_parameter(client):
    document = client.get("/api/v1/openapi.json").json()
    paths, schemas = document["paths"], document["components"]["schemas"]
    assert "get" in paths["/api/v1/services"]
    for path in ("/api/v1/windows", "/api/v1/windows/{code}/schedule", "/api/v1/windows/{code}/availability"):
        parameters = {p["name"]: p for p in paths[path]["get"]["parameters"]}
        assert parameters["service"]["schema"]["enum"] == ["pickup", "application_support"]
        assert not parameters["service"].get("required")
    assert schemas["BookingIn"]["properties"]["service"]["enum"] == ["pickup", "application_support"]
    assert schemas["BookingIn"]["properties"]["service"]["default"] == "pickup"
    assert "service" not in schemas["BookingIn"]["required"]
    assert "notice_number" not in schemas["PersonIn"]["required"]
    for name in ("BookingOut", "BookingDetailOut", "ScheduleOut", "AvailabilityOut"):
        assert "service" in schemas[name]["required"], name
    assert schemas["WindowOut"]["properties"]["booking"]["enum"] == ["required", "walk_in"]
    assert set(schemas["ServiceOut"]["required"]) == {"code", "name", "name_en"}


@pytest.mark.parametrize("service", [None, "", "pickup"])
def test_a_service_left_null_or_empty_is_pickup(client, service):
    response = book(client, api_body(service=service))
    assert response.status_code == 201 and response.json()["service"] == "pickup"
    assert Booking.objects.get().service == "pickup"
