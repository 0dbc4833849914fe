"""Windows and calendars in JSON (API.md, "Windows and calendars")."""

import datetime as dt
import gzip
import json
import re
from functools import lru_cache
from typing import Annotated, Literal

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import ValidationError
from pydantic import BeforeValidator
from pydantic import ValidationError as PydanticValidationError
from pydantic import model_validator

from portal.api_errors import Invalid
from portal.api_fields import OptionalCalendarDate, choice_of
from reservations.models import BookingMode, Service, Window
from reservations.schedule import calendars

router = Router(tags=["windows"])

WINDOW_CODE = re.compile(r"[a-z0-9_-]{1,20}")
# The schedule's default span when no end is asked (API.md).
SCHEDULE_DAYS = 30
PICKUP = Service.PICKUP
# The services' names in both languages, as the windows' (API.md "Services"; SPEC §2, §8).
SERVICE_NAMES = {
    Service.PICKUP: ("受取予約", "Card pickup"),
    Service.APPLICATION_SUPPORT: ("申請補助サービス", "Application support"),
}


def default_service(value: object) -> object:
    """A service left out (absent, null or empty) is pickup: everything of API.md before §8 means pickup."""
    return PICKUP.value if value in (None, "") else value


# ``service`` of a query or a body (API.md "Services"): pickup unless told; an unknown one is 422.
ServiceCode = Annotated[
    Literal[tuple(Service.values)],
    choice_of(Service.values),
    BeforeValidator(default_service),
    Field(description="pickup (SPEC §2, the default) or application_support (SPEC §8)"),
]


class ServiceOut(Schema):
    code: Literal[tuple(Service.values)]
    name: str
    name_en: str


class ServiceListOut(Schema):
    services: list[ServiceOut]


class WindowOut(Schema):
    code: str
    name: str
    name_en: str
    kind: Literal["ward", "cityhall"]
    ward: str | None
    phone: str
    booking: Literal[tuple(BookingMode.values)] = Field(
        description="How the window offers the service asked: required (booked in advance) or walk_in (R-A4)"
    )


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
    service: Literal[tuple(Service.values)]
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
    service: Literal[tuple(Service.values)]
    days: list[AvailabilityDayOut]


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class NotFoundOut(Schema):
    error: str


class ServiceQuery(Schema):
    """``service`` of a query (API.md "Services"): pickup when left out."""

    service: ServiceCode = PICKUP.value


class DateRange(ServiceQuery):
    """
    ``from`` and ``to`` of a calendar request (both inclusive): at most
    settings.CALENDAR_MAX_DAYS days (API.md: 93); a bound left out takes the
    endpoint's default (span()); and the service whose calendar is asked.
    """

    date_from: OptionalCalendarDate = Field(None, alias="from")
    date_to: OptionalCalendarDate = Field(None, alias="to")

    @model_validator(mode="after")
    def _at_most_the_longest_range(self) -> "DateRange":
        start, end = self.date_from, self.date_to
        if start and end and end < start:
            raise Invalid({"to": [_("The end date must not be before the start date.")]})
        if start and end and end - start >= dt.timedelta(days=settings.CALENDAR_MAX_DAYS):
            raise Invalid({"to": [_("Ask for at most %(days)d days at a time.") % {"days": settings.CALENDAR_MAX_DAYS}]})
        return self

    def span(self, default_from: dt.date, default_to: dt.date) -> tuple[dt.date, dt.date]:
        """Return (first, last): a bound left out is the default, kept within the longest range."""
        longest = dt.timedelta(days=settings.CALENDAR_MAX_DAYS - 1)
        first, last = self.date_from, self.date_to
        if first and not last:
            # Only "from": up to the usual end, at least that day, at most the longest range.
            last = min(max(default_to, first), first + longest)
        if last and not first:
            first = max(min(default_from, last), last - longest)
        return first or default_from, last or default_to


SERVICE_PARAMETER = {
    "in": "query", "name": "service", "required": False,
    "schema": {"type": "string", "enum": list(Service.values), "default": PICKUP.value},
    "description": "pickup (the default) or application_support (SPEC §8)",
}
SERVICE_QUERY = {"parameters": [SERVICE_PARAMETER]}
CALENDAR_QUERY = {
    "parameters": [
        {"in": "query", "name": name, "required": False, "schema": {"type": "string", "format": "date"},
         "description": description}
        for name, description in (
            ("from", "YYYY-MM-DD, 2000–2099; the first day asked (inclusive)"),
            ("to", "YYYY-MM-DD, 2000–2099; the last day asked (inclusive), at most 93 days after from"),
        )
    ] + [SERVICE_PARAMETER]
}


def _query_errors(exc: PydanticValidationError) -> ValidationError:
    return ValidationError([{**error, "loc": ("query", *error["loc"])} for error in exc.errors(include_url=False)])


def asked_service(request: HttpRequest) -> str:
    """Return the ``service`` of the query (pickup when left out), or raise the 422 of an unknown one."""
    try:
        return ServiceQuery.model_validate({"service": request.GET.get("service")}).service
    except PydanticValidationError as exc:
        raise _query_errors(exc) from None


def asked_dates(request: HttpRequest, code: str) -> DateRange:
    """
    Return the ``from``/``to`` and ``service`` of the query, validated by
    DateRange. An unknown window, or one that does not offer a known service
    asked, answers 404 before a bad query answers 422 (API.md), and a known
    window's cached answer still needs no query.
    """
    if not WINDOW_CODE.fullmatch(code or ""):
        raise Http404("no such window")
    asked = {name: request.GET.get(name) for name in ("from", "to", "service")}
    try:
        return DateRange.model_validate(asked)
    except PydanticValidationError as exc:
        service = default_service(asked["service"])
        get_window(code, service if service in Service.values else PICKUP)
        raise _query_errors(exc) from None


def get_window(code: str, service: str = PICKUP) -> Window:
    """
    Return the window with ``code`` (its opening rules and services
    prefetched), or raise Http404 (also for junk codes and for a window that
    does not offer ``service``).
    """
    if not WINDOW_CODE.fullmatch(code or ""):
        raise Http404("no such window")
    window = get_object_or_404(Window.objects.with_rules(), code=code)
    if window.offer(service) is None:
        raise Http404("the window does not offer this service")
    return window


@lru_cache(maxsize=2048)  # 96 quarter hours a day: formatting them once, not 1,300 times per answer
def hhmm(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def window_json(window: Window, service: str = PICKUP) -> dict:
    return {
        "code": window.code,
        "name": window.name_ja,
        "name_en": window.name_en,
        "kind": window.kind,
        "ward": window.ward or None,
        "phone": window.phone,
        "booking": window.offer(service).booking,
    }


def schedule_json(window: Window, days: list, service: str = PICKUP) -> dict:
    return {
        "window": window.code,
        "service": str(service),
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


def availability_json(window: Window, days: list, service: str = PICKUP) -> dict:
    """AvailabilityOut's shape, built by hand: validating 800 slots through pydantic would triple a cache miss."""
    return {
        "window": window.code,
        "service": str(service),
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


@router.get("/services", response=ServiceListOut, tags=["services"], summary="The services booked here (SPEC §2, §8)")
def list_services(request: HttpRequest) -> dict:
    return {"services": [{"code": str(code), "name": ja, "name_en": en} for code, (ja, en) in SERVICE_NAMES.items()]}


@router.get(
    "/windows",
    response={200: WindowListOut, 422: ErrorsOut},
    summary="The windows that offer a service, pickup unless told (R-W1, R-A2, R-A4)",
    openapi_extra=SERVICE_QUERY,
)
def list_windows(request: HttpRequest) -> dict:
    service = asked_service(request)
    # The services only (their opening rules are not shown): two queries.
    windows = Window.objects.filter(offers__service=service).prefetch_related("offers")
    return {"windows": [window_json(window, service) for window in windows]}


@router.get(
    "/windows/{code}/schedule",
    response={200: ScheduleOut, 404: NotFoundOut, 422: ErrorsOut},
    summary="A window's opening calendar of a service (R-W2 … R-W7, R-A3); from defaults to today, to to 30 days on",
    openapi_extra=CALENDAR_QUERY,
)
def window_schedule(request: HttpRequest, code: str) -> dict:
    dates = asked_dates(request, code)
    window = get_window(code, dates.service)
    today = timezone.localdate()
    first, last = dates.span(today, today + dt.timedelta(days=SCHEDULE_DAYS))
    return schedule_json(window, calendars.window_schedule(window, first, last, dates.service), dates.service)


@router.get(
    "/windows/{code}/availability",
    response={200: AvailabilityOut, 404: NotFoundOut, 422: ErrorsOut},
    summary="Seats left per slot of a service (R-B2, R-B6, R-A4); from defaults to the first bookable day "
            "(pickup: tomorrow; application support: today), to to today + horizon",
    openapi_extra=CALENDAR_QUERY,
)
def window_availability(request: HttpRequest, code: str) -> HttpResponse:
    dates = asked_dates(request, code)
    if dates.service != PICKUP:
        return _service_availability(request, code, dates)
    today = timezone.localdate()
    # The launch-morning hot path: the answer as sent, from the shared cache
    # (invalidated by every booking and calendar change; docs/scaling.md).
    # Only 200 answers are kept, so unknown windows and bad ranges never hit.
    asked = (str(dates.date_from), str(dates.date_to))
    cacheable = WINDOW_CODE.fullmatch(code or "")
    cached, ticket = calendars.cache_lookup(code, "json", today.isoformat(), *asked) if cacheable else (None, None)
    if cached is not None:
        return _compressed_json(request, cached)
    window = get_window(code)
    first, last = dates.span(*calendars.booking_window(today))
    days = calendars.window_availability(window, first, last, today=today)
    return _kept_and_sent(request, ticket, availability_json(window, days))


def _service_availability(request: HttpRequest, code: str, dates: DateRange) -> HttpResponse:
    """
    The availability of a service other than pickup, on its own terms at the
    window (R-A4: from today, slots sooner than the lead in minutes with no
    seats; a walk-in window answers "walk_in"). The cache entry is keyed by
    the minute of the earliest bookable start as well.
    """
    window = get_window(code, dates.service)
    now = timezone.now()
    today = timezone.localdate(now)
    earliest = calendars.earliest_start(window, dates.service, now)
    # calendars.earliest_start is a whole minute: one key per minute, as the booking's check sees it.
    asked = (str(dates.date_from), str(dates.date_to), dates.service, earliest.isoformat(timespec="minutes") if earliest else "")
    cached, ticket = calendars.cache_lookup(code, "json", today.isoformat(), *asked)
    if cached is not None:
        return _compressed_json(request, cached)
    first, last = dates.span(*calendars.booking_window(today, window, dates.service))
    days = calendars.window_availability(window, first, last, today=today, service=dates.service, now=now)
    return _kept_and_sent(request, ticket, availability_json(window, days, dates.service))


def _kept_and_sent(request: HttpRequest, ticket: tuple | None, body: dict) -> HttpResponse:
    """Compress ``body``, keep it in the shared cache under ``ticket`` and answer it."""
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    packed = gzip.compress(content, compresslevel=6)
    calendars.cache_store(ticket, packed)
    return _compressed_json(request, packed)


def _accepts_gzip(header: str) -> bool:
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


def _compressed_json(request: HttpRequest, packed: bytes) -> HttpResponse:
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
