"""
The waiting list's writes (SPEC §9): join, accept, decline, cancel, and the
sweep that ends offers past their time. Each runs in one durable
transaction with retry (``services._atomically``); the offers themselves are
made by ``offers`` inside whatever transaction frees the seats (R-L2).
"""

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reservations import rules
from reservations.booking import offers, services
from reservations.booking.request import PersonData, WaitlistData
from reservations.messaging import outbox
from reservations.models import (
    Booking, Message, WaitlistEntry, WaitlistOffer, WaitlistPerson, Ward, Window, day_in_words,
)
from reservations.schedule import calendars


class SeatsAvailable(Exception):
    """Joining is refused while a fitting slot is free (R-L1; API: 409 with the slots)."""

    def __init__(self, alternatives: list[tuple[Window, dt.date, dt.time]]) -> None:
        super().__init__("seats_available")
        self.alternatives = alternatives


class NoOffer(Exception):
    """Nothing is offered to the entry now, or the offer has ended (API: 409 no_offer)."""


# Lazy: made once at import, said in the language of each request.
ALREADY_WAITING = gettext_lazy("This person is on the waiting list already. To change the entry, look it up with its code.")


def entry_windows(data: WaitlistData) -> list[Window]:
    """The windows the entry waits for: its window, or every window that takes bookings of the ward's residents."""
    if data.window is not None:
        return [data.window]
    return [
        window for window in Window.objects.with_rules().serving(data.ward, data.service)
        if not window.offer(data.service).walk_in
    ]


def _check_join(data: WaitlistData, windows: list[Window], now: dt.datetime) -> None:
    """Raise BookingRefused for every rule of R-L1 the request breaks (as for a booking, R-B4, R-A5)."""
    if data.window is not None:
        problem = services.window_problem(data.window, data.ward, data.service)
        if problem:
            raise services.BookingRefused({"window": [services.problem_message(problem)]})
    if not windows:
        raise services.BookingRefused({"window": [services.problem_message("not_offered")]})
    first, last = calendars.booking_window(timezone.localdate(now), data.window, data.service)
    problem = rules.range_problem(data.date_from, data.date_to, first, last)
    if problem:
        field = "to" if problem == "range_order" else ("from" if data.date_from < first else "to")
        raise services.BookingRefused({field: [_range_message(problem, first, last)]})
    if all(len(data.people) > window.offer(data.service).capacity for window in windows):
        raise services.BookingRefused({"people": [services.problem_message("party_too_large")]})
    booking = data.as_booking(windows[0], data.date_from, dt.time(0))
    services.check_party(booking)


def _range_message(problem: str, first: dt.date, last: dt.date) -> str:
    if problem == "range_order":
        return _("The last day comes before the first day. Choose the days again.")
    return _("Choose days from %(first)s to %(last)s: the days bookings are open for.") % {
        "first": day_in_words(first), "last": day_in_words(last),
    }


def free_fitting_slots(data: WaitlistData, windows: list[Window], now: dt.datetime) -> list[tuple[Window, dt.date, dt.time]]:
    """Return up to 5 (window, date, start) free now for the whole party inside the entry's dates (cached reads)."""
    today = timezone.localdate(now)
    days = [
        (window.pk, calendars.cached_window_availability(
            window, data.date_from, data.date_to, today=today, service=data.service, now=now))
        for window in windows
    ]
    by_id = {window.pk: window for window in windows}
    return [(by_id[window_id], day, start) for window_id, day, start in
            rules.first_fitting_slots(days, len(data.people), data.date_from, data.date_to)]


def waitlist_join(*, data: WaitlistData, now: dt.datetime | None = None) -> WaitlistEntry:
    """
    Put ``data`` on the waiting list (R-L1) and return the entry. Raise
    BookingRefused for a broken rule or a second active entry of a person,
    SeatsAvailable while a fitting slot is free.
    """
    now = now or timezone.now()
    windows = entry_windows(data)
    _check_join(data, windows, now)
    free = free_fitting_slots(data, windows, now)
    if free:
        raise SeatsAvailable(free)

    def work() -> WaitlistEntry:
        errors = services.duplicate_notice_errors(data.people) | _already_waiting(data)
        if errors:
            raise services.BookingRefused(errors)
        entry = WaitlistEntry.objects.create(
            code=_new_code(), service=data.service, window=data.window, date_from=data.date_from,
            date_to=data.date_to, party_size=len(data.people), ward=data.ward, attendance=data.attendance,
            proxy_reason=data.proxy_reason, email=data.email, phone=data.phone, language=data.language,
        )
        _create_people(entry, data)
        outbox.message_for_entry(entry, Message.Kind.WAITLIST_JOINED, now)
        return entry

    return services.atomically(work)


def _keys(data: WaitlistData) -> list[str]:
    return [
        rules.person_key(data.service, notice_number=p.notice_number, name=p.name, birth_date=p.birth_date)
        for p in data.people
    ]


def _already_waiting(data: WaitlistData) -> dict[str, list]:
    """R-L1: one active entry per notice number (pickup) or per person (application support)."""
    keys = _keys(data)
    taken = set(WaitlistPerson.objects.filter(key__in=keys).values_list("key", flat=True))
    field = "notice_number" if data.service == rules.Service.PICKUP else "name"
    return {f"people.{index}.{field}": [ALREADY_WAITING] for index, key in enumerate(keys) if key in taken}


def _create_people(entry: WaitlistEntry, data: WaitlistData) -> None:
    try:
        with transaction.atomic():
            WaitlistPerson.objects.bulk_create(
                WaitlistPerson(
                    entry=entry, position=index, notice_number=person.notice_number, name=person.name,
                    kana=person.kana, birth_date=person.birth_date, key=key,
                )
                for index, (person, key) in enumerate(zip(data.people, _keys(data)))
            )
    except IntegrityError:  # the same person joined in a racing request
        raise services.BookingRefused(_already_waiting(data) or {"people": [ALREADY_WAITING]})


def _new_code() -> str:
    for _attempt in range(10):
        code = rules.generate_code()
        if not WaitlistEntry.objects.filter(code=code).exists():
            return code
    raise RuntimeError("could not find a free waiting-list code")


def find_entry(code: str | None, birth_date: dt.date | None) -> WaitlistEntry | None:
    """Return the entry with ``code`` whose first person was born on ``birth_date``, or None (as for bookings, R-B8)."""
    stored = rules.parse_code(code or "")
    if stored is None or birth_date is None:
        return None
    return (
        WaitlistEntry.objects.select_related("window", "booking").prefetch_related("window__offers")
        .filter(code=stored, anonymised_at__isnull=True, people__position=0, people__birth_date=birth_date)
        .first()
    )


def entry_position(entry: WaitlistEntry) -> int | None:
    """
    Return the entry's place in the queue (1 = offered first) among the
    active entries of its service that wait for one of its windows, or None
    once it has ended (two queries).
    """
    if not entry.is_active:
        return None
    windows = [entry.window] if entry.window_id else entry_windows(entry_data(entry))
    wards = {ward for ward in Ward.values if any(window.serves(ward, entry.service) for window in windows)}
    earlier = WaitlistEntry.objects.filter(
        Q(created_at__lt=entry.created_at) | Q(created_at=entry.created_at, pk__lt=entry.pk),
        service=entry.service, status__in=WaitlistEntry.ACTIVE_STATUSES,
    ).filter(Q(window__in=windows) | Q(window__isnull=True, ward__in=wards))
    return earlier.count() + 1


def entry_data(entry: WaitlistEntry, people: Sequence[WaitlistPerson] | None = None) -> WaitlistData:
    """Return the request the entry was made of (to book it when an offer is accepted)."""
    people = entry.people.all() if people is None else people
    return WaitlistData(
        service=entry.service, window=entry.window, date_from=entry.date_from, date_to=entry.date_to,
        ward=entry.ward, attendance=entry.attendance, proxy_reason=entry.proxy_reason, email=entry.email,
        phone=entry.phone, language=entry.language,
        people=tuple(PersonData(p.notice_number, p.name, p.kana, p.birth_date) for p in people),
    )


def open_offer(entry: WaitlistEntry) -> WaitlistOffer | None:
    return entry.offers.open().select_related("window").first()


def _end(entry: WaitlistEntry, status: str, now: dt.datetime) -> None:
    """The entry ends: it frees its people's keys for a new entry (R-L1)."""
    WaitlistEntry.objects.filter(pk=entry.pk).update(status=status, ended_at=now)
    WaitlistPerson.objects.filter(entry=entry).update(key="")
    entry.status, entry.ended_at = status, now


def _lock(entry: WaitlistEntry) -> tuple[WaitlistEntry, WaitlistOffer | None]:
    # OF self: the window is the nullable side of an outer join, which PostgreSQL will not lock.
    locked = WaitlistEntry.objects.select_for_update(of=("self",)).select_related("window").get(pk=entry.pk)
    offer = WaitlistOffer.objects.select_for_update(of=("self",)).select_related("window").filter(
        entry=locked, outcome=WaitlistOffer.Outcome.OPEN
    ).first()
    return locked, offer


def waitlist_accept(*, entry: WaitlistEntry, now: dt.datetime | None = None) -> Booking:
    """
    Turn the entry's open offer into a booking (R-L2: code, confirmation as
    R-B7) and return it. The hold's seats become the booking's: the slot's
    counter does not move. Raise NoOffer when nothing is offered or the
    offer has ended (an offer found past its time is ended here, once).
    """
    now = now or timezone.now()

    def work() -> Booking | None:
        locked, offer = _lock(entry)
        if offer is None or locked.status != WaitlistEntry.Status.OFFERED:
            return None
        if offer.expires_at <= now:
            _expire(locked, offer, now)
            return None
        data = entry_data(locked).as_booking(offer.window, offer.date, offer.start)
        if not _still_bookable(data, now):
            # An admin closed or blocked the slot since it was offered: the entry waits again.
            WaitlistEntry.objects.filter(pk=locked.pk).update(status=WaitlistEntry.Status.WAITING)
            offers.release([offer], WaitlistOffer.Outcome.WITHDRAWN, now=now)
            return None
        errors = services.duplicate_notice_errors(data.people)
        if errors:
            raise services.BookingRefused(errors)
        booking = services.book_held(data, end=offer.end, now=now)
        WaitlistOffer.objects.filter(pk=offer.pk).update(outcome=WaitlistOffer.Outcome.ACCEPTED, ended_at=now)
        _end(locked, WaitlistEntry.Status.BOOKED, now)
        WaitlistEntry.objects.filter(pk=locked.pk).update(booking=booking)
        return booking

    booking = services.atomically(work)
    if booking is None:
        raise NoOffer()
    return booking


def _still_bookable(data, now: dt.datetime) -> bool:
    """Whether the offered slot could still be booked, seats apart (not closed, blocked or walk-in since)."""
    try:
        services.check_slot(data.window, data.date, data.start, len(data.people), data.ward, now, data.service)
    except services.BookingRefused:
        return False
    return True


def waitlist_decline(*, entry: WaitlistEntry, now: dt.datetime | None = None) -> WaitlistEntry:
    """
    Decline the open offer: the entry waits again (never offered that slot
    again) and the seats go to the next fitting entry, then to everyone (R-L2).
    Raise NoOffer when nothing is offered.
    """
    now = now or timezone.now()

    def work() -> WaitlistEntry | None:
        locked, offer = _lock(entry)
        if offer is None:
            return None
        if offer.expires_at <= now:
            _expire(locked, offer, now)
            return None
        WaitlistEntry.objects.filter(pk=locked.pk).update(status=WaitlistEntry.Status.WAITING)
        locked.status = WaitlistEntry.Status.WAITING
        offers.release([offer], WaitlistOffer.Outcome.DECLINED, now=now)
        return locked

    locked = services.atomically(work)
    if locked is None:
        raise NoOffer()
    return locked


def waitlist_cancel(*, entry: WaitlistEntry, now: dt.datetime | None = None) -> WaitlistEntry:
    """Leave the list (R-L2): an open offer's seats go to the next entry. Raise NotChangeable once it has ended."""
    now = now or timezone.now()

    def work() -> WaitlistEntry:
        locked, offer = _lock(entry)
        if locked.status == WaitlistEntry.Status.CANCELLED:
            return locked
        if not locked.is_active:
            raise services.NotChangeable()
        _end(locked, WaitlistEntry.Status.CANCELLED, now)
        if offer is not None:
            offers.release([offer], WaitlistOffer.Outcome.WITHDRAWN, now=now)
        return locked

    return services.atomically(work)


def _expire(entry: WaitlistEntry, offer: WaitlistOffer, now: dt.datetime) -> None:
    """An offer past its time ends its entry, which is told so; the seats go to the next (R-L2)."""
    _end(entry, WaitlistEntry.Status.EXPIRED, now)
    offers.release([offer], WaitlistOffer.Outcome.EXPIRED, now=now)
    outbox.message_for_entry(entry, Message.Kind.WAITLIST_ENDED, now, note="offer_expired")


def expire_offers(now: dt.datetime | None = None, limit: int = 200) -> int:
    """
    End every open offer past its time and every waiting entry whose dates
    have passed (Celery beat and the embedded sweeper, every minute); return
    how many ended. Each offer ends in its own transaction, exactly once.
    """
    now = now or timezone.now()
    due = list(
        WaitlistOffer.objects.open().filter(expires_at__lte=now).order_by("expires_at").values_list("entry_id", flat=True)[:limit]
    )
    ended = 0
    for entry_id in due:
        ended += services.atomically(lambda entry_id=entry_id: _expire_due(entry_id, now))
    return ended + _end_passed(now)


def _expire_due(entry_id: int, now: dt.datetime) -> int:
    locked, offer = _lock(WaitlistEntry(pk=entry_id))
    if offer is None or offer.expires_at > now:
        return 0  # accepted, declined or ended by another sweep meanwhile
    _expire(locked, offer, now)
    return 1


def _end_passed(now: dt.datetime) -> int:
    """R-L2: a waiting entry whose last day has passed ends, and is told so."""
    today = timezone.localdate(now)

    def work() -> int:
        passed = list(WaitlistEntry.objects.select_for_update(skip_locked=True).filter(
            status=WaitlistEntry.Status.WAITING, date_to__lt=today)[:500])
        for entry in passed:
            _end(entry, WaitlistEntry.Status.EXPIRED, now)
            outbox.message_for_entry(entry, Message.Kind.WAITLIST_ENDED, now, note="dates_passed")
        return len(passed)

    return services.atomically(work)
