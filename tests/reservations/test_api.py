"""The windows and calendar endpoints of API.md, on the seeded windows."""

from datetime import date, time

import pytest

from reservations.models import BookingBlock, CapacityOverride, Closure, Window

pytestmark = pytest.mark.django_db

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
    assert set(windows[0]) == {"code", "name", "name_en", "kind", "ward", "phone"}


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
    assert day["slots"][0]["capacity"] == Window.objects.get(code="cityhall").capacity


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
    with django_assert_max_num_queries(7):
        body = availability(client, "kita", "2026-11-26", end)
    assert len(body["days"]) == days


@pytest.mark.parametrize("days", [1, 93])
def test_schedule_query_count_stays_flat(client, django_assert_max_num_queries, days):
    end = date.fromordinal(date(2026, 12, 1).toordinal() + days - 1).isoformat()
    with django_assert_max_num_queries(4):
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
