"""Words for people: weekday, ordinal and closed-reason labels, opening hours in sentences."""

from collections.abc import Iterable
from datetime import time

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from reservations.rules.schedule import EVERY_WEEK, LAST, ClosedReason, UnbookableReason, WindowCalendar

# --- Words for people -----------------------------------------------------


def weekday_name(weekday: int) -> str:
    return [
        pgettext("weekday", "Monday"),
        pgettext("weekday", "Tuesday"),
        pgettext("weekday", "Wednesday"),
        pgettext("weekday", "Thursday"),
        pgettext("weekday", "Friday"),
        pgettext("weekday", "Saturday"),
        pgettext("weekday", "Sunday"),
    ][weekday]


def weekday_short_name(weekday: int) -> str:
    return [
        pgettext("weekday abbreviation", "Mon"),
        pgettext("weekday abbreviation", "Tue"),
        pgettext("weekday abbreviation", "Wed"),
        pgettext("weekday abbreviation", "Thu"),
        pgettext("weekday abbreviation", "Fri"),
        pgettext("weekday abbreviation", "Sat"),
        pgettext("weekday abbreviation", "Sun"),
    ][weekday]


def ordinal_name(nth: int) -> str:
    names = {
        1: pgettext("nth weekday of the month", "1st"),
        2: pgettext("nth weekday of the month", "2nd"),
        3: pgettext("nth weekday of the month", "3rd"),
        4: pgettext("nth weekday of the month", "4th"),
        5: pgettext("nth weekday of the month", "5th"),
        LAST: pgettext("nth weekday of the month", "last"),
    }
    return names[nth]


def closed_reason_label(reason: str | None) -> str:
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
        UnbookableReason.WALK_IN: _("No bookings: come without a booking"),
    }
    return labels.get(reason, "")


def format_time(value: time) -> str:
    return f"{value.hour}:{value.minute:02d}"


def format_hours(opens_at: time, closes_at: time) -> str:
    return _("%(opens)s–%(closes)s") % {"opens": format_time(opens_at), "closes": format_time(closes_at)}


def _join(items: Iterable[str]) -> str:
    return pgettext("list separator", ", ").join(items)


def _weekday_list(weekdays: Iterable[int]) -> str:
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


def describe_hours(calendar: WindowCalendar) -> list[str]:
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
    def week_order(weekday: int) -> int:
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


# --- Reading a reservation code aloud (issue #15) --------------------------------------------
#
# The code (Crockford base32: digits and letters without I, L, O, U) is read out to a caller by the
# reservation centre. Each character gets one reading that cannot be heard as another: Japanese
# readings of digits and letters with a well-known word, and the ICAO/NATO words in English. These
# are phonetics of each language, not translations of one another, so they are two tables.

CODE_READINGS_JA = {
    "0": "ゼロ", "1": "イチ", "2": "ニ", "3": "サン", "4": "ヨン", "5": "ゴ", "6": "ロク", "7": "ナナ", "8": "ハチ",
    "9": "キュウ",
    "A": "エー（アップルのA）", "B": "ビー（ボーイのB）", "C": "シー（キャットのC）", "D": "ディー（デスクのD）",
    "E": "イー（エッグのE）", "F": "エフ（フラワーのF）", "G": "ジー（ゴルフのG）", "H": "エイチ（ホテルのH）",
    "J": "ジェイ（ジャパンのJ）", "K": "ケー（キングのK）", "M": "エム（マイクのM）", "N": "エヌ（ノートのN）",
    "P": "ピー（ピアノのP）", "Q": "キュー（クイーンのQ）", "R": "アール（ラジオのR）", "S": "エス（スポーツのS）",
    "T": "ティー（テニスのT）", "V": "ブイ（ビクトリーのV）", "W": "ダブリュー（ウォーターのW）",
    "X": "エックス（エックス線のX）", "Y": "ワイ（ヨットのY）", "Z": "ゼット（ゼブラのZ）",
}
CODE_READINGS_EN = {
    "0": "zero", "1": "one", "2": "two", "3": "three", "4": "four", "5": "five", "6": "six", "7": "seven",
    "8": "eight", "9": "nine",
    "A": "Alfa", "B": "Bravo", "C": "Charlie", "D": "Delta", "E": "Echo", "F": "Foxtrot", "G": "Golf", "H": "Hotel",
    "J": "Juliett", "K": "Kilo", "M": "Mike", "N": "November", "P": "Papa", "Q": "Quebec", "R": "Romeo",
    "S": "Sierra", "T": "Tango", "V": "Victor", "W": "Whiskey", "X": "X-ray", "Y": "Yankee", "Z": "Zulu",
}


def code_reading(code: str, language: str = "ja") -> list[tuple[str, str]]:
    """
    Return (character, reading) for each character of a reservation code
    (stored or shown with its hyphen), in ``language`` ("ja", else English);
    the hyphen is read as a pause: ("-", "").
    """
    table = CODE_READINGS_JA if (language or "ja")[:2] == "ja" else CODE_READINGS_EN
    return [(char, table.get(char, "")) for char in code.upper()]
