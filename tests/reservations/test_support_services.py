"""
The application support service on the booking engine (SPEC §8): the windows
that offer it, its calendar from the database, and every booking write for it
(R-A2 … R-A7). The API and the pages have their own tests.
"""

import datetime as dt

import pytest

from eligibility.rules import SUPPORT_CHECKLIST_CODES
from reservations.booking.services import (
    BookingRefused,
    SlotFull,
    booking_cancel,
    booking_create,
    booking_reschedule,
)
from reservations.models import Booking, BookingBlock, CapacityOverride, Closure, SlotCounter, Window
from reservations.schedule import calendars

from .factories import NOW, booking_data, person

pytestmark = pytest.mark.django_db

SUPPORT = "application_support"
DAY = dt.date(2026, 12, 1)  # Tuesday
NINE = dt.time(9)


def support_data(window="chuo", date=DAY, start=NINE, party=1, **overrides):
    overrides.setdefault("people", tuple(person(notice_number="") for _ in range(party)))
    return booking_data(window=window, date=date, start=start, service=SUPPORT, **overrides)


def seats(service, window="chuo", date=DAY, start=NINE):
    counter = SlotCounter.objects.filter(window__code=window, service=service, date=date, start=start).first()
    return counter.booked if counter else 0


def refused(data, now=NOW):
    with pytest.raises(BookingRefused) as info:
        booking_create(data=data, now=now)
    return info.value.errors


# --- Where and how the service is offered (R-A2, R-A3, R-A4) ----------------------------


def test_every_ward_office_offers_support_and_city_hall_does_not():
    offering = {w.code: w.offer(SUPPORT).booking for w in Window.objects.offering(SUPPORT)}
    assert offering == {
        "kita": "walk_in", "higashi": "required", "chuo": "required", "konan": "required",
        "akiha": "required", "minami": "required", "nishi": "walk_in", "nishikan": "required",
    }
    assert all(w.offer("pickup").booking == "required" for w in Window.objects.with_rules())


def test_support_defaults_are_those_of_r_a3():
    chuo = Window.objects.with_rules().get(code="chuo")
    offer = chuo.offer(SUPPORT)
    assert (offer.capacity, offer.slot_minutes, offer.open_on_holidays) == (2, 30, False)
    hours = {(r.weekday, r.opens_at, r.closes_at) for r in chuo.opening_rules.all() if r.service == SUPPORT}
    assert hours == {(d, dt.time(9), dt.time(16)) for d in range(5)}


def test_a_resident_may_book_support_only_at_the_own_ward_office():
    assert [w.code for w in Window.objects.serving("chuo", SUPPORT)] == ["chuo"]
    assert [w.code for w in Window.objects.serving("kita", SUPPORT)] == ["kita"]  # walk-in: the page says so
    assert sorted(w.code for w in Window.objects.serving("chuo")) == ["chuo", "cityhall"]


def test_the_support_calendar_from_the_database():
    chuo = Window.objects.with_rules().get(code="chuo")
    days = calendars.window_availability(
        chuo, dt.date(2026, 11, 25), dt.date(2026, 11, 30), today=NOW.date(), service=SUPPORT, now=NOW
    )
    by_date = {d.date: d for d in days}
    assert by_date[dt.date(2026, 11, 25)].slots[0].too_soon  # today 10:00: 09:00 is past
    assert by_date[dt.date(2026, 11, 25)].bookable  # … and 10:30 on are open (R-A4)
    assert by_date[dt.date(2026, 11, 28)].reason == "weekly_closed"
    assert by_date[dt.date(2026, 11, 26)].slots[-1].start == dt.time(15, 30)


def test_a_closure_of_the_window_closes_both_services():
    Closure.objects.create(window=Window.objects.get(code="chuo"), start_date=DAY, end_date=DAY, note_ja="臨時休業")
    chuo = Window.objects.with_rules().get(code="chuo")
    for service in ("pickup", SUPPORT):
        day = calendars.window_availability(chuo, DAY, DAY, today=NOW.date(), service=service, now=NOW)[0]
        assert day.reason == "closure", service


def test_capacity_overrides_and_blocks_are_per_service():
    chuo = Window.objects.get(code="chuo")
    CapacityOverride.objects.create(window=chuo, service=SUPPORT, date=DAY, capacity=5)
    BookingBlock.objects.create(window=chuo, service="pickup", start_date=DAY, end_date=DAY)
    chuo = Window.objects.with_rules().get(code="chuo")
    support = calendars.window_availability(chuo, DAY, DAY, today=NOW.date(), service=SUPPORT, now=NOW)[0]
    pickup = calendars.window_availability(chuo, DAY, DAY, today=NOW.date(), now=NOW)[0]
    assert support.bookable and support.slots[0].capacity == 5
    assert pickup.reason == "blocked"
    BookingBlock.objects.create(window=None, service="", start_date=DAY, end_date=DAY)  # every window, every service
    chuo = Window.objects.with_rules().get(code="chuo")
    assert calendars.window_availability(chuo, DAY, DAY, today=NOW.date(), service=SUPPORT, now=NOW)[0].reason == "blocked"


# --- Booking (R-A5, R-A7) ----------------------------------------------------------------


def test_a_support_booking_takes_a_seat_of_its_own_service():
    booking = booking_create(data=support_data(party=2), now=NOW)
    assert (booking.service, booking.window.code, booking.end) == (SUPPORT, "chuo", dt.time(9, 30))
    assert list(booking.people.values_list("notice_number", flat=True)) == ["", ""]
    assert (seats(SUPPORT), seats("pickup")) == (2, 0)


def test_pickup_and_support_seats_are_independent():
    booking_create(data=support_data(party=2), now=NOW)
    pickup = booking_create(data=booking_data(window="chuo", date=DAY, start=NINE, party=2), now=NOW)
    assert pickup.service == "pickup" and (seats(SUPPORT), seats("pickup")) == (2, 2)
    with pytest.raises(SlotFull) as full:
        booking_create(data=support_data(), now=NOW)
    assert full.value.alternatives and all(slot.start.minute in (0, 30) for _w, _d, slot in full.value.alternatives)


def test_two_support_bookings_need_no_notice_number():
    booking_create(data=support_data(), now=NOW)
    assert booking_create(data=support_data(start=dt.time(10)), now=NOW).service == SUPPORT


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"attendance": "proxy", "proxy_reason": 1}, "attendance"),  # R-A5: never a proxy
        ({"window": "higashi"}, "window"),  # R-A2: not another ward's office
        ({"window": "cityhall", "ward": "chuo"}, "window"),  # R-A2: never at City Hall
        ({"window": "kita", "ward": "kita"}, "window"),  # R-A4: walk-in only
        ({"start": dt.time(10, 15)}, "start"),  # not a 30-minute slot start
        ({"date": dt.date(2026, 12, 5)}, "date"),  # Saturday (R-A3)
        ({"date": dt.date(2026, 11, 25), "start": dt.time(10, 15)}, "start"),  # not a slot start today
        ({"date": dt.date(2026, 11, 25), "start": dt.time(10)}, "start"),  # R-A4: sooner than 30 minutes
        ({"date": dt.date(2026, 11, 25), "start": dt.time(10, 30)}, None),  # exactly 30 minutes ahead
    ],
)
def test_support_refusals(overrides, field):
    values = {"ward": "chuo", **overrides}
    if field is None:
        assert booking_create(data=support_data(**values), now=NOW).service == SUPPORT
        return
    errors = refused(support_data(**values))
    assert field in errors, errors
    assert not Booking.objects.exists() and not SlotCounter.objects.filter(booked__gt=0).exists()


def test_a_child_alone_is_refused_and_comes_with_the_legal_representative():
    child = (person(notice_number="", birth_date=dt.date(2015, 1, 1)),)
    assert "attendance" in refused(support_data(people=child))
    assert booking_create(data=support_data(people=child, attendance="with_legal_representative"), now=NOW)


def test_the_checklist_of_a_support_booking_is_r_a6():
    booking = booking_create(data=support_data(attendance="with_legal_representative"), now=NOW)
    assert [item.code for item in booking.checklist()] == list(SUPPORT_CHECKLIST_CODES)
    alone = booking_create(data=support_data(start=dt.time(10)), now=NOW)
    assert "legal_representative_id" not in [item.code for item in alone.checklist()]
    assert "issuance_notice" not in [item.code for item in alone.checklist()]


def test_cancelling_gives_the_support_seat_back():
    booking = booking_create(data=support_data(party=2), now=NOW)
    booking_cancel(booking=booking, now=NOW)
    assert seats(SUPPORT) == 0


def test_a_move_stays_within_the_service():
    booking = booking_create(data=support_data(), now=NOW)
    chuo = Window.objects.with_rules().get(code="chuo")
    moved = booking_reschedule(booking=booking, window=chuo, date=DAY, start=dt.time(13, 30), now=NOW)
    assert (moved.service, moved.start, moved.end) == (SUPPORT, dt.time(13, 30), dt.time(14))
    assert (seats(SUPPORT), seats(SUPPORT, start=dt.time(13, 30))) == (0, 1)
    with pytest.raises(BookingRefused) as info:  # 13:15 is a pickup slot, not a support one
        booking_reschedule(booking=moved, window=chuo, date=DAY, start=dt.time(13, 15), now=NOW)
    assert "start" in info.value.errors
    cityhall = Window.objects.with_rules().get(code="cityhall")
    with pytest.raises(BookingRefused) as info:  # R-A2
        booking_reschedule(booking=moved, window=cityhall, date=dt.date(2026, 12, 3), start=dt.time(9, 30), now=NOW)
    assert "window" in info.value.errors


def test_a_pickup_booking_keeps_its_calendar():
    booking = booking_create(data=booking_data(window="chuo", date=DAY, start=dt.time(16, 45)), now=NOW)
    assert (booking.service, booking.end) == ("pickup", dt.time(17))
    assert Booking.objects.filter(service="pickup").count() == 1
