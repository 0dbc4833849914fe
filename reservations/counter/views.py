"""
The counter and the back office (R-S1, R-S2, R-S4, R-B10): day lists,
search, counter actions with an audit trail, phone bookings, print view,
CSV export and statistics. Every view fetches through
``access`` so that another window's booking is a 404.
"""

import csv
import datetime as dt
from dataclasses import replace
from functools import wraps

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from portal import dates
from portal.api_errors import Invalid
from reservations import rules
from reservations.booking.forms import ContactForm, PersonPageForm, add_proxy_age_errors
from reservations.booking.request import BookingData, SlotChoice
from reservations.booking.services import (
    BookingRefused,
    NotChangeable,
    SlotFull,
    booking_create,
    booking_reschedule,
    booking_transition,
    last_event,
)
from reservations.booking.services import booking_undo as booking_undo_service
from reservations.counter import access, figures, lists, waitlists
from reservations.counter.forms import (
    DayListForm,
    PhoneBookingForm,
    ReasonForm,
    SearchForm,
    ServiceForm,
    SupportPersonForm,
)
from reservations.models import Booking, Message, Service, Window
from reservations.rules.lifecycle import service_status_label, statistics_period
from reservations.schedule import calendars


def staff_required(view):
    """Let in logged-in staff (clerk, operator, city admin); others go to the login page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not access.is_staff_user(request.user):
            raise Http404("not staff")
        return view(request, *args, **kwargs)

    return wrapper


def _date_param(request, name="date"):
    try:
        return dt.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return timezone.localdate()


@staff_required
def home(request):
    windows = list(access.visible_windows(request.user))
    affected_count = Booking.objects.filter(window__in=windows, status=Booking.Status.AFFECTED).count()
    failed = (
        Message.objects.filter(booking__window__in=windows, state=Message.State.FAILED)
        .select_related("booking")
        .order_by("-due_at")[:50]
    )
    return render(request, "staff/home.html", {"windows": windows, "today": timezone.localdate(),
                                               "affected_count": affected_count, "failed_messages": failed,
                                               "search_form": SearchForm()})


def _day_context(request: HttpRequest, window: Window) -> dict:
    """
    The day list of ``window`` on the day asked for: a slot grid per service
    shown, the rows the filters leave (booked slots only by default, a status),
    counts per service and in total, and each booking's one-click steps.
    """
    services = lists.shown_services(request, window)
    form = DayListForm(request.GET, today=timezone.localdate())
    day, booked_only, status = form.parsed()
    sections, total, bookings = lists.day_sections(window, day, services)
    lists.filter_rows(sections, booked_only=booked_only, status=status)
    lists.attach_counter_steps(request.user, bookings, timezone.now())
    return {
        "window": window, "day": day, "sections": sections, "counts": total, "statuses": Booking.Status,
        "services": services, "service_query": lists.service_query(request, window), "filter_form": form,
        "service_choices": lists.filter_choices(window), "service_param": request.GET.get(lists.SERVICE_PARAM, ""),
        "filter_query": lists.filter_query(request), "booked_only": booked_only, "status": status,
    }


@staff_required
def day_list(request, code):
    window = access.get_window_for_staff(request.user, code)
    context = _day_context(request, window)
    day = context["day"]
    return render(request, "staff/day_list.html", {
        **context, "previous_day": day - dt.timedelta(days=1), "next_day": day + dt.timedelta(days=1),
        "search_form": SearchForm(), "can_counter": access.can(request.user, window, "check_in"),
        "back": request.get_full_path(), "changed": request.session.pop(CHANGED_KEY, ""),
    })


@staff_required
def day_list_print(request, code):
    window = access.get_window_for_staff(request.user, code)
    return render(request, "staff/day_list_print.html", {**_day_context(request, window), "printed_at": timezone.now()})


# A cell starting with one of these is read as a formula by spreadsheets (CSV injection).
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """Return ``value`` with a leading quote when a spreadsheet would read it as a formula (OWASP)."""
    if isinstance(value, str) and value.startswith(CSV_FORMULA_STARTS):
        return "'" + value
    return value


@staff_required
def day_list_csv(request, code):
    """The day list as CSV, UTF-8 with a BOM so that Excel in Japanese reads it; a service column (R-A7)."""
    window = access.get_window_for_staff(request.user, code)
    day = _date_param(request)
    services = lists.shown_services(request, window)
    suffix = f"-{services[0]}" if lists.service_query(request, window) else ""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{window.code}-{day.isoformat()}{suffix}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(lists.csv_header())
    for booking in lists.day_bookings(window, day, services):
        writer.writerow(csv_cell(str(value)) for value in lists.csv_row(booking))
    return response


@staff_required
@require_http_methods(["GET", "POST"])
def search(request):
    # POST, not GET: names typed here must not end up in URLs and access logs.
    form = SearchForm(request.POST if request.method == "POST" else None)
    results = []
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        windows = access.visible_windows(request.user)
        code = rules.parse_code(query)
        if code:
            booking = Booking.objects.filter(code=code, window__in=windows).first()
            if booking:
                return redirect("staff:booking", code=booking.code)
        kana = rules.to_katakana(query)
        results = list(
            Booking.objects.filter(window__in=windows)
            .filter(Q(people__name__icontains=query) | Q(people__kana__icontains=kana))
            .select_related("window")
            .prefetch_related("people")
            .distinct()
            .order_by("-date", "start")[:50]
        )
    return render(request, "staff/search.html", {"search_form": form, "results": results})


@staff_required
def affected(request):
    bookings = (
        Booking.objects.filter(window__in=access.visible_windows(request.user), status=Booking.Status.AFFECTED)
        .select_related("window")
        .prefetch_related("people", "messages")
        .order_by("date", "start")
    )
    return render(request, "staff/affected.html", {"bookings": bookings})


@staff_required
def booking_detail(request, code):
    booking = access.get_booking_for_staff(request.user, code)
    now = timezone.now()
    steps, undo_label = lists.counter_steps(request.user, booking, last_event(booking), now)
    cancel = access.can(request.user, booking, "cancel") and not rules.transition_problem(
        "cancel", booking.status, booking_date=booking.date, today=timezone.localdate(now))
    return render(request, "staff/booking.html", {
        "booking": booking, "people": list(booking.people.all()), "steps": steps, "undo_label": undo_label,
        "actions": steps + ([("cancel", rules.action_label("cancel"))] if cancel else []),
        "events": _history(booking), "back": request.get_full_path(),
        "changed": request.session.pop(CHANGED_KEY, "") == booking.code,
        "messages_sent": booking.messages.order_by("due_at", "pk"),
        # The services move a booked time only until it starts (an affected one always).
        "can_move": access.can(request.user, booking, "move")
        and rules.cancellable(booking.status, timezone.make_aware(dt.datetime.combine(booking.date, booking.start)), now),
    })


def _history(booking: Booking) -> list[dict]:
    """The audit trail of ``booking`` in the words of its service (application support: 申請完了, R-A7)."""

    def words(value: str, label: str) -> str:
        return service_status_label(value, booking.service) or label

    return [
        {"at": event.at, "actor_label": event.actor_label, "reason": event.reason,
         "action_label": rules.action_label(event.action, booking.service),
         "before_label": words(event.before, event.before_label), "after_label": words(event.after, event.after_label)}
        for event in booking.events.select_related("actor").order_by("at", "pk")
    ]


TRANSITION_MESSAGES = {
    "not_from_status": gettext_lazy("This cannot be done to a booking in its present state."),
    "not_today": gettext_lazy("This can only be done on the day of the booking."),
    "not_yet": gettext_lazy("A booking can be marked as not come only once its time has ended."),
    "unknown_action": gettext_lazy("Unknown action."),
    "nothing_to_undo": gettext_lazy("Only the last check-in, issue or no-show of the day can be undone."),
}
# The session key of the booking changed last: its row is highlighted on the page the clerk returns to.
CHANGED_KEY = "counter_changed"


def _back(request: HttpRequest, booking: Booking) -> str:
    """
    Return where a counter step goes back to: the page it was posted from
    (``next``: the day list with its filters, or the booking), at the row
    of ``booking``; the booking's day list when ``next`` is missing or foreign.
    """
    back = request.POST.get("next", "")
    if not (back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})):
        back = f"{reverse('staff:day_list', args=[booking.window.code])}?date={booking.date.isoformat()}"
    return f"{back.split('#')[0]}#booking-{booking.code}"


def _refused(request: HttpRequest, booking: Booking, exc: NotChangeable) -> HttpResponse:
    problem = exc.args[0] if exc.args else "not_from_status"
    messages.error(request, TRANSITION_MESSAGES.get(problem, TRANSITION_MESSAGES["not_from_status"]))
    return redirect(_back(request, booking))


def _done(request: HttpRequest, booking: Booking, text: str) -> HttpResponse:
    """Say what was done to ``booking`` (the page's status region) and go back to its row, highlighted."""
    messages.success(request, text)
    request.session[CHANGED_KEY] = booking.code
    return redirect(_back(request, booking))


@staff_required
@require_http_methods(["GET", "POST"])
def booking_action(request, code, action):
    """A routine step is one POST (the day list's and the booking's buttons); a cancellation asks its reason first."""
    booking = access.get_booking_for_staff(request.user, code)
    if action not in rules.STAFF_ACTIONS or not access.can(request.user, booking, action):
        raise Http404("no such action for this user")
    label = rules.action_label(action, booking.service)
    form = ReasonForm(request.POST if request.method == "POST" else None, action=action)
    if request.method == "POST" and form.is_valid():
        try:
            booking_transition(booking=booking, action=action, actor=request.user, **form.cleaned_data)
        except NotChangeable as exc:
            return _refused(request, booking, exc)
        return _done(request, booking, _("%(code)s — Done: %(action)s.") % {"code": booking.display_code, "action": label})
    return render(request, "staff/confirm_action.html", {
        "booking": booking, "action": action, "label": label, "form": form,
        "undoable": action in rules.ROUTINE_ACTIONS,
    })


@staff_required
@require_POST
def booking_undo(request: HttpRequest, code: str) -> HttpResponse:
    """Undo the booking's last routine step of the day, by staff who may take that step at its window."""
    booking = access.get_booking_for_staff(request.user, code)
    last = last_event(booking)
    step = last.action if last and last.action in rules.ROUTINE_ACTIONS else "check_in"
    if not access.can(request.user, booking, step):
        raise Http404("not for this user")
    try:
        booking_undo_service(booking=booking, actor=request.user)
    except NotChangeable as exc:
        return _refused(request, booking, exc)
    label = rules.action_label(step, booking.service)
    return _done(request, booking, _("%(code)s — Undone: %(action)s.") % {"code": booking.display_code, "action": label})


@staff_required
@require_http_methods(["GET", "POST"])
def booking_move(request: HttpRequest, code: str) -> HttpResponse:
    booking = access.get_booking_for_staff(request.user, code)
    if not access.can(request.user, booking, "move"):
        raise Http404("not for this user")
    # R-A7: a move stays within the booking's service, to a window that takes its bookings (not walk-in).
    windows = [
        w for w in Window.objects.serving(booking.ward, booking.service)
        if access.can(request.user, w, "book") and not w.offer(booking.service).walk_in
    ]
    if request.method == "POST" and _move_booking(request, booking, windows):
        return redirect("staff:booking", code=booking.code)
    window = next((w for w in windows if w.code == request.GET.get("window")), None) or booking.window
    day = _date_param(request)
    availability = calendars.window_availability(
        window, day, day, today=timezone.localdate(), service=booking.service, now=timezone.now()
    )[0]
    slots = rules.slots_for_party(availability, booking.party_size)
    return render(request, "staff/move.html", {
        "booking": booking, "windows": windows, "window": window, "day": day, "slots": slots,
        "reason": rules.closed_reason_label(availability.reason) if availability.reason else "",
    })


def _move_booking(request: HttpRequest, booking: Booking, windows: list[Window]) -> bool:
    """Move ``booking`` to the slot posted, among ``windows``; return whether it moved (messages say why not)."""
    try:
        slot = SlotChoice.parse(request.POST, windows)
    except Invalid:
        messages.error(request, _("Choose a window, a day and a time."))
        return False
    try:
        booking_reschedule(booking=booking, window=slot.window, date=slot.date, start=slot.start, actor=request.user)
    except NotChangeable:
        messages.error(request, TRANSITION_MESSAGES["not_from_status"])
        return False
    except (BookingRefused, SlotFull) as exc:
        _flash_refusal(request, exc)
        return False
    messages.success(request, _("The booking has been moved."))
    return True


def _flash_refusal(request: HttpRequest, exc: BookingRefused | SlotFull) -> None:
    """Show why the booking services refused, as messages on the next page."""
    for texts in exc.messages().values():
        for text in texts:
            messages.error(request, text)


def _filled_people(request: HttpRequest, service: str, count: int = rules.MAX_PARTY) -> list[PersonPageForm]:
    """Forms for up to four people; only the first must be filled in. Application support asks no notice number (R-A5)."""
    form_class = SupportPersonForm if service == Service.APPLICATION_SUPPORT else PersonPageForm
    return [
        form_class(request.POST or None, prefix=f"p{index}", empty_permitted=index > 0, use_required_attribute=False)
        for index in range(count)
    ]


def _phone_page(request: HttpRequest, source) -> dict:
    """
    The phone booking page's windows, day, times and forms for the service
    chosen (R-S2): the residents' rules of that service, its horizon, lead
    time (application support: same day from 30 minutes ahead, R-A4) and
    the windows that offer it.
    """
    service_form = ServiceForm(source)
    service = service_form.chosen()
    windows = [w for w in Window.objects.offering(service) if access.can(request.user, w, "book")]
    if not windows:
        raise Http404("no window to book for")
    window = next((w for w in windows if w.code == source.get("window")), windows[0])
    today = timezone.localdate()
    first, last = calendars.booking_window(today, window, service)
    day = dates.parse_calendar_date(source.get("date")) or first
    people = _filled_people(request, service)
    availability = calendars.window_availability(window, day, day, today=today, service=service, now=timezone.now())[0]
    # R-B6: only the times that hold the whole party (the people filled in; one before the first post).
    slots = rules.slots_for_party(availability, max(1, sum(form.has_changed() for form in people)))
    return {
        "service": service, "service_form": service_form, "is_support": service == Service.APPLICATION_SUPPORT,
        "lead_minutes": calendars.booking_terms(window, service)[1],
        "windows": windows, "window": window, "day": day, "first": first, "last": last, "people": people,
        "form": PhoneBookingForm(request.POST or None, slots=slots, service=service),
        "contact": ContactForm(request.POST or None), "slots": slots,
        "reason": rules.closed_reason_label(availability.reason) if availability.reason else "",
    }


@staff_required
@require_http_methods(["GET", "POST"])
def phone_booking(request: HttpRequest) -> HttpResponse:
    """Book on behalf of a caller (R-S2): the residents' rules of the service chosen, R-B2 and R-A2–R-A5 included."""
    page = _phone_page(request, request.POST if request.method == "POST" else request.GET)
    if request.method == "POST":
        booked = _book_by_phone(request, page)
        if booked is not None:
            return booked
    return render(request, "staff/phone_booking.html", page)


def _book_by_phone(request: HttpRequest, page: dict) -> HttpResponse | None:
    """Book the valid forms of a phone booking and go to the booking; None to show the page again."""
    form, contact, people = page["form"], page["contact"], page["people"]
    valid = [form.is_valid(), contact.is_valid()] + [person.is_valid() for person in people]
    filled = [person for person in people if person.has_changed()]
    if not (all(valid) and filled):
        return None
    # R-E5: an age-bound proxy case is refused on the proxy reason field, as the API does.
    if "proxy_reason" in form.fields:
        add_proxy_age_errors(form, [person.cleaned_data["birth_date"] for person in filled], page["day"])
    if form.errors:
        return None
    slot = SlotChoice(window=page["window"], date=page["day"], start=form.cleaned_data["start"])
    data = BookingData.from_forms(slot=slot, choices=form, contact=contact, people=filled, language="ja")
    try:
        proxy = {key: form.cleaned_data.get(key, "") for key in ("proxy_name", "proxy_phone")}
        booking = booking_create(data=replace(data, service=page["service"], **proxy), actor=request.user)
    except (BookingRefused, SlotFull) as exc:
        _flash_refusal(request, exc)
        return None
    messages.success(request, _("Booked: %(code)s. Read the code to the caller.") % {"code": booking.display_code})
    return redirect("staff:booking", code=booking.code)


def _statistics_periods(request: HttpRequest) -> list[dict]:
    """
    The periods of the statistics page: the last 30 days and the next 30
    days (issue #15), or one month when ``?month=YYYY-MM`` asks for it.
    """
    today = timezone.localdate()
    try:
        month = dt.datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()
    except ValueError:
        (past_first, past_last), (next_first, next_last) = statistics_period(today)
        return [
            {"title": _("The last 30 days"), "first": past_first, "last": past_last, "past": True},
            {"title": _("The next 30 days"), "first": next_first, "last": next_last, "past": False},
        ]
    return [{"title": date_format(month, _("F Y")), "first": month, "last": month + relativedelta(day=31),
             "past": month <= today, "month": month}]


def _statistics_context(request: HttpRequest, window: Window) -> dict:
    """The statistics of ``window``: charts with their tables per period, and the figures of all periods together."""
    services = lists.shown_services(request, window)
    periods = _statistics_periods(request)
    days = figures.window_days(window, services, periods[0]["first"], periods[-1]["last"])
    for period in periods:
        mine = [row for row in days if period["first"] <= row["date"] <= period["last"]]
        period["charts"] = figures.period_charts(mine, services, past=period["past"])
    by_service, total = figures.summary(days, services)
    waitlist_rows = waitlists.window_figures(window, services, periods[0]["first"], periods[-1]["last"])
    windows = list(access.visible_windows(request.user))
    shown = periods[0].get("month")
    month = shown or timezone.localdate().replace(day=1)
    return {
        "window": window, "periods": periods, "first": periods[0]["first"], "last": periods[-1]["last"], "figures": total, "by_service": by_service,
        "statuses": Booking.Status, "service_labels": [Service(service).label for service in services],
        "windows": windows if len(windows) > 1 else [], "month": shown,
        "previous_month": month - relativedelta(months=1), "next_month": month + relativedelta(months=1),
        "service_query": lists.service_query(request, window), "service_choices": lists.filter_choices(window),
        "service_param": request.GET.get(lists.SERVICE_PARAM, ""), "waitlist_rows": waitlist_rows,
    }


def _other_window(request: HttpRequest, window: Window, name: str) -> HttpResponse | None:
    """Go to the same page of the window chosen in ``?window=`` (the window choice), or None to stay."""
    chosen = request.GET.get("window", "")
    if not chosen or chosen == window.code:
        return None
    query = request.GET.copy()
    query.pop("window")
    return redirect(f"{reverse(name, args=[chosen])}?{query.urlencode()}")


@staff_required
def waiting_list(request: HttpRequest, code: str) -> HttpResponse:
    """The waiting list of a window per service, in queue order (issue #16, SPEC §9)."""
    window = access.get_window_for_staff(request.user, code)
    queues = waitlists.window_queues(window, lists.shown_services(request, window))
    return render(request, "staff/waiting_list.html", {
        "window": window, "queues": queues, "service_choices": lists.filter_choices(window),
        "service_param": request.GET.get(lists.SERVICE_PARAM, ""), "minutes": settings.WAITLIST_OFFER_MINUTES,
    })


@staff_required
def statistics(request: HttpRequest, code: str) -> HttpResponse:
    """Utilisation, no-shows and cancellations per day and service, as charts with their tables (issue #15)."""
    window = access.get_window_for_staff(request.user, code)
    elsewhere = _other_window(request, window, "staff:statistics")
    if elsewhere is not None:
        return elsewhere
    return render(request, "staff/statistics.html", _statistics_context(request, window))


@staff_required
def statistics_csv(request: HttpRequest, code: str) -> HttpResponse:
    """The statistics per window, day and service as CSV, UTF-8 with a BOM, formulas neutralised (csv_cell)."""
    window = access.get_window_for_staff(request.user, code)
    services = lists.shown_services(request, window)
    periods = _statistics_periods(request)
    first, last = periods[0]["first"], periods[-1]["last"]
    suffix = f"-{services[0]}" if lists.service_query(request, window) else ""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{window.code}-statistics-{first.isoformat()}-{last.isoformat()}{suffix}.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(figures.csv_header())
    for row in figures.csv_rows(window, figures.window_days(window, services, first, last), services):
        writer.writerow(csv_cell(str(value)) for value in row)
    return response
