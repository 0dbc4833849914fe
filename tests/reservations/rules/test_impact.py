"""Bookings a closure or a capacity cut makes impossible (R-B9): the pure rule, no database."""

import datetime as dt
from datetime import date, time

import pytest

from reservations import rules

from ..calendars import WARD_OFFICE

TUESDAY = date(2026, 12, 1)


def held(pk, start, party=1, status="booked"):
    # created_at is the same for all: the primary key orders them, as in the database.
    made = dt.datetime(2026, 11, 20, 10, 0)
    return rules.HeldBooking(pk=pk, start=start, party_size=party, created_at=made, status=status)


def day(**closure):
    closures = (rules.Closure(start_date=TUESDAY, end_date=TUESDAY, **closure),) if closure else ()
    return rules.day_schedule(TUESDAY, WARD_OFFICE, closures=closures)


SHORT_DAYS = rules.WindowCalendar(
    opening_rules=tuple(rules.OpeningRule(weekday=d, opens_at=time(9), closes_at=time(16)) for d in range(5))
)


@pytest.mark.parametrize(
    "bookings, schedule_day, capacity, expected",
    [
        pytest.param([held(1, time(9)), held(2, time(9)), held(3, time(10))], day(), 2, [], id="nothing-changes"),
        pytest.param(
            [held(1, time(9)), held(2, time(13, 30))], day(start_time=None), 2, [1, 2], id="closed-day"
        ),
        pytest.param(
            [held(1, time(9)), held(2, time(13)), held(3, time(13, 45)), held(4, time(14))],
            day(start_time=time(13), end_time=time(14)),
            2,
            [2, 3],
            id="partial-closure-removes-its-slots",
        ),
        pytest.param(
            [held(1, time(9)), held(2, time(16, 45))],
            rules.day_schedule(TUESDAY, SHORT_DAYS),
            2,
            [2],
            id="opening-rule-closes-earlier",
        ),
        pytest.param(
            [held(1, time(9)), held(2, time(9)), held(3, time(9, 15))], day(), 1, [2], id="cut-keeps-earliest"
        ),
        pytest.param(
            [held(1, time(9)), held(2, time(9), party=2), held(3, time(9))],
            day(),
            2,
            [2, 3],
            id="cut-drops-latest-until-the-rest-fit",
        ),
        pytest.param([held(1, time(9)), held(2, time(10), party=2)], day(), 0, [1, 2], id="cut-to-zero"),
        pytest.param(
            [
                held(1, time(9), status="cancelled"),
                held(2, time(9), status="affected"),
                held(3, time(9), status="checked_in"),
                held(4, time(9)),
                held(5, time(9)),
            ],
            day(),
            2,
            [5],
            id="not-booked-are-ignored-checked-in-keeps-its-seat",
        ),
        pytest.param(
            [held(1, time(9), status="checked_in"), held(2, time(9), status="issued")],
            day(start_time=None),
            1,
            [],
            id="checked-in-and-issued-are-never-affected",
        ),
    ],
)
def test_bookings_made_impossible(bookings, schedule_day, capacity, expected):
    found = rules.bookings_made_impossible(bookings, schedule_day, capacity)
    assert [booking.pk for booking in found] == expected


def test_bookings_made_impossible_orders_by_when_they_were_made():
    later = rules.HeldBooking(pk=1, start=time(9), party_size=1, created_at=dt.datetime(2026, 11, 21))
    earlier = rules.HeldBooking(pk=2, start=time(9), party_size=1, created_at=dt.datetime(2026, 11, 20))
    assert rules.bookings_made_impossible([later, earlier], day(), 1) == [later]
