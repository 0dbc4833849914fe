"""
Anti-hoarding rules (issue #18, item 6): one person or one network must not
book out a window. Plain values in, plain values out (STYLE.md).

- ``email_identity`` and ``phone_identity`` make the contact of a booking the
  key its daily limit is counted under, so that trivial variants of one
  address or number count as one;
- ``DailyLimits`` and ``first_refused``: the limits, and which used-up one a refusal names;
- ``clusters`` groups upcoming bookings that share an e-mail, a phone or a
  client address, with their largest burst, for the admins' review.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

ADDRESS, EMAIL, PHONE = "address", "email", "phone"
KINDS = (ADDRESS, EMAIL, PHONE)
# Providers that ignore dots in the local part: a.b.c@gmail.com is abc@gmail.com.
_DOTLESS_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


def email_identity(email: str) -> str:
    """
    Return the mailbox ``email`` delivers to, for counting: lower case, a
    ``+tag`` dropped from the local part, and dots dropped for providers that
    ignore them. Empty for no e-mail. (The booking keeps the address as typed.)
    """
    email = (email or "").strip().lower()
    if "@" not in email:
        return email
    local, _at, domain = email.rpartition("@")
    local = local.split("+", 1)[0]
    if domain in _DOTLESS_DOMAINS:
        local = local.replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


def phone_identity(phone: str) -> str:
    """Return the digits of ``phone`` (already canonical from the forms); empty for none."""
    return "".join(character for character in (phone or "") if character.isdigit())


@dataclass(frozen=True)
class DailyLimits:
    """Successful bookings allowed per Japan calendar day, per client address, e-mail and phone."""

    address: int
    email: int
    phone: int

    def of(self, kind: str) -> int:
        return getattr(self, kind)


def first_refused(kinds: Iterable[str]) -> str | None:
    """Return the kind to tell about among those used up: the address first, then the e-mail, the phone."""
    refused = set(kinds)
    return next((kind for kind in KINDS if kind in refused), None)


def seconds_until_tomorrow(now: dt.datetime) -> int:
    """Return the whole seconds from ``now`` (aware, local time) to the next midnight: when daily limits reset."""
    tomorrow = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(0), tzinfo=now.tzinfo)
    return max(1, int((tomorrow - now).total_seconds()))


@dataclass(frozen=True)
class BookingTrace:
    """What the review needs of one upcoming booking: its id, when it was made, and its three keys."""

    pk: int
    created_at: dt.datetime
    email: str
    phone: str
    client: str


@dataclass(frozen=True)
class Cluster:
    """Bookings that share one key (an e-mail, a phone or a client address)."""

    kind: str
    key: str
    pks: tuple[int, ...]
    burst: int

    @property
    def size(self) -> int:
        return len(self.pks)


def burst_size(times: Iterable[dt.datetime], window: dt.timedelta) -> int:
    """Return the largest number of ``times`` that fall within one span of ``window``."""
    ordered = sorted(times)
    largest, first = 0, 0
    for last, moment in enumerate(ordered):
        while moment - ordered[first] > window:
            first += 1
        largest = max(largest, last - first + 1)
    return largest


def clusters(
    traces: Iterable[BookingTrace], *, min_size: int, burst_window: dt.timedelta, min_burst: int
) -> list[Cluster]:
    """
    Return the clusters worth a look: ``min_size`` or more bookings that
    share an e-mail (as ``email_identity``), a phone or a client address, or
    ``min_burst`` of them made within ``burst_window``. Largest bursts first,
    then largest clusters.
    """
    groups: dict[tuple[str, str], list[BookingTrace]] = {}
    for trace in traces:
        for kind, key in ((EMAIL, email_identity(trace.email)), (PHONE, phone_identity(trace.phone)),
                          (ADDRESS, trace.client)):
            if key:
                groups.setdefault((kind, key), []).append(trace)
    found = []
    for (kind, key), members in groups.items():
        burst = burst_size((member.created_at for member in members), burst_window)
        if len(members) >= min_size or (len(members) > 1 and burst >= min_burst):
            found.append(Cluster(kind, key, tuple(sorted(member.pk for member in members)), burst))
    return sorted(found, key=lambda cluster: (-cluster.burst, -cluster.size, KINDS.index(cluster.kind), cluster.key))
