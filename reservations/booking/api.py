"""Bookings in JSON (API.md, "Bookings"): book, look up, cancel, move."""

from dataclasses import replace
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from portal import ratelimit
from portal.api_errors import error_response, json_response
from reservations.booking.limits import TooManyBookings, client_key
from reservations.booking.request import BookingData, BookingIn, CancelIn, LookupIn, RescheduleIn
from reservations.booking.services import (
    BookingRefused,
    NotChangeable,
    SlotFull,
    booking_cancel,
    booking_create,
    booking_reschedule,
    find_booking,
)
from reservations.models import Booking, Service
from reservations.schedule.api import ErrorsOut, hhmm

router = Router(tags=["bookings"])


class BookingOut(Schema):
    code: str
    status: str
    window: str
    date: str
    start: str
    end: str
    party_size: int
    service: Literal[tuple(Service.values)]


class PersonOut(Schema):
    name: str
    kana: str
    birth_date: str


class ChecklistItemOut(Schema):
    code: str
    label: str
    note: str


class BookingDetailOut(BookingOut):
    people: list[PersonOut]
    checklist: list[ChecklistItemOut]


class AlternativeOut(Schema):
    window: str
    date: str
    start: str


class SlotFullOut(Schema):
    error: str
    alternatives: list[AlternativeOut]


class StatusOut(Schema):
    status: str


class ErrorOut(Schema):
    error: str


class TooManyOut(Schema):
    """429: ``too_many_requests`` (attempts, lookups) or ``too_many_bookings`` (a daily limit, issue #18)."""

    error: str
    limit: str | None = None
    message: str | None = None


def booking_json(booking: Booking) -> dict:
    return {
        "code": booking.display_code,
        "status": booking.status,
        "window": booking.window.code,
        "date": booking.date.isoformat(),
        "start": hhmm(booking.start),
        "end": hhmm(booking.end),
        "party_size": booking.party_size,
        "service": booking.service,
    }


def booking_detail_json(booking: Booking) -> dict:
    body = booking_json(booking)
    people = list(booking.people.all())
    body["people"] = [{"name": p.name, "kana": p.kana, "birth_date": p.birth_date.isoformat()} for p in people]
    body["checklist"] = [{"code": item.code, "label": item.label, "note": item.note} for item in booking.checklist(people)]
    return body


def refusal_response(request: HttpRequest, exc: BookingRefused | SlotFull) -> HttpResponse:
    """422 with the rules' messages, or 409 with up to five nearest free slots (R-B6)."""
    if isinstance(exc, BookingRefused):
        return error_response(request, exc.messages())
    alternatives = [
        {"window": window.code, "date": day.isoformat(), "start": hhmm(slot.start)}
        for window, day, slot in exc.alternatives
    ]
    return json_response(request, {"error": "slot_full", "alternatives": alternatives}, 409)


def too_many(request: HttpRequest) -> HttpResponse:
    return json_response(request, {"error": "too_many_requests"}, 429)


def too_many_bookings(request: HttpRequest, exc: TooManyBookings) -> HttpResponse:
    """429 for a used-up daily limit (address, email or phone), with the words and when it resets."""
    body = {"error": "too_many_bookings", "limit": exc.kind, "message": exc.message()}
    response = json_response(request, body, 429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def _find(request: HttpRequest, code: str, payload: LookupIn | CancelIn | RescheduleIn) -> Booking | HttpResponse:
    """Return the booking, or the answer: 429 past the limit, 404 no match (wrong code and date alike)."""
    attempt = ratelimit.claim(request, ratelimit.LOOKUP)
    if not attempt.allowed:
        return too_many(request)
    booking = find_booking(code, payload.birth_date)
    if booking is None:
        return json_response(request, {"error": "not_found"}, 404)
    attempt.release()  # only failures count
    return booking


@router.post(
    "/bookings",
    response={201: BookingOut, 409: SlotFullOut, 422: ErrorsOut, 429: TooManyOut},
    summary="Book a slot of a service, pickup unless told (R-B2 … R-B7, R-A2 … R-A5); 429 past the attempts or "
            "the daily bookings allowed (issue #18)",
)
def create_booking(request: HttpRequest, payload: BookingIn) -> HttpResponse:
    if not ratelimit.take(request, ratelimit.BOOKING):
        return too_many(request)
    try:
        booking = booking_create(data=replace(BookingData.from_api(payload), client=client_key(request)))
    except TooManyBookings as exc:
        return too_many_bookings(request, exc)
    except (BookingRefused, SlotFull) as exc:
        return refusal_response(request, exc)
    return json_response(request, booking_json(booking), 201)


@router.post(
    "/bookings/lookup",
    response={200: BookingDetailOut, 404: ErrorOut, 422: ErrorsOut, 429: ErrorOut},
    summary="Look a booking up by its code and the first person's date of birth (R-B8)",
)
def lookup_booking(request: HttpRequest, payload: LookupIn) -> HttpResponse | dict:
    found = _find(request, payload.code, payload)
    return found if isinstance(found, HttpResponse) else booking_detail_json(found)


@router.post(
    "/bookings/{code}/cancel",
    response={200: StatusOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorsOut, 429: ErrorOut},
    summary="Cancel a booking (R-B8)",
)
def cancel_booking(request: HttpRequest, code: str, payload: CancelIn) -> HttpResponse | dict:
    found = _find(request, code, payload)
    if isinstance(found, HttpResponse):
        return found
    try:
        booking = booking_cancel(booking=found, reason="resident")
    except NotChangeable:
        return json_response(request, {"error": "not_cancellable"}, 409)
    return {"status": booking.status}


@router.post(
    "/bookings/{code}/reschedule",
    response={200: BookingOut, 404: ErrorOut, 409: SlotFullOut | ErrorOut, 422: ErrorsOut, 429: ErrorOut},
    summary="Move a booking to another slot of its service; the old seat is freed in the same transaction (R-B8, R-A7)",
)
def reschedule_booking(request: HttpRequest, code: str, payload: RescheduleIn) -> HttpResponse | dict:
    found = _find(request, code, payload)
    if isinstance(found, HttpResponse):
        return found
    slot = payload.slot()
    try:
        booking = booking_reschedule(booking=found, window=slot.window, date=slot.date, start=slot.start)
    except NotChangeable:
        return json_response(request, {"error": "not_reschedulable"}, 409)
    except (BookingRefused, SlotFull) as exc:
        return refusal_response(request, exc)
    return booking_json(booking)
