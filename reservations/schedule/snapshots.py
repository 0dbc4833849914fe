"""
The windows with their calendars, read from the shared cache (issue #17).

Every page of the booking path and every booking needs a window with its
opening rules and services (three queries), and the booking its day's
closures, recurring closures, capacity and blocks (four more). They change
when an admin changes them, seldom; so all windows with all of these rows
from yesterday on are kept in the shared cache (the list of all, and each
window on its own), under the version of all windows that every calendar
change replaces (calendars.invalidate_availability, schedule.signals).

For the pages the entry is the calendar they show. For a booking it is only
a guess the database checks: each window carries the ``schedule_version``
read before its rows, which every calendar change raises in its own
transaction (Window.objects.bump_schedule), and the booking's seat statement
takes the seats only while the window's version is still that one
(SlotCounter.objects.take). If it is not, the booking reads the rules from
the database and checks again (booking.services; docs/decisions.md).

The cache is an optimisation only: unreachable or switched off
(AVAILABILITY_CACHE_SECONDS = 0), a window is read from the database as
before, without the day's rows (calendars reads those itself).
"""

import copy
import datetime as dt
import logging
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from reservations.models import BookingBlock, CapacityOverride, Closure, RecurringClosure, Service, Window
from reservations.schedule import calendars

logger = logging.getLogger(__name__)

KEY = "availability:windows-snapshot"
CODE = re.compile(r"[-a-zA-Z0-9_]{1,20}")


@dataclass(frozen=True)
class CalendarRows:
    """The dated rows of one window's calendar from ``since`` on, as read with the window's ``version``."""

    since: dt.date
    closures: tuple[Closure, ...]  # of the window and of all windows, in Closure's order
    recurring: tuple[RecurringClosure, ...]
    overrides: tuple[CapacityOverride, ...]
    blocks: tuple[BookingBlock, ...]

    def covers(self, start: dt.date) -> bool:
        return start >= self.since


def _read() -> list[Window]:
    """Every window with its rules, services and dated rows from yesterday on (seven queries)."""
    since = timezone.localdate() - dt.timedelta(days=1)
    # The windows (and their versions) first: rows read after them are at least as new, so a
    # version that is still current vouches for them (docs/decisions.md, issue #17).
    windows = list(Window.objects.with_rules())
    closures = list(Closure.objects.filter(end_date__gte=since))
    recurring = list(RecurringClosure.objects.all())
    overrides = list(CapacityOverride.objects.filter(date__gte=since))
    blocks = list(BookingBlock.objects.filter(end_date__gte=since))

    def mine(rows, window):
        return tuple(row for row in rows if row.window_id in (None, window.pk))

    for window in windows:
        window.calendar_rows = CalendarRows(
            since=since,
            closures=mine(closures, window),
            recurring=mine(recurring, window),
            overrides=tuple(row for row in overrides if row.window_id == window.pk),
            blocks=mine(blocks, window),
        )
    return windows


def _cached(name: str) -> object | None:
    """
    Return the kept entry ``name`` ("all", or "window:" and a code) fresh under
    the all-windows version, reading and keeping every entry on a miss;
    None when the cache is off or unreachable. Each window is kept on its
    own as well, so that a page or booking of one window unpacks only it.
    An entry this process has unpacked already is taken from its memory
    (copies), as long as the shared entries are still those of the same read.
    """
    if settings.AVAILABILITY_CACHE_SECONDS <= 0:
        return None
    try:
        found = cache.get_many([f"{KEY}:codes", calendars.ALL_WINDOWS])
        version, codes = found.get(calendars.ALL_WINDOWS, ""), found.get(f"{KEY}:codes")
        stamp = codes[2] if codes is not None and codes[0] == version and len(codes) > 2 else None
        if stamp is not None and name not in codes[1]:
            return _NO_SUCH_WINDOW  # an unknown code reads nothing again
        local = _unpacked.get(name)
        if stamp is not None and local is not None and local[0] == stamp:
            return _copies(local[1])
        entry = cache.get(f"{KEY}:{name}")
    except Exception:  # the cache is down: the caller reads the database
        logger.warning("availability cache unreachable; windows read from the database", exc_info=True)
        return None
    if entry is not None and entry[0] == version and stamp is not None and entry[2:] == (stamp,):
        value = calendars.unpack(entry[1])
        _remember(name, stamp, value)
        return _copies(value)
    read = _read()
    stamp = secrets.token_hex(6)
    entries = {f"{KEY}:window:{window.code}": window for window in read}
    entries[f"{KEY}:all"] = read
    names = {"all", *(f"window:{window.code}" for window in read)}
    try:
        kept = {key: (version, calendars.pack(value), stamp) for key, value in entries.items()}
        kept[f"{KEY}:codes"] = (version, names, stamp)  # read without unpacking
        cache.set_many(kept, timeout=settings.AVAILABILITY_CACHE_SECONDS)
    except Exception:
        logger.warning("availability cache unreachable; windows not kept", exc_info=True)
    return entries.get(f"{KEY}:{name}", _NO_SUCH_WINDOW)


# The entries this process unpacked, by name: (the stamp of the read they come from, the value).
# The stamp is a random one per read of the database, kept with every entry of that read in the
# shared cache; an entry is used again only while the shared "codes" entry carries the same stamp
# under the current all-windows version, so it lives no longer than the shared entries (issue #17).
_unpacked: dict[str, tuple[str, object]] = {}
_UNPACKED_MAX = 64


def _remember(name: str, stamp: str, value: object) -> None:
    if len(_unpacked) >= _UNPACKED_MAX:
        _unpacked.clear()
    _unpacked[name] = (stamp, value)


def _copies(value):
    """A copy of a kept window (or of each of a list of them): pages set their own attributes on it."""
    if isinstance(value, list):
        return [copy.copy(window) for window in value]
    return copy.copy(value)


_NO_SUCH_WINDOW = object()


def windows() -> list[Window] | None:
    """
    Return every window (in their order) with its rules, services and
    ``calendar_rows`` from the shared cache; None when the cache is off or
    unreachable.
    """
    return _cached("all")


def window(code: str) -> Window | None:
    """Return the window ``code`` with its rules and services (from the shared cache when it can), or None."""
    if not CODE.fullmatch(code):  # not a window's code (a SlugField), nor a cache key to look up
        return None
    cached = _cached(f"window:{code}")
    if cached is _NO_SUCH_WINDOW:
        return None
    if cached is None:
        return Window.objects.with_rules().filter(code=code).first()
    return cached


def serving(ward: str, service: str = Service.PICKUP) -> list[Window]:
    """Return Window.objects.serving(ward, service) as a list, from the shared cache when it can (R-W4, R-A2)."""
    cached = windows()
    if cached is None:
        return list(Window.objects.serving(ward, service))
    return [window for window in cached if window.serves(ward, service)]
