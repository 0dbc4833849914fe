"""
Builders for test data.

- Plain values for the services: ``person``, ``booking_data`` and ``api_body``
  (the services do the writing, seats and messages included).
- ``booking_in_state``: a booking brought to a status the way the services do.
- factory_boy factories for rows a test needs as they are: windows, bookings
  with their people (for model rules and pages that only show a booking; they
  hold no seats), closures, booking blocks and staff.
- ``my_number_check_digit``: the check digit of R-B5, computed independently of
  the rule under test.
"""

import datetime as dt
import itertools
import zoneinfo

import factory
import time_machine
from factory.django import DjangoModelFactory, Password

from reservations.booking.services import BookingData, PersonData
from reservations.models import Booking, BookingBlock, BookingPerson, Closure, StaffAssignment, Window

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
# 2026-11-25 (Wednesday) 10:00 in Niigata: tomorrow is bookable, 26 Dec is not.
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=TOKYO)
STAFF_PASSWORD = "Counter-Pass-2026!"
_numbers = itertools.count(100000000000001)


def notice_number():
    return str(next(_numbers))


def my_number_check_digit(first_eleven):
    """
    Return the check digit that makes ``first_eleven`` a valid My Number: the
    weights of 行政手続における特定の個人を識別するための番号の利用等に関する法律施行令
    第8条, counted from the right (2 … 7, then 2 … 6).
    """
    weights = [n + 1 if n <= 6 else n - 5 for n in range(1, 12)]
    total = sum(int(digit) * weight for digit, weight in zip(reversed(first_eleven), weights))
    remainder = total % 11
    return str(0 if remainder <= 1 else 11 - remainder)


def person(**overrides):
    values = {"notice_number": notice_number(), "name": "新潟 太郎", "kana": "ニイガタ タロウ",
              "birth_date": dt.date(1990, 4, 1)}
    values.update(overrides)
    return PersonData(**values)


def booking_data(window="kita", date=dt.date(2026, 12, 1), start=dt.time(9), party=1, **overrides):
    if isinstance(window, str):
        window = Window.objects.with_rules().get(code=window)
    values = {
        "window": window, "date": date, "start": start, "ward": window.ward or "chuo",
        "attendance": "in_person", "proxy_reason": None, "email": "taro@example.jp", "phone": "",
        "language": "ja", "people": tuple(person() for _ in range(party)),
    }
    values.update(overrides)
    return BookingData(**values)


def api_body(window="kita", date="2026-12-01", start="09:00", party=1, **overrides):
    body = {
        "window": window, "date": date, "start": start, "ward": window if window != "cityhall" else "chuo",
        "attendance": "in_person", "proxy_reason": None, "email": "taro@example.jp", "phone": "025-000-0000",
        "language": "ja",
        "people": [api_person() for _ in range(party)],
    }
    body.update(overrides)
    return body


def api_person(**overrides):
    """Return one person of an API booking body (R-B4)."""
    values = {"notice_number": notice_number(), "name": "新潟 太郎", "kana": "ニイガタ タロウ", "birth_date": "1990-04-01"}
    values.update(overrides)
    return values


# --- Rows as they are --------------------------------------------------------------------


class WindowFactory(DjangoModelFactory):
    """The seeded window ``code`` (get or create); ``.build()`` gives an unsaved ward office."""

    class Meta:
        model = Window
        django_get_or_create = ("code",)

    code = "kita"
    name_ja = "北区役所"
    name_en = "Kita Ward Office"
    kind = "ward"
    ward = factory.LazyAttribute(lambda window: window.code if window.kind == "ward" else "")
    address_ja = "新潟市北区葛塚3197番地"
    phone = "025-387-1000"


def _slot_minutes(window, service):
    """The slot length of ``service`` at ``window`` (15 for an unsaved window)."""
    offer = window.offers.filter(service=service).first() if window.pk else None
    return offer.slot_minutes if offer else 15


class BookingFactory(DjangoModelFactory):
    """
    A booking row with ``party_size`` people, written directly: it holds no
    seat and sends nothing. Book through ``booking_create`` where seats or
    messages matter.
    """

    class Meta:
        model = Booking
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"TEST{n:04d}")
    window = factory.SubFactory(WindowFactory)
    date = dt.date(2026, 12, 1)
    start = dt.time(9)
    service = "pickup"
    end = factory.LazyAttribute(
        lambda booking: (dt.datetime.combine(booking.date, booking.start)
                         + dt.timedelta(minutes=_slot_minutes(booking.window, booking.service))).time()
    )
    party_size = 1
    ward = factory.LazyAttribute(lambda booking: booking.window.ward or "chuo")
    attendance = "in_person"
    email = "taro@example.jp"
    language = "ja"

    @factory.post_generation
    def people(booking, create, extracted, **kwargs):
        """Save ``party_size`` people (or one per dict of overrides in ``people=[…]``)."""
        if not create:
            return
        overrides = extracted if extracted is not None else [{}] * booking.party_size
        for position, values in enumerate(overrides):
            BookingPersonFactory(booking=booking, position=position, **values)


class BookingPersonFactory(DjangoModelFactory):
    class Meta:
        model = BookingPerson

    booking = factory.SubFactory(BookingFactory, people=[])
    position = 0
    notice_number = factory.LazyFunction(notice_number)
    name = "新潟 太郎"
    kana = "ニイガタ タロウ"
    birth_date = dt.date(1990, 4, 1)


class ClosureFactory(DjangoModelFactory):
    """A one-day closure of every window (``window=None``) unless told otherwise."""

    class Meta:
        model = Closure

    window = None
    start_date = dt.date(2026, 12, 1)
    end_date = factory.SelfAttribute("start_date")
    kind = Closure.Kind.TEMPORARY


class BookingBlockFactory(DjangoModelFactory):
    """Bookings paused at every window (``window=None``) unless told otherwise."""

    class Meta:
        model = BookingBlock

    window = None
    start_date = dt.date(2026, 12, 10)
    end_date = factory.SelfAttribute("start_date")


class StaffUserFactory(DjangoModelFactory):
    """A staff account in ``groups`` (names), assigned to ``windows`` (codes)."""

    class Meta:
        model = "auth.User"
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff-{n}")
    password = Password(STAFF_PASSWORD)

    @factory.post_generation
    def groups(user, create, extracted, **kwargs):
        from django.contrib.auth.models import Group

        for name in extracted or ():
            user.groups.add(Group.objects.get(name=name))

    @factory.post_generation
    def windows(user, create, extracted, **kwargs):
        for code in extracted or ():
            StaffAssignment.objects.create(user=user, window=Window.objects.get(code=code))


# --- A booking in each status, as the services make it ----------------------------------------

STATES = ("booked", "checked_in", "issued", "no_show", "cancelled", "affected")


def booking_in_state(status="booked", *, window="kita", date=dt.date(2026, 11, 26), start=None, language="en"):
    """
    Book through the services and bring the booking to ``status`` as they do
    (events and messages included); each status has its own slot by default.
    An affected booking's quarter of an hour is closed (``closure_with_notes``).
    """
    from reservations.admin import closure_reason, in_language
    from reservations.booking import services

    start = start or (dt.datetime(2026, 1, 1, 9) + dt.timedelta(minutes=15 * STATES.index(status))).time()
    booking = services.booking_create(data=booking_data(window, date=date, start=start, language=language), now=NOW)
    if status in ("checked_in", "issued", "no_show"):
        with _today(date):
            services.booking_transition(
                booking=booking, action="no_show" if status == "no_show" else "check_in", actor=None,
            )
            if status == "issued":
                services.booking_transition(booking=booking, action="issue", actor=None)
    elif status == "cancelled":
        services.booking_cancel(booking=booking, reason="resident", now=NOW)
    elif status == "affected":
        closure = closure_with_notes(date, window=booking.window, start_time=start)
        services.bookings_mark_affected([booking], actor=None, reason=in_language(lambda: closure_reason(closure)))
    booking.refresh_from_db()
    assert booking.status == status
    return booking


def closure_with_notes(day, *, window=None, start_time=None):
    """Close ``day`` (or the quarter of an hour from ``start_time``) with a public note in both languages."""
    end_time = None
    if start_time is not None:
        end_time = (dt.datetime.combine(day, start_time) + dt.timedelta(minutes=15)).time()
    return ClosureFactory(
        window=window, start_date=day, start_time=start_time, end_time=end_time,
        note_ja="停電のため臨時休業します。", note_en="Power cut in the building.",
    )


def _today(day):
    return time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=TOKYO), tick=False)
