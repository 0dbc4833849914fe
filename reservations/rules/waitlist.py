"""
The waiting list (キャンセル待ち, SPEC §9): who is offered freed seats, in which
order, for how long, and how the time left is said. Pure: values in, values out.
"""

import datetime as dt
import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reservations.rules.services import Service

SlotKey = tuple[int, dt.date, dt.time]  # (window id, date, start) of one service


@dataclass(frozen=True)
class Waiting:
    """A waiting entry as the offer rule sees it (R-L2)."""

    pk: int
    window_id: int | None  # None: any window the ward may use
    ward: str
    date_from: dt.date
    date_to: dt.date
    party_size: int
    declined: frozenset[SlotKey] = field(default_factory=frozenset)


def entries_to_offer(
    entries: Iterable[Waiting], *, window_id: int, wards_served: Iterable[str], day: dt.date, start: dt.time,
    remaining: int,
) -> list[Waiting]:
    """
    Return the entries that ``remaining`` freed seats of a slot are offered
    to (R-L2): ``entries`` in the order they joined (first come, first
    served), each that fits — its window or any window its ward may use,
    its dates, its whole party in the seats still left, and not a slot it
    declined — takes its seats, until none are left.
    """
    wards = frozenset(wards_served)
    chosen = []
    for entry in entries:
        if remaining <= 0:
            break
        if entry.party_size > remaining or not entry_fits(entry, window_id=window_id, wards_served=wards, day=day,
                                                          start=start):
            continue
        chosen.append(entry)
        remaining -= entry.party_size
    return chosen


def entry_fits(entry: Waiting, *, window_id: int, wards_served: frozenset[str], day: dt.date, start: dt.time) -> bool:
    """Whether ``entry`` wants a slot of ``window_id`` (which serves ``wards_served``) on ``day`` at ``start`` (R-L1)."""
    if entry.window_id is None:
        if entry.ward not in wards_served:
            return False
    elif entry.window_id != window_id:
        return False
    return entry.date_from <= day <= entry.date_to and (window_id, day, start) not in entry.declined


def range_problem(date_from: dt.date, date_to: dt.date, first: dt.date, last: dt.date) -> str | None:
    """R-L1: the dates wanted lie inside the horizon (``first`` … ``last``), the first not after the last."""
    if date_from > date_to:
        return "range_order"
    if date_from < first or date_to > last:
        return "range_outside"
    return None


def person_key(service: str, *, notice_number: str, name: str, birth_date: dt.date) -> str:
    """
    Return what makes one person's entry unique (R-L1): the notice number
    for pickup, the name (widths, spaces and case folded) and the date of
    birth for application support, which has no notice number yet.
    """
    if service == Service.PICKUP:
        return f"{service}:{notice_number}"
    folded = "".join(unicodedata.normalize("NFKC", name).casefold().split())
    return f"{service}:{folded}:{birth_date.isoformat()}"


def offer_ends(made_at: dt.datetime, minutes: int) -> dt.datetime:
    """Return when an offer made at ``made_at`` ends: ``waitlist_offer_minutes`` later (R-L2), to the second."""
    return (made_at + dt.timedelta(minutes=minutes)).replace(microsecond=0)


def minutes_left(expires_at: dt.datetime, now: dt.datetime) -> int:
    """Return the whole minutes an offer still has (rounded up; 0 once it has ended)."""
    return max(0, math.ceil((expires_at - now).total_seconds() / 60))


def time_left_words(minutes: int) -> str:
    """
    Return the time an offer has left as people say it, in the active
    language: あと1時間5分 / 1 hour 5 minutes left; あと30分 / 30 minutes left.
    """
    if minutes <= 0:
        return _("The time to accept has ended")
    hours, rest = divmod(minutes, 60)
    if not hours:
        return ngettext("%(minutes)d minute left", "%(minutes)d minutes left", rest) % {"minutes": rest}
    if not rest:
        return ngettext("%(hours)d hour left", "%(hours)d hours left", hours) % {"hours": hours}
    return _("%(hours)s %(minutes)s left") % {
        "hours": ngettext("%(hours)d hour", "%(hours)d hours", hours) % {"hours": hours},
        "minutes": ngettext("%(minutes)d minute", "%(minutes)d minutes", rest) % {"minutes": rest},
    }


def first_fitting_slots(
    days: Sequence[tuple[int, Sequence]], party_size: int, date_from: dt.date, date_to: dt.date, limit: int = 5
) -> list[tuple[int, dt.date, dt.time]]:
    """
    Return up to ``limit`` (window id, date, start) with seats for the whole
    party between ``date_from`` and ``date_to``, earliest first, from
    ``days``: (window id, its DayAvailability list) per window. Joining the
    list is refused with these while they exist (R-L1).
    """
    found = []
    for window_id, availability in days:
        for day in availability:
            if not (date_from <= day.date <= date_to) or not day.bookable:
                continue
            found.extend((window_id, day.date, slot.start) for slot in day.slots if slot.remaining >= party_size)
    found.sort(key=lambda item: (item[1], item[2], item[0]))
    return found[:limit]
