"""reservations/rules/booking.py: what a party may book (R-B4, R-B6) and when it may still change. No database."""

from datetime import date, datetime, time

import pytest

from reservations import rules


def _day(remaining, capacity=2, reason=None, bookable=True):
    slots = tuple(rules.SlotAvailability(time(9, 15 * i), time(9, 15 * i + 15) if i < 3 else time(10), capacity, r)
                  for i, r in enumerate(remaining))
    return rules.DayAvailability(date(2026, 12, 1), bookable, reason, slots)


@pytest.mark.parametrize(
    "day, start, party, problem",
    [
        (_day([2, 1]), time(9), 1, None),
        (_day([2, 1]), time(9, 15), 2, "full"),
        (_day([2, 1]), time(9), 3, "party_too_large"),
        (_day([2, 1]), time(9, 5), 1, "unknown_slot"),
        (_day([0, 0], reason="full", bookable=False), time(9), 1, "full"),
        (rules.DayAvailability(date(2026, 12, 1), False, "too_soon"), time(9), 1, "too_soon"),
        (rules.DayAvailability(date(2026, 12, 1), False, "holiday"), time(9), 1, "holiday"),
        (rules.DayAvailability(date(2026, 12, 1), False, "blocked"), time(9), 1, "blocked"),
    ],
)
def test_slot_problem_says_why_a_party_cannot_book_a_slot(day, start, party, problem):
    assert rules.slot_problem(day, start, party) == problem


def test_nearest_free_slots_prefer_the_closest_time_with_enough_seats():
    days = [
        _day([0, 1, 2, 2]),
        rules.DayAvailability(date(2026, 12, 2), False, "weekly_closed"),
        rules.DayAvailability(
            date(2026, 12, 3), True, None, (rules.SlotAvailability(time(9), time(9, 15), 2, 2),)
        ),
    ]
    wanted = datetime(2026, 12, 1, 9, 0)
    found = rules.nearest_free_slots(wanted, days, party_size=2)
    assert [(d, s.start) for d, s in found] == [
        (date(2026, 12, 1), time(9, 30)), (date(2026, 12, 1), time(9, 45)), (date(2026, 12, 3), time(9)),
    ]
    assert [(d, s.start) for d, s in rules.nearest_free_slots(wanted, days, 1, limit=1)] == [(date(2026, 12, 1), time(9, 15))]


@pytest.mark.parametrize(
    "status, when, expected",
    [
        ("booked", datetime(2026, 12, 1, 9), True),
        ("affected", datetime(2026, 12, 1, 9), True),
        ("affected", datetime(2026, 11, 1, 9), True),  # its time was taken away: rebook any time
        ("booked", datetime(2026, 11, 1, 9), False),
        ("checked_in", datetime(2026, 12, 1, 9), False),
        ("issued", datetime(2026, 12, 1, 9), False),
        ("cancelled", datetime(2026, 12, 1, 9), False),
    ],
)
def test_booking_is_cancellable_before_its_time_and_always_when_affected(status, when, expected):
    assert rules.cancellable(status, when, datetime(2026, 11, 25, 10)) is expected


@pytest.mark.parametrize(
    "numbers, repeated",
    [([], []), (["1"], []), (["1", "2"], []), (["1", "1"], [1]), (["1", "2", "1", "1"], [2, 3]), (["2", "1", "2"], [2])],
)
def test_repeated_notice_numbers_are_the_later_positions(numbers, repeated):
    assert rules.repeated_positions(numbers) == repeated


@pytest.mark.parametrize("party, starts", [(1, [time(9), time(9, 15)]), (2, [time(9)]), (3, [])])
def test_slots_for_party_keep_those_with_seats_for_everyone(party, starts):
    day = rules.DayAvailability(
        date(2026, 12, 3), True, None,
        (rules.SlotAvailability(time(9), time(9, 15), 2, 2), rules.SlotAvailability(time(9, 15), time(9, 30), 2, 1),
         rules.SlotAvailability(time(9, 30), time(9, 45), 2, 0)),
    )
    assert [slot.start for slot in rules.slots_for_party(day, party)] == starts


# --- R-E5: the age-bound proxy cases, on the pickup day -------------------------------------

PICKUP = date(2026, 12, 1)


@pytest.mark.parametrize(
    "attendance, reason, born, fits",
    [
        ("proxy", 6, [date(1951, 12, 1)], True),  # 75 on the pickup day (the birthday itself)
        ("proxy", 6, [date(1951, 12, 2)], False),  # 74: 75 only the day after
        ("proxy", 6, [date(1990, 4, 1)], False),  # 36
        ("proxy", 4, [date(2020, 6, 1)], True),  # pre-school
        ("proxy", 4, [date(2011, 6, 1)], True),  # 15: junior high school
        ("proxy", 4, [date(2010, 6, 1)], False),  # 16
        ("proxy", 4, [date(2015, 1, 1), date(2010, 6, 1)], False),  # each person must fit
        ("proxy", 6, [date(1940, 1, 1), date(1945, 1, 1)], True),
        ("proxy", 1, [date(1990, 4, 1)], True),  # not age-bound
        ("in_person", 6, [date(1990, 4, 1)], True),  # not a proxy: proxy_reason_errors() speaks
        ("proxy", None, [date(1990, 4, 1)], True),
        ("proxy", 12, [date(1990, 4, 1)], True),  # out of range: proxy_reason_errors() speaks
    ],
)
def test_age_bound_proxy_cases_fit_every_person_on_the_pickup_day(attendance, reason, born, fits):
    assert (rules.booking.proxy_age_problem(attendance, reason, born, PICKUP) is None) is fits
