"""
The shared availability cache (issue #8, docs/scaling.md): pages and the API
read a short-lived cached availability, every change invalidates it at once,
and a booking never trusts it (R-B6).
"""

import datetime as dt
import json
from unittest import mock

import pytest

from reservations.booking.services import booking_cancel, booking_create
from reservations.models import Booking, SlotCounter, Window

from .factories import ClosureFactory, api_body, booking_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]

URL = "/api/v1/windows/kita/availability"
DAY = {"from": "2026-12-01", "to": "2026-12-01"}


def first_slot(client):
    return client.get(URL, DAY).json()["days"][0]["slots"][0]


def test_a_second_read_is_served_from_the_cache(client, django_assert_num_queries):
    first = client.get(URL)
    with django_assert_num_queries(0):  # the answer as sent, from the shared cache
        second = client.get(URL)
    assert second.status_code == 200 and len(second.json()["days"]) == 30
    assert second.json() == first.json() and second["Content-Type"] == first["Content-Type"]


def test_clients_that_accept_gzip_get_the_kept_compressed_answer(client):
    import gzip

    plain = client.get(URL)
    for headers in ({"Accept-Encoding": "gzip, deflate, br"}, {"Accept-Encoding": "br;q=1.0, gzip;q=0.8"}):
        packed = client.get(URL, headers=headers)
        assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
        assert gzip.decompress(packed.content) == plain.content
        assert len(packed.content) < len(plain.content) / 10
    for headers in ({}, {"Accept-Encoding": "gzip;q=0"}, {"Accept-Encoding": "identity"}):
        response = client.get(URL, headers=headers)
        assert not response.has_header("Content-Encoding") and response.content == plain.content


def test_unknown_windows_and_bad_ranges_are_never_cached(client):
    for _ in range(2):
        assert client.get("/api/v1/windows/nowhere/availability").status_code == 404
        assert client.get(URL, {"from": "2026-13-01"}).status_code == 422


def test_the_booking_calendar_page_reads_the_cache(client, django_assert_max_num_queries):
    client.post("/en/book/", {"ward": "kita", "attendance": "in_person", "party_size": "1", "proxy_reason": ""})
    assert client.get("/en/book/kita/").status_code == 200
    # The session (read and saved, as on every page) and the window with its rules; no calendar query.
    with django_assert_max_num_queries(6):
        assert client.get("/en/book/kita/").status_code == 200


def test_a_booking_invalidates_at_once(client, commit):
    assert first_slot(client)["remaining"] == 2
    with commit():
        booking_create(data=booking_data())
    assert first_slot(client)["remaining"] == 1


def test_while_one_request_recomputes_the_others_serve_the_previous_answer(client, commit):
    from django.core.cache import cache

    class AnotherProcessIsRecomputing:
        def __getattr__(self, name):
            return getattr(cache, name)

        def add(self, key, *args, **kwargs):
            return False if key.endswith(":refresh") else cache.add(key, *args, **kwargs)

    assert first_slot(client)["remaining"] == 2
    with commit():
        booking_create(data=booking_data())
    with mock.patch("reservations.schedule.calendars.cache", AnotherProcessIsRecomputing()):
        assert first_slot(client)["remaining"] == 2  # the previous answer, for the moment
    assert first_slot(client)["remaining"] == 1  # the first request after it recomputes


def test_a_cancellation_frees_the_seat_in_the_cached_view(client, commit):
    with commit():
        booking = booking_create(data=booking_data())
    assert first_slot(client)["remaining"] == 1
    with commit():
        booking_cancel(booking=booking)
    assert first_slot(client)["remaining"] == 2


def test_a_new_closure_invalidates_every_window(client, commit):
    assert client.get(URL, DAY).json()["days"][0]["bookable"] is True
    with commit():
        ClosureFactory(window=Window.objects.get(code="kita"), start_date=dt.date(2026, 12, 1))
    day = client.get(URL, DAY).json()["days"][0]
    assert day["bookable"] is False and day["slots"] == []


def test_the_booking_rechecks_in_the_database_not_the_cache(client):
    """A stale cache (a seat taken behind its back) never sells a seat twice."""
    assert first_slot(client)["remaining"] == 2
    SlotCounter.objects.update_or_create(
        window=Window.objects.get(code="kita"), date=dt.date(2026, 12, 1), start=dt.time(9),
        defaults={"capacity": 2, "booked": 2},
    )
    assert first_slot(client)["remaining"] == 2  # the cache has not been told
    response = client.post("/api/v1/bookings", json.dumps(api_body()), content_type="application/json")
    assert response.status_code == 409 and response.json()["error"] == "slot_full"
    assert Booking.objects.count() == 0
    assert SlotCounter.objects.get().booked == 2


def test_an_unreachable_cache_falls_back_to_the_database(client):
    with mock.patch("reservations.schedule.calendars.cache.get_many", side_effect=ConnectionError("cache down")), \
            mock.patch("reservations.schedule.calendars.cache.set_many", side_effect=ConnectionError("cache down")):
        assert first_slot(client)["remaining"] == 2
        booking_create(data=booking_data())
        assert first_slot(client)["remaining"] == 1


def test_the_cache_can_be_turned_off(client, settings):
    settings.AVAILABILITY_CACHE_SECONDS = 0
    client.get(URL)
    SlotCounter.objects.create(window=Window.objects.get(code="kita"), date=dt.date(2026, 12, 1), start=dt.time(9), capacity=2, booked=1)
    assert first_slot(client)["remaining"] == 1


def test_the_cached_month_tables_follow_the_bookings(client, commit):
    from reservations.schedule import calendars

    client.post("/en/book/", {"ward": "kita", "attendance": "in_person", "party_size": "1", "proxy_reason": ""})
    link = 'data-date="2026-12-01"'
    first = client.get("/en/book/kita/").content.decode()
    assert link in first and client.get("/en/book/kita/").content.decode() == first  # the same page from the cache
    window = Window.objects.with_rules().get(code="kita")
    day = calendars.window_availability(window, dt.date(2026, 12, 1), dt.date(2026, 12, 1), today=dt.date(2026, 11, 25))[0]
    for slot in day.slots:  # every seat of the day goes
        with commit():
            booking_create(data=booking_data(start=slot.start, party=slot.capacity))
    assert link not in client.get("/en/book/kita/").content.decode()
    assert 'data-date="2026-12-02"' in client.get("/en/book/kita/").content.decode()


def test_a_refused_booking_leaves_the_cache_alone(client, django_assert_num_queries):
    booking_create(data=booking_data(party=2))  # the 09:00 slot is full
    client.get(URL)
    response = client.post("/api/v1/bookings", json.dumps(api_body()), content_type="application/json")
    assert response.status_code == 409
    with django_assert_num_queries(0):
        assert client.get(URL).status_code == 200


def test_a_deleted_closure_invalidates_too(client, commit):
    with commit():
        closure = ClosureFactory(window=Window.objects.get(code="kita"), start_date=dt.date(2026, 12, 1))
    assert client.get(URL, DAY).json()["days"][0]["bookable"] is False
    with commit():
        closure.delete()
    assert client.get(URL, DAY).json()["days"][0]["bookable"] is True


def test_the_month_tables_are_built_from_the_database_not_from_the_cached_availability(client):
    """What is kept under the versions read now must be at least as fresh as they are."""
    client.post("/en/book/", {"ward": "kita", "attendance": "in_person", "party_size": "1", "proxy_reason": ""})
    with mock.patch("reservations.schedule.calendars.cached_window_availability", side_effect=AssertionError("cache read")):
        page = client.get("/en/book/kita/").content.decode()
        chosen = client.get("/en/book/kita/", {"date": "2026-12-01"}).content.decode()
    assert 'data-date="2026-12-01"' in page and "/en/book/kita/2026-12-01/0900/" in chosen
    with mock.patch("reservations.schedule.calendars.window_availability", side_effect=AssertionError("database read")):
        again = client.get("/en/book/kita/").content.decode()  # the month tables from the cache
    assert 'data-date="2026-12-01"' in again


def test_a_booking_makes_the_cache_stale_once_when_it_commits(client, django_capture_on_commit_callbacks):
    """Issue #17: one bump, on commit (before the answer is sent), none before; a rollback bumps nothing."""
    from django.core.cache import cache

    assert first_slot(client)["remaining"] == 2
    with mock.patch.object(cache, "set_many", wraps=cache.set_many) as written:
        with django_capture_on_commit_callbacks() as hooks:
            booking_create(data=booking_data())
        assert written.call_count == 0 and first_slot(client)["remaining"] == 2  # not committed yet: as before
        for hook in hooks:
            hook()
        assert written.call_count == 1  # the seats' and the day's versions, in one round trip
    assert first_slot(client)["remaining"] == 1
