"""Windows and calendars in JSON (API.md, "Windows and calendars")."""

import gzip
import json
import re
from datetime import timedelta
from functools import lru_cache
from typing import Literal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from portal.api import error_response, form_errors, json_body
from reservations.booking.forms import DateRangeForm
from reservations.models import Window
from reservations.schedule import calendars

router = Router(tags=["windows"])


class WindowOut(Schema):
    code: str
    name: str
    name_en: str
    kind: Literal["ward", "cityhall"]
    ward: str | None
    phone: str


class WindowListOut(Schema):
    windows: list[WindowOut]


class ScheduleDayOut(Schema):
    date: str
    open: bool
    opens_at: str | None
    closes_at: str | None
    reason: str | None


class ScheduleOut(Schema):
    window: str
    days: list[ScheduleDayOut]


class SlotOut(Schema):
    start: str
    end: str
    capacity: int
    remaining: int


class AvailabilityDayOut(Schema):
    date: str
    bookable: bool
    reason: str | None
    slots: list[SlotOut]


class AvailabilityOut(Schema):
    window: str
    days: list[AvailabilityDayOut]


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class NotFoundOut(Schema):
    error: str



WINDOW_CODE = re.compile(r"[a-z0-9_-]{1,20}")
DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def get_window(code):
    """Return the window with ``code`` (its opening rules prefetched), or raise Http404 (also for junk codes)."""
    from django.http import Http404

    if not WINDOW_CODE.fullmatch(code or ""):
        raise Http404("no such window")
    return get_object_or_404(Window.objects.with_rules(), code=code)


@lru_cache(maxsize=2048)  # 96 quarter hours a day: formatting them once, not 1,300 times per answer
def hhmm(value):
    return value.strftime("%H:%M") if value is not None else None


def window_json(window):
    return {
        "code": window.code,
        "name": window.name_ja,
        "name_en": window.name_en,
        "kind": window.kind,
        "ward": window.ward or None,
        "phone": window.phone,
    }


def _parse_range(request, date_from, date_to, *, default_from, default_to):
    form = DateRangeForm({"from": date_from, "to": date_to}, default_from=default_from, default_to=default_to)
    if not form.is_valid():
        return None, error_response(request, form_errors(form))
    return form.range, None


@router.get("/windows", response=WindowListOut, summary="The nine pickup windows (R-W1)")
def list_windows(request):
    return {"windows": [window_json(window) for window in Window.objects.all()]}


@router.get(
    "/windows/{code}/schedule",
    response={200: ScheduleOut, 404: NotFoundOut, 422: ErrorsOut},
    summary="A window's opening calendar (R-W2 … R-W7)",
)
def window_schedule(
    request,
    code: str,
    date_from: str | None = Query(None, alias="from", description="YYYY-MM-DD, default today"),
    date_to: str | None = Query(None, alias="to", description="YYYY-MM-DD inclusive, at most 93 days"),
):
    window = get_window(code)
    today = timezone.localdate()
    span, error = _parse_range(
        request, date_from, date_to, default_from=today, default_to=today + timedelta(days=30)
    )
    if error:
        return error
    days = calendars.window_schedule(window, *span)
    return {
        "window": window.code,
        "days": [
            {
                "date": day.date.isoformat(),
                "open": day.open,
                "opens_at": hhmm(day.opens_at),
                "closes_at": hhmm(day.closes_at),
                "reason": str(day.reason) if day.reason else None,
            }
            for day in days
        ],
    }


@router.get(
    "/windows/{code}/availability",
    response={200: AvailabilityOut, 404: NotFoundOut, 422: ErrorsOut},
    summary="Seats left per slot (R-B2, R-B6)",
)
def window_availability(
    request,
    code: str,
    date_from: str | None = Query(None, alias="from", description="YYYY-MM-DD, default tomorrow"),
    date_to: str | None = Query(None, alias="to", description="YYYY-MM-DD inclusive, default today + horizon"),
):
    today = timezone.localdate()
    # The launch-morning hot path: the answer as sent, from the shared cache
    # (invalidated by every booking and calendar change; docs/scaling.md).
    # Only 200 answers are kept, so unknown windows and bad ranges never hit.
    cacheable = WINDOW_CODE.fullmatch(code or "") and all(
        value is None or DATE_TEXT.fullmatch(value) for value in (date_from, date_to)
    )
    cached, ticket = (
        calendars.cache_lookup(code, "json", today.isoformat(), str(date_from), str(date_to))
        if cacheable
        else (None, None)
    )
    if cached is not None:
        return _compressed_json(request, cached)
    window = get_window(code)
    first, last = calendars.booking_window(today)
    span, error = _parse_range(request, date_from, date_to, default_from=first, default_to=last)
    if error:
        return error
    days = calendars.window_availability(window, *span, today=today)
    body = {
        "window": window.code,
        "days": [
            {
                "date": day.date.isoformat(),
                "bookable": day.bookable,
                "reason": str(day.reason) if day.reason else None,
                "slots": [
                    {"start": hhmm(s.start), "end": hhmm(s.end), "capacity": s.capacity, "remaining": s.remaining}
                    for s in day.slots
                ],
            }
            for day in days
        ],
    }
    # Built to AvailabilityOut's shape by hand (the schema tests check it): validating
    # 800 slots through pydantic would triple the cost of a cache miss.
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    packed = gzip.compress(content, compresslevel=6)
    calendars.cache_store(ticket, packed)
    return _compressed_json(request, packed)


def _accepts_gzip(header):
    """Whether an Accept-Encoding header lists gzip with a quality above 0."""
    for part in header.split(","):
        name, _sep, params = part.partition(";")
        if name.strip().lower() == "gzip":
            quality = params.strip().lower()
            if quality.startswith("q="):
                try:
                    return float(quality[2:]) > 0
                except ValueError:
                    return False
            return True
    return False


def _compressed_json(request, packed):
    """
    Answer gzip-compressed JSON as it is kept (a 40 KB month of slots is under
    1 KB compressed: less to move out of Redis and over the network), or
    decompressed for a client that does not accept gzip.
    """
    if _accepts_gzip(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(packed, content_type="application/json; charset=utf-8")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(packed), content_type="application/json; charset=utf-8")
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


# --- Bookings (API.md, "Bookings") ------------------------------------------


class PersonIn(Schema):
    notice_number: str | None = None
    name: str | None = None
    kana: str | None = None
    birth_date: str | None = None


class BookingIn(Schema):
    window: str | None = None
    date: str | None = None
    start: str | None = None
    ward: str | None = None
    attendance: str | None = None
    proxy_reason: int | None = None
    email: str | None = None
    phone: str | None = None
    language: str | None = None
    people: list[PersonIn] | None = None


class BookingOut(Schema):
    code: str
    status: str
    window: str
    date: str
    start: str
    end: str
    party_size: int


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


class LookupIn(Schema):
    code: str | None = None
    birth_date: str | None = None


class CancelIn(Schema):
    birth_date: str | None = None


class RescheduleIn(Schema):
    birth_date: str | None = None
    window: str | None = None
    date: str | None = None
    start: str | None = None


class StatusOut(Schema):
    status: str


class ErrorOut(Schema):
    error: str


def booking_json(booking):
    return {
        "code": booking.display_code,
        "status": booking.status,
        "window": booking.window.code,
        "date": booking.date.isoformat(),
        "start": hhmm(booking.start),
        "end": hhmm(booking.end),
        "party_size": booking.party_size,
    }


def booking_detail_json(booking):
    body = booking_json(booking)
    people = list(booking.people.all())
    body["people"] = [{"name": p.name, "kana": p.kana, "birth_date": p.birth_date.isoformat()} for p in people]
    body["checklist"] = [{"code": item.code, "label": item.label, "note": item.note} for item in booking.checklist(people)]
    return body


def slot_full_response(request, exc):
    return api_response(
        request,
        {
            "error": "slot_full",
            "alternatives": [
                {"window": window.code, "date": day.isoformat(), "start": hhmm(slot.start)}
                for window, day, slot in exc.alternatives
            ],
        },
        status=409,
    )


def api_response(request, body, status):
    from portal.api import api

    return api.create_response(request, body, status=status)


@router.post(
    "/bookings",
    response={201: BookingOut, 409: SlotFullOut, 422: ErrorsOut, 429: ErrorOut},
    summary="Book a pickup slot (R-B2 … R-B7); 429 past the attempts allowed per client address",
)
def create_booking(request, payload: BookingIn):
    from portal import ratelimit
    from reservations.booking.forms import parse_booking_payload
    from reservations.booking.services import BookingRefused, SlotFull, booking_create

    if not ratelimit.take(request, ratelimit.BOOKING):
        return api_response(request, {"error": "too_many_requests"}, status=429)
    data, errors = parse_booking_payload(json_body(request))
    if errors:
        return error_response(request, errors)
    try:
        booking = booking_create(data=data)
    except BookingRefused as exc:
        return error_response(request, {k: [str(m) for m in v] for k, v in exc.errors.items()})
    except SlotFull as exc:
        return slot_full_response(request, exc)
    return api_response(request, booking_json(booking), status=201)


def _find_or_fail(request, code, birth_date_text):
    """Return (booking, None) or (None, response): 429 past the limit, 422 bad date, 404 no match."""
    from portal import ratelimit
    from reservations.booking.services import find_booking

    if ratelimit.is_blocked(request):
        return None, api_response(request, {"error": "too_many_requests"}, status=429)
    birth_date = _parse_date(birth_date_text)
    if birth_date is None:
        return None, error_response(request, {"birth_date": [str(_("Enter a valid date in the form YYYY-MM-DD."))]})
    booking = find_booking(code, birth_date)
    if booking is None:
        ratelimit.record_failure(request)
        return None, api_response(request, {"error": "not_found"}, status=404)
    return booking, None


def _parse_date(value):
    import datetime as dt

    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


@router.post(
    "/bookings/lookup",
    response={200: BookingDetailOut, 404: ErrorOut, 422: ErrorsOut, 429: ErrorOut},
    summary="Look a booking up by its code and the first person's date of birth (R-B8)",
)
def lookup_booking(request, payload: LookupIn):
    raw = json_body(request)
    if not isinstance(raw, dict):
        return error_response(request, {"__all__": [str(_("Send a JSON object."))]})
    code = raw.get("code")
    if not isinstance(code, str) or not code.strip():
        errors = {"code": [str(_("Enter the reservation code."))]}
        if not isinstance(raw.get("birth_date"), str):
            errors["birth_date"] = [str(_("Enter a valid date in the form YYYY-MM-DD."))]
        return error_response(request, errors)
    booking, failure = _find_or_fail(request, code, raw.get("birth_date"))
    if failure:
        return failure
    return booking_detail_json(booking)


@router.post(
    "/bookings/{code}/cancel",
    response={200: StatusOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorsOut, 429: ErrorOut},
    summary="Cancel a booking (R-B8)",
)
def cancel_booking(request, code: str, payload: CancelIn):
    from reservations.booking.services import NotChangeable, booking_cancel

    raw = json_body(request)
    booking, failure = _find_or_fail(request, code, raw.get("birth_date") if isinstance(raw, dict) else None)
    if failure:
        return failure
    try:
        booking = booking_cancel(booking=booking, reason="resident")
    except NotChangeable:
        return api_response(request, {"error": "not_cancellable"}, status=409)
    return {"status": booking.status}


@router.post(
    "/bookings/{code}/reschedule",
    response={200: BookingOut, 404: ErrorOut, 409: SlotFullOut | ErrorOut, 422: ErrorsOut, 429: ErrorOut},
    summary="Move a booking to another slot; the old seat is freed in the same transaction (R-B8)",
)
def reschedule_booking(request, code: str, payload: RescheduleIn):
    from reservations.booking.forms import parse_slot_choice
    from reservations.booking.services import BookingRefused, NotChangeable, SlotFull, booking_reschedule

    raw = json_body(request)
    raw = raw if isinstance(raw, dict) else {}
    booking, failure = _find_or_fail(request, code, raw.get("birth_date"))
    if failure:
        return failure
    choice, errors = parse_slot_choice(raw)
    if errors:
        return error_response(request, errors)
    try:
        booking = booking_reschedule(booking=booking, **choice)
    except NotChangeable:
        return api_response(request, {"error": "not_reschedulable"}, status=409)
    except BookingRefused as exc:
        return error_response(request, {k: [str(m) for m in v] for k, v in exc.errors.items()})
    except SlotFull as exc:
        return slot_full_response(request, exc)
    return booking_json(booking)
