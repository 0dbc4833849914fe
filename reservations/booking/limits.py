"""
Daily limits on successful online bookings (issue #18, item 6: "one address
can book out a window"): per client address, per e-mail and per phone, each
a setting (docs/decisions.md, "Security").

The counts are rows of BookingQuota, keyed by a salted hash and the Japan
calendar day, taken by ``claim`` with one conditional upsert inside the
booking's own transaction: a booking refused or failed later (slot full, a
rule) rolls its counts back, and two concurrent bookings cannot both take the
last one. Staff bookings (an actor) and partner systems listed in
RATE_LIMIT_EXEMPT are not limited; neither is a booking made with no client
(``BookingData.client`` empty: scripts, tests).
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from portal import ratelimit
from reservations.booking.request import BookingData
from reservations.models import BookingQuota
from reservations.rules import hoarding

logger = logging.getLogger(__name__)

_SALT = "reservations.booking.limits"


class TooManyBookings(Exception):
    """A daily limit is used up (pages and API: 429); ``kind`` is address, email or phone."""

    def __init__(self, kind: str, limit: int, retry_after: int) -> None:
        super().__init__(kind)
        self.kind, self.limit, self.retry_after = kind, limit, retry_after

    def message(self) -> str:
        """Return what happened and what to do, in the current language."""
        texts = {
            hoarding.ADDRESS: _(
                "Today's bookings from your connection have reached the limit of %(limit)d a day. "
                "One booking takes up to 4 members of a household. Please try again tomorrow, "
                "or call the reservation centre: they can book for you by phone."
            ),
            hoarding.EMAIL: _(
                "This e-mail address has been used for %(limit)d bookings today, the most allowed in a day. "
                "One booking takes up to 4 members of a household. Please try again tomorrow, "
                "or call the reservation centre: they can book for you by phone."
            ),
            hoarding.PHONE: _(
                "This phone number has been used for %(limit)d bookings today, the most allowed in a day. "
                "One booking takes up to 4 members of a household. Please try again tomorrow, "
                "or call the reservation centre: they can book for you by phone."
            ),
        }
        return texts[self.kind] % {"limit": self.limit}


def _hash(value: str) -> str:
    return salted_hmac(_SALT, value, algorithm="sha256").hexdigest()[:32]


def client_key(request: HttpRequest) -> str:
    """
    Return what ``request``'s client is counted and grouped as: a salted hash
    of its network (its IPv4 address, its IPv6 /64, as portal.ratelimit
    counts it), or "" for a partner system of RATE_LIMIT_EXEMPT (not limited).
    """
    if ratelimit.exempt(request):
        return ""
    return _hash(ratelimit.bucket(request))


def daily_limits() -> hoarding.DailyLimits:
    return hoarding.DailyLimits(
        address=settings.BOOKING_DAILY_LIMIT_PER_ADDRESS,
        email=settings.BOOKING_DAILY_LIMIT_PER_EMAIL,
        phone=settings.BOOKING_DAILY_LIMIT_PER_PHONE,
    )


def _keys(data: BookingData) -> dict[str, str]:
    """Return kind → quota key of ``data`` (e-mail and phone as hoarding's identities, hashed)."""
    values = {
        hoarding.ADDRESS: data.client,
        hoarding.EMAIL: _hash(hoarding.email_identity(data.email)) if data.email else "",
        hoarding.PHONE: _hash(hoarding.phone_identity(data.phone)) if data.phone else "",
    }
    return {kind: f"{kind[0]}:{value}" for kind, value in values.items() if value}


def claim(data: BookingData, *, now: dt.datetime, actor: object = None) -> None:
    """
    Count one booking of ``data`` against today's limits, in the caller's
    transaction (one query); raise TooManyBookings when one is used up. Staff
    (``actor``) and requests with no client are not limited.
    """
    if actor is not None or not data.client:
        return
    limits, today = daily_limits(), timezone.localdate(now)
    keys = _keys(data)
    taken = _take(sorted((key, limits.of(kind)) for kind, key in keys.items()), today)
    kind = hoarding.first_refused(kind for kind, key in keys.items() if key not in taken)
    if kind is not None:
        logger.info("daily booking limit reached: %s", kind)  # the kind only: no address, e-mail or phone
        raise TooManyBookings(kind, limits.of(kind), hoarding.seconds_until_tomorrow(timezone.localtime(now)))


def _take(rows: list[tuple[str, int]], day: dt.date) -> set[str]:
    """
    Add one to each (key, allowed) row of ``day`` that is below its allowed
    count, creating it at 1; return the keys that took one. Rows are locked
    in key order, so concurrent bookings wait for each other, never deadlock.
    """
    quote, table = connection.ops.quote_name, BookingQuota._meta.db_table
    key, day_, count, allowed = (quote(name) for name in ("key", "day", "count", "allowed"))
    values = ", ".join(["(%s, %s, 1, %s)"] * len(rows))
    sql = (
        f"INSERT INTO {quote(table)} ({key}, {day_}, {count}, {allowed}) VALUES {values} "
        f"ON CONFLICT ({key}, {day_}) DO UPDATE SET {count} = {quote(table)}.{count} + 1 "
        f"WHERE {quote(table)}.{count} < excluded.{allowed} RETURNING {key}"
    )
    params = [value for row_key, row_allowed in rows for value in (row_key, day, row_allowed)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}

