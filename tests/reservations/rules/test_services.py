"""reservations/rules/services.py and the engine's lead minutes and walk-in days (SPEC §8, R-A2–R-A5). No database."""

from datetime import date, datetime, time, timedelta

import pytest

from reservations import rules
from reservations.rules import BookingMode, Service

from ..calendars import RECURRING

SUPPORT = rules.WindowCalendar(
    opening_rules=tuple(rules.OpeningRule(weekday=d, opens_at=time(9), closes_at=time(16)) for d in range(5)),
    slot_minutes=30,
)
WEDNESDAY = date(2026, 11, 25)


def test_the_two_services_and_booking_modes_have_the_codes_of_the_api():
    assert [s.value for s in Service] == ["pickup", "application_support"]
    assert [m.value for m in BookingMode] == ["required", "walk_in"]


@pytest.mark.parametrize(
    "service, notice_number, attendances, at_cityhall, lead_days, lead_minutes, slot_minutes",
    [
        # R-B3, R-B4, R-W4, R-B2, R-W7
        ("pickup", True, ("in_person", "with_legal_representative", "proxy"), True, 1, 0, 15),
        # R-A5 (no notice number, never a proxy), R-A2 (not at City Hall), R-A4 (same day, 30 min), R-A3
        ("application_support", False, ("in_person", "with_legal_representative"), False, 0, 30, 30),
    ],
)
def test_what_each_service_asks(service, notice_number, attendances, at_cityhall, lead_days, lead_minutes, slot_minutes):
    policy = rules.service_rules(service)
    assert policy.needs_notice_number is notice_number
    assert policy.attendances == attendances
    assert policy.at_cityhall is at_cityhall
    assert (policy.lead_days, policy.lead_minutes) == (lead_days, lead_minutes)
    assert policy.default_slot_minutes == slot_minutes
    assert policy.default_capacity == 2


def test_the_leads_are_settings():
    assert rules.service_rules("pickup", pickup_lead_days=2).lead_days == 2
    assert rules.service_rules("application_support", support_lead_minutes=45).lead_minutes == 45


def test_an_unknown_service_is_refused():
    with pytest.raises(ValueError):
        rules.service_rules("passport")


@pytest.mark.parametrize(
    "service, kind, window_ward, resident_ward, serves",
    [
        ("pickup", "ward", "kita", "kita", True),  # R-W4: own ward office
        ("pickup", "ward", "kita", "chuo", False),
        ("pickup", "cityhall", "", "chuo", True),  # R-W4: City Hall serves every ward
        ("pickup", "cityhall", "", None, False),  # outside Niigata City
        ("application_support", "ward", "chuo", "chuo", True),  # R-A2: own ward office only
        ("application_support", "ward", "chuo", "kita", False),
        ("application_support", "cityhall", "", "chuo", False),  # R-A2: never at City Hall
        ("application_support", "ward", "chuo", "", False),
    ],
)
def test_who_may_book_where(service, kind, window_ward, resident_ward, serves):
    assert rules.service_window_serves(service, kind, window_ward, resident_ward) is serves


@pytest.mark.parametrize(
    "now, lead_days, lead_minutes, earliest",
    [
        (datetime(2026, 11, 25, 10, 0), 0, 30, datetime(2026, 11, 25, 10, 30)),  # R-A4
        (datetime(2026, 11, 25, 23, 50), 0, 30, datetime(2026, 11, 26, 0, 20)),  # over midnight
        (datetime(2026, 11, 25, 10, 0), 1, 0, datetime(2026, 11, 26, 0, 0)),  # R-B2: from tomorrow
        (datetime(2026, 11, 25, 10, 0), 0, 0, datetime(2026, 11, 25, 10, 0)),
    ],
)
def test_earliest_start(now, lead_days, lead_minutes, earliest):
    assert rules.earliest_start(now, lead_days=lead_days, lead_minutes=lead_minutes) == earliest


def support_day(day, *, now, capacity=2, booked=None, walk_in=False):
    schedule_day = rules.day_schedule(day, SUPPORT, recurring=RECURRING, holidays=rules.japanese_holidays(day, day))
    return rules.day_availability(
        schedule_day, today=now.date(), capacity=capacity, booked=booked, lead_days=0, horizon_days=30,
        earliest=rules.earliest_start(now, lead_days=0, lead_minutes=30), walk_in=walk_in,
    )


def test_support_slots_are_thirty_minutes_from_nine_to_four():
    day = support_day(date(2026, 11, 26), now=datetime(2026, 11, 25, 10))  # R-A3
    assert [s.start for s in day.slots][0] == time(9) and [s.start for s in day.slots][-1] == time(15, 30)
    assert len(day.slots) == 14 and all(s.capacity == 2 and s.remaining == 2 for s in day.slots)


def test_today_lists_every_slot_and_those_too_soon_have_no_seats():
    day = support_day(WEDNESDAY, now=datetime(2026, 11, 25, 10, 1))  # R-A4: from 10:31
    remaining = {s.start: s.remaining for s in day.slots}
    assert len(day.slots) == 14
    assert remaining[time(10, 30)] == 0 and remaining[time(11)] == 2
    assert [s.start for s in day.slots if s.too_soon] == [time(9), time(9, 30), time(10), time(10, 30)]
    assert day.bookable and day.reason is None
    assert rules.slot_problem(day, time(10, 30), 1) == "slot_too_soon"
    assert rules.slot_problem(day, time(11), 1) is None


def test_a_slot_exactly_thirty_minutes_ahead_is_bookable():
    day = support_day(WEDNESDAY, now=datetime(2026, 11, 25, 10, 30))
    assert rules.slot_problem(day, time(11), 2) is None


def test_late_in_the_day_today_is_too_soon():
    day = support_day(WEDNESDAY, now=datetime(2026, 11, 25, 15, 10))
    assert not day.bookable and day.reason == "too_soon"
    assert all(s.remaining == 0 for s in day.slots) and day.slots


def test_a_full_day_is_full_not_too_soon():
    booked = {slot.start: 2 for slot in rules.slots_between(time(9), time(16), 30)}
    day = support_day(date(2026, 11, 26), now=datetime(2026, 11, 25, 10), booked=booked)
    assert not day.bookable and day.reason == "full"


@pytest.mark.parametrize(
    "day, reason",
    [
        (date(2026, 11, 28), "weekly_closed"),  # R-A3: weekdays only (Saturday)
        (date(2026, 11, 29), "weekly_closed"),  # Sunday
        (date(2026, 11, 23), "holiday"),  # 勤労感謝の日
        (date(2026, 12, 29), "year_end"),  # 29 Dec – 3 Jan
        (date(2027, 1, 4), None),  # Monday after the year end
    ],
)
def test_support_is_on_weekdays_only(day, reason):
    availability = support_day(day, now=datetime.combine(day, time(10)) - timedelta(days=3))
    if reason is None:
        assert availability.bookable
    else:
        assert availability.reason == reason and availability.slots == ()


def test_a_walk_in_window_answers_walk_in_every_day_with_no_slots():
    for day in (WEDNESDAY, date(2026, 11, 26), date(2026, 11, 28)):
        availability = support_day(day, now=datetime(2026, 11, 25, 10), walk_in=True)
        assert (availability.bookable, availability.reason, availability.slots) == (False, "walk_in", ())
        assert availability.schedule is not None  # its hours are still shown


def test_pickup_days_are_as_before_without_a_lead_in_minutes():
    calendar = rules.WindowCalendar(
        opening_rules=tuple(rules.OpeningRule(weekday=d, opens_at=time(9), closes_at=time(17)) for d in range(5))
    )
    today = rules.day_schedule(WEDNESDAY, calendar, recurring=RECURRING)
    tomorrow = rules.day_schedule(date(2026, 11, 26), calendar, recurring=RECURRING)
    assert rules.day_availability(today, today=WEDNESDAY, capacity=2).reason == "too_soon"
    assert rules.day_availability(tomorrow, today=WEDNESDAY, capacity=2).bookable
    assert not any(s.too_soon for s in rules.day_availability(tomorrow, today=WEDNESDAY, capacity=2).slots)
