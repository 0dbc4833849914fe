"""The waiting list in JSON (API.md, "Waiting list", SPEC §9): join, look up, accept, decline, cancel."""

from typing import Literal

from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Schema

from portal import ratelimit
from portal.api_errors import error_response, json_response
from reservations.booking.api import (
    AlternativeOut,
    BookingOut,
    ErrorOut,
    StatusOut,
    booking_json,
    too_many,
)
from reservations.booking.request import CancelIn, LookupIn, WaitlistData, WaitlistIn
from reservations.booking.services import BookingRefused, NotChangeable
from reservations.booking.waitlist import (
    NoOffer,
    SeatsAvailable,
    entry_position,
    find_entry,
    open_offer,
    waitlist_accept,
    waitlist_cancel,
    waitlist_decline,
    waitlist_join,
)
from reservations.models import Service, WaitlistEntry, WaitlistOffer
from reservations.schedule.api import ErrorsOut, hhmm

router = Router(tags=["waiting list"])

EntryStatus = Literal[tuple(WaitlistEntry.Status.values)]


class JoinedOut(Schema):
    code: str
    status: EntryStatus
    position: int


class SeatsAvailableOut(Schema):
    error: Literal["seats_available"]
    alternatives: list[AlternativeOut]


class OfferOut(Schema):
    window: str
    date: str
    start: str
    expires_at: str


class EntryOut(Schema):
    code: str
    service: Literal[tuple(Service.values)]
    status: EntryStatus
    position: int | None
    offer: OfferOut | None
    booking: str | None


def offer_json(offer: WaitlistOffer | None) -> dict | None:
    if offer is None:
        return None
    return {
        "window": offer.window.code,
        "date": offer.date.isoformat(),
        "start": hhmm(offer.start),
        # Japan time, to the second: "2026-11-25T10:30:00+09:00" (API.md).
        "expires_at": timezone.localtime(offer.expires_at).isoformat(timespec="seconds"),
    }


def entry_json(entry: WaitlistEntry) -> dict:
    """The entry as the lookup answers it: its place while active, its open offer, its booking once accepted."""
    if entry.window_id:
        # The window's services in one query: entry_position asks window.serves() for every ward.
        prefetch_related_objects([entry.window], "offers")
    offer = open_offer(entry) if entry.status == WaitlistEntry.Status.OFFERED else None
    return {
        "code": entry.display_code,
        "service": entry.service,
        "status": entry.status,
        "position": entry_position(entry),
        "offer": offer_json(offer),
        "booking": entry.booking.display_code if entry.booking_id else None,
    }


def _find(request: HttpRequest, code: str, payload: LookupIn | CancelIn) -> WaitlistEntry | HttpResponse:
    """Return the entry, or the answer: 429 past the limit, 404 no match (as for bookings, R-B8)."""
    attempt = ratelimit.claim(request, ratelimit.LOOKUP)
    if not attempt.allowed:
        return too_many(request)
    entry = find_entry(code, payload.birth_date)
    if entry is None:
        return json_response(request, {"error": "not_found"}, 404)
    attempt.release()  # only failures count
    return entry


def _no_offer(request: HttpRequest) -> HttpResponse:
    return json_response(request, {"error": "no_offer"}, 409)


@router.post(
    "/waitlist",
    response={201: JoinedOut, 409: SeatsAvailableOut, 422: ErrorsOut, 429: ErrorOut},
    summary="Join the waiting list of a service for a window or any window the ward may use, from … to (R-L1); "
            "409 with the free slots while one fits",
)
def join_waitlist(request: HttpRequest, payload: WaitlistIn) -> HttpResponse:
    if not ratelimit.take(request, ratelimit.BOOKING):
        return too_many(request)
    try:
        entry = waitlist_join(data=WaitlistData.from_api(payload))
    except BookingRefused as exc:
        return error_response(request, exc.messages())
    except SeatsAvailable as exc:
        alternatives = [
            {"window": window.code, "date": day.isoformat(), "start": hhmm(start)}
            for window, day, start in exc.alternatives
        ]
        return json_response(request, {"error": "seats_available", "alternatives": alternatives}, 409)
    body = {"code": entry.display_code, "status": entry.status, "position": entry_position(entry)}
    return json_response(request, body, 201)


@router.post(
    "/waitlist/lookup",
    response={200: EntryOut, 404: ErrorOut, 422: ErrorsOut, 429: ErrorOut},
    summary="Look a waiting-list entry up by its code and the first person's date of birth: place, offer, booking",
)
def lookup_waitlist(request: HttpRequest, payload: LookupIn) -> HttpResponse | dict:
    found = _find(request, payload.code, payload)
    return found if isinstance(found, HttpResponse) else entry_json(found)


@router.post(
    "/waitlist/{code}/accept",
    response={201: BookingOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorsOut, 429: ErrorOut},
    summary="Accept the time offered: the held seats become a booking (R-L2); 409 no_offer when none is open",
)
def accept_offer(request: HttpRequest, code: str, payload: CancelIn) -> HttpResponse:
    found = _find(request, code, payload)
    if isinstance(found, HttpResponse):
        return found
    try:
        booking = waitlist_accept(entry=found)
    except NoOffer:
        return _no_offer(request)
    except BookingRefused as exc:
        return error_response(request, exc.messages())
    return json_response(request, booking_json(booking), 201)


@router.post(
    "/waitlist/{code}/decline",
    response={200: StatusOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorsOut, 429: ErrorOut},
    summary="Decline the time offered: the entry keeps waiting, the seats go to the next (R-L2)",
)
def decline_offer(request: HttpRequest, code: str, payload: CancelIn) -> HttpResponse | dict:
    found = _find(request, code, payload)
    if isinstance(found, HttpResponse):
        return found
    try:
        entry = waitlist_decline(entry=found)
    except NoOffer:
        return _no_offer(request)
    return {"status": entry.status}


@router.post(
    "/waitlist/{code}/cancel",
    response={200: StatusOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorsOut, 429: ErrorOut},
    summary="Leave the waiting list; an open offer's seats go to the next (R-L2). 409 once booked or ended",
)
def cancel_entry(request: HttpRequest, code: str, payload: CancelIn) -> HttpResponse | dict:
    found = _find(request, code, payload)
    if isinstance(found, HttpResponse):
        return found
    try:
        entry = waitlist_cancel(entry=found)
    except NotChangeable:
        return json_response(request, {"error": "not_cancellable"}, 409)
    return {"status": entry.status}
