"""
The resident's booking path (R-B1 … R-B8), server-rendered, one step a page:
start → window → calendar → details → review → confirmation; and manage
(look up, move, cancel). Every step posts and redirects; the choices made so
far live in the session, never in the URL (no personal data in URLs).
"""

import datetime as dt
import secrets
from dataclasses import replace
from functools import lru_cache

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from eligibility.rules import proxy_reason_titles
from portal import dates, ratelimit
from portal.api_errors import Invalid
from reservations import rules
from reservations.booking import earliest, fragments
from reservations.booking.forms import ContactForm, LookupForm, PersonPageForm, StartForm, proxy_age_errors
from reservations.booking.limits import TooManyBookings, client_key
from reservations.booking.request import (
    DETAILS,
    SLOT,
    START,
    BookingData,
    SlotChoice,
    store_details,
    store_slot,
    store_start,
)
from reservations.booking.services import (
    NOTICE_NUMBER_REPEATED,
    BookingRefused,
    NotChangeable,
    SlotFull,
    alternatives_for,
    booking_cancel,
    booking_create,
    booking_reschedule,
    find_booking,
    problem_message,
    window_problem,
)
from reservations.messaging import ical
from reservations.messaging.outbox import dates_in_words
from reservations.models import Attendance, Booking, BookingPerson, Message, Service, Window
from reservations.schedule import calendars, snapshots

TOKEN = "booking_token"
DONE = "booking_done"
MANAGED = "booking_managed"


def _start(request: HttpRequest) -> dict | None:
    return request.session.get(START)


def _service(started: dict) -> str:
    """The service of the steps so far (a session from before services: pickup)."""
    return started.get("service") or Service.PICKUP


def _slot_from_url(window: Window, date_text: str, start_text: str) -> SlotChoice:
    """The slot of a details page address (``…/2026-12-01/0900/``), or 404."""
    day, start = dates.parse_calendar_date(date_text), dates.parse_time(start_text)
    if day is None or start is None:
        raise Http404("no such slot")
    return SlotChoice(window=window, date=day, start=start)


def _window_or_404(code: str) -> Window:
    """The window ``code`` with its rules and services, from the shared cache when it can (issue #17), or 404."""
    window = snapshots.window(code)
    if window is None:
        raise Http404("no such window")
    return window


def _calendar_context(window, party_size, today, chosen_text=None, window_param="", service=Service.PICKUP):
    """
    Return the booking calendar of ``service`` at ``window`` over the
    horizon, and the times of the chosen day (``?date=``) that hold the
    whole party; for application support today's later times too (R-A4).
    """
    now = timezone.now()
    # Pickup's horizon as it always was; another service's from its terms at the window (R-A4).
    first, last = calendars.booking_window(today, *((window, service) if service != Service.PICKUP else ()))
    chosen = dates.parse_calendar_date(chosen_text)
    in_range = chosen if chosen and first <= chosen <= last else None
    # Each day's state comes from its own entry of the shared cache (a booking
    # makes its one day stale); the month tables are built in Python from
    # those states, and kept in this process under them (issue #17).
    days = calendars.cached_days(window, first, last, today=today, summary=earliest.day_state, service=service, now=now)
    cells = {day: _cell_state(state, party_size) for day, (state, _packed) in days.items()}
    context = {
        "first": first,
        "last": last,
        "chosen": chosen,
        # The booking calendar (not a move's) invites to the waiting list when no day is free (R-L1).
        "waitlist_window": None if window_param else window,
        "no_free_day": not any(free for free, _few, _full in cells.values()),
        "month_tables": mark_safe(fragments.month_tables(cells, first, last, in_range, window_param)),
    }
    context["calendar_html"] = render_to_string("reservations/_booking_calendar.html", context)
    day = calendars.unpack(days[in_range][1]) if in_range else None
    context.update(
        chosen_day=day,
        chosen_reason=rules.closed_reason_label(day.reason) if day and day.reason else "",
        slots=rules.slots_for_party(day, party_size) if day else [],
    )
    return context


def _slots_html(context: dict, link) -> str:
    """The section of the chosen day's times (fragments.slot_list), each leading to ``link(slot)``."""
    return mark_safe(fragments.slot_list(context["chosen"], context["slots"], context["chosen_reason"], link))


def _cell_state(state: tuple, party_size: int) -> tuple[bool, bool, bool]:
    """(free, few left, fully booked) of a day's cell for a party of ``party_size``."""
    free, few, full = state
    party_free = free[party_size - 1] if 0 < party_size <= len(free) else False
    return party_free, party_free and few, full


# --- 1. Start -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def start(request):
    """Step 1 of a card pickup (R-B4); the page offers application support too."""
    return _start_page(request, Service.PICKUP)


@require_http_methods(["GET", "POST"])
def support_start(request):
    """Step 1 of application support (R-A5): no notice number, no proxy."""
    return _start_page(request, Service.APPLICATION_SUPPORT)


def _start_page(request: HttpRequest, service: str) -> HttpResponse:
    if request.method == "POST":
        form = StartForm(request.POST, service=service)
        if form.is_valid():
            store_start(request.session, form)
            request.session.pop(DONE, None)  # a new booking begins
            return redirect("reservations:book_window")
    else:
        started = _start(request)
        form = StartForm(initial=started if started and _service(started) == service else {"party_size": "1"},
                         service=service)
    context = {"form": form, "step": 1, "just_booked": bool(request.session.get(DONE)), "service": service}
    return render(request, "reservations/book_start.html", context)


# --- 2. Window -------------------------------------------------------------------


def choose_window(request):
    started = _start(request)
    if not started:
        return redirect("reservations:book_start")
    service = _service(started)
    windows = _windows_with_hours(snapshots.serving(started["ward"], service), service)
    found = earliest.earliest_slots(windows, started["party_size"], service)
    for window in windows:
        window.earliest = found.get(window.pk)
    context = {"windows": windows, "started": started, "step": 2, "service": service,
               "first_anywhere": earliest.first_anywhere(found)}
    return render(request, "reservations/book_window.html", context)


def _windows_with_hours(windows, service: str) -> list[Window]:
    """The windows with their hours of ``service`` and whether they take it without bookings (R-A4)."""
    windows = list(windows)
    language = get_language()
    for window in windows:
        window.hours_lines = _hours_lines(window.calendar(service), language)
        window.walk_in = window.offer(service).walk_in
    return windows


@lru_cache(maxsize=256)
def _hours_lines(calendar: rules.WindowCalendar, language: str | None) -> tuple[str, ...]:
    """rules.describe_hours of ``calendar`` in ``language``, once per process (a pure function of the two; issue #17)."""
    return tuple(rules.describe_hours(calendar))


# --- 3. Calendar and slots -------------------------------------------------------


def choose_slot(request, code):
    started = _start(request)
    if not started:
        return redirect("reservations:book_start")
    window, service = _window_or_404(code), _service(started)
    problem = window_problem(window, started["ward"], service)
    if problem:
        messages.error(request, _window_message(problem))
        return redirect("reservations:book_window")
    context = _calendar_context(window, started["party_size"], timezone.localdate(), request.GET.get("date"),
                                service=service)
    slot_url = reverse("reservations:book_details", args=[window.code, "DATE", "HHMM"])
    context.update(
        {
            "window": window,
            "started": started,
            "step": 3,
            "service": service,
            "slot_url": slot_url,
            "slots_html": _slots_html(context, _details_link(slot_url, context["chosen"])),
        }
    )
    return render(request, "reservations/book_calendar.html", context)


def _details_link(slot_url: str, day: dt.date | None):
    """The details page of each time of ``day``, from the page's ``slot_url`` (…/DATE/HHMM/)."""
    base = slot_url.removesuffix("DATE/HHMM/")
    return lambda slot: escape(f"{base}{day.isoformat()}/{slot.start.strftime('%H%M')}/")


def _window_message(problem: str) -> str:
    """Why the calendar of a window is not shown (R-W4, R-A2, R-A4)."""
    if problem == "ward_not_served":
        return _("This window does not serve your ward. Choose one of these windows.")
    return problem_message(problem)


# --- 4. Details -------------------------------------------------------------------


def _person_forms(party_size: int, data: dict | None = None, service: str = Service.PICKUP) -> list[PersonPageForm]:
    return [PersonPageForm(data, prefix=f"p{index}", service=service) for index in range(party_size)]


def _details_valid(people: list[PersonPageForm], contact: ContactForm, started: dict, day: dt.date) -> bool:
    """
    Whether the people and contact forms are valid; the second use of a number
    is an error on its own field (R-B4), and a proxy reason bound to an age
    (cases 4 and 6, R-E5) that the people do not fit on ``day`` is said at
    their dates of birth, before the review.
    """
    if not (all(form.is_valid() for form in people) and contact.is_valid()):
        return False
    if _service(started) == Service.PICKUP:
        for position in rules.repeated_positions([form.cleaned_data["notice_number"] for form in people]):
            people[position].add_error("notice_number", NOTICE_NUMBER_REPEATED)
    birth_dates = [form.cleaned_data["birth_date"] for form in people if form.is_valid()]
    if _service(started) != Service.PICKUP and rules.attendance_problem(started["attendance"], birth_dates, day):
        people[0].add_error(None, NEEDS_LEGAL_REPRESENTATIVE)  # R-A5: under-15s come with their representative
    for message in proxy_age_errors(started.get("attendance"), started.get("proxy_reason"), birth_dates, day).get(
        "proxy_reason", []
    ):
        people[0].add_error(None, message)
    return all(form.is_valid() for form in people)


NEEDS_LEGAL_REPRESENTATIVE = gettext_lazy(
    "Children under 15 come with their legal representative: go back to the first step and choose “The applicant with a legal representative”."
)


def _details_initial(session, party_size: int, service: str = Service.PICKUP) -> tuple[list[PersonPageForm], ContactForm]:
    """The forms of the details page, filled with what the session keeps."""
    previous = session.get(DETAILS) or {}
    stored = previous.get("people", [])
    people = []
    for index in range(party_size):
        initial = {}
        if index < len(stored):
            person = stored[index]
            born = dt.date.fromisoformat(person["birth_date"])
            initial = {
                "notice_number": person["notice_number"], "name": person["name"], "kana": person["kana"],
                "birth_year": born.year, "birth_month": born.month, "birth_day": born.day,
            }
        people.append(PersonPageForm(prefix=f"p{index}", initial=initial, service=service))
    return people, ContactForm(initial={"email": previous.get("email", ""), "phone": previous.get("phone", "")})


@require_http_methods(["GET", "POST"])
def details(request: HttpRequest, code: str, date: str, start: str) -> HttpResponse:
    started = _start(request)
    if not started:
        return redirect("reservations:book_start")
    if request.method == "GET" and _finished(request):
        return redirect("reservations:book_done")
    slot = _slot_from_url(_window_or_404(code), date, start)
    service = _service(started)
    if request.method == "POST":
        people, contact = _person_forms(started["party_size"], request.POST, service), ContactForm(request.POST)
        if _details_valid(people, contact, started, slot.date):
            # The slot is kept with the details checked for its day (R-E5), never on a GET:
            # the form changes nothing and writes no session (issue #17).
            store_slot(request.session, slot)
            store_details(request.session, people, contact)
            request.session[TOKEN] = secrets.token_urlsafe(24)
            return redirect("reservations:book_review")
    else:
        people, contact = _details_initial(request.session, started["party_size"], service)
    return render(
        request,
        "reservations/book_details.html",
        {"window": slot.window, "day": slot.date, "start": slot.start, "people": people, "contact": contact,
         "step": 4, "started": started, "service": service},
    )


# --- 5. Review and confirm --------------------------------------------------------


def _finished(request: HttpRequest) -> bool:
    """
    Whether the session's booking path has ended in a booking: the Back
    button then shows the confirmation again, not an emptied step.
    """
    return bool(request.session.get(DONE)) and not request.session.get(DETAILS)


def _booking_data(request: HttpRequest) -> BookingData | None:
    return BookingData.from_session(request.session, (get_language() or "ja")[:2])


@require_http_methods(["GET", "POST"])
def review(request: HttpRequest) -> HttpResponse:
    data = _booking_data(request)
    if data is None:
        # Back from the confirmation, or a repeated submit: the booking is made.
        return redirect("reservations:book_done" if request.session.get(DONE) else "reservations:book_start")
    context = {
        "data": data,
        "step": 5,
        "end": _slot_end(data),
        "proxy_title": _proxy_title(data.proxy_reason),
        "attendance_choices": Attendance.choices,
        "is_support": data.service == Service.APPLICATION_SUPPORT,
        "service_label": Service(data.service).label,
    }
    if request.method == "POST":
        return _confirm(request, data, context)
    context["token"] = request.session.get(TOKEN)
    return render(request, "reservations/book_review.html", context)


def _confirm(request: HttpRequest, data: BookingData, context: dict) -> HttpResponse:
    """Book what the review page shows, once per one-time token."""
    token = request.POST.get("token", "")
    if not token or token != request.session.get(TOKEN):
        # A repeated or stale submit: show the booking it already made, if any.
        if request.session.get(DONE):
            return redirect("reservations:book_done")
        messages.error(request, _("This page was out of date. Check the details and confirm again."))
        return redirect("reservations:book_review")
    if not ratelimit.take(request, ratelimit.BOOKING):
        return _blocked(request, ratelimit.BOOKING)
    try:
        booking = booking_create(data=replace(data, client=client_key(request)), token=token)
    except TooManyBookings as exc:
        return _too_many_bookings(request, exc)
    except SlotFull as exc:
        context.update(alternatives=exc.alternatives, slot_full=True)
        return render(request, "reservations/book_review.html", context, status=409)
    except BookingRefused as exc:
        context["refusals"] = [message for texts in exc.messages().values() for message in texts]
        return render(request, "reservations/book_review.html", context, status=422)
    request.session[DONE] = booking.pk
    for key in (SLOT, DETAILS, TOKEN):
        request.session.pop(key, None)
    return redirect("reservations:book_done")


def _slot_end(data):
    return data.window.offer(data.service).slot_end(data.date, data.start)


def _proxy_title(number):
    return proxy_reason_titles().get(number, "") if number else ""


# --- 6. Confirmation ----------------------------------------------------------------


def _done_booking(request):
    pk = request.session.get(DONE)
    if not pk:
        return None
    return Booking.objects.select_related("window").filter(pk=pk).first()


def done(request):
    found = _done_booking_and_people(request)
    if found is None:
        return redirect("reservations:book_start")
    return render(request, "reservations/book_done.html", _booking_page_context(*found))


def _done_booking_and_people(request):
    """The session's booking (with its window) and its people, in one query (issue #17)."""
    pk = request.session.get(DONE)
    if not pk:
        return None
    people = list(BookingPerson.objects.select_related("booking__window").filter(booking_id=pk).order_by("position"))
    if not people:  # every booking has people; without them, the booking alone as before
        booking = _done_booking(request)
        return None if booking is None else (booking, [])
    for person in people[1:]:
        person.booking = people[0].booking  # one instance, as booking.people.all() gives
    return people[0].booking, people


def _booking_page_context(booking, people=None):
    people = list(booking.people.all()) if people is None else people
    return {
        "booking": booking,
        "people": people,
        "checklist": booking.checklist(people),
        "attendance_label": Attendance(booking.attendance).label,
        "proxy_title": _proxy_title(booking.proxy_reason),
    }


def done_ics(request):
    booking = _done_booking(request)
    if booking is None:
        raise Http404("no booking in this session")
    return _ics_response(booking)


def manage_ics(request):
    booking = _managed_booking(request)
    if booking is None:
        raise Http404("no booking in this session")
    return _ics_response(booking)


def _ics_response(booking):
    # An affected or cancelled booking has no time to put in a calendar (R-B9).
    if booking.status not in (Booking.Status.BOOKED, Booking.Status.CHECKED_IN):
        raise Http404("this booking has no appointment")
    response = HttpResponse(ical.booking_ics(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mynumber-card-{booking.code}.ics"'
    return response


# --- Manage: look up, move, cancel (R-B8) ----------------------------------------------


def _blocked(request, kind):
    """The 429 page of a rate limit: what happened, how long to wait, whom to call."""
    context = {"booking_limit": kind == ratelimit.BOOKING, "wait_minutes": ratelimit.wait_minutes(kind)}
    return render(request, "reservations/manage_blocked.html", context, status=429)


def _too_many_bookings(request: HttpRequest, exc: TooManyBookings) -> HttpResponse:
    """The 429 page of a used-up daily limit (issue #18): which one, and the phone booking instead."""
    response = render(request, "reservations/too_many_bookings.html", {"message": exc.message()}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def _managed_booking(request):
    pk = request.session.get(MANAGED)
    if not pk:
        return None
    return Booking.objects.select_related("window").filter(pk=pk).first()


@require_http_methods(["GET", "POST"])
def manage_lookup(request):
    if request.method == "POST":
        form = LookupForm(request.POST)
        if form.is_valid() and form.cleaned_data.get("birth_date"):
            attempt = ratelimit.claim(request, ratelimit.LOOKUP)
            if not attempt.allowed:
                return _blocked(request, ratelimit.LOOKUP)
            booking = find_booking(form.cleaned_data["code"], form.cleaned_data["birth_date"])
            if booking is not None:
                attempt.release()  # only failures count
                request.session.cycle_key()  # a session fixed by someone else does not see the booking
                request.session[MANAGED] = booking.pk
                return redirect("reservations:manage")
            form.add_error(None, _("No booking matches this code and date of birth. Check both and try again."))
    else:
        # The closure notice links here with ?code= (R-B9): the code alone opens
        # nothing without the date of birth (R-B8), and no personal data is in the URL.
        form = LookupForm(initial={"code": request.GET.get("code", "")[:20]})
    return render(request, "reservations/manage_lookup.html", {"form": form})


def manage(request):
    booking = _managed_booking(request)
    if booking is None:
        return redirect("reservations:manage_lookup")
    context = _booking_page_context(booking)
    context["changeable"] = rules.cancellable(
        booking.status, timezone.make_aware(dt.datetime.combine(booking.date, booking.start)), timezone.now()
    )
    if booking.status == Booking.Status.AFFECTED:
        context.update(affected_reason=_affected_reason(booking), rebook_choices=_rebook_choices(booking))
    return render(request, "reservations/manage.html", context)


def _affected_reason(booking: Booking) -> str:
    """
    Why the booking was marked affected (R-B9): the closure notice's note, in
    the booking's language, else the reason of the "affected" event.
    """
    notice = booking.messages.filter(kind=Message.Kind.CLOSURE_NOTICE).order_by("-created_at").first()
    if notice and notice.note:
        return dates_in_words(notice.note)
    event = booking.events.filter(action="affected").order_by("-at").first()
    return dates_in_words(event.reason) if event else ""


REBOOK_CHOICES = 5


def _move_windows(booking: Booking) -> list[Window]:
    """
    The windows a booking may move to: those that take its service from its
    ward with bookings (R-A7: for application support the own ward office only).
    """
    return [window for window in snapshots.serving(booking.ward, booking.service)
            if not window.offer(booking.service).walk_in]


def _rebook_choices(booking: Booking) -> list:
    """
    Return up to five (window, date, slot) nearest to the affected time that
    hold the whole party: at the booking's own window first, else at the
    other windows serving its ward (R-B9, one tap to rebook).
    """
    windows = _move_windows(booking)
    windows.sort(key=lambda window: window.pk != booking.window_id)
    for window in windows:
        choices = alternatives_for(window, booking.date, booking.start, booking.party_size, timezone.now(),
                                   limit=REBOOK_CHOICES, service=booking.service)
        if choices:
            return choices
    return []


@require_http_methods(["GET", "POST"])
def manage_cancel(request):
    booking = _managed_booking(request)
    if booking is None:
        return redirect("reservations:manage_lookup")
    if request.method == "POST":
        try:
            booking_cancel(booking=booking, reason="resident")
        except NotChangeable:
            messages.error(request, _("This booking can no longer be cancelled online. Please call the reservation centre."))
            return redirect("reservations:manage")
        messages.success(request, _("Your booking has been cancelled."))
        return redirect("reservations:manage")
    return render(request, "reservations/manage_cancel.html", {"booking": booking})


@require_http_methods(["GET", "POST"])
def manage_move(request: HttpRequest) -> HttpResponse:
    booking = _managed_booking(request)
    if booking is None:
        return redirect("reservations:manage_lookup")
    windows = _move_windows(booking)
    if request.method == "POST":
        return _move(request, booking)
    if "start" in request.GET:
        return _move_confirmation(request, booking, windows)
    if not windows:  # the ward office now takes application support without bookings (R-A4)
        messages.error(request, problem_message("walk_in"))
        return redirect("reservations:manage")
    window = next((w for w in windows if w.code == request.GET.get("window")), None) or next(
        (w for w in windows if w.pk == booking.window_id), windows[0]
    )
    context = _calendar_context(window, booking.party_size, timezone.localdate(), request.GET.get("date"),
                                window_param=window.code, service=booking.service)
    context.update({"booking": booking, "window": window, "windows": windows,
                    "slots_html": _slots_html(context, _move_link(window, context["chosen"]))})
    return render(request, "reservations/manage_move.html", context)


def _move_link(window: Window, day: dt.date | None):
    """The confirmation of a move to each time of ``day`` at ``window`` (R-B8: moving asks first)."""
    return lambda slot: f"?window={escape(window.code)}&amp;date={day.isoformat()}&amp;start={slot.start.strftime('%H:%M')}"


def _move_confirmation(request: HttpRequest, booking: Booking, windows: list[Window]) -> HttpResponse:
    """The time chosen, among the windows of the booking's service, to confirm before the booking moves."""
    try:
        slot = SlotChoice.parse(request.GET, windows)
    except Invalid:
        messages.error(request, _("Choose a day and a time from the calendar."))
        return redirect("reservations:manage_move")
    end = slot.window.offer(booking.service).slot_end(slot.date, slot.start)
    return render(request, "reservations/manage_move_confirm.html", {"booking": booking, "slot": slot, "end": end})


def _move(request: HttpRequest, booking: Booking) -> HttpResponse:
    """Move the resident's booking to the slot posted (R-B8), or say why not."""
    try:
        # Any window: one that does not serve the ward is refused by the service, in its words (R-W4).
        slot = SlotChoice.parse(request.POST)
    except Invalid:
        messages.error(request, _("Choose a day and a time from the calendar."))
        return redirect("reservations:manage_move")
    try:
        booking_reschedule(booking=booking, window=slot.window, date=slot.date, start=slot.start)
    except NotChangeable:
        messages.error(request, _("This booking can no longer be changed online. Please call the reservation centre."))
        return redirect("reservations:manage")
    except (BookingRefused, SlotFull) as exc:
        for texts in exc.messages().values():
            for text in texts:
                messages.error(request, text)
        return redirect(f"{reverse('reservations:manage_move')}?window={slot.window.code}")
    messages.success(request, _("Your booking has been moved."))
    return redirect("reservations:manage")


@require_POST
def manage_forget(request):
    request.session.pop(MANAGED, None)
    return redirect("reservations:manage_lookup")
