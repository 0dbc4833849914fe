"""
The two services booked on the same engine (SPEC §2, §8): picking up a card
(受取予約, ``pickup``) and the application support service (申請補助サービス,
``application_support``). What differs between them is said here once, as
values; the calendar engine, the seat counter, the messages and the staff
pages are the same for both.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from eligibility.rules import Attendance


class Service(StrEnum):
    """What a booking is for (API.md "Services")."""

    PICKUP = "pickup"  # 受取予約 (§2)
    APPLICATION_SUPPORT = "application_support"  # 申請補助サービス (§8)


class BookingMode(StrEnum):
    """How a window offers a service (API.md: ``booking``)."""

    REQUIRED = "required"  # booked in advance through the portal
    WALK_IN = "walk_in"  # no bookings: residents come in (R-A4: Kita and Nishi)


@dataclass(frozen=True)
class ServiceRules:
    """What a service asks of a booking and where it is offered."""

    service: Service
    # R-B3: the issuance notice's number for each person; R-A5: none before applying.
    needs_notice_number: bool
    # R-B4 / R-A5: who may come.
    attendances: tuple[str, ...]
    # R-W4: the City Hall window serves every ward; R-A2: support only at the own ward office.
    at_cityhall: bool
    # R-B2: days ahead before the first bookable day; R-A4: same day, minutes ahead.
    lead_days: int
    lead_minutes: int
    # Defaults of a window's service (R-W7, R-A3).
    default_capacity: int
    default_slot_minutes: int


def service_rules(service: str, *, pickup_lead_days: int = 1, support_lead_minutes: int = 30) -> ServiceRules:
    """Return the ServiceRules of ``service``; the leads are settings (R-B2, R-A4)."""
    if Service(service) == Service.PICKUP:
        return ServiceRules(
            service=Service.PICKUP,
            needs_notice_number=True,
            attendances=tuple(Attendance.values),
            at_cityhall=True,
            lead_days=pickup_lead_days,
            lead_minutes=0,
            default_capacity=2,
            default_slot_minutes=15,
        )
    return ServiceRules(
        service=Service.APPLICATION_SUPPORT,
        needs_notice_number=False,
        attendances=(Attendance.IN_PERSON, Attendance.WITH_LEGAL_REPRESENTATIVE),
        at_cityhall=False,
        lead_days=0,
        lead_minutes=support_lead_minutes,
        default_capacity=2,
        default_slot_minutes=30,
    )


def service_window_serves(service: str, kind: str, window_ward: str, resident_ward: str | None) -> bool:
    """
    Return whether a window of ``kind`` serving ``window_ward`` may take a
    booking of ``service`` from a resident of ``resident_ward``: pickup at
    the own ward office or the City Hall window (R-W4); application support
    only at the own ward office (R-A2).
    """
    if not resident_ward:
        return False
    if kind == "cityhall":
        return Service(service) == Service.PICKUP
    return window_ward == resident_ward


def earliest_start(now: datetime, *, lead_days: int, lead_minutes: int) -> datetime:
    """
    Return the earliest slot start (a naive Japan-time datetime) bookable at
    ``now`` (naive, Japan time): from the start of the day ``lead_days``
    ahead (R-B2: tomorrow) and at least ``lead_minutes`` from now (R-A4: 30).
    """
    first_day = datetime.combine(now.date() + timedelta(days=lead_days), time(0))
    return max(first_day, now + timedelta(minutes=lead_minutes))


def first_bookable_day(now: datetime, *, lead_days: int) -> date:
    """Return the first day that may have bookable slots (R-B2, R-A4)."""
    return now.date() + timedelta(days=lead_days)
