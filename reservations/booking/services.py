"""
Writes on bookings (R-B4 … R-B8, R-B10): create, reschedule, cancel.

Each service runs in one narrow atomic transaction and takes its seats with
one conditional UPDATE on the slot's counter row (R-B6), so no slot is ever
sold twice, on PostgreSQL or on SQLite (IMMEDIATE transactions). The HTML
views and the JSON API call these same functions.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, OperationalError, connection, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from portal import rows
from reservations import rules
from reservations.booking import limits, offers
from reservations.booking.forms import proxy_age_errors
from reservations.booking.request import BookingData, PersonData
from reservations.messaging import outbox
from reservations.models import Attendance, Booking, BookingEvent, BookingPerson, Message, Service, SlotCounter, Window
from reservations.schedule import calendars

T = TypeVar("T")
# Who did it: a member of staff, or None for the resident (or the system).
Actor = AbstractBaseUser | None


class BookingRefused(Exception):
    """The request breaks a rule; ``errors`` maps a field to messages (API: 422)."""

    def __init__(self, errors: Mapping[str, Sequence[object]]) -> None:
        super().__init__(errors)
        self.errors = errors

    def messages(self) -> dict[str, list[str]]:
        """Return field → messages, in the current language (pages, API and phone booking alike)."""
        return {field: [str(message) for message in messages] for field, messages in self.errors.items()}


class SlotFull(Exception):
    """The seats went while the resident was typing (R-B6; API: 409)."""

    def __init__(self, alternatives: list[tuple[Window, dt.date, rules.SlotAvailability]]) -> None:
        super().__init__("slot_full")
        self.alternatives = alternatives

    def messages(self) -> dict[str, list[str]]:
        """Return field → messages for the pages, in the current language."""
        return {"start": [_("That time has just been fully booked. Choose another time.")]}


class NotChangeable(Exception):
    """The booking is checked in, issued, cancelled or past (API: 409)."""


def problem_message(problem: str) -> str:
    """Return the words for a rules.slot_problem() or ward refusal."""
    messages = {
        "too_soon": _("Bookings for this day are closed. Choose a day from tomorrow on; same-day booking is not possible."),
        "beyond_horizon": _("Bookings open 30 days ahead. Choose an earlier day."),
        "blocked": _("Bookings are not accepted for this day. Choose another day."),
        "unknown_slot": _("There is no pickup time starting then at this window. Choose one of the listed times."),
        "slot_closed": _("The window is closed at this time that day. Choose another time."),
        "party_too_large": _("This window serves fewer people at one time than your party. Book fewer people per booking, or choose the City Hall window."),
        "full": _("This time is fully booked. Choose another time."),
        "ward_not_served": _("This window does not serve your ward. Residents pick up at their own ward office or at the City Hall window."),
        "support_not_served": _("Application support is given only at the ward office of the ward you are registered in. Choose your own ward office."),
        "walk_in": _("This ward office takes no bookings for application support: come during its hours without a booking."),
        "not_offered": _("This window does not offer this service."),
        "slot_too_soon": _("This time starts too soon. Same-day bookings are for times at least 30 minutes from now. Choose a later time."),
    }
    if problem in messages:
        return messages[problem]
    return _("The window is closed on this day: %(reason)s.") % {"reason": rules.closed_reason_label(problem)}


PROBLEM_FIELDS = {
    "unknown_slot": "start", "slot_closed": "start", "slot_too_soon": "start", "party_too_large": "people",
    "ward_not_served": "window", "support_not_served": "window", "walk_in": "window", "not_offered": "window",
}


def _today(now: dt.datetime) -> dt.date:
    return timezone.localdate(now)


def _day_availability(window: Window, day: dt.date, now: dt.datetime, service: str) -> rules.DayAvailability:
    # The day's rules from the database; its seats are left to _take_seats' conditional UPDATE.
    return calendars.window_availability(window, day, day, today=_today(now), seats=False, service=service, now=now)[0]


def window_problem(window: Window, ward: str, service: str) -> str | None:
    """Return why ``window`` cannot take a booking of ``service`` from a resident of ``ward`` (R-W4, R-A2, R-A4), or None."""
    offer = window.offer(service)
    if offer is None:
        return "support_not_served" if service == Service.APPLICATION_SUPPORT else "not_offered"
    if not window.serves(ward, service):
        return "support_not_served" if service == Service.APPLICATION_SUPPORT else "ward_not_served"
    if offer.walk_in:
        return "walk_in"
    return None


def _check_slot(
    window: Window, day: dt.date, start: dt.time, party_size: int, ward: str, now: dt.datetime,
    service: str = Service.PICKUP,
) -> rules.SlotAvailability:
    """Raise BookingRefused unless the slot of ``service`` can take the party now (apart from seats)."""
    problem = window_problem(window, ward, service)
    if problem:
        raise BookingRefused({"window": [problem_message(problem)]})
    availability = _day_availability(window, day, now, service)
    problem = rules.slot_problem(availability, start, party_size)
    if problem and problem != "full":
        raise BookingRefused({PROBLEM_FIELDS.get(problem, "date"): [problem_message(problem)]})
    slot = next(s for s in availability.slots if s.start == start)
    return slot


def _take_seats(
    window: Window, day: dt.date, start: dt.time, capacity: int, party_size: int, service: str = Service.PICKUP
) -> bool:
    """
    Take ``party_size`` seats of the slot (SlotCounter.objects.take, R-B6, R-A7) while ``window``'s
    schedule version is still the one its rules were read with; return whether it worked.
    """
    taken = SlotCounter.objects.take(
        window=window, date=day, start=start, capacity=capacity, seats=party_size, service=service,
        schedule_version=window.schedule_version,
    )
    if taken:  # a refused attempt changes nothing, so it leaves the cached availability alone
        calendars.invalidate_availability_days(window.code, service, [day])  # that day only (issue #17)
    return taken


def _take_checked(
    window: Window, day: dt.date, start: dt.time, party_size: int, ward: str, now: dt.datetime, service: str,
    slot: rules.SlotAvailability,
) -> tuple[Window, rules.SlotAvailability] | None:
    """
    Take the seats of ``slot`` (checked against ``window``'s rules, which may
    come from the shared cache) and return (window, slot), or None when the
    seats are gone. The seat statement verifies the window's schedule
    version: when a calendar change replaced it, the window and its rules are
    read again from the database in this transaction, the slot checked
    again (BookingRefused) and the seats taken under the new version.
    """
    for _attempt in range(3):
        if _take_seats(window, day, start, slot.capacity, party_size, service):
            return window, slot
        current = Window.objects.filter(pk=window.pk).values_list("schedule_version", flat=True).first()
        if current == window.schedule_version:
            return None  # the rules held: the seats are gone
        window = Window.objects.with_rules().get(pk=window.pk)  # no cached rows: calendars reads them
        slot = _check_slot(window, day, start, party_size, ward, now, service)
    return None  # the calendar kept changing under the booking: refuse rather than guess


def _free_seats(*bookings: Booking) -> None:
    """Give back the seats of ``bookings`` (SlotCounter.objects.free: a drifted counter is recounted, not clamped)."""
    SlotCounter.objects.free(bookings)
    days = {}
    for booking in bookings:
        days.setdefault((booking.window.code, booking.service), set()).add(booking.date)
    for (code, service), dates in days.items():
        calendars.invalidate_availability_days(code, service, dates)  # those days only (issue #17)


def alternatives_for(
    window: Window, day: dt.date, start: dt.time, party_size: int, now: dt.datetime, limit: int = 5,
    service: str = Service.PICKUP,
) -> list[tuple[Window, dt.date, rules.SlotAvailability]]:
    """Return up to ``limit`` (window, date, slot) of ``service`` nearest to the wanted one with enough seats."""
    first, last = calendars.booking_window(_today(now), window, service)
    # Suggestions may come from the shared cache: the booking of one re-checks.
    days = calendars.cached_window_availability(window, first, last, today=_today(now), service=service, now=now)
    wanted = dt.datetime.combine(day, start)
    return [(window, d, slot) for d, slot in rules.nearest_free_slots(wanted, days, party_size, limit)]


NOTICE_NUMBER_REPEATED = _lazy("Each person needs their own issuance notice number.")
NOTICE_NUMBER_TAKEN = _lazy(
    "A booking with this issuance notice number exists already. To change it, use “Check or change a booking”."
)


def _duplicate_notice_errors(people: Sequence[PersonData]) -> dict[str, list]:
    numbers = [person.notice_number for person in people if person.notice_number]
    errors = {}
    for index in rules.repeated_positions(numbers):
        errors[f"people.{index}.notice_number"] = [NOTICE_NUMBER_REPEATED]
    taken = set(
        BookingPerson.objects.filter(notice_number__in=numbers, active=True).values_list("notice_number", flat=True)
    )
    for index, number in enumerate(numbers):
        if number in taken:
            errors[f"people.{index}.notice_number"] = [NOTICE_NUMBER_TAKEN]
    return errors


def _record(
    booking: Booking, action: str, *, before: str = "", after: str = "", reason: str = "", actor: Actor = None
) -> None:
    """Write one audit-trail row (R-S4) for ``booking``."""
    _record_many([booking], action, before=before, after=after, reason=reason, actor=actor)


def _slot_label(window_code: str, day: dt.date, start: dt.time) -> str:
    return f"{window_code} {day.isoformat()} {start:%H:%M}"


def _atomically(work: Callable[[], T], attempts: int = 3) -> T:
    """
    Run ``work()`` in one durable transaction and return its result. A
    deadlock or serialisation failure (PostgreSQL 40P01/40001, SQLite's
    "database is locked") rolls everything back and runs it again, at most
    ``attempts`` times: nothing half-done survives a failed try.
    """
    for attempt in range(1, attempts + 1):
        try:
            with transaction.atomic(durable=True):
                return work()
        except OperationalError as exc:
            retryable = getattr(exc.__cause__, "sqlstate", None) in ("40P01", "40001") or "locked" in str(exc)
            if not retryable or attempt == attempts:
                raise


def booking_create(
    *, data: BookingData, now: dt.datetime | None = None, token: str | None = None, actor: Actor = None
) -> Booking:
    """
    Book ``data`` (a BookingData) and return the Booking.

    Raise BookingRefused for a rule the request breaks, SlotFull with the
    nearest alternatives when the seats are gone. A repeated ``token`` (the
    one-time token of the booking form) returns the booking made with it,
    also when both submits race each other.

    One statement each (issue #17): the daily limits, the booking, its
    people, the seats (verifying the window's schedule version, so the
    window's rules may come from the shared cache), the audit row and the
    messages. A reservation code already taken makes the transaction run
    again with another code; the unique constraints on the token and the
    notice numbers decide a repeated submit and a notice number booked twice.
    """
    now = now or timezone.now()
    party_size = len(data.people)
    _check_attendance(data)
    _check_proxy_reason(data)

    def work() -> Booking:
        limits.claim(data, now=now, actor=actor)  # issue #18: daily limits, counted in this transaction
        slot = _check_slot(data.window, data.date, data.start, party_size, data.ward, now, data.service)
        if rules.repeated_positions([person.notice_number for person in data.people if person.notice_number]):
            raise BookingRefused(_duplicate_notice_errors(data.people))
        booking = _new_booking(data, slot, token=token, actor=actor, code=rules.generate_code())
        _create_people(booking, data.people)  # a notice number of an active booking refuses (R-B4)
        taken = _take_checked(data.window, data.date, data.start, party_size, data.ward, now, data.service, slot)
        if taken is None:
            raise _Full()
        if taken[1].end != booking.end:  # the slot length changed under the booking (read again above)
            booking.end = taken[1].end
            booking.save(update_fields=["end"])
        _record(booking, "booked", after=_slot_label(data.window.code, data.date, data.start), actor=actor)
        outbox.messages_for_new_booking(booking, now)
        return booking

    try:
        return _with_free_code(work)
    except (_Full, BookingRefused, IntegrityError, limits.TooManyBookings) as exc:
        # The same form submitted twice at once: whatever this submit ran
        # into (the seat, the notice number or the token itself), the other
        # submit made the booking. Show that one.
        existing = Booking.objects.filter(submission_token=token).first() if token else None
        if existing is not None:
            return existing
        if isinstance(exc, _Full):
            raise SlotFull(alternatives_for(data.window, data.date, data.start, party_size, now, service=data.service))
        raise


def _with_free_code(work: Callable[[], T], attempts: int = 3) -> T:
    """Run ``work`` atomically; again (a new transaction, a new code) while its reservation code was taken."""
    for attempt in range(1, attempts + 1):
        try:
            return _atomically(work)
        except IntegrityError as exc:
            if attempt == attempts or not _code_taken(exc):
                raise
    raise AssertionError("unreachable")


def _code_taken(exc: IntegrityError) -> bool:
    """Whether ``exc`` is the unique reservation code (PostgreSQL names the index, SQLite the column)."""
    text = str(exc)
    return "reservations_booking_code" in text or "reservations_booking.code" in text


class _Full(Exception):
    pass


def _check_attendance(data: BookingData) -> None:
    """R-E5: children under 15 come with their legal representative; R-A5: application support never by proxy."""
    if data.attendance not in rules.service_rules(data.service).attendances:
        raise BookingRefused({"attendance": [_(
            "Application support is for the applicant in person, or with their legal representative; a proxy cannot apply."
        )]})
    if rules.attendance_problem(data.attendance, [p.birth_date for p in data.people], data.date):
        raise BookingRefused({"attendance": [_(
            "Children under 15 come with their legal representative: choose “The applicant with a legal representative”."
        )]})


def _check_proxy_reason(data: BookingData) -> None:
    """R-E5: the age-bound proxy cases 4 and 6 fit every person on the pickup day (pages, API and phone alike)."""
    errors = proxy_age_errors(data.attendance, data.proxy_reason, [p.birth_date for p in data.people], data.date)
    if errors:
        raise BookingRefused(errors)


def _check_proxy_age_on(booking: Booking, day: dt.date) -> None:
    """R-E5 on a move: an age-bound proxy case (4, 6) still fits every person on the new day."""
    if booking.attendance != Attendance.PROXY:
        return
    birth_dates = [person.birth_date for person in booking.people.all()]
    errors = proxy_age_errors(booking.attendance, booking.proxy_reason, birth_dates, day)
    if errors:
        raise BookingRefused(errors)


def _new_booking(
    data: BookingData, slot: rules.SlotAvailability, *, token: str | None, actor: Actor, code: str | None = None
) -> Booking:
    """Insert the booking of ``data``; with ``code`` (unchecked: the unique constraint decides) or a checked free one."""
    booking = Booking(
        code=code or _new_code(),
        service=data.service,
        window=data.window,
        date=data.date,
        start=data.start,
        end=slot.end,
        party_size=len(data.people),
        ward=data.ward,
        attendance=data.attendance,
        proxy_reason=data.proxy_reason,
        proxy_name=data.proxy_name if data.attendance == Attendance.PROXY else "",
        proxy_phone=data.proxy_phone if data.attendance == Attendance.PROXY else "",
        email=data.email,
        phone=data.phone,
        language=data.language,
        submission_token=token or None,
        made_by=actor,
        client_hash=data.client or None,
    )
    rows.insert([booking])  # the ORM's INSERT without its compiler (issue #17); Booking has no save signals
    return booking


def _new_code() -> str:
    for _attempt in range(10):
        code = rules.generate_code()
        if not Booking.objects.filter(code=code).exists():
            return code
    raise RuntimeError("could not find a free reservation code")


def _create_people(booking: Booking, people: Sequence[PersonData]) -> None:
    """
    Insert the people of ``booking`` in one statement. A notice number held
    by an active booking (committed, or committing meanwhile: the statement
    waits for it) is left out by the unique index instead of failing the
    transaction; the people left out refuse the booking (R-B4).
    """
    quote, table = connection.ops.quote_name, BookingPerson._meta.db_table
    columns = ("booking_id", "position", "notice_number", "name", "kana", "birth_date", "active")
    rows = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(people))
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) VALUES {rows} "
        f"ON CONFLICT DO NOTHING RETURNING {quote('position')}"
    )
    params = []
    for index, person in enumerate(people):
        params += [booking.pk, index, person.notice_number, person.name, person.kana,
                   connection.ops.adapt_datefield_value(person.birth_date), True]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        inserted = {row[0] for row in cursor.fetchall()}
    left_out = [index for index in range(len(people)) if index not in inserted]
    if left_out:
        raise BookingRefused({f"people.{index}.notice_number": [NOTICE_NUMBER_TAKEN] for index in left_out})


def find_booking(code: str | None, birth_date: dt.date | None) -> Booking | None:
    """
    Return the booking with ``code`` whose first person was born on
    ``birth_date``, or None (R-B8). An anonymised booking is never found
    (R-B11): its birth dates are all retention.ERASED_BIRTH_DATE.
    """
    stored = rules.parse_code(code or "")
    if stored is None or birth_date is None:
        return None
    return (
        Booking.objects.select_related("window")
        .filter(code=stored, anonymised_at__isnull=True, people__position=0, people__birth_date=birth_date)
        .first()
    )


def _appointment(booking: Booking) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(booking.date, booking.start))


class CancelNotice(models.TextChoices):
    """
    What the cancellation e-mail tells the resident of a staff cancellation
    (R-B10), in the resident's language: one of these standard sentences or
    nothing. The staff's own reason stays in the audit trail, never mailed.
    """

    NONE = "", _lazy("No reason in the e-mail")
    AT_REQUEST = "at_request", _lazy("The booking was cancelled at your request.")
    DUPLICATE = "duplicate", _lazy("You have another booking for the same card.")
    CARD_NOT_READY = "card_not_ready", _lazy("Your card cannot be handed over at the booked time.")
    WINDOW_UNAVAILABLE = "window_unavailable", _lazy("The window cannot receive you at the booked time.")
    ASK_THE_WINDOW = "ask_the_window", _lazy("Please contact the window for the details.")


def _notice_text(notice: str, language: str) -> str:
    """Return the resident-facing sentence of ``notice`` in ``language`` ("" for none)."""
    if not notice:
        return ""
    with translation.override(language):
        return str(CancelNotice(notice).label)


def booking_cancel(
    *, booking: Booking, now: dt.datetime | None = None, actor: Actor = None, reason: str = "", by_staff: bool = False,
    notice: str = "",
) -> Booking:
    """
    Cancel ``booking`` and free its seats. A resident cannot once checked
    in, issued or past (NotChangeable); staff (``by_staff``) can cancel a
    booked, checked-in or affected booking at any time, with a reason.
    ``reason`` is internal: it goes to the audit trail (R-S4) only. The
    e-mail tells the resident ``notice`` (a CancelNotice) and nothing else.
    """
    now = now or timezone.now()

    def work() -> Booking:
        locked = Booking.objects.select_for_update(of=("self",)).get(pk=booking.pk)
        if locked.status == Booking.Status.CANCELLED:
            return locked
        if by_staff:
            if rules.transition_problem("cancel", locked.status, booking_date=locked.date, today=locked.date):
                raise NotChangeable()
        elif not rules.cancellable(locked.status, _appointment(locked), now):
            raise NotChangeable()
        before = locked.status
        locked.status = Booking.Status.CANCELLED
        locked.save(update_fields=["status", "updated_at"])
        if before != Booking.Status.AFFECTED:
            _free_seats(locked)
            offers.offer_freed([_slot_key(locked)], now=now)  # R-L2: in the transaction that frees them
        BookingPerson.objects.filter(booking=locked).update(active=False)
        _record(locked, "cancelled", before=before, after=locked.status, reason=reason, actor=actor)
        outbox.messages_for_cancel(locked, now, reason=_notice_text(notice, locked.language))
        return locked

    return _atomically(work)


def booking_reschedule(
    *, booking: Booking, window: Window, date: dt.date, start: dt.time, now: dt.datetime | None = None,
    actor: Actor = None,
) -> Booking:
    """
    Move ``booking`` to another slot; the old seats are freed in the same
    transaction. Raise NotChangeable, BookingRefused or SlotFull.
    """
    now = now or timezone.now()

    def work() -> Booking:
        # Lock the booking row only (of=self), not its window: a booking at
        # the same window must not wait for this move.
        locked = Booking.objects.select_for_update(of=("self",)).select_related("window").get(pk=booking.pk)
        if not rules.cancellable(locked.status, _appointment(locked), now):
            raise NotChangeable()
        if (locked.window_id, locked.date, locked.start) == (window.pk, date, start):
            return locked
        # R-A7: a move stays within its service, at a window that may take it.
        slot = _check_slot(window, date, start, locked.party_size, locked.ward, now, locked.service)
        if date != locked.date:
            _check_proxy_age_on(locked, date)
        _lock_counters_in_order(locked, window, date, start, slot.capacity)
        taken = _take_checked(window, date, start, locked.party_size, locked.ward, now, locked.service, slot)
        if taken is None:
            raise _Full()
        slot = taken[1]  # the same window, its rules perhaps read again
        before = _slot_label(locked.window.code, locked.date, locked.start)
        freed = _slot_key(locked) if locked.status != Booking.Status.AFFECTED else None
        if freed:
            _free_seats(locked)
        locked.window, locked.date, locked.start, locked.end = window, date, start, slot.end
        locked.status = Booking.Status.BOOKED
        locked.save(update_fields=["window", "date", "start", "end", "status", "updated_at"])
        _record(locked, "rescheduled", before=before, after=_slot_label(window.code, date, start), actor=actor)
        outbox.messages_for_reschedule(locked, now)
        if freed:
            offers.offer_freed([freed], now=now)  # R-L2: the old seats, in the transaction that frees them
        return locked

    try:
        return _atomically(work)
    except _Full:
        raise SlotFull(alternatives_for(window, date, start, booking.party_size, now, service=booking.service))


def _slot_key(booking: Booking) -> tuple[int, str, dt.date, dt.time]:
    """The key of the slot counter ``booking`` holds seats in."""
    return (booking.window_id, booking.service, booking.date, booking.start)


def _lock_counters_in_order(booking: Booking, window: Window, date: dt.date, start: dt.time, capacity: int) -> None:
    """
    Lock the old and the new slot's counters in primary-key order, so two
    moves in opposite directions wait for each other instead of deadlocking.
    """
    service = booking.service
    SlotCounter.objects.get_or_create(
        window=window, service=service, date=date, start=start, defaults={"capacity": capacity}
    )
    SlotCounter.objects.lock([(window.pk, service, date, start), (booking.window_id, service, booking.date, booking.start)])


def booking_transition(
    *, booking: Booking, action: str, actor: Actor, now: dt.datetime | None = None, reason: str = "",
    notice: str = "",
) -> Booking:
    """
    Apply a counter action (check_in, issue, no_show) to ``booking`` and
    record it (R-B10, R-S4). Raise NotChangeable with the rule's reason.
    A cancellation goes to ``booking_cancel`` with its ``notice``.
    """
    now = now or timezone.now()
    if action == "cancel":
        return booking_cancel(booking=booking, now=now, actor=actor, reason=reason, by_staff=True, notice=notice)

    def work() -> Booking:
        locked = Booking.objects.select_for_update(of=("self",)).get(pk=booking.pk)
        problem = rules.transition_problem(
            action, locked.status, booking_date=locked.date, today=_today(now), slot_end=_slot_end(locked), now=now,
        )
        if problem:
            raise NotChangeable(problem)
        before = locked.status
        locked.status = rules.STAFF_ACTIONS[action][1]
        locked.save(update_fields=["status", "updated_at"])
        _record(locked, action, before=before, after=locked.status, reason=reason, actor=actor)
        return locked

    return _atomically(work)


def _slot_end(booking: Booking) -> dt.datetime:
    """Return when the slot of ``booking`` ends (Japan time): a no-show is marked only from then on."""
    return timezone.make_aware(dt.datetime.combine(booking.date, booking.end))


def last_event(booking: Booking) -> BookingEvent | None:
    """Return the latest audit-trail row of ``booking`` (the one an undo would undo), or None."""
    return booking.events.order_by("-at", "-pk").first()


def booking_undo(*, booking: Booking, actor: Actor, now: dt.datetime | None = None) -> Booking:
    """
    Undo the last routine step of ``booking`` (check-in, issue, no-show) on
    the day it was done (Japan time): the booking returns to the status it
    came from and an "undone" event (before → after) joins the audit trail,
    which keeps the step itself (R-S4). Seats do not move: every status
    involved holds its seat. Raise NotChangeable with the rule's reason.
    """
    now = now or timezone.now()

    def work() -> Booking:
        locked = Booking.objects.select_for_update(of=("self",)).get(pk=booking.pk)
        event = last_event(locked)
        problem = rules.undo_problem(
            event.action if event else None, locked.status,
            done_on=timezone.localdate(event.at) if event else None, today=_today(now),
        )
        if problem:
            raise NotChangeable(problem)
        before = locked.status
        locked.status = rules.undone_status(event.action)
        locked.save(update_fields=["status", "updated_at"])
        _record(locked, "undone", before=before, after=locked.status, actor=actor)
        return locked

    return _atomically(work)


REASON_LENGTH = 300


def bookings_mark_affected(
    bookings: Iterable[Booking],
    *,
    actor: AbstractBaseUser | None,
    reason: str | Callable[[str], str],
    now: dt.datetime | None = None,
) -> list[Booking]:
    """
    Mark ``bookings`` affected (R-B9) in one durable transaction (retried
    like every booking write) and return those marked: each gives its seats
    back, gets a BookingEvent ("affected", booked → affected, ``reason``,
    ``actor``) and a pending closure-notice Message due now (the messaging
    layer sends it with a link to rebook); its reminder is disarmed.
    Bookings that are no longer booked when their row is locked are
    skipped. A fixed number of queries, whatever the number of bookings.

    ``reason`` is a text, or a function of a language code that returns the
    reason in that language: the audit trail then takes it in the staff's
    language (Japanese) and each notice in its booking's language.
    """
    now = now or timezone.now()
    reason_in = _reason_in_language(reason)
    pks = sorted({booking.pk for booking in bookings})
    if not pks:
        return []

    def work() -> list[Booking]:
        locked = _lock_still_booked(pks)
        if locked:
            _free_seats(*locked)
            Booking.objects.filter(pk__in=[booking.pk for booking in locked]).update(
                status=Booking.Status.AFFECTED, updated_at=now
            )
            _record_many(
                locked, "affected", before=Booking.Status.BOOKED, after=Booking.Status.AFFECTED,
                reason=reason_in(settings.LANGUAGE_CODE), actor=actor, nobody="system",
            )
            _send_closure_notices(locked, now, reason_in)
        return locked

    locked = _atomically(work)
    for booking in locked:
        booking.status = Booking.Status.AFFECTED
    return locked


def _reason_in_language(reason: str | Callable[[str], str]) -> Callable[[str | None], str]:
    """Return a function of a language code (None: the site's) that gives ``reason`` in it, cut to fit the rows."""
    describe = reason if callable(reason) else (lambda language: reason)

    def reason_in(language: str | None) -> str:
        return str(describe(language or settings.LANGUAGE_CODE))[:REASON_LENGTH]

    return reason_in


def _lock_still_booked(pks: list[int]) -> list[Booking]:
    """Lock the bookings ``pks`` that are still booked, in primary-key order (one query)."""
    return list(
        Booking.objects.select_for_update(of=("self",))
        .filter(pk__in=pks, status=Booking.Status.BOOKED)
        .select_related("window")
        .order_by("pk")
    )


def _record_many(
    bookings: list[Booking],
    action: str,
    *,
    before: str = "",
    after: str = "",
    reason: str = "",
    actor: AbstractBaseUser | None = None,
    nobody: str = "resident",
) -> None:
    """Write the same audit-trail row (R-S4) for each of ``bookings`` in one INSERT: ``_record`` for many."""
    actor_label = actor.get_username() if actor is not None else nobody
    rows.insert([  # without the ORM's compiler (issue #17)
        BookingEvent(
            booking=booking, action=action, before=before, after=after, reason=reason, actor=actor,
            actor_label=actor_label,
        )
        for booking in bookings
    ])


def _send_closure_notices(bookings: list[Booking], now: dt.datetime, reason_in: Callable[[str | None], str]) -> None:
    """
    Queue a closure notice for each of ``bookings``, in its language, due
    now and sent once committed; disarm their reminders, for a time that was
    taken away (R-B9). Three queries, whatever the number of bookings.
    """
    notes = {language: reason_in(language) for language in {booking.language for booking in bookings}}
    notices = Message.objects.bulk_create(
        Message(
            booking=booking,
            kind=Message.Kind.CLOSURE_NOTICE,
            state=Message.State.PENDING,
            due_at=now,
            note=notes[booking.language],
        )
        for booking in bookings
    )
    outbox.disarm_reminders(bookings, note="booking affected")
    outbox.enqueue_on_commit(notice.pk for notice in notices if notice.pk)


# --- For the waiting list (booking.waitlist), which books the party of an accepted offer ------------

atomically = _atomically
duplicate_notice_errors = _duplicate_notice_errors
check_slot = _check_slot


def check_party(data: BookingData) -> None:
    """Raise BookingRefused when who comes or the proxy reason breaks a rule (R-E5, R-A5), as a booking does."""
    _check_attendance(data)
    _check_proxy_reason(data)


def book_held(data: BookingData, *, end: dt.time, now: dt.datetime) -> Booking:
    """
    Book ``data`` on seats already held for it (an accepted waiting-list
    offer, R-L2), inside the caller's transaction: the seats are not taken
    again; the booking, its people, its audit row and its mails are written
    as booking_create writes them (R-B7).
    """
    slot = rules.SlotAvailability(start=data.start, end=end, capacity=0, remaining=0)
    booking = _new_booking(data, slot, token=None, actor=None)
    _create_people(booking, data.people)
    _record(booking, "booked", after=_slot_label(data.window.code, data.date, data.start), reason="waiting list")
    outbox.messages_for_new_booking(booking, now)
    return booking
