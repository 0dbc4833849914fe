"""
The counter and the back office (R-S1, R-S2, R-S4, R-B10): day lists,
search, counter actions with an audit trail, phone bookings, print view,
CSV export and monthly statistics. Every view fetches through
``access`` so that another window's booking is a 404.
"""

import csv
import datetime as dt
from functools import wraps

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

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
)
from reservations.counter import access
from reservations.counter.forms import PhoneBookingForm, ReasonForm, SearchForm
from reservations.models import Attendance, Booking, BookingPerson, Message, Window
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


def _day_bookings(window, day):
    return list(
        Booking.objects.filter(window=window, date=day)
        .select_related("made_by")
        .prefetch_related(Prefetch("people", queryset=BookingPerson.objects.order_by("position")))
        .order_by("start", "created_at")
    )


def _day_rows(window, day):
    """Return (slots with their bookings, counts, schedule day) for a day list."""
    schedule = calendars.window_schedule(window, day, day)[0]
    capacity = calendars.capacity_on(window, day)
    bookings = _day_bookings(window, day)
    by_start = {}
    for booking in bookings:
        by_start.setdefault(booking.start, []).append(booking)
    starts = [slot.start for slot in schedule.slots]
    rows = [{"start": slot.start, "end": slot.end, "bookings": by_start.pop(slot.start, [])} for slot in schedule.slots]
    # Bookings whose slot no longer exists (closed, affected) still show, at their time.
    for start, left in sorted(by_start.items()):
        rows.append({"start": start, "end": left[0].end, "bookings": left, "orphan": True})
    rows.sort(key=lambda row: row["start"])
    counts = rules.day_counts([(b.status, b.party_size) for b in bookings], capacity * len(starts))
    return rows, counts, schedule, bookings


@staff_required
def day_list(request, code):
    window = access.get_window_for_staff(request.user, code)
    day = _date_param(request)
    rows, counts, schedule, _bookings = _day_rows(window, day)
    return render(
        request,
        "staff/day_list.html",
        {
            "window": window, "day": day, "rows": rows, "counts": counts, "schedule": schedule,
            "closed_reason": rules.closed_reason_label(schedule.reason) if schedule.reason else "",
            "previous_day": day - dt.timedelta(days=1), "next_day": day + dt.timedelta(days=1),
            "search_form": SearchForm(), "can_counter": access.can(request.user, window, "check_in"),
            "statuses": Booking.Status,
        },
    )


@staff_required
def day_list_print(request, code):
    window = access.get_window_for_staff(request.user, code)
    day = _date_param(request)
    rows, counts, schedule, _bookings = _day_rows(window, day)
    return render(request, "staff/day_list_print.html", {
        "window": window, "day": day, "rows": rows, "counts": counts, "statuses": Booking.Status,
    })


# A cell starting with one of these is read as a formula by spreadsheets (CSV injection).
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """Return ``value`` with a leading quote when a spreadsheet would read it as a formula (OWASP)."""
    if isinstance(value, str) and value.startswith(CSV_FORMULA_STARTS):
        return "'" + value
    return value


@staff_required
def day_list_csv(request, code):
    """The day list as CSV, UTF-8 with a BOM so that Excel in Japanese reads it."""
    window = access.get_window_for_staff(request.user, code)
    day = _date_param(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{window.code}-{day.isoformat()}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([_("Time"), _("Reservation code"), _("Name"), _("Kana"), _("Party size"),
                     _("Who comes"), _("Contact"), _("Status"), _("Booked by")])
    for booking in _day_bookings(window, day):
        people = list(booking.people.all())
        writer.writerow(csv_cell(str(value)) for value in [
            booking.start.strftime("%H:%M"),
            booking.display_code,
            " / ".join(p.name for p in people),
            " / ".join(p.kana for p in people),
            booking.party_size,
            Attendance(booking.attendance).label,
            _("yes") if (booking.email or booking.phone) else _("no"),
            booking.get_status_display(),
            booking.made_by.get_username() if booking.made_by else _("online"),
        ])
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
    today = timezone.localdate()
    actions = [
        (action, rules.action_label(action))
        for action in rules.STAFF_ACTIONS
        if access.can(request.user, booking, action)
        and not rules.transition_problem(action, booking.status, booking_date=booking.date, today=today)
    ]
    return render(request, "staff/booking.html", {
        "booking": booking, "people": list(booking.people.all()), "actions": actions,
        "events": booking.events.select_related("actor").order_by("at", "pk"),
        "messages_sent": booking.messages.order_by("due_at", "pk"),
        # The services move a booked time only until it starts (an affected one always).
        "can_move": access.can(request.user, booking, "move")
        and rules.cancellable(
            booking.status, timezone.make_aware(dt.datetime.combine(booking.date, booking.start)), timezone.now()
        ),
    })


TRANSITION_MESSAGES = {
    "not_from_status": gettext_lazy("This cannot be done to a booking in its present state."),
    "not_today": gettext_lazy("This can only be done on the day of the booking."),
    "not_yet": gettext_lazy("A booking can be marked as not come only from its day on."),
    "unknown_action": gettext_lazy("Unknown action."),
}


@staff_required
@require_http_methods(["GET", "POST"])
def booking_action(request, code, action):
    booking = access.get_booking_for_staff(request.user, code)
    if action not in rules.STAFF_ACTIONS or not access.can(request.user, booking, action):
        raise Http404("no such action for this user")
    form = ReasonForm(request.POST if request.method == "POST" else None, action=action)
    if request.method == "POST" and form.is_valid():
        try:
            booking_transition(booking=booking, action=action, actor=request.user, **form.cleaned_data)
        except NotChangeable as exc:
            problem = exc.args[0] if exc.args else "not_from_status"
            messages.error(request, TRANSITION_MESSAGES.get(problem, TRANSITION_MESSAGES["not_from_status"]))
            return redirect("staff:booking", code=booking.code)
        messages.success(request, _("Done: %(action)s.") % {"action": rules.action_label(action)})
        return redirect(f"{reverse('staff:day_list', args=[booking.window.code])}?date={booking.date.isoformat()}")
    return render(request, "staff/confirm_action.html", {
        "booking": booking, "action": action, "label": rules.action_label(action), "form": form,
        "undoable": action in ("check_in",),
    })


@staff_required
@require_http_methods(["GET", "POST"])
def booking_move(request: HttpRequest, code: str) -> HttpResponse:
    booking = access.get_booking_for_staff(request.user, code)
    if not access.can(request.user, booking, "move"):
        raise Http404("not for this user")
    windows = [w for w in Window.objects.serving(booking.ward) if access.can(request.user, w, "book")]
    if request.method == "POST" and _move_booking(request, booking, windows):
        return redirect("staff:booking", code=booking.code)
    window = next((w for w in windows if w.code == request.GET.get("window")), None) or booking.window
    day = _date_param(request)
    availability = calendars.window_availability(window, day, day, today=timezone.localdate())[0]
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


def _filled_people(request: HttpRequest, count: int = rules.MAX_PARTY) -> list[PersonPageForm]:
    """Forms for up to four people; only the first must be filled in."""
    return [
        PersonPageForm(request.POST or None, prefix=f"p{index}", empty_permitted=index > 0, use_required_attribute=False)
        for index in range(count)
    ]


@staff_required
@require_http_methods(["GET", "POST"])
def phone_booking(request: HttpRequest) -> HttpResponse:
    """Book on behalf of a caller (R-S2): the residents' rules, R-B2 included; marked as made by the operator."""
    windows = [w for w in Window.objects.with_rules() if access.can(request.user, w, "book")]
    if not windows:
        raise Http404("no window to book for")
    source = request.POST if request.method == "POST" else request.GET
    window = next((w for w in windows if w.code == source.get("window")), windows[0])
    first, last = calendars.booking_window(timezone.localdate())
    day = dates.parse_calendar_date(source.get("date")) or first
    people = _filled_people(request)
    availability = calendars.window_availability(window, day, day, today=timezone.localdate())[0]
    # R-B6: only the times that hold the whole party (the people filled in; one before the first post).
    slots = rules.slots_for_party(availability, max(1, sum(form.has_changed() for form in people)))
    form, contact = PhoneBookingForm(request.POST or None, slots=slots), ContactForm(request.POST or None)
    if request.method == "POST":
        booked = _book_by_phone(request, window, day, form, contact, people)
        if booked is not None:
            return booked
    return render(request, "staff/phone_booking.html", {
        "windows": windows, "window": window, "day": day, "first": first, "last": last, "form": form,
        "people": people, "contact": contact, "slots": slots,
        "reason": rules.closed_reason_label(availability.reason) if availability.reason else "",
    })


def _book_by_phone(
    request: HttpRequest, window: Window, day: dt.date, form: PhoneBookingForm, contact: ContactForm,
    people: list[PersonPageForm],
) -> HttpResponse | None:
    """Book the valid forms of a phone booking and go to the booking; None to show the page again."""
    valid = [form.is_valid(), contact.is_valid()] + [person.is_valid() for person in people]
    filled = [person for person in people if person.has_changed()]
    if not (all(valid) and filled):
        return None
    # R-E5: an age-bound proxy case is refused on the proxy reason field, as the API does.
    add_proxy_age_errors(form, [person.cleaned_data["birth_date"] for person in filled], day)
    if form.errors:
        return None
    slot = SlotChoice(window=window, date=day, start=form.cleaned_data["start"])
    data = BookingData.from_forms(slot=slot, choices=form, contact=contact, people=filled, language="ja")
    try:
        booking = booking_create(data=data, actor=request.user)
    except (BookingRefused, SlotFull) as exc:
        _flash_refusal(request, exc)
        return None
    messages.success(request, _("Booked: %(code)s. Read the code to the caller.") % {"code": booking.display_code})
    return redirect("staff:booking", code=booking.code)


@staff_required
def statistics(request, code):
    window = access.get_window_for_staff(request.user, code)
    try:
        month = dt.datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()
    except ValueError:
        month = timezone.localdate().replace(day=1)
    last = month + relativedelta(day=31)
    seats = sum(
        calendars.capacity_on(window, day.date, overrides) * len(day.slots)
        for overrides in [calendars.capacity_overrides(window, month, last)]
        for day in calendars.window_schedule(window, month, last)
    )
    bookings = Booking.objects.filter(window=window, date__range=(month, last)).values_list("status", "party_size")
    figures = rules.month_statistics(seats, list(bookings))
    return render(request, "staff/statistics.html", {
        "window": window, "month": month, "figures": figures, "statuses": Booking.Status,
        "previous_month": month - relativedelta(months=1), "next_month": month + relativedelta(months=1),
    })
