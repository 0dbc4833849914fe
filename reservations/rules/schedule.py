"""
The schedule engine of the pickup windows (SPEC §1, R-W2 … R-W7), the
booking horizon (R-B2) and the month grids of the calendars.

Pure: every function takes plain values (dates, times, frozen dataclasses)
and an explicit ``today``, and nothing here touches the database. The models
turn their rows into these values (``Window.calendar()`` and friends).
"""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

import holidays as holidays_lib
from dateutil.relativedelta import relativedelta
from dateutil.relativedelta import weekday as dateutil_weekday

MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)
EVERY_WEEK = 0
LAST = -1


class ClosedReason(StrEnum):
    """Why a window is closed on a day, in the order in which they win (API.md)."""

    YEAR_END = "year_end"  # 年末年始 (R-W5)
    MAINTENANCE = "maintenance"  # システムメンテナンス (R-W5)
    CLOSURE = "closure"  # 臨時休業 (R-W6)
    HOLIDAY = "holiday"  # 国民の祝日 (R-W2)
    WEEKLY_CLOSED = "weekly_closed"  # weekday not served, City Hall's 3rd Sunday (R-W3)


CLOSED_REASON_ORDER = tuple(ClosedReason)


class UnbookableReason(StrEnum):
    """Why nobody can book a day although the schedule may be open (R-B2, R-B6)."""

    TOO_SOON = "too_soon"
    BEYOND_HORIZON = "beyond_horizon"
    BLOCKED = "blocked"
    FULL = "full"
    WALK_IN = "walk_in"  # the window takes no bookings for the service (R-A4)


@dataclass(frozen=True)
class OpeningRule:
    """
    The hours of a window on one weekday: every week (``nth=0``) or only on
    the nth such weekday of the month (1…5, or -1 for the last). A rule
    without hours closes the window on those days. An nth rule beats the
    every-week rule of the same weekday (R-W3: 2nd/4th Saturday, 3rd Sunday).
    """

    weekday: int
    nth: int = EVERY_WEEK
    opens_at: time | None = None
    closes_at: time | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError("weekday must be 0 (Monday) … 6 (Sunday)")
        if self.nth not in (EVERY_WEEK, LAST, 1, 2, 3, 4, 5):
            raise ValueError("nth must be 0 (every week), 1…5 or -1 (last)")
        if (self.opens_at is None) != (self.closes_at is None):
            raise ValueError("opens_at and closes_at are both set or both empty")
        if self.opens_at is not None and self.opens_at >= self.closes_at:
            raise ValueError("opens_at must be before closes_at")

    @property
    def is_closed(self) -> bool:
        return self.opens_at is None

    def matches(self, day: date) -> bool:
        if day.weekday() != self.weekday:
            return False
        if self.nth == EVERY_WEEK:
            return True
        return nth_weekday_of_month(day.year, day.month, self.weekday, self.nth) == day


@dataclass(frozen=True)
class RecurringClosure:
    """
    A closure that comes back every month or every year (R-W5).

    Either ``days_after`` days after the nth weekday of each month ("the day
    after the 3rd Saturday": weekday=SATURDAY, nth=3, days_after=1), or every
    year from ``start`` to ``end`` as (month, day) pairs, wrapping over New
    Year when ``start`` is after ``end`` (29 Dec – 3 Jan).
    """

    reason: ClosedReason
    weekday: int | None = None
    nth: int | None = None
    days_after: int = 0
    start: tuple[int, int] | None = None
    end: tuple[int, int] | None = None
    note: str = ""

    def __post_init__(self) -> None:
        monthly = self.weekday is not None and self.nth is not None
        yearly = self.start is not None and self.end is not None
        if monthly == yearly:
            raise ValueError("give either weekday and nth, or start and end")

    def matches(self, day: date) -> bool:
        if self.start is not None:
            key = (day.month, day.day)
            if self.start <= self.end:
                return self.start <= key <= self.end
            return key >= self.start or key <= self.end
        anchor = day - timedelta(days=self.days_after)
        return nth_weekday_of_month(anchor.year, anchor.month, self.weekday, self.nth) == anchor


@dataclass(frozen=True)
class Closure:
    """
    A dated closure of one window (R-W6, or a one-off maintenance/year-end
    day): the whole day when no times are given, else only the slots that
    overlap ``start_time``–``end_time``.
    """

    start_date: date
    end_date: date
    reason: ClosedReason = ClosedReason.CLOSURE
    start_time: time | None = None
    end_time: time | None = None
    note: str = ""

    @property
    def whole_day(self) -> bool:
        return self.start_time is None

    def covers(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date

    def overlaps(self, start: time, end: time) -> bool:
        return self.whole_day or (self.start_time < end and self.end_time > start)


@dataclass(frozen=True)
class WindowCalendar:
    """What the schedule engine needs to know of one window."""

    opening_rules: tuple[OpeningRule, ...]
    open_on_holidays: bool = False
    slot_minutes: int = 15

    def __post_init__(self) -> None:
        if not 1 <= self.slot_minutes <= 240:
            raise ValueError("slot_minutes must be 1 … 240")


@dataclass(frozen=True)
class Slot:
    start: time
    end: time


@dataclass(frozen=True)
class DaySchedule:
    """One day of a window: its hours and slots, or why it is closed."""

    date: date
    open: bool
    opens_at: time | None = None
    closes_at: time | None = None
    reason: ClosedReason | None = None
    slots: tuple[Slot, ...] = ()
    # Words for people: the holiday's name, a closure's public note.
    notes: tuple[str, ...] = ()
    # Partial closures of this day (their slots are already removed).
    partial_closures: tuple[Closure, ...] = field(default=())


class SlotAvailability(NamedTuple):
    """One slot's seats (a named tuple: a month of a window is ~800 of them, built on every recompute)."""

    start: time
    end: time
    capacity: int
    remaining: int
    # A slot of an open day taken away by a partial closure: listed with no seats left.
    closed: bool = False
    # A slot that starts sooner than the service's lead time (R-A4): listed with no seats left.
    too_soon: bool = False


@dataclass(frozen=True)
class DayAvailability:
    date: date
    bookable: bool
    reason: str | None
    slots: tuple[SlotAvailability, ...] = ()
    schedule: DaySchedule | None = None


# The national holidays as a set of dates, or {date: name} to show their names.
Holidays = Mapping[date, str] | frozenset[date] | set[date]


def nth_weekday_of_month(year: int, month: int, weekday: int, nth: int) -> date | None:
    """
    Return the date of the nth ``weekday`` (0 = Monday) of the month, -1 for
    the last, or None when the month has no such day (a 5th Saturday).
    """
    if nth == LAST:
        candidate = date(year, month, 1) + relativedelta(day=31, weekday=dateutil_weekday(weekday)(-1))
    else:
        candidate = date(year, month, 1) + relativedelta(weekday=dateutil_weekday(weekday)(+nth))
    if candidate.month != month:
        return None
    return candidate


def date_range(start: date, end: date) -> Iterator[date]:
    """Yield every date from ``start`` to ``end`` inclusive."""
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


@lru_cache(maxsize=64)
def _holidays_of_year(year: int, language: str) -> dict[date, str]:
    return dict(holidays_lib.Japan(years=year, language=language).items())


def japanese_holidays(start: date, end: date, *, language: str = "ja") -> dict[date, str]:
    """
    Return {date: name} of the national holidays (国民の祝日, with 振替休日 and
    国民の休日) from ``start`` to ``end``, from the ``holidays`` package (R-W2).
    """
    language = "ja" if language.startswith("ja") else "en_US"
    found = {}
    for year in range(start.year, end.year + 1):
        for day, name in _holidays_of_year(year, language).items():
            if start <= day <= end:
                found[day] = name
    return found


def opening_hours(day: date, rules: Iterable[OpeningRule]) -> tuple[time, time] | None:
    """
    Return (opens_at, closes_at) of ``day`` under the weekly ``rules``, or
    None when no rule opens it. An nth-weekday rule beats an every-week rule.
    """
    every_week = None
    for rule in rules:
        if not rule.matches(day):
            continue
        if rule.nth != EVERY_WEEK:
            return None if rule.is_closed else (rule.opens_at, rule.closes_at)
        every_week = rule
    if every_week is None or every_week.is_closed:
        return None
    return (every_week.opens_at, every_week.closes_at)


@lru_cache(maxsize=256)  # a handful of distinct opening hours; the slots are immutable
def slots_between(opens_at: time, closes_at: time, minutes: int) -> tuple[Slot, ...]:
    """
    Return the slots from opening time on, each ``minutes`` long; the last one
    ends at or before closing time (R-W7).
    """
    step = timedelta(minutes=minutes)
    cursor = datetime.combine(date.min, opens_at)
    closing = datetime.combine(date.min, closes_at)
    slots = []
    while cursor + step <= closing:
        slots.append(Slot(cursor.time(), (cursor + step).time()))
        cursor += step
    return tuple(slots)


def _closures_of(
    day: date, recurring: Iterable[RecurringClosure], closures: Iterable[Closure]
) -> tuple[dict[ClosedReason, str], list[Closure]]:
    """
    Return ({reason: note} of the recurring and whole-day closures of ``day``,
    the partial closures of ``day``), the first note of each reason kept.
    """
    reasons = {}
    for rule in recurring:
        if rule.matches(day):
            reasons.setdefault(rule.reason, rule.note)
    partial = []
    for closure in closures:
        if not closure.covers(day):
            continue
        if closure.whole_day:
            reasons.setdefault(closure.reason, closure.note)
        else:
            partial.append(closure)
    return reasons, partial


def day_schedule(
    day: date,
    calendar: WindowCalendar,
    *,
    recurring: Iterable[RecurringClosure] = (),
    closures: Iterable[Closure] = (),
    holidays: Holidays = frozenset(),
) -> DaySchedule:
    """
    Return the DaySchedule of ``day`` for one window.

    ``recurring`` and ``closures`` are the ones that apply to this window
    (its own and those for all windows); ``holidays`` holds the national
    holidays (a set of dates or a {date: name} mapping).

    A closed day gives the first reason that applies in the order of
    ClosedReason. A partial closure removes only the slots it overlaps; one
    that leaves no slot at all closes the day with its reason.
    """
    reasons, partial = _closures_of(day, recurring, closures)
    is_holiday = day in holidays
    if is_holiday and not calendar.open_on_holidays:
        name = holidays.get(day, "") if isinstance(holidays, Mapping) else ""
        reasons.setdefault(ClosedReason.HOLIDAY, name)
    hours = opening_hours(day, calendar.opening_rules)
    if hours is None:
        reasons.setdefault(ClosedReason.WEEKLY_CLOSED, "")
    if reasons:
        reason = next(r for r in CLOSED_REASON_ORDER if r in reasons)
        notes = tuple(note for note in [reasons[reason]] if note)
        return DaySchedule(date=day, open=False, reason=reason, notes=notes)

    opens_at, closes_at = hours
    slots = tuple(
        slot
        for slot in slots_between(opens_at, closes_at, calendar.slot_minutes)
        if not any(closure.overlaps(slot.start, slot.end) for closure in partial)
    )
    notes = []
    if is_holiday and isinstance(holidays, Mapping) and holidays.get(day):
        notes.append(holidays[day])
    notes.extend(closure.note for closure in partial if closure.note)
    if not slots:
        # Partial closures that together cover the whole day close it.
        return DaySchedule(date=day, open=False, reason=partial[0].reason, notes=tuple(notes))
    return DaySchedule(
        date=day,
        open=True,
        opens_at=opens_at,
        closes_at=closes_at,
        slots=slots,
        notes=tuple(notes),
        partial_closures=tuple(partial),
    )


def schedule(
    start: date,
    end: date,
    calendar: WindowCalendar,
    *,
    recurring: Iterable[RecurringClosure] = (),
    closures: Iterable[Closure] = (),
    holidays: Holidays = frozenset(),
) -> list[DaySchedule]:
    """Return the DaySchedule of every day from ``start`` to ``end`` inclusive."""
    closures = [c for c in closures if c.end_date >= start and c.start_date <= end]
    return [
        day_schedule(day, calendar, recurring=recurring, closures=closures, holidays=holidays)
        for day in date_range(start, end)
    ]


def slots_closed_by(schedule_day: DaySchedule) -> tuple[Slot, ...]:
    """Return the slots of an open day that its partial closures took away (R-W6)."""
    if not schedule_day.open or not schedule_day.partial_closures:
        return ()
    step = (
        datetime.combine(date.min, schedule_day.slots[0].end) - datetime.combine(date.min, schedule_day.slots[0].start)
    ).seconds // 60
    return tuple(
        slot
        for slot in slots_between(schedule_day.opens_at, schedule_day.closes_at, step)
        if any(closure.overlaps(slot.start, slot.end) for closure in schedule_day.partial_closures)
    )


def booking_window(today: date, *, lead_days: int = 1, horizon_days: int = 30) -> tuple[date, date]:
    """
    Return (first, last): the first and last dates a resident may book today
    (R-B2: from tomorrow up to 30 days after today; never the same day).
    """
    return today + timedelta(days=lead_days), today + timedelta(days=horizon_days)


def day_availability(
    schedule_day: DaySchedule,
    *,
    today: date,
    capacity: int,
    booked: Mapping[time, int] | None = None,
    blocked: bool = False,
    lead_days: int = 1,
    horizon_days: int = 30,
    earliest: datetime | None = None,
    walk_in: bool = False,
) -> DayAvailability:
    """
    Return the DayAvailability of one scheduled day.

    ``capacity`` is the seats per slot that day (the window's, or the day's
    override); ``booked`` maps a slot's start time to the seats taken.
    ``earliest`` (a naive Japan-time datetime) is the first slot start
    bookable now: a slot that starts sooner is listed with no seats left
    (R-A4: same-day booking from 30 minutes ahead). ``walk_in``: the window
    takes no bookings (R-A4), every day answers "walk_in".
    The reason of an unbookable day is the first of: walk_in, too_soon,
    beyond_horizon (R-B2), the schedule's closed reason (R-W2 … R-W6),
    blocked (R-B2), too_soon (every slot too soon), full (R-B6). Slots are
    listed, full ones included, only for an open, unblocked day inside the
    horizon that takes bookings.
    """
    booked = booked or {}
    first, last = booking_window(today, lead_days=lead_days, horizon_days=horizon_days)
    day = schedule_day.date
    if walk_in:
        reason = UnbookableReason.WALK_IN
    elif day < first:
        reason = UnbookableReason.TOO_SOON
    elif day > last:
        reason = UnbookableReason.BEYOND_HORIZON
    elif not schedule_day.open:
        reason = schedule_day.reason
    elif blocked:
        reason = UnbookableReason.BLOCKED
    else:
        slots = _slots_of_day(schedule_day, capacity, booked, earliest)
        bookable = any(slot.remaining > 0 for slot in slots)
        if bookable:
            reason = None
        elif slots and all(slot.too_soon or slot.closed for slot in slots) and any(s.too_soon for s in slots):
            reason = UnbookableReason.TOO_SOON
        else:
            reason = UnbookableReason.FULL
        return DayAvailability(date=day, bookable=bookable, reason=reason, slots=slots, schedule=schedule_day)
    return DayAvailability(date=day, bookable=False, reason=str(reason), schedule=schedule_day)


def _slots_of_day(
    schedule_day: DaySchedule, capacity: int, booked: Mapping[time, int], earliest: datetime | None
) -> tuple[SlotAvailability, ...]:
    """The SlotAvailability of an open day: open slots with their seats, closed and too-soon ones with none."""
    day = schedule_day.date
    open_slots = []
    for slot in schedule_day.slots:
        if earliest is not None and datetime.combine(day, slot.start) < earliest:
            open_slots.append(SlotAvailability(slot.start, slot.end, capacity, 0, too_soon=True))
        else:
            open_slots.append(SlotAvailability(slot.start, slot.end, capacity, max(capacity - booked.get(slot.start, 0), 0)))
    closed_slots = [
        SlotAvailability(start=slot.start, end=slot.end, capacity=capacity, remaining=0, closed=True)
        for slot in slots_closed_by(schedule_day)
    ]
    return tuple(sorted(open_slots + closed_slots, key=lambda slot: slot.start))


def window_serves_ward(kind: str, window_ward: str, resident_ward: str | None) -> bool:
    """
    Return whether a window may hand a card to a resident of ``resident_ward``
    (R-W4): a ward office serves its own ward only, the City Hall window every
    ward of Niigata City, and nobody registered outside the city.
    """
    if not resident_ward:
        return False
    if kind == "cityhall":
        return True
    return window_ward == resident_ward


def iter_months(start: date, end: date) -> Iterator[date]:
    """Yield the first day of every month from ``start`` to ``end``."""
    month = start.replace(day=1)
    while month <= end:
        yield month
        month += relativedelta(months=1)


def month_grid(first_of_month: date) -> list[list[date | None]]:
    """
    Return the weeks (Sunday first, as Japanese calendars are) of a month as
    lists of seven dates, None for the days of the neighbouring months.
    """
    last = first_of_month + relativedelta(day=31)
    weeks = []
    week = [None] * ((first_of_month.weekday() + 1) % 7)
    for day in date_range(first_of_month, last):
        week.append(day)
        if len(week) == 7:
            weeks.append(week)
            week = []
    if week:
        weeks.append(week + [None] * (7 - len(week)))
    return weeks
