"""The booking services: every refusal, and the database afterwards (R-B2 … R-B10)."""

import datetime as dt

import pytest

from reservations.booking.services import (
    BookingRefused,
    NotChangeable,
    SlotFull,
    booking_cancel,
    booking_create,
    booking_reschedule,
    find_booking,
)
from reservations.models import (
    Booking,
    BookingBlock,
    BookingEvent,
    BookingPerson,
    CapacityOverride,
    Closure,
    SlotCounter,
    Window,
)

from .factories import NOW, booking_data, person

pytestmark = pytest.mark.django_db


def seats(window="kita", date=dt.date(2026, 12, 1), start=dt.time(9)):
    counter = SlotCounter.objects.filter(window__code=window, date=date, start=start).first()
    return counter.booked if counter else 0


def nothing_written():
    return not Booking.objects.exists() and not BookingPerson.objects.exists() and not SlotCounter.objects.filter(booked__gt=0).exists()


def refused(data, field=None, **kwargs):
    with pytest.raises(BookingRefused) as info:
        booking_create(data=data, now=NOW, **kwargs)
    if field:
        assert field in info.value.errors, info.value.errors
    return info.value.errors


def test_booking_takes_seats_and_records_everything():
    booking = booking_create(data=booking_data(party=2), now=NOW)
    assert booking.status == "booked" and booking.party_size == 2
    assert (booking.date, booking.start, booking.end) == (dt.date(2026, 12, 1), dt.time(9), dt.time(9, 15))
    assert len(booking.code) == 8
    assert seats() == 2
    assert list(booking.people.values_list("position", flat=True)) == [0, 1]
    assert BookingEvent.objects.get(booking=booking).action == "booked"


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"ward": "chuo"}, "window"),  # kita does not serve Chuo residents (R-W4)
        ({"date": dt.date(2026, 11, 25)}, "date"),  # today (R-B2)
        ({"date": dt.date(2026, 11, 24)}, "date"),  # past
        ({"date": dt.date(2026, 12, 26)}, "date"),  # day 31
        ({"date": dt.date(2026, 11, 29)}, "date"),  # Sunday
        ({"date": dt.date(2026, 12, 20)}, "date"),  # maintenance day
        ({"start": dt.time(8, 45)}, "start"),  # before opening
        ({"start": dt.time(17)}, "start"),  # closing time is no slot
        ({"start": dt.time(9, 5)}, "start"),  # off the grid
    ],
)
def test_refusals_change_nothing(overrides, field):
    refused(booking_data(**overrides), field)
    assert nothing_written()


def test_day_30_is_bookable_and_day_31_is_not():
    assert booking_create(data=booking_data(date=dt.date(2026, 12, 25)), now=NOW)
    refused(booking_data(date=dt.date(2026, 12, 26)), "date")


def test_city_hall_takes_any_ward():
    booking = booking_create(data=booking_data("cityhall", date=dt.date(2026, 11, 28), start=dt.time(17, 30), ward="nishikan"), now=NOW)
    assert booking.end == dt.time(17, 45)


def test_partial_closure_refuses_its_slots_only():
    Closure.objects.create(window=Window.objects.get(code="kita"), start_date=dt.date(2026, 12, 1),
                           end_date=dt.date(2026, 12, 1), start_time=dt.time(9), end_time=dt.time(10))
    refused(booking_data(start=dt.time(9, 30)), "start")
    assert booking_create(data=booking_data(start=dt.time(10)), now=NOW)


def test_booking_block_refuses():
    BookingBlock.objects.create(start_date=dt.date(2026, 12, 1), end_date=dt.date(2026, 12, 1))
    refused(booking_data(), "date")
    assert nothing_written()


def test_full_slot_gives_alternatives_and_writes_nothing():
    booking_create(data=booking_data(party=2), now=NOW)
    with pytest.raises(SlotFull) as info:
        booking_create(data=booking_data(), now=NOW)
    alternatives = info.value.alternatives
    assert 1 <= len(alternatives) <= 5
    assert [(w.code, d, s.start) for w, d, s in alternatives][:2] == [
        ("kita", dt.date(2026, 12, 1), dt.time(9, 15)),
        ("kita", dt.date(2026, 12, 1), dt.time(9, 30)),
    ]
    assert Booking.objects.count() == 1 and seats() == 2


def test_party_larger_than_remaining_seats_is_slot_full():
    booking_create(data=booking_data(), now=NOW)
    with pytest.raises(SlotFull) as info:
        booking_create(data=booking_data(party=2), now=NOW)
    assert all(slot.remaining >= 2 for _w, _d, slot in info.value.alternatives)
    assert seats() == 1


def test_party_larger_than_the_slot_is_refused():
    refused(booking_data(party=3), "people")
    assert nothing_written()


def test_capacity_override_lets_more_in():
    CapacityOverride.objects.create(window=Window.objects.get(code="kita"), date=dt.date(2026, 12, 1), capacity=4)
    assert booking_create(data=booking_data(party=4), now=NOW).party_size == 4
    assert SlotCounter.objects.get().capacity == 4


def test_second_booking_on_one_notice_number_is_refused():
    first = booking_data()
    booking_create(data=first, now=NOW)
    again = booking_data(date=dt.date(2026, 12, 2), people=(person(notice_number=first.people[0].notice_number),))
    errors = refused(again, "people.0.notice_number")
    assert "Check or change" in errors["people.0.notice_number"][0] or "変更" in errors["people.0.notice_number"][0]
    assert Booking.objects.count() == 1


def test_notice_number_is_free_again_after_cancelling():
    first = booking_create(data=booking_data(), now=NOW)
    booking_cancel(booking=first, now=NOW)
    number = first.people.get().notice_number
    assert booking_create(data=booking_data(people=(person(notice_number=number),)), now=NOW)


def test_one_notice_number_twice_in_a_party_is_refused():
    twin = person()
    refused(booking_data(party=2, people=(twin, twin)), "people.1.notice_number")


def test_repeated_token_returns_the_same_booking():
    data = booking_data()
    first = booking_create(data=data, now=NOW, token="tok-1")
    second = booking_create(data=data, now=NOW, token="tok-1")
    assert first.pk == second.pk and Booking.objects.count() == 1 and seats() == 1


def test_find_booking_needs_code_and_first_birth_date():
    booking = booking_create(data=booking_data(party=2), now=NOW)
    born = booking.people.get(position=0).birth_date
    assert find_booking(booking.display_code.lower(), born) == booking
    assert find_booking(booking.code, born + dt.timedelta(days=1)) is None
    assert find_booking("ZZZZZZZZ", born) is None
    assert find_booking("nonsense", born) is None


def test_cancel_frees_the_seat_and_is_recorded():
    booking = booking_create(data=booking_data(), now=NOW)
    booking_cancel(booking=booking, now=NOW)
    booking.refresh_from_db()
    assert booking.status == "cancelled" and seats() == 0
    assert not booking.people.filter(active=True).exists()
    assert list(booking.events.values_list("action", flat=True)) == ["booked", "cancelled"]
    assert booking_cancel(booking=booking, now=NOW).status == "cancelled"  # harmless twice
    assert seats() == 0


@pytest.mark.parametrize("status", ["checked_in", "issued", "no_show"])
def test_cannot_cancel_after_check_in(status):
    booking = booking_create(data=booking_data(), now=NOW)
    Booking.objects.filter(pk=booking.pk).update(status=status)
    with pytest.raises(NotChangeable):
        booking_cancel(booking=booking, now=NOW)
    assert seats() == 1


def test_cannot_cancel_or_move_a_past_booking():
    booking = booking_create(data=booking_data(), now=NOW)
    later = NOW + dt.timedelta(days=7)
    with pytest.raises(NotChangeable):
        booking_cancel(booking=booking, now=later)
    with pytest.raises(NotChangeable):
        booking_reschedule(booking=booking, window=booking.window, date=dt.date(2026, 12, 3), start=dt.time(9), now=later)


def test_reschedule_moves_the_seat_in_one_transaction():
    booking = booking_create(data=booking_data(party=2), now=NOW)
    moved = booking_reschedule(booking=booking, window=Window.objects.get(code="cityhall"),
                               date=dt.date(2026, 12, 3), start=dt.time(9, 30), now=NOW)
    assert (moved.window.code, moved.date, moved.start, moved.end) == ("cityhall", dt.date(2026, 12, 3), dt.time(9, 30), dt.time(9, 45))
    assert seats() == 0
    assert seats("cityhall", dt.date(2026, 12, 3), dt.time(9, 30)) == 2
    event = moved.events.get(action="rescheduled")
    assert event.before == "kita 2026-12-01 09:00" and event.after == "cityhall 2026-12-03 09:30"


def test_reschedule_to_a_full_slot_keeps_the_old_one():
    booking = booking_create(data=booking_data(), now=NOW)
    booking_create(data=booking_data(start=dt.time(10), party=2), now=NOW)
    with pytest.raises(SlotFull):
        booking_reschedule(booking=booking, window=booking.window, date=booking.date, start=dt.time(10), now=NOW)
    booking.refresh_from_db()
    assert booking.start == dt.time(9) and seats() == 1 and seats(start=dt.time(10)) == 2


def test_reschedule_follows_the_booking_rules():
    booking = booking_create(data=booking_data(), now=NOW)
    for window, day, start, field in [
        ("chuo", dt.date(2026, 12, 2), dt.time(9), "window"),
        ("kita", dt.date(2026, 11, 25), dt.time(9), "date"),
        ("kita", dt.date(2026, 12, 6), dt.time(9), "date"),
        ("kita", dt.date(2026, 12, 2), dt.time(9, 7), "start"),
    ]:
        with pytest.raises(BookingRefused) as info:
            booking_reschedule(booking=booking, window=Window.objects.get(code=window), date=day, start=start, now=NOW)
        assert field in info.value.errors
    booking.refresh_from_db()
    assert (booking.date, booking.start) == (dt.date(2026, 12, 1), dt.time(9)) and seats() == 1


def test_reschedule_to_the_same_slot_changes_nothing():
    booking = booking_create(data=booking_data(), now=NOW)
    booking_reschedule(booking=booking, window=booking.window, date=booking.date, start=booking.start, now=NOW)
    assert seats() == 1 and not booking.events.filter(action="rescheduled").exists()
