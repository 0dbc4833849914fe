"""Windows and calendars in JSON (API.md, "Windows and calendars")."""

from datetime import timedelta
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema

from portal.api import error_response, form_errors

from . import calendars
from .forms import DateRangeForm
from .models import Window

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
    window = get_object_or_404(Window.objects.with_rules(), code=code)
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
    window = get_object_or_404(Window.objects.with_rules(), code=code)
    today = timezone.localdate()
    first, last = calendars.booking_window(today)
    span, error = _parse_range(request, date_from, date_to, default_from=first, default_to=last)
    if error:
        return error
    days = calendars.window_availability(window, *span, today=today)
    return {
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
