"""What a party may book (R-B4, R-B6, R-E5) and when a resident may still change it."""

from collections.abc import Hashable, Iterable, Sequence
from datetime import date, datetime, time

from eligibility.lifecycle import age_on
from eligibility.rules import Attendance, proxy_reason_problem
from reservations.rules.schedule import DayAvailability, SlotAvailability, UnbookableReason


def slots_for_party(day: DayAvailability, party_size: int) -> list[SlotAvailability]:
    """Return the slots of the DayAvailability ``day`` with seats for the whole party (R-B6)."""
    return [slot for slot in day.slots if slot.remaining >= party_size]


def repeated_positions(values: Iterable[Hashable]) -> list[int]:
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


def nearest_free_slots(
    wanted: datetime, days: Iterable[DayAvailability], party_size: int, limit: int = 5
) -> list[tuple[date, SlotAvailability]]:
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


def slot_problem(day: DayAvailability, start: time, party_size: int) -> str | None:
    """
    Return why ``party_size`` people cannot book the slot starting at
    ``start`` of the DayAvailability ``day``, or None when they can:
    the day's reason (too_soon, beyond_horizon, closed reasons, blocked),
    "unknown_slot", "slot_closed" (taken away by a partial closure),
    "slot_too_soon" (it starts sooner than the lead time, R-A4),
    "party_too_large" (more people than the slot ever holds) or "full"
    (not enough seats left now).
    """
    if day.reason and day.reason != UnbookableReason.FULL:
        return str(day.reason)
    slot = next((s for s in day.slots if s.start == start), None)
    if slot is None:
        return "unknown_slot"
    if slot.closed:
        return "slot_closed"
    if slot.too_soon:
        return "slot_too_soon"
    if party_size > slot.capacity:
        return "party_too_large"
    if party_size > slot.remaining:
        return "full"
    return None


def cancellable(status: str, appointment: datetime, now: datetime) -> bool:
    """
    Return whether a booking in ``status`` at ``appointment`` (datetime) can
    still be cancelled or moved by the resident: a booked one until its
    time, an affected one (R-B9) always, since its time was taken away.
    """
    return status == "affected" or (status == "booked" and appointment > now)


def attendance_problem(attendance: str, birth_dates: Sequence[date], day: date) -> str | None:
    """
    Return "needs_legal_representative" when the party would come "in
    person" although every one of them is under 15 on ``day`` (R-B4: an
    under-15 comes with their legal representative), else None.
    """
    if attendance == Attendance.IN_PERSON and birth_dates and all(age_on(born, day) < 15 for born in birth_dates):
        return "needs_legal_representative"
    return None


def proxy_age_problem(attendance: str, proxy_reason: int | None, birth_dates: Sequence[date], day: date) -> str | None:
    """
    Return why a proxy cannot come for ``proxy_reason`` to pick up the cards
    of people born on ``birth_dates`` on ``day``, or None (R-E5: case 4 is for
    children up to junior high school, case 6 for people aged 75 or over).

    Every person of a proxy booking is an applicant whose card the proxy
    picks up under the booking's one reason, so each of them must fit it,
    at their age on the pickup ``day`` (eligibility.lifecycle.age_on). The
    words are those of eligibility.rules.proxy_reason_problem(), which the
    what-to-bring tools show too. A reason outside 1–11 is left to
    reservations.booking.forms.proxy_reason_errors().
    """
    if attendance != Attendance.PROXY or proxy_reason not in range(1, 12):
        return None
    for born in birth_dates:
        problem = proxy_reason_problem(proxy_reason, applicant_age=age_on(born, day))
        if problem:
            return problem
    return None


# 残りわずか (△ on the booking calendar): the open slots of a day have a fifth or less of their seats left.
FEW_LEFT_SHARE = (1, 5)


def few_seats_left(slots: Sequence[SlotAvailability]) -> bool:
    """
    Return True when ``slots`` (a day's SlotAvailability) still have seats
    but no more than FEW_LEFT_SHARE of the seats of their open slots.
    """
    open_slots = [slot for slot in slots if not slot.closed]
    capacity = sum(slot.capacity for slot in open_slots)
    remaining = sum(max(slot.remaining, 0) for slot in open_slots)
    numerator, denominator = FEW_LEFT_SHARE
    return 0 < remaining and remaining * denominator <= capacity * numerator
