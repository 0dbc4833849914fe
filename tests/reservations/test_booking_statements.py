"""
The booking in few statements, its window from the shared cache (issue #17).

A booking sends the database one statement each for the daily limits, the
booking, its people, the seats, the audit row and the messages; its window,
rules and services come from the shared cache (schedule.snapshots). The seat
statement verifies the window's schedule version, which every calendar change
replaces in its own transaction: a booking against rules changed meanwhile
(the cache not yet, or never, told) reads them again and obeys them.
"""

import datetime as dt
import json
from unittest import mock

import pytest
from django.test import TestCase
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reservations import rules
from reservations.booking.services import BookingRefused, SlotFull, booking_create
from reservations.models import (
    Booking, BookingBlock, CapacityOverride, Closure, OpeningRule, SlotCounter, Window, WindowService,
)
from reservations.schedule import snapshots

from .factories import api_body, booking_data, person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]

DAY, NINE = dt.date(2026, 12, 1), dt.time(9)


def _post(client, body, address="10.1.2.3"):
    return client.post("/api/v1/bookings", json.dumps(body), content_type="application/json", REMOTE_ADDR=address)


def _statements(queries):
    """Every statement as a server sees it: the test's transaction makes the booking's BEGIN and COMMIT a savepoint."""
    return [query["sql"] for query in queries.captured_queries]


def test_an_api_booking_sends_at_most_eight_statements(client):
    assert _post(client, api_body(start="09:00")).status_code == 201  # the windows are now in the shared cache
    with CaptureQueriesContext(connection) as queries:
        response = _post(client, api_body(start="09:30"), address="10.1.2.4")
    assert response.status_code == 201, response.content
    statements = _statements(queries)
    assert len(statements) <= 8, statements
    # No savepoint inside the booking (the people in one INSERT, no existence read before the code).
    assert sum(sql.startswith("SAVEPOINT") for sql in statements) == 1, statements
    assert not any(sql.startswith("SELECT") for sql in statements), statements


def test_an_api_booking_with_a_cold_cache_still_books(client):
    with CaptureQueriesContext(connection) as queries:
        assert _post(client, api_body()).status_code == 201
    assert len(_statements(queries)) <= 8 + 7  # the seven reads of the snapshot, once for every window
    assert Booking.objects.get().people.count() == 1


def test_a_taken_reservation_code_makes_the_booking_try_another():
    first = booking_create(data=booking_data())
    codes = iter([first.code, "QQQQQQQQ"])
    with mock.patch("reservations.booking.services.rules.generate_code", side_effect=lambda: next(codes)):
        second = booking_create(data=booking_data(start=dt.time(9, 30)))
    assert second.code == "QQQQQQQQ"
    assert second.people.count() == 1 and second.events.count() == 1 and second.messages.count() == 2
    assert SlotCounter.objects.get(window__code="kita", date=DAY, start=dt.time(9, 30)).booked == 1


def test_a_notice_number_of_an_active_booking_refuses_and_leaves_nothing_behind():
    first = booking_create(data=booking_data())
    taken = person(notice_number=first.people.get().notice_number, name="新潟 花子", kana="ニイガタ ハナコ")
    with pytest.raises(BookingRefused) as refused:
        booking_create(data=booking_data(start=dt.time(9, 30), people=(person(), taken)))
    assert list(refused.value.messages()) == ["people.1.notice_number"]
    assert Booking.objects.count() == 1
    assert not SlotCounter.objects.filter(start=dt.time(9, 30)).exists()


# --- Each kind of admin change, with the shared cache told of it or not ---------------------------


def _close_the_day():
    Closure.objects.create(window=Window.objects.get(code="kita"), start_date=DAY, end_date=DAY)


def _block_the_day():
    BookingBlock.objects.create(window=None, start_date=DAY, end_date=DAY)


def _no_seats_that_day():
    CapacityOverride.objects.create(window=Window.objects.get(code="kita"), date=DAY, capacity=0)


def _one_seat_per_slot():
    offer = WindowService.objects.get(window__code="kita", service="pickup")
    offer.capacity = 1
    offer.save()


def _shorter_hours():
    rule = OpeningRule.objects.get(window__code="kita", service="pickup", weekday=DAY.weekday(), nth=rules.EVERY_WEEK)
    rule.opens_at = dt.time(10)
    rule.save()


def _walk_in_only():
    offer = WindowService.objects.get(window__code="kita", service="pickup")
    offer.booking = "walk_in"
    offer.save()


CHANGES = {
    "closure": _close_the_day,
    "block": _block_the_day,
    "capacity": _no_seats_that_day,
    "service capacity": _one_seat_per_slot,
    "hours": _shorter_hours,
    "service": _walk_in_only,
}


@pytest.mark.parametrize("told", [True, False], ids=["cache told", "cache never told"])
@pytest.mark.parametrize("change", CHANGES)
def test_a_booking_after_an_admin_change_obeys_it(client, change, told):
    cached = snapshots.window("kita")  # what a page read a moment before the change
    assert cached.calendar_rows is not None
    if told:
        CHANGES[change]()
    else:  # the invalidation is lost (Redis failed at that moment): only the database knows
        with mock.patch("reservations.schedule.calendars._bump"):
            CHANGES[change]()
        assert snapshots.window("kita").schedule_version == cached.schedule_version  # still the old entry
    with pytest.raises((BookingRefused, SlotFull)):
        booking_create(data=booking_data(window=cached, party=2))
    response = _post(client, api_body(party=2))
    assert response.status_code in (409, 422), response.content
    assert not Booking.objects.exists()
    assert not SlotCounter.objects.filter(booked__gt=0).exists()


def test_the_cached_window_books_when_nothing_changed():
    cached = snapshots.window("kita")
    with CaptureQueriesContext(connection) as queries:
        booking = booking_create(data=booking_data(window=cached))
    assert booking.window_id == cached.pk
    assert not any(query["sql"].startswith("SELECT") for query in queries.captured_queries)


def test_a_calendar_change_replaces_every_window_schedule_version():
    before = dict(Window.objects.values_list("code", "schedule_version"))
    _close_the_day()
    after = dict(Window.objects.values_list("code", "schedule_version"))
    assert all(after[code] > before[code] for code in before)


def test_saving_a_window_never_writes_back_an_old_schedule_version():
    stale = Window.objects.get(code="kita")
    _block_the_day()  # raises every version
    raised = Window.objects.get(code="kita").schedule_version
    stale.phone = "025-111-1111"
    stale.save()
    assert Window.objects.get(code="kita").schedule_version > raised


# --- Redis down -------------------------------------------------------------------------------


def test_bookings_and_pages_work_while_the_cache_is_down(client):
    down = ConnectionError("cache down")
    # One cache object behind both modules: its reads and writes fail (as BreakerRedisCache raises).
    with mock.patch("reservations.schedule.snapshots.cache.get_many", side_effect=down), \
            mock.patch("reservations.schedule.snapshots.cache.set_many", side_effect=down), \
            mock.patch("reservations.schedule.snapshots.cache.set", side_effect=down):
        assert snapshots.windows() is None
        assert _post(client, api_body()).status_code == 201
        client.post("/en/book/", {"ward": "kita", "attendance": "in_person", "party_size": "1", "proxy_reason": ""})
        assert client.get("/en/book/window/").status_code == 200
        assert client.get("/en/book/kita/", {"date": "2026-12-01"}).status_code == 200
    assert Booking.objects.count() == 1


def test_an_unknown_window_code_reads_the_database_once_at_most(client, django_assert_max_num_queries):
    assert snapshots.window("kita") is not None  # the windows are kept
    with django_assert_max_num_queries(0):
        assert snapshots.window("nowhere") is None
        assert snapshots.window("no such code!") is None
    assert _post(client, api_body(window="nowhere")).status_code == 422


def test_the_kept_windows_answer_as_the_database_does():
    from_db = {window.code: window for window in Window.objects.with_rules()}
    kept = snapshots.windows()
    assert [window.code for window in kept] == list(from_db)
    for window in kept:
        assert window.calendar() == from_db[window.code].calendar()
        assert [o.service for o in window.offers.all()] == [o.service for o in from_db[window.code].offers.all()]
    for ward in ("kita", "chuo", "nishikan"):
        for service in ("pickup", "application_support"):
            assert [w.code for w in snapshots.serving(ward, service)] == [
                w.code for w in Window.objects.serving(ward, service)
            ]


def test_the_windows_a_process_unpacked_follow_every_new_read():
    """Issue #17: unpacked once per process, used again only while the shared entries are those of the same read."""
    snapshots.window("kita").code  # read and kept
    with mock.patch("reservations.schedule.calendars.unpack", wraps=snapshots.calendars.unpack) as unpack:
        first, second = snapshots.window("kita"), snapshots.window("kita")
    assert unpack.call_count <= 1 and first is not second  # copies: pages set their own attributes
    first.earliest = "mine"
    assert not hasattr(snapshots.window("kita"), "earliest")
    Window.objects.filter(code="kita").update(name_en="Kita (renamed)")
    assert snapshots.window("kita").name_en != "Kita (renamed)"  # no calendar change was told: the kept read
    with TestCase.captureOnCommitCallbacks(execute=True):  # what every calendar change does, on its commit
        snapshots.calendars.invalidate_availability()
    assert snapshots.window("kita").name_en == "Kita (renamed)"
    Window.objects.filter(code="kita").update(name_en="Kita again")
    from django.core.cache import cache

    cache.clear()  # the shared entries gone: so is the process's copy
    assert snapshots.window("kita").name_en == "Kita again"
    assert [w.name_en for w in snapshots.windows() if w.code == "kita"] == ["Kita again"]
