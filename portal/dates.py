"""
Dates and times as people and programs write them: the one parser and the one
set of date limits of the portal (pages, forms and API alike).

- ``EARLIEST`` … ``LATEST``: any date a person may type (a date of birth, a
  card's issue or expiry date, a move-in date).
- ``CALENDAR_EARLIEST`` … ``CALENDAR_LATEST``: the days a calendar, a
  schedule or a booking may speak of (docs/decisions.md, "Date ranges").
"""

import datetime as dt

EARLIEST = dt.date(1900, 1, 1)
CALENDAR_EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)
CALENDAR_LATEST = dt.date(2099, 12, 31)


def parse_date(value: object, *, earliest: dt.date = EARLIEST, latest: dt.date = LATEST) -> dt.date | None:
    """
    Return the date written ``YYYY-MM-DD`` in ``value`` when it exists and lies
    within ``earliest`` … ``latest``, else None (never raises). A ``date``
    passes through the same limits.
    """
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    return day if earliest <= day <= latest else None


def parse_calendar_date(value: object) -> dt.date | None:
    """Return the calendar day written ``YYYY-MM-DD`` in ``value`` (2000–2099), else None."""
    return parse_date(value, earliest=CALENDAR_EARLIEST, latest=CALENDAR_LATEST)


def parse_month(value: object) -> dt.date | None:
    """Return the first day of the month written ``YYYY-MM`` in ``value`` (2000–2099), else None."""
    if not isinstance(value, str) or len(value) != 7:
        return None
    return parse_calendar_date(value + "-01")


def parse_time(value: object) -> dt.time | None:
    """Return the time written ``HH:MM`` (or ``HHMM``, as in page URLs) in ``value``, else None."""
    if not isinstance(value, str) or len(value) not in (4, 5):
        return None
    text = value if len(value) == 5 else f"{value[:2]}:{value[2:]}"
    if text[2] != ":" or not (text[:2] + text[3:]).isdigit():
        return None
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        return None
