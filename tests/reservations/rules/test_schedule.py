"""reservations/rules/schedule.py: the calendar engine, table by table (R-W2 … R-W7, R-B2). No database."""

from datetime import date, datetime, time, timedelta

import pytest

from reservations import rules
from reservations.rules import ClosedReason, SATURDAY, SUNDAY

from ..calendars import CITY_HALL, RECURRING, WARD_OFFICE


def schedule_of(calendar, day, closures=()):
    holidays = rules.japanese_holidays(day, day)
    return rules.day_schedule(day, calendar, recurring=RECURRING, closures=closures, holidays=holidays)


# date, ward office (reason or hours), City Hall (reason or hours)
CALENDAR_CASES = [
    # R-W2 / R-W3: an ordinary week.
    (date(2026, 11, 26), (time(9), time(17)), (time(9, 30), time(16, 45))),  # Thursday
    (date(2026, 11, 24), (time(9), time(17)), "weekly_closed"),  # Tuesday
    (date(2026, 11, 25), (time(9), time(17)), "weekly_closed"),  # Wednesday
    (date(2026, 11, 30), (time(9), time(17)), (time(9, 30), time(16, 45))),  # Monday
    (date(2026, 11, 29), "weekly_closed", (time(9, 30), time(16, 45))),  # 5th Sunday
    (date(2026, 11, 7), "weekly_closed", (time(9, 30), time(16, 45))),  # 1st Saturday
    # R-W3: 2nd and 4th Saturday until 17:45; 3rd and 5th at the usual time.
    (date(2026, 11, 14), "weekly_closed", (time(9, 30), time(17, 45))),
    (date(2026, 11, 28), "weekly_closed", (time(9, 30), time(17, 45))),
    (date(2026, 11, 21), "weekly_closed", (time(9, 30), time(16, 45))),
    (date(2026, 5, 30), "weekly_closed", (time(9, 30), time(16, 45))),  # 5th Saturday
    (date(2026, 8, 8), "weekly_closed", (time(9, 30), time(17, 45))),  # month starting on Saturday
    # R-W3: the 3rd Sunday closes City Hall; R-W5: the day after the 3rd
    # Saturday is maintenance everywhere. November 2026 starts on a Sunday:
    # the 15th is the 3rd Sunday, the 22nd (4th Sunday) the maintenance day.
    (date(2026, 11, 15), "weekly_closed", "weekly_closed"),
    (date(2026, 11, 22), "maintenance", "maintenance"),
    (date(2026, 3, 15), "weekly_closed", "weekly_closed"),
    (date(2026, 3, 22), "maintenance", "maintenance"),
    (date(2026, 2, 22), "maintenance", "maintenance"),
    # In other months both fall on the same Sunday: maintenance wins.
    (date(2026, 12, 20), "maintenance", "maintenance"),
    (date(2026, 8, 16), "maintenance", "maintenance"),
    (date(2026, 12, 13), "weekly_closed", (time(9, 30), time(16, 45))),  # 2nd Sunday
    # R-W2: national holidays close ward offices; City Hall opens on them
    # when they fall on one of its days.
    (date(2026, 11, 23), "holiday", (time(9, 30), time(16, 45))),  # 勤労感謝の日, Monday
    (date(2026, 11, 3), "holiday", "weekly_closed"),  # 文化の日, Tuesday
    (date(2026, 3, 20), "holiday", (time(9, 30), time(16, 45))),  # 春分の日, Friday
    (date(2026, 2, 23), "holiday", (time(9, 30), time(16, 45))),  # 天皇誕生日, Monday
    (date(2026, 5, 6), "holiday", "weekly_closed"),  # 振替休日, Wednesday
    (date(2026, 9, 22), "holiday", "weekly_closed"),  # 国民の休日, Tuesday
    (date(2026, 9, 21), "holiday", (time(9, 30), time(16, 45))),  # 敬老の日, Monday
    (date(2026, 5, 4), "holiday", (time(9, 30), time(16, 45))),  # みどりの日, Monday
    (date(2026, 5, 3), "holiday", (time(9, 30), time(16, 45))),  # 憲法記念日 on a Sunday
    # R-W5: year-end and New Year, 29 December - 3 January.
    (date(2026, 12, 28), (time(9), time(17)), (time(9, 30), time(16, 45))),
    (date(2026, 12, 29), "year_end", "year_end"),
    (date(2026, 12, 31), "year_end", "year_end"),
    (date(2027, 1, 1), "year_end", "year_end"),  # 元日: year-end beats holiday
    (date(2027, 1, 3), "year_end", "year_end"),
    (date(2027, 1, 4), (time(9), time(17)), (time(9, 30), time(16, 45))),
]


def _expectation(day_schedule):
    if day_schedule.open:
        return (day_schedule.opens_at, day_schedule.closes_at)
    return str(day_schedule.reason)


@pytest.mark.parametrize("day, ward_office, city_hall", CALENDAR_CASES, ids=lambda v: str(v))
def test_each_day_opens_or_closes_as_the_city_calendar_says(day, ward_office, city_hall):
    assert _expectation(schedule_of(WARD_OFFICE, day)) == ward_office
    assert _expectation(schedule_of(CITY_HALL, day)) == city_hall


def test_closed_day_has_no_hours_and_no_slots():
    closed = schedule_of(WARD_OFFICE, date(2026, 11, 22))
    assert (closed.open, closed.opens_at, closed.closes_at, closed.slots) == (False, None, None, ())


@pytest.mark.parametrize(
    "calendar, day, first, last, count",
    [
        # R-W7: ward office 09:00 … 16:45 start.
        (WARD_OFFICE, date(2026, 11, 26), time(9), time(16, 45), 32),
        # City Hall 09:30 … 16:30, and 17:30 on the 2nd/4th Saturday.
        (CITY_HALL, date(2026, 11, 26), time(9, 30), time(16, 30), 29),
        # The last slot of a long Saturday ends at 17:45.
        pytest.param(CITY_HALL, date(2026, 11, 14), time(9, 30), time(17, 30), 33, id="city-hall-2nd-saturday"),
        pytest.param(CITY_HALL, date(2026, 11, 28), time(9, 30), time(17, 30), 33, id="city-hall-4th-saturday"),
    ],
)
def test_slots_run_from_opening_to_the_last_that_ends_at_closing(calendar, day, first, last, count):
    slots = schedule_of(calendar, day).slots
    assert len(slots) == count
    assert slots[0].start == first
    assert slots[-1].start == last
    assert slots[-1].end == (datetime.combine(day, last) + timedelta(minutes=15)).time()
    assert all(a.end == b.start for a, b in zip(slots, slots[1:]))


@pytest.mark.parametrize(
    "minutes, opens, closes, expected",
    [
        (15, time(9), time(10), [time(9), time(9, 15), time(9, 30), time(9, 45)]),
        (30, time(9), time(10), [time(9), time(9, 30)]),
        (20, time(9), time(10), [time(9), time(9, 20), time(9, 40)]),
        (25, time(9), time(10), [time(9), time(9, 25)]),  # 09:50 would end after closing
        (15, time(9), time(9, 10), []),
    ],
)
def test_slots_between_keep_only_slots_that_end_by_closing(minutes, opens, closes, expected):
    assert [slot.start for slot in rules.slots_between(opens, closes, minutes)] == expected


def test_slot_length_is_a_window_setting():
    calendar = rules.WindowCalendar(opening_rules=WARD_OFFICE.opening_rules, slot_minutes=30)
    slots = rules.day_schedule(date(2026, 11, 26), calendar).slots
    assert len(slots) == 16
    assert slots[-1] == rules.Slot(time(16, 30), time(17))


def test_partial_closure_removes_only_its_slots():
    closure = rules.Closure(date(2026, 12, 3), date(2026, 12, 3), start_time=time(13), end_time=time(14), note="研修")
    day = schedule_of(WARD_OFFICE, date(2026, 12, 3), closures=[closure])
    starts = [slot.start for slot in day.slots]
    assert day.open and day.reason is None
    assert (day.opens_at, day.closes_at) == (time(9), time(17))
    assert len(starts) == 32 - 4
    assert time(12, 45) in starts and time(14) in starts
    assert not {time(13), time(13, 15), time(13, 30), time(13, 45)} & set(starts)
    assert day.notes == ("研修",)


def test_partial_closure_off_the_slot_grid_removes_every_slot_it_touches():
    closure = rules.Closure(date(2026, 12, 3), date(2026, 12, 3), start_time=time(13, 5), end_time=time(13, 20))
    starts = [slot.start for slot in schedule_of(WARD_OFFICE, date(2026, 12, 3), [closure]).slots]
    assert time(13) not in starts and time(13, 15) not in starts
    assert time(12, 45) in starts and time(13, 30) in starts


def test_partial_closures_covering_the_whole_day_close_it():
    morning = rules.Closure(date(2026, 12, 3), date(2026, 12, 3), start_time=time(9), end_time=time(12))
    afternoon = rules.Closure(date(2026, 12, 3), date(2026, 12, 3), start_time=time(12), end_time=time(17))
    day = schedule_of(WARD_OFFICE, date(2026, 12, 3), [morning, afternoon])
    assert (day.open, day.reason, day.slots) == (False, ClosedReason.CLOSURE, ())


def test_whole_day_closure_over_a_range_and_its_reason():
    closure = rules.Closure(date(2026, 12, 2), date(2026, 12, 4), note="臨時休業")
    days = rules.schedule(date(2026, 12, 1), date(2026, 12, 5), WARD_OFFICE, closures=[closure])
    assert [d.open for d in days] == [True, False, False, False, False]
    assert [str(d.reason) for d in days[1:]] == ["closure", "closure", "closure", "weekly_closed"]
    assert days[1].notes == ("臨時休業",)


@pytest.mark.parametrize(
    "day, closure_reason, expected",
    [
        # Reasons win in the order of API.md: year_end, maintenance, closure, holiday, weekly_closed.
        (date(2026, 11, 23), ClosedReason.CLOSURE, "closure"),  # holiday + closure at a ward office
        (date(2026, 11, 22), ClosedReason.CLOSURE, "maintenance"),
        (date(2026, 12, 29), ClosedReason.CLOSURE, "year_end"),
        (date(2026, 11, 29), ClosedReason.CLOSURE, "closure"),  # Sunday + closure
        (date(2026, 11, 26), ClosedReason.MAINTENANCE, "maintenance"),  # a one-off maintenance day
    ],
)
def test_the_strongest_closed_reason_wins(day, closure_reason, expected):
    closure = rules.Closure(day, day, reason=closure_reason)
    assert str(schedule_of(WARD_OFFICE, day, [closure]).reason) == expected


def test_holiday_on_a_saturday_at_a_ward_office_is_a_holiday():
    # 2028-04-29 昭和の日 falls on a Saturday: "holiday" comes before "weekly_closed".
    assert str(schedule_of(WARD_OFFICE, date(2028, 4, 29)).reason) == "holiday"
    assert str(schedule_of(WARD_OFFICE, date(2028, 4, 22)).reason) == "weekly_closed"
    # City Hall opens on it (the 5th Saturday of April 2028: usual hours).
    assert schedule_of(CITY_HALL, date(2028, 4, 29)).closes_at == time(16, 45)


def test_holiday_names_are_kept_as_notes():
    holidays = rules.japanese_holidays(date(2026, 11, 23), date(2026, 11, 23))
    day = rules.day_schedule(date(2026, 11, 23), WARD_OFFICE, holidays=holidays)
    assert day.notes == ("勤労感謝の日",)
    open_day = rules.day_schedule(date(2026, 11, 23), CITY_HALL, holidays=holidays)
    assert open_day.open and open_day.notes == ("勤労感謝の日",)


def test_japanese_holidays_come_from_the_holidays_package():
    found = rules.japanese_holidays(date(2026, 1, 1), date(2026, 12, 31))
    assert found[date(2026, 5, 6)] == "振替休日"
    assert found[date(2026, 9, 22)] == "国民の休日"
    assert len(found) == 18
    english = rules.japanese_holidays(date(2026, 9, 22), date(2026, 9, 22), language="en")
    assert english == {date(2026, 9, 22): "National Holiday"}


@pytest.mark.parametrize(
    "year, month, weekday, nth, expected",
    [
        (2026, 11, SATURDAY, 3, date(2026, 11, 21)),
        (2026, 11, SUNDAY, 3, date(2026, 11, 15)),
        (2026, 11, SUNDAY, 1, date(2026, 11, 1)),
        (2026, 8, SATURDAY, 1, date(2026, 8, 1)),
        (2026, 5, SATURDAY, 5, date(2026, 5, 30)),
        (2026, 11, SATURDAY, 5, None),
        (2026, 2, SATURDAY, -1, date(2026, 2, 28)),
        (2026, 11, SUNDAY, -1, date(2026, 11, 29)),
    ],
)
def test_nth_weekday_of_month_or_none_when_there_is_no_such_day(year, month, weekday, nth, expected):
    assert rules.nth_weekday_of_month(year, month, weekday, nth) == expected


@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2026, 11, 22), True),
        (date(2026, 11, 15), False),
        (date(2026, 11, 21), False),
        (date(2026, 12, 20), True),
        (date(2027, 1, 17), True),
        (date(2027, 2, 21), True),
    ],
)
def test_day_after_third_saturday_is_closed(day, expected):
    assert RECURRING[0].matches(day) is expected


@pytest.mark.parametrize(
    "start, end, day, expected",
    [
        ((12, 29), (1, 3), date(2026, 12, 28), False),
        ((12, 29), (1, 3), date(2026, 12, 29), True),
        ((12, 29), (1, 3), date(2027, 1, 3), True),
        ((12, 29), (1, 3), date(2027, 1, 4), False),
        ((8, 13), (8, 15), date(2026, 8, 14), True),
        ((8, 13), (8, 15), date(2026, 8, 16), False),
    ],
)
def test_yearly_closure_spans_the_turn_of_the_year(start, end, day, expected):
    closure = rules.RecurringClosure(reason=ClosedReason.YEAR_END, start=start, end=end)
    assert closure.matches(day) is expected


def test_nth_rule_beats_weekly_rule_whatever_the_order():
    reordered = rules.WindowCalendar(opening_rules=tuple(reversed(CITY_HALL.opening_rules)), open_on_holidays=True)
    assert rules.opening_hours(date(2026, 11, 14), reordered.opening_rules) == (time(9, 30), time(17, 45))
    assert rules.opening_hours(date(2026, 11, 15), reordered.opening_rules) is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"weekday": 7},
        {"weekday": 0, "nth": 6},
        {"weekday": 0, "opens_at": time(9)},
        {"weekday": 0, "opens_at": time(17), "closes_at": time(9)},
    ],
)
def test_opening_rule_refuses_nonsense(kwargs):
    with pytest.raises(ValueError):
        rules.OpeningRule(**kwargs)


def test_recurring_closure_needs_one_pattern():
    with pytest.raises(ValueError):
        rules.RecurringClosure(reason=ClosedReason.MAINTENANCE)
    with pytest.raises(ValueError):
        rules.RecurringClosure(reason=ClosedReason.MAINTENANCE, weekday=5, nth=3, start=(1, 1), end=(1, 2))


# --- R-B2: the booking horizon and availability -----------------------------

TODAY = date(2026, 11, 25)  # a Wednesday


def availability(day, calendar=WARD_OFFICE, **kwargs):
    kwargs.setdefault("capacity", 2)
    return rules.day_availability(schedule_of(calendar, day), today=TODAY, **kwargs)


def test_booking_window_is_tomorrow_to_thirty_days_ahead():
    assert rules.booking_window(TODAY) == (date(2026, 11, 26), date(2026, 12, 25))
    assert rules.booking_window(TODAY, lead_days=2, horizon_days=10) == (date(2026, 11, 27), date(2026, 12, 5))


@pytest.mark.parametrize(
    "day, bookable, reason",
    [
        (TODAY, False, "too_soon"),  # never the same day
        (TODAY - timedelta(days=1), False, "too_soon"),
        (date(2026, 11, 26), True, None),  # tomorrow
        (date(2026, 12, 25), True, None),  # today + 30
        (date(2026, 12, 28), False, "beyond_horizon"),
        (date(2026, 11, 29), False, "weekly_closed"),
        (date(2026, 12, 20), False, "maintenance"),
        (date(2026, 12, 29), False, "beyond_horizon"),  # horizon is checked first
    ],
)
def test_day_is_bookable_or_says_why_not(day, bookable, reason):
    result = availability(day)
    assert (result.bookable, result.reason) == (bookable, reason)
    assert bool(result.slots) == bookable


def test_available_day_lists_every_slot_with_seats_left():
    booked = {time(9): 2, time(9, 15): 1}
    result = availability(date(2026, 11, 26), booked=booked)
    assert result.bookable
    assert result.slots[0] == rules.SlotAvailability(time(9), time(9, 15), 2, 0)
    assert result.slots[1] == rules.SlotAvailability(time(9, 15), time(9, 30), 2, 1)
    assert result.slots[2].remaining == 2
    assert len(result.slots) == 32


def test_full_day_lists_its_slots_with_none_left():
    booked = {slot.start: 2 for slot in schedule_of(WARD_OFFICE, date(2026, 11, 26)).slots}
    result = availability(date(2026, 11, 26), booked=booked)
    assert (result.bookable, result.reason) == (False, "full")
    assert len(result.slots) == 32 and all(slot.remaining == 0 for slot in result.slots)


def test_capacity_zero_day_is_full():
    assert availability(date(2026, 11, 26), capacity=0).reason == "full"


def test_blocked_day_is_not_bookable_though_open():
    result = availability(date(2026, 11, 26), blocked=True)
    assert (result.bookable, result.reason, result.slots) == (False, "blocked", ())


def test_closed_reason_beats_blocked():
    assert availability(date(2026, 11, 29), blocked=True).reason == "weekly_closed"


def test_overbooked_counts_never_show_negative_seats():
    result = availability(date(2026, 11, 26), booked={time(9): 5})
    assert result.slots[0].remaining == 0


@pytest.mark.parametrize(
    "kind, window_ward, resident_ward, expected",
    [
        ("ward", "kita", "kita", True),
        ("ward", "kita", "chuo", False),
        ("cityhall", "", "kita", True),
        ("cityhall", "", "nishikan", True),
        ("cityhall", "", "", False),  # outside Niigata City
        ("ward", "kita", "", False),
        ("ward", "kita", None, False),
    ],
)
def test_ward_office_serves_its_ward_and_city_hall_every_ward(kind, window_ward, resident_ward, expected):
    assert rules.window_serves_ward(kind, window_ward, resident_ward) is expected


def test_month_grid_starts_on_sunday():
    weeks = rules.month_grid(date(2026, 11, 1))
    assert weeks[0][0] == date(2026, 11, 1)
    assert weeks[-1][1] == date(2026, 11, 30) and weeks[-1][2] is None
    assert len(weeks) == 5
    weeks = rules.month_grid(date(2026, 8, 1))
    assert weeks[0][:6] == [None] * 6 and weeks[0][6] == date(2026, 8, 1)
    assert len(weeks) == 6
