"""The waiting list's services (SPEC §9, R-L1 … R-L3): join, offers made where seats are freed, accept, decline, expiry."""

import datetime as dt

import pytest
from django.test import TestCase

from reservations import rules
from reservations.booking import waitlist
from reservations.booking.request import WaitlistData
from reservations.booking.services import BookingRefused, booking_cancel, booking_create, booking_reschedule
from reservations.models import (
    Booking, CapacityOverride, Message, SlotCounter, WaitlistEntry, WaitlistOffer, WaitlistPerson, Window,
)
from reservations.schedule import calendars

from .factories import NOW, booking_data, person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]

DAY = dt.date(2026, 12, 1)
NINE = dt.time(9)


def kita():
    return Window.objects.with_rules().get(code="kita")


def fill(window_code="kita", day=DAY, keep=NINE, service="pickup"):
    """Every slot of ``day`` full: the counters of all but ``keep``, which real bookings fill."""
    window = Window.objects.with_rules().get(code=window_code)
    availability = calendars.window_availability(window, day, day, today=NOW.date(), service=service, now=NOW)[0]
    for slot in availability.slots:
        if slot.start != keep:
            SlotCounter.objects.update_or_create(
                window=window, service=service, date=day, start=slot.start,
                defaults={"capacity": slot.capacity, "booked": slot.capacity},
            )
    capacity = next(slot.capacity for slot in availability.slots if slot.start == keep)
    bookings = [booking_create(data=booking_data(window_code, day, keep), now=NOW) for _ in range(capacity)]
    # The cache told once all is written, at once as outside the test's transaction (it never commits).
    with TestCase.captureOnCommitCallbacks(execute=True):
        calendars.invalidate_availability()
    return bookings


def entry_data(window="kita", party=1, **overrides):
    values = {
        "service": "pickup", "window": kita() if window == "kita" else window, "date_from": DAY, "date_to": DAY,
        "ward": "kita", "attendance": "in_person", "proxy_reason": None, "email": "hanako@example.jp",
        "phone": "", "language": "ja", "people": tuple(person() for _ in range(party)),
    }
    values.update(overrides)
    return WaitlistData(**values)


def join(**overrides):
    return waitlist.waitlist_join(data=entry_data(**overrides), now=NOW)


def held(window="kita", day=DAY, start=NINE):
    return SlotCounter.objects.get(window__code=window, date=day, start=start).booked


def test_joining_is_refused_while_a_fitting_slot_is_free():
    with pytest.raises(waitlist.SeatsAvailable) as info:
        join()
    assert info.value.alternatives and all(day == DAY for _window, day, _start in info.value.alternatives)
    assert not WaitlistEntry.objects.exists()


def test_join_a_full_day_then_a_cancellation_offers_and_holds_the_seat_in_the_same_transaction():
    bookings = fill()
    entry = join()
    assert entry.status == "waiting" and waitlist.entry_position(entry) == 1
    assert Message.objects.filter(entry=entry, kind="waitlist_joined").exists()
    booking_cancel(booking=bookings[0], now=NOW)
    entry.refresh_from_db()
    offer = WaitlistOffer.objects.get(entry=entry)
    assert entry.status == "offered" and offer.outcome == "open"
    assert (offer.date, offer.start, offer.party_size) == (DAY, NINE, 1)
    assert offer.expires_at == NOW + dt.timedelta(minutes=30)
    assert held() == len(bookings)  # R-L3: the freed seat is held, not free
    assert Message.objects.filter(entry=entry, kind="waitlist_offer").exists()
    # Nobody else can book it.
    day = calendars.window_availability(kita(), DAY, DAY, today=NOW.date(), now=NOW)[0]
    assert next(slot for slot in day.slots if slot.start == NINE).remaining == 0


def test_accepting_turns_the_hold_into_a_booking_without_moving_the_counter():
    bookings = fill()
    entry = join(party=1)
    booking_cancel(booking=bookings[0], now=NOW)
    before = held()
    booking = waitlist.waitlist_accept(entry=entry, now=NOW + dt.timedelta(minutes=5))
    assert booking.status == "booked" and (booking.window.code, booking.date, booking.start) == ("kita", DAY, NINE)
    assert held() == before
    entry.refresh_from_db()
    assert entry.status == "booked" and entry.booking == booking
    assert WaitlistOffer.objects.get(entry=entry).outcome == "accepted"
    assert Message.objects.filter(booking=booking, kind="confirmation").exists()
    assert not WaitlistPerson.objects.exclude(key="").exists()  # the person may join again later


def test_first_come_first_served_and_decline_passes_the_seat_on():
    bookings = fill()
    first, second = join(), join()
    assert waitlist.entry_position(second) == 2
    booking_cancel(booking=bookings[0], now=NOW)
    assert WaitlistEntry.objects.get(pk=first.pk).status == "offered"
    assert WaitlistEntry.objects.get(pk=second.pk).status == "waiting"
    waitlist.waitlist_decline(entry=first, now=NOW + dt.timedelta(minutes=1))
    assert WaitlistEntry.objects.get(pk=first.pk).status == "waiting"
    assert WaitlistEntry.objects.get(pk=second.pk).status == "offered"
    assert held() == len(bookings)
    # Declined once, the first entry is not offered that slot again.
    waitlist.waitlist_decline(entry=second, now=NOW + dt.timedelta(minutes=2))
    assert held() == len(bookings) - 1
    assert WaitlistEntry.objects.get(pk=first.pk).status == "waiting"


def test_an_expired_offer_ends_the_entry_tells_it_and_offers_the_seat_to_the_next():
    bookings = fill()
    first, second = join(), join()
    booking_cancel(booking=bookings[0], now=NOW)
    assert waitlist.expire_offers(NOW + dt.timedelta(minutes=29)) == 0
    assert waitlist.expire_offers(NOW + dt.timedelta(minutes=31)) == 1
    assert WaitlistEntry.objects.get(pk=first.pk).status == "expired"
    assert Message.objects.filter(entry=first, kind="waitlist_ended").exists()
    assert WaitlistEntry.objects.get(pk=second.pk).status == "offered"
    assert held() == len(bookings)
    assert waitlist.expire_offers(NOW + dt.timedelta(minutes=31)) == 0  # once
    with pytest.raises(waitlist.NoOffer):
        waitlist.waitlist_accept(entry=first, now=NOW + dt.timedelta(minutes=32))


def test_accept_after_the_deadline_ends_the_offer_even_before_the_sweep():
    bookings = fill()
    entry = join()
    booking_cancel(booking=bookings[0], now=NOW)
    with pytest.raises(waitlist.NoOffer):
        waitlist.waitlist_accept(entry=entry, now=NOW + dt.timedelta(minutes=30))
    assert WaitlistEntry.objects.get(pk=entry.pk).status == "expired"
    assert held() == len(bookings) - 1
    assert not Booking.objects.filter(status="booked", pk__gt=bookings[-1].pk).exists()


def test_a_party_too_large_for_the_freed_seats_is_skipped_for_a_later_smaller_one():
    bookings = fill()
    big, small = join(party=2), join(party=1)
    booking_cancel(booking=bookings[0], now=NOW)
    assert WaitlistEntry.objects.get(pk=big.pk).status == "waiting"
    assert WaitlistEntry.objects.get(pk=small.pk).status == "offered"


def test_a_move_offers_the_old_seat():
    bookings = fill()
    entry = join()
    booking_reschedule(booking=bookings[0], window=kita(), date=dt.date(2026, 12, 2), start=NINE, now=NOW)
    assert WaitlistEntry.objects.get(pk=entry.pk).status == "offered"


def test_an_admin_raising_the_capacity_offers_the_new_seats():
    fill()
    entry = join()
    CapacityOverride.objects.create(window=kita(), service="pickup", date=DAY, capacity=5)
    assert WaitlistEntry.objects.get(pk=entry.pk).status == "offered"


def test_cancelling_an_offered_entry_gives_the_seat_to_the_next():
    bookings = fill()
    first, second = join(), join()
    booking_cancel(booking=bookings[0], now=NOW)
    waitlist.waitlist_cancel(entry=first, now=NOW)
    assert WaitlistEntry.objects.get(pk=first.pk).status == "cancelled"
    assert WaitlistEntry.objects.get(pk=second.pk).status == "offered"


def test_one_active_entry_per_notice_number():
    fill()
    someone = person()
    join(people=(someone,))
    with pytest.raises(BookingRefused) as info:
        join(people=(someone,))
    assert "people.0.notice_number" in info.value.errors


def test_a_booked_notice_number_cannot_join():
    bookings = fill()
    booked = bookings[0].people.get()
    with pytest.raises(BookingRefused):
        join(people=(person(notice_number=booked.notice_number),))


def test_dates_outside_the_horizon_are_refused():
    fill()
    with pytest.raises(BookingRefused) as info:
        join(date_to=DAY + dt.timedelta(days=60))
    assert "to" in info.value.errors


def test_counter_recount_keeps_the_holds():
    """R-L3: SlotCounter.free counts open offers like bookings, so a cancellation beside a hold frees one seat only."""
    bookings = fill()
    join()
    booking_cancel(booking=bookings[0], now=NOW)
    booking_cancel(booking=bookings[1], now=NOW)
    assert held() == len(bookings) - 1


def test_time_left_in_words():
    from django.utils import translation

    with translation.override("ja"):
        assert rules.time_left_words(30) == "あと30分"
        assert rules.time_left_words(65) == "あと1時間5分"
    with translation.override("en"):
        assert rules.time_left_words(1) == "1 minute left"


def test_an_offer_for_a_slot_closed_since_cannot_be_accepted_and_the_entry_waits_again():
    from reservations.models import BookingBlock

    bookings = fill()
    entry = join()
    booking_cancel(booking=bookings[0], now=NOW)
    BookingBlock.objects.create(window=kita(), service="", start_date=DAY, end_date=DAY)
    with pytest.raises(waitlist.NoOffer):
        waitlist.waitlist_accept(entry=entry, now=NOW + dt.timedelta(minutes=1))
    assert WaitlistEntry.objects.get(pk=entry.pk).status == "waiting"
    assert WaitlistOffer.objects.get(entry=entry).outcome == "withdrawn"
    assert held() == len(bookings) - 1
