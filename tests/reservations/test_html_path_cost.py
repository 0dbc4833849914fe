"""
The resident's HTML booking path stays cheap (issue #17): the queries of each
of its 10 pages are bounded, and the same whatever the number of bookings;
a booking makes only its own day of the cached calendar stale, and
calendars.invalidate_availability keeps its meaning (the whole window).
"""

import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reservations.booking.services import booking_cancel, booking_create
from reservations.schedule import calendars

from .booking_steps import person_fields, review_token
from .factories import booking_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day", "cached_sessions")]


@pytest.fixture
def cached_sessions(settings):
    """Sessions as in production (settings.py with REDIS_URL: portal.sessions), over the test's cache."""
    settings.SESSION_ENGINE = "portal.sessions"


# The most queries each page may make (bench/html_path.py measures the same path on seeded data).
# The session is read from the cache (portal.sessions) and written to the database where it
# changes (2, 7, 9; a new one without asking whether its random key is taken); the window and
# its rules and services come from the shared cache (schedule.snapshots); a day that a booking
# made stale costs one query (its seats); the booking itself one statement each for the daily
# limits, the booking, its people, the seats, the audit row and the messages.
BUDGET = {
    "01 GET /book/": 0,
    "02 POST /book/": 1,
    "03 GET /book/window/": 0,
    "04 GET /book/kita/": 0,
    "05 GET /book/kita/?date=D": 0,
    "06 GET details": 0,
    "07 POST details": 1,
    "08 GET /book/review/": 0,
    "09 POST confirm": 7,
    "10 GET /book/done/": 1,
}


def walk(client, start="0930"):
    """One booking through the 10 pages; return {page: queries}."""
    counts = {}

    def step(name, call, *args, expect=200):
        with CaptureQueriesContext(connection) as queries:
            response = call(*args)
        assert response.status_code == expect, response.content.decode()[:1500]
        # Statements as on a server: the test's own transaction turns each atomic block into savepoints.
        counts[name] = sum(not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT")) for q in queries.captured_queries)
        return response

    details = f"/en/book/kita/2026-12-01/{start}/"
    step("01 GET /book/", client.get, "/en/book/")
    step("02 POST /book/", client.post, "/en/book/", {"ward": "kita", "attendance": "in_person", "party_size": "1",
                                                      "proxy_reason": ""}, expect=302)
    step("03 GET /book/window/", client.get, "/en/book/window/")
    step("04 GET /book/kita/", client.get, "/en/book/kita/")
    step("05 GET /book/kita/?date=D", client.get, "/en/book/kita/", {"date": "2026-12-01"})
    step("06 GET details", client.get, details)
    step("07 POST details", client.post, details, {**person_fields(0), "email": "taro@example.jp", "phone": ""},
         expect=302)
    page = step("08 GET /book/review/", client.get, "/en/book/review/")
    step("09 POST confirm", client.post, "/en/book/review/", {"token": review_token(page.content.decode())}, expect=302)
    step("10 GET /book/done/", client.get, "/en/book/done/")
    return counts


def warm(client):
    """Read every calendar the path shows once (another resident did), so its days are cached."""
    client.get("/en/book/")
    client.post("/en/book/", {"ward": "kita", "attendance": "in_person", "party_size": "1", "proxy_reason": ""})
    client.get("/en/book/window/")  # the earliest free time of each window (issue #16) reads the same days
    client.get("/en/book/kita/")
    client.get("/en/book/kita/", {"date": "2026-12-01"})
    client.cookies.clear()


def test_each_page_of_the_path_stays_within_its_queries(client):
    warm(client)
    counts = walk(client)
    over = {page: (counts[page], most) for page, most in BUDGET.items() if counts[page] > most}
    assert not over, over


def test_the_queries_of_each_page_do_not_grow_with_the_bookings(client):
    warm(client)
    first = walk(client, "0930")
    for start in (10, 11, 13, 14, 15):  # other residents book other days and times, past the calendar's cache
        booking_create(data=booking_data(date=dt.date(2026, 12, 2), start=dt.time(start)))
        booking_create(data=booking_data(date=dt.date(2026, 12, 3), start=dt.time(start)))
    client.cookies.clear()
    warm(client)
    assert walk(client, "1000") == first


def _seats_read():
    """A spy on the reads of the seats taken (every page's recomputation reads them; the booking's own check does not)."""
    return mock.patch("reservations.schedule.calendars.booked_seats", wraps=calendars.booked_seats)


def _plans_read():
    """A spy on the reads of the days' plans from the database (closures, capacities, blocks)."""
    return mock.patch("reservations.schedule.calendars.day_plans", wraps=calendars.day_plans)


def test_a_booking_makes_only_its_own_day_of_the_calendar_stale(client, commit):
    warm(client)
    with _seats_read() as seats, _plans_read() as plans:
        with commit():
            booking = booking_create(data=booking_data(date=dt.date(2026, 12, 3)))
        plans.reset_mock()  # the booking's own check reads its day's plan from the database (R-B6)
        warm(client)
        # The window choice and the month recompute that one day from the slot counters alone.
        assert [call.args[1:3] for call in seats.call_args_list] == [(dt.date(2026, 12, 3), dt.date(2026, 12, 3))]
        assert plans.call_count == 0  # its plan is still fresh
        seats.reset_mock(), plans.reset_mock()
        with commit():
            booking_cancel(booking=booking)
        warm(client)
        assert [call.args[1:3] for call in seats.call_args_list] == [(dt.date(2026, 12, 3), dt.date(2026, 12, 3))]
        assert plans.call_count == 0  # its plan is still fresh


def test_the_window_choice_after_a_later_booking_reads_no_seat(client, commit):
    """Issue #17: 14 queries at first, then 1 (the stale day's seats); a day after the earliest free time changes nothing."""
    warm(client)
    client.post("/en/book/", {"ward": "kita", "attendance": "in_person", "party_size": "1", "proxy_reason": ""})
    with commit():
        booking_create(data=booking_data(date=dt.date(2026, 12, 3)))  # another resident, at Kita, after 26 November
    with _seats_read() as seats, CaptureQueriesContext(connection) as queries:
        assert client.get("/en/book/window/").status_code == 200
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) <= BUDGET["03 GET /book/window/"], statements
    assert seats.call_count == 0


def test_the_window_choice_after_a_booking_of_the_earliest_day_reads_only_that_days_seats(client, commit):
    warm(client)
    client.post("/en/book/", {"ward": "kita", "attendance": "in_person", "party_size": "1", "proxy_reason": ""})
    with commit():
        booking_create(data=booking_data(date=dt.date(2026, 11, 26), start=dt.time(13)))  # the earliest day at Kita
    with _seats_read() as seats, CaptureQueriesContext(connection) as queries:
        assert client.get("/en/book/window/").status_code == 200
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) <= BUDGET["03 GET /book/window/"] + 1, statements
    assert [call.args[1:3] for call in seats.call_args_list] == [(dt.date(2026, 11, 26), dt.date(2026, 11, 26))]


def test_a_day_a_booking_made_stale_is_recomputed_from_its_plan_and_the_seats(client, commit):
    """Its plan (closures, capacities, blocks) kept apart: one query, the same day as from the database."""
    client.get("/en/book/")
    client.post("/en/book/", {"ward": "kita", "attendance": "in_person", "party_size": "1", "proxy_reason": ""})
    client.get("/en/book/kita/")  # computes every day and keeps its plan
    with commit():
        booking_create(data=booking_data(date=dt.date(2026, 12, 3)))
    with _plans_read() as plans, CaptureQueriesContext(connection) as queries:
        assert client.get("/en/book/kita/", {"date": "2026-12-03"}).status_code == 200
    assert plans.call_count == 0
    calendar_queries = [q["sql"] for q in queries.captured_queries if "reservations_window" not in q["sql"]
                        and "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]]
    assert len(calendar_queries) == 1 and "reservations_slotcounter" in calendar_queries[0]
    from reservations.booking import earliest
    from reservations.models import Window

    window = Window.objects.with_rules().get(code="kita")
    today = dt.date(2026, 11, 25)
    cached = calendars.cached_days(window, dt.date(2026, 12, 3), dt.date(2026, 12, 3), today=today,
                                   summary=earliest.day_state)
    [direct] = calendars.window_availability(window, dt.date(2026, 12, 3), dt.date(2026, 12, 3), today=today)
    assert calendars.unpack(cached[dt.date(2026, 12, 3)][1]) == direct
    assert direct.slots[0].remaining == 1  # the seat the booking took


def test_a_change_of_the_calendar_makes_the_plans_stale_too(client, commit):
    warm(client)
    with commit():
        calendars.invalidate_availability(["kita"])
    with _plans_read() as plans:
        warm(client)
    assert plans.call_count == 1 and plans.call_args.args[1] < dt.date(2026, 12, 1)  # the whole horizon


def test_the_calendar_shows_the_seat_a_booking_took(client, commit):
    warm(client)
    client.post("/en/book/", {"ward": "kita", "attendance": "in_person", "party_size": "2", "proxy_reason": ""})
    assert b"/en/book/kita/2026-12-01/0900/" in client.get("/en/book/kita/", {"date": "2026-12-01"}).content
    with commit():
        booking_create(data=booking_data(date=dt.date(2026, 12, 1), start=dt.time(9)))  # 1 of 2 seats left
    assert b"/en/book/kita/2026-12-01/0900/" not in client.get("/en/book/kita/", {"date": "2026-12-01"}).content


def test_invalidating_a_window_still_makes_all_its_days_stale(client, commit):
    warm(client)
    with _plans_read() as computed:  # the whole schedule read again from the database
        with commit():
            calendars.invalidate_availability(["kita"])
        warm(client)
        assert computed.call_count == 1 and computed.call_args.args[1] < dt.date(2026, 12, 1)
        computed.reset_mock()
        with commit():
            calendars.invalidate_availability()
        warm(client)
        assert computed.call_count == 2  # kita and City Hall, both on the window choice
        computed.reset_mock()
        with commit():
            calendars.invalidate_availability(["chuo"])  # another window: kita's days stay
        warm(client)
        assert computed.call_count == 0


def test_invalidating_days_makes_the_availability_json_stale(client, commit):
    url, day = "/api/v1/windows/kita/availability", {"from": "2026-12-01", "to": "2026-12-01"}
    assert client.get(url, day).json()["days"][0]["slots"][0]["remaining"] == 2
    with commit():
        booking_create(data=booking_data())
    assert client.get(url, day).json()["days"][0]["slots"][0]["remaining"] == 1


def test_the_details_form_writes_no_session_and_the_review_shows_the_slot_posted(client):
    """Issue #17: the slot is kept with the details checked for its day (R-E5), not on the form's GET."""
    warm(client)
    client.post("/en/book/", {"ward": "kita", "attendance": "in_person", "party_size": "1", "proxy_reason": ""})
    details = "/en/book/kita/2026-12-01/0930/"
    client.get(details)
    assert client.post(details, {**person_fields(0), "email": "taro@example.jp", "phone": ""}).status_code == 302
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/en/book/kita/2026-12-02/1000/").status_code == 200  # another time, not posted
    assert not [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]
    html = client.get("/en/book/review/").content.decode()
    assert "Dec. 1 (Tue) 9:30–9:45" in html and "Dec. 2" not in html
