"""
What the staff lists show per service (R-S1, R-A7): the services a page
shows (a filter, both by default), the day list's slot grid of each service,
the rows of the CSV export and the figures of a month, each per service and
in total. Reads only; the views render them.
"""

import datetime as dt
from collections.abc import Iterable, Mapping

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from reservations import rules
from reservations.counter import access
from reservations.models import Attendance, Booking, BookingEvent, BookingPerson, Service, Window
from reservations.rules.lifecycle import figures_by_service, service_status_label
from reservations.schedule import calendars

# The query parameter of the service filter; absent or empty: every service of the window.
SERVICE_PARAM = "service"


def shown_services(request: HttpRequest, window: Window) -> list[str]:
    """
    Return the services a staff page of ``window`` shows: the one asked for
    (``?service=…``) if the window offers it, else every service it offers,
    pickup first (R-A7: per service, both by default).
    """
    offered = {offer.service for offer in window.offers.all()}
    asked = request.GET.get(SERVICE_PARAM, "")
    if asked in offered:
        return [asked]
    return [service for service in Service.values if service in offered]


def service_query(request: HttpRequest, window: Window) -> str:
    """Return "&service=…" to keep the filter on the page's links, "" when every service shows."""
    services = shown_services(request, window)
    return f"&{SERVICE_PARAM}={services[0]}" if len(services) == 1 and len(window.offers.all()) > 1 else ""


def filter_query(request: HttpRequest) -> str:
    """Return "&slots=…&status=…" to keep the day list's filters on its links ("" for the defaults)."""
    kept = {}
    if request.GET.get("slots") == "all":
        kept["slots"] = "all"
    if request.GET.get("status") in Booking.Status.values:
        kept["status"] = request.GET["status"]
    return "".join(f"&{name}={value}" for name, value in kept.items())


def filter_choices(window: Window) -> list[tuple[str, str]]:
    """Return the filter's choices at ``window``: every service, then each service it offers."""
    offered = {offer.service for offer in window.offers.all()}
    return [("", _("Both services")), *((value, label) for value, label in Service.choices if value in offered)]


def day_bookings(window: Window, day: dt.date, services: Iterable[str]) -> list[Booking]:
    """Return the bookings of ``services`` at ``window`` on ``day`` with their people (two queries)."""
    return list(
        Booking.objects.filter(window=window, date=day, service__in=list(services))
        .select_related("made_by")
        .prefetch_related(Prefetch("people", queryset=BookingPerson.objects.order_by("position")))
        .order_by("start", "service", "created_at")
    )


def _slot_rows(slots: Iterable[rules.Slot], bookings: list[Booking]) -> list[dict]:
    """Return the rows of a slot grid: each slot with its bookings, then bookings whose slot is gone (at their time)."""
    by_start: dict[dt.time, list[Booking]] = {}
    for booking in bookings:
        by_start.setdefault(booking.start, []).append(booking)
    rows = [{"start": slot.start, "end": slot.end, "bookings": by_start.pop(slot.start, [])} for slot in slots]
    # Bookings whose slot no longer exists (closed, affected, walk-in) still show, at their time.
    for start, left in sorted(by_start.items()):
        rows.append({"start": start, "end": left[0].end, "bookings": left, "orphan": True})
    rows.sort(key=lambda row: row["start"])
    return rows


def day_section(window: Window, day: dt.date, service: str, bookings: list[Booking]) -> dict:
    """
    Return the day list of one service at ``window``: its slot grid (pickup
    15 minutes, application support 30), seats per slot
    (calendars.capacity_on) and counts. A walk-in service has no slots and
    no seats (R-A4); bookings made before the switch still show.
    """
    offer = window.offer(service)
    schedule = None if offer.walk_in else calendars.window_schedule(window, day, day, service)[0]
    slots = list(schedule.slots) if schedule else []
    capacity = calendars.capacity_on(window, day, service=service) if schedule else 0
    mine = [booking for booking in bookings if booking.service == service]
    return {
        "service": service, "label": Service(service).label, "walk_in": offer.walk_in,
        "rows": _slot_rows(slots, mine), "capacity": capacity, "schedule": schedule,
        "counts": rules.day_counts([(b.status, b.party_size) for b in mine], capacity * len(slots)),
        "closed_reason": rules.closed_reason_label(schedule.reason) if schedule and schedule.reason else "",
        "done_label": service_status_label("issued", service) or Booking.Status.ISSUED.label,
    }


def day_sections(window: Window, day: dt.date, services: list[str]) -> tuple[list[dict], dict[str, int], list[Booking]]:
    """Return the day list of each of ``services``, the counts of all of them together, and the bookings."""
    bookings = day_bookings(window, day, services)
    sections = [day_section(window, day, service, bookings) for service in services]
    seats = sum(section["capacity"] * sum(1 for row in section["rows"] if not row.get("orphan")) for section in sections)
    total = rules.day_counts([(b.status, b.party_size) for b in bookings], seats)
    return sections, total, bookings


def filter_rows(sections: list[dict], *, booked_only: bool, status: str) -> None:
    """
    Give each section its ``shown`` rows: the bookings of ``status`` ("": every
    status) in each slot, and only the slots that still have a booking when
    ``booked_only`` or a status is asked for. The full grid stays in ``rows``.
    """
    for section in sections:
        shown = []
        for row in section["rows"]:
            bookings = [b for b in row["bookings"] if not status or b.status == status]
            if bookings or not (booked_only or status):
                shown.append({**row, "bookings": bookings})
        section["shown"] = shown


def last_events(bookings: list[Booking]) -> dict[int, BookingEvent]:
    """Return the latest audit-trail row of each of ``bookings`` (one query)."""
    latest: dict[int, BookingEvent] = {}
    events = BookingEvent.objects.filter(booking__in=[b.pk for b in bookings]).only("booking_id", "action", "at")
    for event in events.order_by("at", "pk"):
        latest[event.booking_id] = event
    return latest


def counter_steps(
    user: AbstractBaseUser | AnonymousUser, booking: Booking, last: BookingEvent | None, now: dt.datetime
) -> tuple[list[tuple[str, str]], str]:
    """
    Return the one-click routine steps ``user`` may take on ``booking`` now
    (action, words), and the words of the step an undo would take back ("" when
    none): the rules decide what the state allows, ``access.can`` who may act.
    """
    today = timezone.localdate(now)
    slot_end = timezone.make_aware(dt.datetime.combine(booking.date, booking.end))
    steps = [
        (action, rules.action_label(action, booking.service)) for action in rules.ROUTINE_ACTIONS
        if access.can(user, booking, action)
        and not rules.transition_problem(action, booking.status, booking_date=booking.date, today=today,
                                         slot_end=slot_end, now=now)
    ]
    undoable = last is not None and not rules.undo_problem(
        last.action, booking.status, done_on=timezone.localdate(last.at), today=today
    ) and access.can(user, booking, last.action)
    return steps, rules.action_label(last.action, booking.service) if undoable else ""


def attach_counter_steps(user: AbstractBaseUser | AnonymousUser, bookings: list[Booking], now: dt.datetime) -> None:
    """Give each of ``bookings`` its ``steps`` and ``undo_label`` (counter_steps) for the day list rows."""
    latest = last_events(bookings)
    for booking in bookings:
        booking.steps, booking.undo_label = counter_steps(user, booking, latest.get(booking.pk), now)


def csv_header() -> list[str]:
    """The CSV columns: the service sits before who comes (which depends on it)."""
    return [_("Time"), _("Reservation code"), _("Name"), _("Kana"), _("Party size"), _("Service"),
            _("Who comes"), _("Contact"), _("Status"), _("Booked by"), _("Proxy reason"), _("Proxy's name"),
            _("Proxy's phone")]


def csv_row(booking: Booking) -> list[object]:
    """One booking as a CSV row (values as they are; the view neutralises formulas)."""
    people = list(booking.people.all())
    return [
        booking.start.strftime("%H:%M"),
        booking.display_code,
        " / ".join(p.name for p in people),
        " / ".join(p.kana for p in people),
        booking.party_size,
        booking.get_service_display(),
        Attendance(booking.attendance).label,
        _("yes") if (booking.email or booking.phone) else _("no"),
        service_status_label(booking.status, booking.service) or booking.get_status_display(),
        booking.made_by.get_username() if booking.made_by else _("online"),
        # Issue #15: appended, so the columns before keep their places.
        booking.proxy_reason_label,
        booking.proxy_name,
        booking.proxy_phone,
    ]


def _seats_offered(window: Window, service: str, first: dt.date, last: dt.date) -> int:
    """Return the seats ``service`` offered at ``window`` from ``first`` to ``last`` (none when walk-in)."""
    if window.offer(service).walk_in:
        return 0
    overrides = calendars.capacity_overrides(window, first, last, service)
    return sum(
        calendars.capacity_on(window, day.date, overrides, service=service) * len(day.slots)
        for day in calendars.window_schedule(window, first, last, service)
    )


def month_figures(
    window: Window, services: list[str], first: dt.date, last: dt.date
) -> tuple[list[dict], Mapping[str, int | float]]:
    """Return the month's figures of each of ``services`` at ``window`` (label, figures) and of all together."""
    rows = Booking.objects.filter(window=window, date__range=(first, last), service__in=services)
    pairs: dict[str, list[tuple[str, int]]] = {service: [] for service in services}
    for service, status, party in rows.values_list("service", "status", "party_size"):
        pairs[service].append((status, party))
    each, total = figures_by_service(
        {service: (_seats_offered(window, service, first, last), pairs[service]) for service in services}
    )
    return [
        {"service": service, "label": Service(service).label, "figures": each[service],
         "done_label": _("Applications done") if service == Service.APPLICATION_SUPPORT else _("Cards issued")}
        for service in services
    ], total
