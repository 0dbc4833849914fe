"""
The one way to take and give back seats, SlotCounter.objects.take/free
(R-B6, R-B9): a counter that has drifted from the bookings is logged and
recounted, never silently clamped.
"""

import datetime as dt
import logging

import pytest

from reservations.booking import services
from reservations.booking.services import booking_cancel, booking_create, booking_reschedule
from reservations.models import SlotCounter, Window
from tests.reservations.factories import NOW, booking_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]

DAY = dt.date(2026, 12, 1)
NINE = dt.time(9)


def counter(start=NINE, day=DAY):
    return SlotCounter.objects.get(window__code="kita", date=day, start=start).booked


def drift_to(booked, start=NINE):
    SlotCounter.objects.filter(window__code="kita", date=DAY, start=start).update(booked=booked)


def test_take_counts_seats_up_to_the_capacity():
    kita = Window.objects.get(code="kita")
    assert SlotCounter.objects.take(window=kita, date=DAY, start=NINE, capacity=2, seats=2)
    assert not SlotCounter.objects.take(window=kita, date=DAY, start=NINE, capacity=2, seats=1)
    assert counter() == 2


def test_cancel_of_a_consistent_counter_logs_nothing(caplog):
    booking = booking_create(data=booking_data("kita", date=DAY, party=2), now=NOW)
    with caplog.at_level(logging.WARNING, logger="reservations.models"):
        booking_cancel(booking=booking, now=NOW)
    assert counter() == 0
    assert not [r for r in caplog.records if "drifted" in r.getMessage()]


def test_a_counter_below_the_seats_freed_is_recounted_and_logged(caplog):
    first = booking_create(data=booking_data("kita", date=DAY), now=NOW)
    booking_create(data=booking_data("kita", date=DAY), now=NOW)
    drift_to(0)  # 2 seats are held, the counter says 0: freeing 1 would go below zero
    with caplog.at_level(logging.WARNING, logger="reservations.models"):
        booking_cancel(booking=first, now=NOW)
    assert counter() == 1  # the seat the other booking holds, not max(0 - 1, 0)
    [record] = [r for r in caplog.records if "drifted" in r.getMessage()]
    assert record.levelno == logging.WARNING
    message = record.getMessage()
    assert "0 seats counted, 1 given back, 1 held by the other bookings; set to 1" in message
    assert "新潟" not in message and "taro@" not in message and first.code not in message  # no personal data


def test_a_counter_above_the_bookings_is_recounted_on_the_next_cancel(caplog):
    booking = booking_create(data=booking_data("kita", date=DAY), now=NOW)
    drift_to(2)  # a seat nobody holds
    with caplog.at_level(logging.WARNING, logger="reservations.models"):
        booking_cancel(booking=booking, now=NOW)
    assert counter() == 0
    assert any("drifted" in r.getMessage() for r in caplog.records)


def test_a_move_recounts_the_slot_it_leaves(caplog):
    booking = booking_create(data=booking_data("kita", date=DAY), now=NOW)
    drift_to(0)
    kita = Window.objects.with_rules().get(code="kita")
    with caplog.at_level(logging.WARNING, logger="reservations.models"):
        booking_reschedule(booking=booking, window=kita, date=DAY, start=dt.time(10), now=NOW)
    assert (counter(NINE), counter(dt.time(10))) == (0, 1)
    assert any("drifted" in r.getMessage() for r in caplog.records)


def test_marking_affected_recounts_drifted_counters(admin_user, caplog):
    hit = booking_create(data=booking_data("kita", date=DAY), now=NOW)
    stays = booking_create(data=booking_data("kita", date=DAY, start=dt.time(10)), now=NOW)
    booking_create(data=booking_data("kita", date=DAY, start=dt.time(10)), now=NOW)
    drift_to(0, NINE)
    drift_to(1, dt.time(10))
    with caplog.at_level(logging.WARNING, logger="reservations.models"):
        marked = services.bookings_mark_affected([hit, stays], actor=admin_user, reason="停電")
    assert {b.pk for b in marked} == {hit.pk, stays.pk}
    assert (counter(NINE), counter(dt.time(10))) == (0, 1)
    assert len([r for r in caplog.records if "drifted" in r.getMessage()]) == 2


def test_marking_affected_runs_in_its_own_durable_transaction(admin_user):
    from django.db import transaction

    booking = booking_create(data=booking_data("kita", date=DAY), now=NOW)
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        services.bookings_mark_affected([booking], actor=admin_user, reason="停電")
