"""
reservations/rules/lifecycle.py: the figures of a counter day. No database.

The staff actions (transition_problem) and the month figures are tested with
the counter in tests/staff/test_counter.py.
"""

import pytest

from reservations import rules


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
