"""
The resident's waiting-list pages (キャンセル待ち, SPEC §9, R-L1 … R-L2): join
from a full calendar, a "slot full" page or the window choice; look an entry
up with its code and the first person's date of birth; accept or decline an
offer, or leave the list. Every step posts and redirects; the booking path's
first step (ward, who comes, how many, the service) comes from the session,
and the entry found is kept in the session, never in the URL.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from portal import ratelimit
from reservations import rules
from reservations.booking import waitlist
from reservations.booking.forms import PersonPageForm
from reservations.booking.request import DETAILS, START, store_details
from reservations.booking.services import BookingRefused, NotChangeable
from reservations.booking.views import DONE
from reservations.booking.waitlist_forms import (
    ANY_WINDOW,
    JoinForm,
    WaitlistContactForm,
    WaitlistLookupForm,
    add_refusal_errors,
    waitlist_data,
)
from reservations.models import Attendance, Service, WaitlistEntry, Window
from reservations.schedule import calendars

ENTRY = "waitlist_entry"  # the session key of the entry joined or looked up


# --- Join (R-L1) -----------------------------------------------------------------


@dataclass
class JoinForms:
    join: JoinForm
    people: list[PersonPageForm]
    contact: WaitlistContactForm

    def all(self) -> list:
        return [self.join, *self.people, self.contact]

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in self.all()])  # every form, for every message


def _service(started: dict) -> str:
    return started.get("service") or Service.PICKUP


def _bookable_windows(ward: str, service: str) -> list[Window]:
    """The windows that take bookings of ``service`` from residents of ``ward`` (R-W4, R-A2, R-A4)."""
    return [window for window in Window.objects.with_rules().serving(ward, service) if not window.offer(service).walk_in]


def _horizon(windows: list[Window], service: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days any of ``windows`` takes bookings for (R-B2, R-A4): the join form's days."""
    ranges = [calendars.booking_window(today, window, service) for window in windows] or [
        calendars.booking_window(today, None, service)]
    return min(first for first, _last in ranges), max(last for _first, last in ranges)


def _join_forms(request: HttpRequest, started: dict) -> JoinForms:
    """The join page's forms: bound to a POST, else filled with the window asked for and the session's details."""
    service = _service(started)
    windows = _bookable_windows(started["ward"], service)
    first, last = _horizon(windows, service, timezone.localdate())
    if request.method == "POST":
        data = request.POST
        people = [PersonPageForm(data, prefix=f"p{n}", service=service) for n in range(started["party_size"])]
        return JoinForms(JoinForm(data, windows=windows, first=first, last=last), people, WaitlistContactForm(data))
    asked = request.GET.get("window", "")
    initial = {"window": asked if any(w.code == asked for w in windows) else ANY_WINDOW,
               "date_from": first.isoformat(), "date_to": last.isoformat()}
    details = request.session.get(DETAILS) or {}
    return JoinForms(
        JoinForm(initial=initial, windows=windows, first=first, last=last),
        _people_initial(details.get("people", []), started["party_size"], service),
        WaitlistContactForm(initial={"email": details.get("email", ""), "phone": details.get("phone", "")}),
    )


def _people_initial(stored: list[dict], party_size: int, service: str) -> list[PersonPageForm]:
    """The people forms filled with what the booking path's details step kept (the 409 page's way here)."""
    people = []
    for index in range(party_size):
        initial = {}
        if index < len(stored):
            person = stored[index]
            born = dt.date.fromisoformat(person["birth_date"])
            initial = {"notice_number": person["notice_number"], "name": person["name"], "kana": person["kana"],
                       "birth_year": born.year, "birth_month": born.month, "birth_day": born.day}
        people.append(PersonPageForm(prefix=f"p{index}", initial=initial, service=service))
    return people


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    started = request.session.get(START)
    if not started:
        return redirect("reservations:book_start")
    forms = _join_forms(request, started)
    if request.method == "POST" and forms.is_valid():
        if not ratelimit.take(request, ratelimit.BOOKING):
            return _blocked(request, ratelimit.BOOKING)
        return _join(request, started, forms)
    return _join_page(request, started, forms)


def _join(request: HttpRequest, started: dict, forms: JoinForms) -> HttpResponse:
    """Put the party on the list, or show why not: the free times instead (409), or the rules broken (422)."""
    language = (get_language() or "ja")[:2]
    data = waitlist_data(started, forms.join, forms.people, forms.contact, language)
    try:
        entry = waitlist.waitlist_join(data=data)
    except waitlist.SeatsAvailable as exc:
        store_details(request.session, forms.people, forms.contact)  # the details page of a time shown is filled
        return _join_page(request, started, forms, alternatives=exc.alternatives, status=409)
    except BookingRefused as exc:
        add_refusal_errors(exc.messages(), forms.join, forms.people, forms.contact)
        return _join_page(request, started, forms, status=422)
    request.session[ENTRY] = entry.pk
    return redirect("reservations:waitlist_joined")


def _join_page(request, started, forms: JoinForms, *, alternatives=None, status=200) -> HttpResponse:
    service = _service(started)
    context = {
        "join": forms.join, "people": forms.people, "contact": forms.contact, "started": started,
        "service": service, "service_label": Service(service).label,
        "attendance_label": Attendance(started["attendance"]).label, "alternatives": alternatives,
        "minutes": _offer_minutes(),
    }
    return render(request, "reservations/waitlist_join.html", context, status=status)


def _offer_minutes() -> int:
    """How long freed seats are held for an entry (R-L2), read when asked."""
    return settings.WAITLIST_OFFER_MINUTES


def joined(request: HttpRequest) -> HttpResponse:
    entry = _entry(request)
    if entry is None:
        return redirect("reservations:waitlist_lookup")
    context = {"entry": entry, "position": waitlist.entry_position(entry), "minutes": _offer_minutes()}
    return render(request, "reservations/waitlist_joined.html", context)


# --- Look up and the entry's page ------------------------------------------------------


def _entry(request: HttpRequest) -> WaitlistEntry | None:
    pk = request.session.get(ENTRY)
    if not pk:
        return None
    # The window's services with it: the place in the queue asks which wards it serves (one query, not one per ward).
    entries = WaitlistEntry.objects.select_related("window", "booking").prefetch_related("window__offers")
    return entries.filter(pk=pk, anonymised_at__isnull=True).first()


def _blocked(request: HttpRequest, kind: str) -> HttpResponse:
    """The 429 page of a rate limit, as the booking pages show it."""
    context = {"booking_limit": kind == ratelimit.BOOKING, "wait_minutes": ratelimit.wait_minutes(kind)}
    return render(request, "reservations/manage_blocked.html", context, status=429)


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = WaitlistLookupForm(request.POST)
        if form.is_valid() and form.cleaned_data.get("birth_date"):
            attempt = ratelimit.claim(request, ratelimit.LOOKUP)  # the booking look-up's limit (R-B8)
            if not attempt.allowed:
                return _blocked(request, ratelimit.LOOKUP)
            entry = waitlist.find_entry(form.cleaned_data["code"], form.cleaned_data["birth_date"])
            if entry is not None:
                attempt.release()  # only failures count
                request.session.cycle_key()  # a session fixed by someone else does not see the entry
                request.session[ENTRY] = entry.pk
                return redirect("reservations:waitlist_entry")
            form.add_error(None, _("No waiting-list entry matches this code and date of birth. Check both and try again."))
    else:
        # The mails link here with ?code=: the code alone opens nothing without the date of birth.
        form = WaitlistLookupForm(initial={"code": request.GET.get("code", "")[:20]})
    return render(request, "reservations/waitlist_lookup.html", {"form": form})


def entry_page(request: HttpRequest) -> HttpResponse:
    entry = _entry(request)
    if entry is None:
        return redirect("reservations:waitlist_lookup")
    return render(request, "reservations/waitlist_entry.html", _entry_context(entry, timezone.now()))


def _entry_context(entry: WaitlistEntry, now: dt.datetime) -> dict:
    """The entry, its place in the queue, its open offer with the time left (R-L2), its people."""
    offer = waitlist.open_offer(entry) if entry.status == WaitlistEntry.Status.OFFERED else None
    minutes = rules.minutes_left(offer.expires_at, now) if offer else 0
    return {
        "entry": entry,
        "people": list(entry.people.all()),
        "position": waitlist.entry_position(entry),
        "offer": offer,
        "offer_open": bool(offer and minutes > 0),
        "time_left": rules.time_left_words(minutes) if offer else "",
        "attendance_label": Attendance(entry.attendance).label,
        "minutes": _offer_minutes(),
    }


NO_OFFER = gettext_lazy("Nothing is offered to this entry now: the offer has ended or was answered already.")


@require_POST
def accept(request: HttpRequest) -> HttpResponse:
    """Book the time offered (R-L2): the booking's confirmation page, as after any booking (R-B7)."""
    entry = _entry(request)
    if entry is None:
        return redirect("reservations:waitlist_lookup")
    try:
        booking = waitlist.waitlist_accept(entry=entry)
    except waitlist.NoOffer:
        messages.error(request, NO_OFFER)
        return redirect("reservations:waitlist_entry")
    except BookingRefused as exc:
        for texts in exc.messages().values():
            for text in texts:
                messages.error(request, text)
        return redirect("reservations:waitlist_entry")
    request.session[DONE] = booking.pk
    return redirect("reservations:book_done")


@require_POST
def decline(request: HttpRequest) -> HttpResponse:
    """Decline the time offered: the entry keeps its place for other times (R-L2)."""
    entry = _entry(request)
    if entry is None:
        return redirect("reservations:waitlist_lookup")
    try:
        waitlist.waitlist_decline(entry=entry)
    except waitlist.NoOffer:
        messages.error(request, NO_OFFER)
    else:
        messages.success(request, _("You declined the time offered. Your entry keeps waiting for other times."))
    return redirect("reservations:waitlist_entry")


@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest) -> HttpResponse:
    """Leave the list, after a confirmation step; an open offer's seats go to the next entry (R-L2)."""
    entry = _entry(request)
    if entry is None:
        return redirect("reservations:waitlist_lookup")
    if request.method == "GET":
        return render(request, "reservations/waitlist_cancel.html", {"entry": entry})
    try:
        waitlist.waitlist_cancel(entry=entry)
    except NotChangeable:
        messages.error(request, _("This entry has ended already; there is nothing to cancel."))
    else:
        messages.success(request, _("You have left the waiting list."))
    return redirect("reservations:waitlist_entry")


@require_POST
def forget(request: HttpRequest) -> HttpResponse:
    request.session.pop(ENTRY, None)
    return redirect("reservations:waitlist_lookup")

