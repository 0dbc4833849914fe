"""The earliest free time at a glance on the window choice (issue #16), read from the cached availability."""

import datetime as dt
import re

import pytest
from django.test import TestCase

from reservations import rules
from reservations.booking.services import booking_create
from reservations.models import SlotCounter, Window
from reservations.schedule import calendars

from .booking_steps import start
from .factories import NOW, booking_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]


def test_each_window_shows_its_earliest_free_time_and_the_shortcut_goes_to_the_first():
    from django.test import Client

    client = Client()
    start(client, ward="kita")
    html = client.get("/en/book/window/").content.decode()
    # Tomorrow (Thursday 26 Nov) 9:00 is free at both the ward office and City Hall (09:30 there).
    assert html.count("Earliest free time:") == 2
    assert "The first free time anywhere you may go" in html
    assert 'href="/en/book/kita/2026-11-26/0900/"' in html


def test_a_full_first_slot_moves_the_earliest_time_on(client):
    window = Window.objects.with_rules().get(code="kita")
    day = calendars.window_availability(window, dt.date(2026, 11, 26), dt.date(2026, 11, 26), today=NOW.date(), now=NOW)[0]
    first = day.slots[0]
    SlotCounter.objects.create(window=window, service="pickup", date=day.date, start=first.start,
                               capacity=first.capacity, booked=first.capacity)
    calendars.invalidate_availability()
    start(client, ward="kita")
    html = client.get("/en/book/window/").content.decode()
    assert f'/en/book/kita/2026-11-26/{day.slots[1].start:%H%M}/' in html


def test_the_window_choice_costs_no_query_per_window_or_booking(client, django_assert_max_num_queries):
    start(client, ward="kita")
    client.get("/en/book/window/")  # warm the cache
    # The session and the ward's windows with their rules and services: none per window.
    with django_assert_max_num_queries(4):
        client.get("/en/book/window/")
    for hour in (9, 10, 11):
        booking_create(data=booking_data("kita", dt.date(2026, 11, 27), dt.time(hour)), now=NOW)
    client.get("/en/book/window/")  # the booked day recomputed once
    with django_assert_max_num_queries(4):
        client.get("/en/book/window/")


def test_first_fitting_slots_is_earliest_first_and_needs_the_whole_party():
    day1, day2 = dt.date(2026, 12, 1), dt.date(2026, 12, 2)

    def slot(hour, remaining):
        return rules.SlotAvailability(start=dt.time(hour), end=dt.time(hour, 15), capacity=2, remaining=remaining)

    days_a = [rules.DayAvailability(date=day1, bookable=True, reason=None, slots=(slot(9, 1), slot(10, 2)))]
    days_b = [rules.DayAvailability(date=day1, bookable=True, reason=None, slots=(slot(9, 2),)),
              rules.DayAvailability(date=day2, bookable=False, reason="full", slots=(slot(9, 0),))]
    assert rules.first_fitting_slots([(1, days_a), (2, days_b)], 1, day1, day2, limit=2) == [
        (1, day1, dt.time(9)), (2, day1, dt.time(9))]
    assert rules.first_fitting_slots([(1, days_a), (2, days_b)], 2, day1, day2, limit=1) == [(2, day1, dt.time(9))]
    assert rules.first_fitting_slots([(1, days_a)], 3, day1, day2) == []
    assert rules.first_fitting_slots([(1, days_a)], 1, day2, day2) == []


def _fill(window, day, booked=None):
    """Take every seat of ``day`` at ``window`` (or set the first slot's to ``booked``), as the seat counter does, and commit."""
    [availability] = calendars.window_availability(window, day, day, today=NOW.date(), now=NOW, seats=False)
    for slot in availability.slots[: 1 if booked is not None else None]:
        SlotCounter.objects.update_or_create(window=window, service="pickup", date=day, start=slot.start,
                                             defaults={"capacity": slot.capacity,
                                                       "booked": slot.capacity if booked is None else booked})
    with TestCase.captureOnCommitCallbacks(execute=True):  # the versions are replaced when the change commits
        calendars.invalidate_availability_days(window.code, "pickup", [day])
    return availability.slots[0].start


def _kita_earliest(client):
    """The earliest free time that Kita's card on the window choice shows."""
    html = client.get("/en/book/window/").content.decode()
    card = re.search(r'aria-labelledby="window-kita">(.*?)</section>', html, re.S)[1]
    return re.search(r"Earliest free time:</strong> ([^<]+)</p>", card)[1]


def test_the_kept_earliest_time_follows_every_change_of_a_day_up_to_it(client):
    """Issue #17: kept with the versions of the days up to it; a seat freed before it is shown at once."""
    window = Window.objects.with_rules().get(code="kita")
    tomorrow, after = dt.date(2026, 11, 26), dt.date(2026, 11, 27)
    start(client, ward="kita")
    assert _kita_earliest(client) == "Nov. 26 (Thu) 9:00"
    _fill(window, tomorrow)  # tomorrow full: the earliest moves on
    assert _kita_earliest(client) == "Nov. 27 (Fri) 9:00"
    _fill(window, tomorrow, booked=1)  # a seat given back tomorrow (a cancellation)
    assert _kita_earliest(client) == "Nov. 26 (Thu) 9:00"
    _fill(window, after)  # a later day changes nothing shown
    assert _kita_earliest(client) == "Nov. 26 (Thu) 9:00"


def test_the_kept_earliest_time_follows_a_change_of_the_calendar(client):
    window = Window.objects.with_rules().get(code="kita")
    start(client, ward="kita")
    assert _kita_earliest(client) == "Nov. 26 (Thu) 9:00"
    SlotCounter.objects.create(window=window, service="pickup", date=dt.date(2026, 11, 26), start=dt.time(9),
                               capacity=2, booked=2)
    with TestCase.captureOnCommitCallbacks(execute=True):  # every window's days stale, as a calendar row's change does
        calendars.invalidate_availability()
    assert _kita_earliest(client) == "Nov. 26 (Thu) 9:15"
