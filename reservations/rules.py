"""
The schedule engine of the pickup windows (SPEC §1, R-W2 … R-W7) and the
booking horizon (R-B2).

Pure: every function takes plain values (dates, times, frozen dataclasses)
and an explicit ``today``, and nothing here touches the database. The models
turn their rows into these values (``Window.calendar()`` and friends), the
views and the API call the functions below.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

import holidays as holidays_lib
from dateutil.relativedelta import relativedelta, weekday as dateutil_weekday
from django.utils.translation import gettext as _, pgettext

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

    def __post_init__(self):
        if not 0 <= self.weekday <= 6:
            raise ValueError("weekday must be 0 (Monday) … 6 (Sunday)")
        if self.nth not in (EVERY_WEEK, LAST, 1, 2, 3, 4, 5):
            raise ValueError("nth must be 0 (every week), 1…5 or -1 (last)")
        if (self.opens_at is None) != (self.closes_at is None):
            raise ValueError("opens_at and closes_at are both set or both empty")
        if self.opens_at is not None and self.opens_at >= self.closes_at:
            raise ValueError("opens_at must be before closes_at")

    @property
    def is_closed(self):
        return self.opens_at is None

    def matches(self, day):
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

    def __post_init__(self):
        monthly = self.weekday is not None and self.nth is not None
        yearly = self.start is not None and self.end is not None
        if monthly == yearly:
            raise ValueError("give either weekday and nth, or start and end")

    def matches(self, day):
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
    def whole_day(self):
        return self.start_time is None

    def covers(self, day):
        return self.start_date <= day <= self.end_date

    def overlaps(self, start, end):
        return self.whole_day or (self.start_time < end and self.end_time > start)


@dataclass(frozen=True)
class WindowCalendar:
    """What the schedule engine needs to know of one window."""

    opening_rules: tuple[OpeningRule, ...]
    open_on_holidays: bool = False
    slot_minutes: int = 15

    def __post_init__(self):
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


@dataclass(frozen=True)
class DayAvailability:
    date: date
    bookable: bool
    reason: str | None
    slots: tuple[SlotAvailability, ...] = ()
    schedule: DaySchedule | None = None


def nth_weekday_of_month(year, month, weekday, nth):
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


def date_range(start, end):
    """Yield every date from ``start`` to ``end`` inclusive."""
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


@lru_cache(maxsize=64)
def _holidays_of_year(year, language):
    return dict(holidays_lib.Japan(years=year, language=language).items())


def japanese_holidays(start, end, *, language="ja"):
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


def opening_hours(day, rules):
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
def slots_between(opens_at, closes_at, minutes):
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


def day_schedule(day, calendar, *, recurring=(), closures=(), holidays=frozenset()):
    """
    Return the DaySchedule of ``day`` for one window.

    ``recurring`` and ``closures`` are the ones that apply to this window
    (its own and those for all windows); ``holidays`` holds the national
    holidays (a set of dates or a {date: name} mapping).

    A closed day gives the first reason that applies in the order of
    ClosedReason. A partial closure removes only the slots it overlaps; one
    that leaves no slot at all closes the day with its reason.
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


def schedule(start, end, calendar, *, recurring=(), closures=(), holidays=frozenset()):
    """Return the DaySchedule of every day from ``start`` to ``end`` inclusive."""
    closures = [c for c in closures if c.end_date >= start and c.start_date <= end]
    return [
        day_schedule(day, calendar, recurring=recurring, closures=closures, holidays=holidays)
        for day in date_range(start, end)
    ]


def slots_closed_by(schedule_day):
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


def booking_window(today, *, lead_days=1, horizon_days=30):
    """
    Return (first, last): the first and last dates a resident may book today
    (R-B2: from tomorrow up to 30 days after today; never the same day).
    """
    return today + timedelta(days=lead_days), today + timedelta(days=horizon_days)


def day_availability(
    schedule_day, *, today, capacity, booked=None, blocked=False, lead_days=1, horizon_days=30
):
    """
    Return the DayAvailability of one scheduled day.

    ``capacity`` is the seats per slot that day (the window's, or the day's
    override); ``booked`` maps a slot's start time to the seats taken.
    The reason of an unbookable day is the first of: too_soon,
    beyond_horizon (R-B2), the schedule's closed reason (R-W2 … R-W6),
    blocked (R-B2), full (R-B6). Slots are listed, full ones included, only
    for an open, unblocked day inside the horizon.
    """
    booked = booked or {}
    first, last = booking_window(today, lead_days=lead_days, horizon_days=horizon_days)
    day = schedule_day.date
    if day < first:
        reason = UnbookableReason.TOO_SOON
    elif day > last:
        reason = UnbookableReason.BEYOND_HORIZON
    elif not schedule_day.open:
        reason = schedule_day.reason
    elif blocked:
        reason = UnbookableReason.BLOCKED
    else:
        open_slots = [
            SlotAvailability(
                start=slot.start,
                end=slot.end,
                capacity=capacity,
                remaining=max(capacity - booked.get(slot.start, 0), 0),
            )
            for slot in schedule_day.slots
        ]
        closed_slots = [
            SlotAvailability(start=slot.start, end=slot.end, capacity=capacity, remaining=0, closed=True)
            for slot in slots_closed_by(schedule_day)
        ]
        slots = tuple(sorted(open_slots + closed_slots, key=lambda slot: slot.start))
        bookable = any(slot.remaining > 0 for slot in slots)
        return DayAvailability(
            date=day,
            bookable=bookable,
            reason=None if bookable else UnbookableReason.FULL,
            slots=slots,
            schedule=schedule_day,
        )
    return DayAvailability(date=day, bookable=False, reason=str(reason), schedule=schedule_day)


def window_serves_ward(kind, window_ward, resident_ward):
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


# --- Words for people -----------------------------------------------------


def weekday_name(weekday):
    return [
        pgettext("weekday", "Monday"),
        pgettext("weekday", "Tuesday"),
        pgettext("weekday", "Wednesday"),
        pgettext("weekday", "Thursday"),
        pgettext("weekday", "Friday"),
        pgettext("weekday", "Saturday"),
        pgettext("weekday", "Sunday"),
    ][weekday]


def weekday_short_name(weekday):
    return [
        pgettext("weekday abbreviation", "Mon"),
        pgettext("weekday abbreviation", "Tue"),
        pgettext("weekday abbreviation", "Wed"),
        pgettext("weekday abbreviation", "Thu"),
        pgettext("weekday abbreviation", "Fri"),
        pgettext("weekday abbreviation", "Sat"),
        pgettext("weekday abbreviation", "Sun"),
    ][weekday]


def ordinal_name(nth):
    names = {
        1: pgettext("nth weekday of the month", "1st"),
        2: pgettext("nth weekday of the month", "2nd"),
        3: pgettext("nth weekday of the month", "3rd"),
        4: pgettext("nth weekday of the month", "4th"),
        5: pgettext("nth weekday of the month", "5th"),
        LAST: pgettext("nth weekday of the month", "last"),
    }
    return names[nth]


def closed_reason_label(reason):
    """Return the reason a window is closed, or a day cannot be booked, in words."""
    labels = {
        ClosedReason.YEAR_END: _("Closed for the year-end and New Year holidays"),
        ClosedReason.MAINTENANCE: _("No issuing: system maintenance"),
        ClosedReason.CLOSURE: _("Temporarily closed"),
        ClosedReason.HOLIDAY: _("Closed on national holidays"),
        ClosedReason.WEEKLY_CLOSED: _("Closed on this day of the week"),
        UnbookableReason.TOO_SOON: _("Bookings for this day are closed (book by the day before)"),
        UnbookableReason.BEYOND_HORIZON: _("Not yet open for booking (up to 30 days ahead)"),
        UnbookableReason.BLOCKED: _("Bookings are not accepted for this day"),
        UnbookableReason.FULL: _("Fully booked"),
    }
    return labels.get(reason, "")


def format_time(value):
    return f"{value.hour}:{value.minute:02d}"


def format_hours(opens_at, closes_at):
    return _("%(opens)s–%(closes)s") % {"opens": format_time(opens_at), "closes": format_time(closes_at)}


def _join(items):
    return pgettext("list separator", ", ").join(items)


def _weekday_list(weekdays):
    """Return "Monday–Friday" for a run of three or more days, else a list."""
    weekdays = list(weekdays)
    runs = []
    for weekday in weekdays:
        if runs and (runs[-1][-1] + 1) % 7 == weekday:
            runs[-1].append(weekday)
        else:
            runs.append([weekday])
    # A run that wraps past Sunday (Thursday … Monday) joins its head.
    if len(runs) > 1 and (runs[-1][-1] + 1) % 7 == runs[0][0]:
        runs[0] = runs.pop() + runs[0]
    words = []
    for run in runs:
        if len(run) >= 3:
            words.append(
                _("%(first)s to %(last)s") % {"first": weekday_name(run[0]), "last": weekday_name(run[-1])}
            )
        else:
            words.extend(weekday_name(weekday) for weekday in run)
    return _join(words)


def describe_hours(calendar):
    """
    Return the opening hours of a window as short lines for people, e.g.
    ["Monday to Friday 9:00–17:00", "Closed on Saturday, Sunday",
    "Closed on national holidays"]. Derived from the rules, so the words never
    drift from the calendar (R-W2, R-W3).
    """
    weekly = {rule.weekday: rule for rule in calendar.opening_rules if rule.nth == EVERY_WEEK}
    by_hours = {}
    closed_days = []
    for weekday in range(7):
        rule = weekly.get(weekday)
        if rule is None or rule.is_closed:
            closed_days.append(weekday)
        else:
            by_hours.setdefault((rule.opens_at, rule.closes_at), []).append(weekday)
    # Start the week at the first open day after a closed one (Thursday for City Hall).
    def week_order(weekday):
        start = next((d for d in range(7) if d in closed_days and (d + 1) % 7 not in closed_days), 6)
        return (weekday - start - 1) % 7

    lines = []
    for (opens_at, closes_at), weekdays in sorted(by_hours.items(), key=lambda item: -len(item[1])):
        lines.append(
            _("%(days)s %(hours)s")
            % {"days": _weekday_list(sorted(weekdays, key=week_order)), "hours": format_hours(opens_at, closes_at)}
        )
    specials = {}
    for rule in calendar.opening_rules:
        if rule.nth != EVERY_WEEK:
            key = (rule.weekday, rule.opens_at, rule.closes_at)
            specials.setdefault(key, []).append(rule.nth)
    for (weekday, opens_at, closes_at), nths in sorted(specials.items(), key=lambda item: (item[0][0], item[1])):
        ordinals = pgettext("joins ordinals", " and ").join(ordinal_name(n) for n in sorted(nths, key=lambda n: n % 10))
        days = _("%(ordinals)s %(weekday)s of the month") % {"ordinals": ordinals, "weekday": weekday_name(weekday)}
        if opens_at is None:
            lines.append(_("Closed on the %(days)s") % {"days": days})
        else:
            lines.append(_("%(days)s %(hours)s") % {"days": days, "hours": format_hours(opens_at, closes_at)})
    if closed_days:
        lines.append(_("Closed on %(days)s") % {"days": _join(weekday_name(d) for d in closed_days)})
    if calendar.open_on_holidays:
        lines.append(_("Open on national holidays that fall on these days"))
    else:
        lines.append(_("Closed on national holidays"))
    return lines


def iter_months(start, end):
    """Yield the first day of every month from ``start`` to ``end``."""
    month = start.replace(day=1)
    while month <= end:
        yield month
        month += relativedelta(months=1)


def month_grid(first_of_month):
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


# --- Booking input (R-B3 … R-B5, R-B7) -----------------------------------

import re as _re
import secrets as _secrets
import unicodedata as _unicodedata

MAX_PARTY = 4
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
CODE_LENGTH = 8  # 40 bits
_CODE_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = _re.compile(r"[\s\-‐‑‒–—―−ー－]+")
_KATAKANA = _re.compile(r"^[\u30A1-\u30FA\u30FC\u30FD\u30FE\u30FB ]+$")
_NOTICE_NUMBER = _re.compile(r"^[0-9A-Z]{6,30}$")
_PHONE = _re.compile(r"^0\d{9,10}$")


def normalize_width(value):
    """Return ``value`` with full-width digits, letters and spaces made half-width (NFKC)."""
    return _unicodedata.normalize("NFKC", value or "")


def normalize_number(value):
    """Return a typed number with full-width characters, spaces and hyphens removed (R-B3)."""
    return _SEPARATORS.sub("", normalize_width(value)).upper()


def is_my_number(value):
    """
    Return whether ``value`` is 12 digits with a valid My Number check digit
    (R-B5; 行政手続における特定の個人を識別するための番号の利用等に関する法律施行令 第8条).
    """
    if not (len(value) == 12 and value.isascii() and value.isdigit()):
        return False
    digits = [int(c) for c in value]
    body, check = digits[:11], digits[11]
    total = 0
    for n, p in enumerate(reversed(body), start=1):
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    remainder = total % 11
    expected = 0 if remainder <= 1 else 11 - remainder
    return check == expected


def my_number_check_digit(first_eleven):
    """Return the check digit that makes ``first_eleven`` a valid My Number (for tests and fixtures)."""
    for digit in "0123456789":
        if is_my_number(first_eleven + digit):
            return digit
    raise ValueError("no check digit")


def notice_number_problem(value):
    """Return None for a valid normalised issuance-notice number, else a reason code."""
    if not value:
        return "required"
    if is_my_number(value):
        return "my_number"
    if not _NOTICE_NUMBER.match(value):
        return "invalid"
    return None


def to_katakana(value):
    """Return ``value`` normalised (NFKC) with hiragana turned into katakana and spaces single."""
    value = normalize_width(value)
    value = "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in value)
    return " ".join(value.replace("\u3000", " ").split())


def is_katakana(value):
    return bool(value) and bool(_KATAKANA.match(value))


def normalize_phone(value):
    """Return the digits of a Japanese phone number, hyphens and spaces removed."""
    value = normalize_number(value).replace("(", "").replace(")", "")
    if value.startswith("+81"):
        value = "0" + value[3:]
    return value


def is_phone(value):
    return bool(_PHONE.match(value))


def generate_code(randbelow=_secrets.randbelow):
    """Return a new reservation code: 8 Crockford base32 characters, 40 random bits (R-B7)."""
    return "".join(CODE_ALPHABET[randbelow(32)] for _ in range(CODE_LENGTH))


def format_code(code):
    """Return the code as people read it aloud: 7QX2-M9KD."""
    return f"{code[:4]}-{code[4:]}"


def parse_code(value):
    """Return the stored form of a typed code (any case, hyphens, O for 0, I/L for 1), or None."""
    value = normalize_number(value).translate(_CODE_READ_AS)
    if len(value) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in value):
        return None
    return value


def slots_for_party(day, party_size):
    """Return the slots of the DayAvailability ``day`` with seats for the whole party (R-B6)."""
    return [slot for slot in day.slots if slot.remaining >= party_size]


def repeated_positions(values):
    """
    Return the positions in ``values`` of a value already seen before it:
    each person of a party needs their own issuance-notice number (R-B4).
    """
    seen, repeated = set(), []
    for position, value in enumerate(values):
        if value in seen:
            repeated.append(position)
        seen.add(value)
    return repeated


def nearest_free_slots(wanted, days, party_size, limit=5):
    """
    Return up to ``limit`` (date, SlotAvailability) with at least
    ``party_size`` seats left, nearest in time to ``wanted`` (a datetime)
    first (R-B6: what to offer when a slot fills).
    """
    candidates = []
    for day in days:
        if not day.bookable:
            continue
        for slot in slots_for_party(day, party_size):
            moment = datetime.combine(day.date, slot.start)
            if moment != wanted:
                candidates.append((abs(moment - wanted), moment, day.date, slot))
    candidates.sort(key=lambda item: (item[0], item[1]))
    return [(day, slot) for _distance, _moment, day, slot in candidates[:limit]]


def slot_problem(day, start, party_size):
    """
    Return why ``party_size`` people cannot book the slot starting at
    ``start`` of the DayAvailability ``day``, or None when they can:
    the day's reason (too_soon, beyond_horizon, closed reasons, blocked),
    "unknown_slot", "slot_closed" (taken away by a partial closure), "party_too_large" (more people than the slot ever
    holds) or "full" (not enough seats left now).
    """
    if day.reason and day.reason != UnbookableReason.FULL:
        return str(day.reason)
    slot = next((s for s in day.slots if s.start == start), None)
    if slot is None:
        return "unknown_slot"
    if slot.closed:
        return "slot_closed"
    if party_size > slot.capacity:
        return "party_too_large"
    if party_size > slot.remaining:
        return "full"
    return None


def cancellable(status, appointment, now):
    """
    Return whether a booking in ``status`` at ``appointment`` (datetime) can
    still be cancelled or moved by the resident: a booked one until its
    time, an affected one (R-B9) always, since its time was taken away.
    """
    return status == "affected" or (status == "booked" and appointment > now)


# --- A booking's life (R-B10) -------------------------------------------------

STAFF_ACTIONS = {
    # action: (statuses it may start from, the status it leads to)
    "check_in": (("booked",), "checked_in"),
    "issue": (("checked_in",), "issued"),
    "no_show": (("booked",), "no_show"),
    "cancel": (("booked", "checked_in", "affected"), "cancelled"),
}


def transition_problem(action, status, *, booking_date, today):
    """
    Return why a staff ``action`` cannot be done on a booking in ``status``
    for ``booking_date``, or None: "unknown_action", "not_from_status"
    (issuing a cancelled booking, …), "not_today" (check-in and issuing
    happen on the day), "not_yet" (no-show only from the day on).
    """
    if action not in STAFF_ACTIONS:
        return "unknown_action"
    sources, _target = STAFF_ACTIONS[action]
    if status not in sources:
        return "not_from_status"
    if action in ("check_in", "issue") and booking_date != today:
        return "not_today"
    if action == "no_show" and booking_date > today:
        return "not_yet"
    return None


def day_counts(bookings, seats_offered):
    """
    Return the counts at the top of a day list: people booked, checked in,
    issued, no-show, cancelled, affected, and free seats. ``bookings`` are
    (status, party_size) pairs.
    """
    counts = {"booked": 0, "checked_in": 0, "issued": 0, "no_show": 0, "cancelled": 0, "affected": 0}
    for status, party in bookings:
        counts[status] = counts.get(status, 0) + party
    holding = counts["booked"] + counts["checked_in"] + counts["issued"] + counts["no_show"]
    counts["free"] = max(seats_offered - holding, 0)
    counts["holding"] = holding
    return counts


def month_statistics(seats_offered, bookings):
    """
    Return a month's figures for one window: seats offered, seats booked
    (people in bookings that held a seat), issued, no-shows, utilisation
    (booked / offered) and no-show rate (no-shows / bookings that reached
    their day: issued + no-show + checked in).
    """
    counts = day_counts(bookings, seats_offered)
    booked = counts["holding"]
    reached = counts["issued"] + counts["no_show"] + counts["checked_in"]
    return {
        "offered": seats_offered,
        "booked": booked,
        "issued": counts["issued"],
        "no_show": counts["no_show"],
        "cancelled": counts["cancelled"],
        "utilisation": (booked / seats_offered) if seats_offered else 0.0,
        "no_show_rate": (counts["no_show"] / reached) if reached else 0.0,
    }


# --- Bookings a closure or a capacity cut makes impossible (R-B9) ------------

# Statuses of bookings that hold a seat of their slot (affected and cancelled
# bookings hold none). Only ``booked`` bookings can be made affected: a
# checked-in, issued or no-show booking is history and keeps its seat.
SEAT_HOLDING_STATUSES = ("booked", "checked_in", "issued", "no_show")


@dataclass(frozen=True)
class HeldBooking:
    """A booking as the impact rule sees it (model instances with these attributes do as well)."""

    pk: int
    start: time
    party_size: int
    created_at: datetime
    status: str = "booked"


def _made_order(booking):
    return (booking.created_at, booking.pk)


def bookings_made_impossible(bookings, schedule_day, capacity):
    """
    Return the bookings of one window and day that cannot take place under
    ``schedule_day`` (the day's DaySchedule, closures applied) and
    ``capacity`` (seats per slot that day), earliest slot first (R-B9).

    A booked booking is impossible when its slot no longer exists (the day
    is closed, a partial closure or a changed opening rule removed the
    slot), or when its slot holds more people than ``capacity``: then the
    most recently made bookings of the slot go, one by one, until the rest
    fit, so the earliest bookings keep their seats. Checked-in, issued and
    no-show bookings are never returned but count as seats taken; cancelled
    and affected bookings are ignored.
    """
    starts = {slot.start for slot in schedule_day.slots} if schedule_day.open else set()
    fixed = {}
    by_slot = {}
    impossible = []
    for booking in sorted(bookings, key=_made_order):
        if booking.status != "booked":
            if booking.status in SEAT_HOLDING_STATUSES:
                fixed[booking.start] = fixed.get(booking.start, 0) + booking.party_size
        elif booking.start not in starts:
            impossible.append(booking)
        else:
            by_slot.setdefault(booking.start, []).append(booking)
    for start, group in by_slot.items():
        seats = fixed.get(start, 0) + sum(booking.party_size for booking in group)
        while group and seats > capacity:
            latest = group.pop()
            seats -= latest.party_size
            impossible.append(latest)
    return sorted(impossible, key=lambda booking: (booking.start, _made_order(booking)))


def age_on(birth_date, day):
    """Return the age in whole years of someone born on ``birth_date`` on ``day``."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def attendance_problem(attendance, birth_dates, day):
    """
    Return "needs_legal_representative" when the party would come "in
    person" although every one of them is under 15 on ``day`` (R-B4: an
    under-15 comes with their legal representative), else None.
    """
    if attendance == "in_person" and birth_dates and all(age_on(born, day) < 15 for born in birth_dates):
        return "needs_legal_representative"
    return None
