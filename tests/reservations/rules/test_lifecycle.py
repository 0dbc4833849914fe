"""reservations/rules/lifecycle.py: staff actions at the counter (R-B10) and the figures of a day or month. No database."""

import datetime as dt

import pytest

from reservations import rules

TODAY = dt.date(2026, 11, 26)


@pytest.mark.parametrize(
    "bookings, seats, expected",
    [
        ([], 64, {"booked": 0, "checked_in": 0, "issued": 0, "no_show": 0, "cancelled": 0, "affected": 0,
                  "free": 64, "holding": 0}),
        # People are counted, not bookings; cancelled and affected bookings hold no seat.
        ([("booked", 2), ("checked_in", 1), ("issued", 3), ("no_show", 1), ("cancelled", 4), ("affected", 2)], 10,
         {"booked": 2, "checked_in": 1, "issued": 3, "no_show": 1, "cancelled": 4, "affected": 2,
          "free": 3, "holding": 7}),
        # More people than seats (a capacity cut after booking): never negative free seats.
        ([("booked", 4)], 2, {"booked": 4, "checked_in": 0, "issued": 0, "no_show": 0, "cancelled": 0, "affected": 0,
                              "free": 0, "holding": 4}),
    ],
    ids=["empty-day", "every-status", "overbooked"],
)
def test_day_counts_people_by_status_and_the_seats_still_free(bookings, seats, expected):
    assert rules.day_counts(bookings, seats) == expected


@pytest.mark.parametrize(
    "action, status, day, today, problem",
    [
        ("check_in", "booked", TODAY, TODAY, None),
        ("check_in", "booked", TODAY, TODAY - dt.timedelta(days=1), "not_today"),
        ("check_in", "checked_in", TODAY, TODAY, "not_from_status"),
        ("check_in", "cancelled", TODAY, TODAY, "not_from_status"),
        ("issue", "checked_in", TODAY, TODAY, None),
        ("issue", "booked", TODAY, TODAY, "not_from_status"),
        ("issue", "cancelled", TODAY, TODAY, "not_from_status"),
        ("issue", "no_show", TODAY, TODAY, "not_from_status"),
        ("no_show", "booked", TODAY, TODAY, None),
        ("no_show", "booked", TODAY, TODAY + dt.timedelta(days=3), None),
        ("no_show", "booked", TODAY, TODAY - dt.timedelta(days=1), "not_yet"),
        ("no_show", "checked_in", TODAY, TODAY, "not_from_status"),
        ("cancel", "booked", TODAY, TODAY, None),
        ("cancel", "checked_in", TODAY, TODAY, None),
        ("cancel", "affected", TODAY, TODAY, None),
        ("cancel", "issued", TODAY, TODAY, "not_from_status"),
        ("cancel", "cancelled", TODAY, TODAY, "not_from_status"),
        ("delete", "booked", TODAY, TODAY, "unknown_action"),
    ],
)
def test_transition_rules(action, status, day, today, problem):
    assert rules.transition_problem(action, status, booking_date=day, today=today) == problem


def test_month_statistics_rule():
    figures = rules.month_statistics(100, [("issued", 2), ("no_show", 1), ("cancelled", 3), ("booked", 1)])
    assert figures == {"offered": 100, "booked": 4, "issued": 2, "no_show": 1, "cancelled": 3,
                       "utilisation": 0.04, "no_show_rate": pytest.approx(1 / 3)}
    assert rules.month_statistics(0, [])["utilisation"] == 0.0
