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


# A 13:15–13:30 booking on TODAY (aware datetimes in Japan time, as the services pass them).
JST = dt.timezone(dt.timedelta(hours=9))
END = dt.datetime(2026, 11, 26, 13, 30, tzinfo=JST)


def at(hour, minute=0, day=TODAY):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=JST)


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
    assert rules.transition_problem(action, status, booking_date=day, today=today, slot_end=END, now=at(14)) == problem


@pytest.mark.parametrize(
    "now, problem",
    [
        (at(12, 3), "not_yet"),  # the case of issue #15: a 13:15 booking at 12:03
        (at(13, 15), "not_yet"),  # the slot has begun, not ended
        (at(13, 29), "not_yet"),
        (at(13, 30), None),  # from the slot's end on
        (at(16, 0), None),
        (at(9, 0, TODAY + dt.timedelta(days=3)), None),  # marked days later
        (at(23, 0, TODAY - dt.timedelta(days=1)), "not_yet"),  # the day before
        (None, "not_yet"),  # without a clock, never
    ],
)
def test_no_show_only_once_the_slot_has_ended(now, problem):
    today = now.date() if now else TODAY
    assert rules.transition_problem("no_show", "booked", booking_date=TODAY, today=today, slot_end=END, now=now) == problem


def test_no_show_without_the_slot_end_is_refused():
    assert rules.transition_problem("no_show", "booked", booking_date=TODAY, today=TODAY, now=at(16)) == "not_yet"


@pytest.mark.parametrize(
    "last_action, status, done_on, problem",
    [
        ("check_in", "checked_in", TODAY, None),
        ("issue", "issued", TODAY, None),
        ("no_show", "no_show", TODAY, None),
        ("check_in", "checked_in", TODAY - dt.timedelta(days=1), "not_today"),  # only the same day
        ("no_show", "no_show", TODAY - dt.timedelta(days=2), "not_today"),
        ("check_in", "cancelled", TODAY, "not_from_status"),  # moved on since
        ("undone", "booked", TODAY, "nothing_to_undo"),  # no undo of an undo: only the last step
        ("cancelled", "cancelled", TODAY, "nothing_to_undo"),  # cancellations are not routine
        ("booked", "booked", TODAY, "nothing_to_undo"),
        ("rescheduled", "booked", TODAY, "nothing_to_undo"),
        (None, "booked", None, "nothing_to_undo"),
    ],
)
def test_undo_rules(last_action, status, done_on, problem):
    assert rules.undo_problem(last_action, status, done_on=done_on, today=TODAY) == problem


@pytest.mark.parametrize("action, back_to", [("check_in", "booked"), ("issue", "checked_in"), ("no_show", "booked")])
def test_undo_returns_to_the_status_the_step_came_from(action, back_to):
    assert rules.undone_status(action) == back_to
    assert back_to in rules.STAFF_ACTIONS[action][0]


def test_routine_steps_hold_their_seats_so_an_undo_moves_none():
    for action, back_to in rules.ROUTINE_ACTIONS.items():
        assert rules.STAFF_ACTIONS[action][1] in rules.SEAT_HOLDING_STATUSES and back_to in rules.SEAT_HOLDING_STATUSES


def test_month_statistics_rule():
    figures = rules.month_statistics(100, [("issued", 2), ("no_show", 1), ("cancelled", 3), ("booked", 1)])
    assert figures == {"offered": 100, "booked": 4, "issued": 2, "no_show": 1, "cancelled": 3,
                       "utilisation": 0.04, "no_show_rate": pytest.approx(1 / 3)}
    assert rules.month_statistics(0, [])["utilisation"] == 0.0
