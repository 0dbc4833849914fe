"""
Real concurrency on PostgreSQL for the waiting list (SPEC §9, R-L2, R-L3):
cancellations, new bookings, accepts, declines and expiries on one slot at
once never sell a seat twice, never make two offers for one seat, keep the
queue's order, and end an offer exactly once. Transactional tests, each
thread with its own connection (see test_concurrency.py).
"""

import datetime as dt
from collections import Counter

import pytest
from django.core import mail
from django.db.models import Sum

from reservations.booking import waitlist
from reservations.booking.request import WaitlistData
from reservations.booking.services import SlotFull, booking_cancel, booking_create
from reservations.messaging import outbox
from reservations.models import Booking, Message, SlotCounter, WaitlistEntry, WaitlistOffer, Window
from reservations.schedule import calendars

from .test_concurrency import DAY, NOW, person, request_for, run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NINE = dt.time(9)


@pytest.fixture
def kita(city_windows):
    return Window.objects.with_rules().get(code="kita")


def fill(window, keep=NINE, first_number=900_000_000_000_000):
    """Every slot of DAY full: the counters of all but ``keep``, which two real bookings fill."""
    availability = calendars.window_availability(window, DAY, DAY, today=NOW.date(), now=NOW)[0]
    for slot in availability.slots:
        if slot.start != keep:
            SlotCounter.objects.update_or_create(
                window=window, service="pickup", date=DAY, start=slot.start,
                defaults={"capacity": slot.capacity, "booked": slot.capacity},
            )
    calendars.invalidate_availability()
    return [booking_create(data=request_for(window, keep, [person(first_number + i)]), now=NOW) for i in range(2)]


def join(window, number, now=NOW):
    data = WaitlistData(
        service="pickup", window=window, date_from=DAY, date_to=DAY, ward="kita", attendance="in_person",
        proxy_reason=None, email="hanako@example.jp", phone="", language="ja", people=(person(number),),
    )
    return waitlist.waitlist_join(data=data, now=now)


def seats_held(window, start=NINE):
    """Seats of the slot held by bookings and open offers, as R-L3 counts them."""
    booked = Booking.objects.filter(
        window=window, date=DAY, start=start, status__in=("booked", "checked_in", "issued", "no_show")
    ).aggregate(seats=Sum("party_size"))["seats"] or 0
    offered = WaitlistOffer.objects.open().filter(window=window, date=DAY, start=start).aggregate(
        seats=Sum("party_size"))["seats"] or 0
    return booked + offered


def assert_slot_consistent(window, start=NINE):
    counter = SlotCounter.objects.get(window=window, service="pickup", date=DAY, start=start)
    assert counter.booked == seats_held(window, start) <= counter.capacity
    # Never two open offers for one entry, never an offered entry without its open offer.
    open_offers = Counter(WaitlistOffer.objects.open().values_list("entry_id", flat=True))
    assert all(count == 1 for count in open_offers.values())
    assert set(open_offers) == set(WaitlistEntry.objects.filter(status="offered").values_list("pk", flat=True))


def test_freed_seats_go_to_the_list_never_to_a_racing_booking(kita):
    """R-L2: seats freed while others try to book them are held for the queue in the same transaction."""
    bookings = fill(kita)
    entries = [join(kita, 910_000_000_000_000 + i) for i in range(3)]
    outcomes = run_together(
        [lambda booking=booking: booking_cancel(booking=booking, now=NOW) for booking in bookings]
        + [lambda i=i: booking_create(data=request_for(kita, NINE, [person(920_000_000_000_000 + i)]), now=NOW)
           for i in range(6)]
    )
    assert sum(isinstance(o, SlotFull) for o in outcomes) == 6, outcomes
    statuses = [WaitlistEntry.objects.get(pk=entry.pk).status for entry in entries]
    assert statuses == ["offered", "offered", "waiting"]  # first come, first served
    assert_slot_consistent(kita)


def test_accepts_declines_expiries_and_bookings_at_once_never_oversell(kita):
    bookings = fill(kita)
    entries = [join(kita, 930_000_000_000_000 + i) for i in range(4)]
    for booking in bookings:
        booking_cancel(booking=booking, now=NOW)
    first, second = entries[0], entries[1]
    late = NOW + dt.timedelta(minutes=36)  # the third's offer, made at +5 minutes, ends at +35
    outcomes = run_together([
        lambda: waitlist.waitlist_accept(entry=first, now=NOW + dt.timedelta(minutes=5)),
        lambda: waitlist.waitlist_decline(entry=second, now=NOW + dt.timedelta(minutes=5)),
        lambda: waitlist.expire_offers(NOW + dt.timedelta(minutes=5)),
        *[lambda i=i: booking_create(data=request_for(kita, NINE, [person(940_000_000_000_000 + i)]), now=NOW)
          for i in range(4)],
    ])
    assert isinstance(outcomes[0], Booking), outcomes
    assert all(isinstance(o, SlotFull) for o in outcomes[3:]), outcomes
    assert WaitlistEntry.objects.get(pk=first.pk).status == "booked"
    # The declined seat went to the next in line (the third), not to a racing booking.
    assert WaitlistEntry.objects.get(pk=entries[2].pk).status == "offered"
    assert_slot_consistent(kita)
    # Now the third's offer runs out while it tries to accept it and two sweeps run.
    third = entries[2]
    outcomes = run_together([
        lambda: waitlist.waitlist_accept(entry=third, now=late),
        lambda: waitlist.expire_offers(late),
        lambda: waitlist.expire_offers(late),
    ])
    assert isinstance(outcomes[0], waitlist.NoOffer), outcomes
    assert WaitlistEntry.objects.get(pk=third.pk).status == "expired"
    assert Message.objects.filter(entry=third, kind="waitlist_ended").count() == 1  # ended once
    assert WaitlistOffer.objects.filter(entry=third, outcome="expired").count() == 1
    assert WaitlistEntry.objects.get(pk=entries[3].pk).status == "offered"  # and re-offered once
    assert_slot_consistent(kita)


def test_queue_order_holds_for_entries_joined_at_once(kita):
    """FIFO under concurrency: ten people join at once; freed seats go to the two who joined first."""
    bookings = fill(kita)
    outcomes = run_together([lambda i=i: join(kita, 950_000_000_000_000 + i) for i in range(10)])
    assert all(isinstance(o, WaitlistEntry) for o in outcomes), outcomes
    order = list(WaitlistEntry.objects.order_by("created_at", "pk").values_list("pk", flat=True))
    run_together([lambda booking=booking: booking_cancel(booking=booking, now=NOW) for booking in bookings])
    offered = set(WaitlistEntry.objects.filter(status="offered").values_list("pk", flat=True))
    assert offered == set(order[:2])
    assert_slot_consistent(kita)


def test_a_hold_that_expires_while_its_mail_waits_is_released_once_and_the_mail_not_sent(kita, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    bookings = fill(kita)
    entry = join(kita, 960_000_000_000_000)
    booking_cancel(booking=bookings[0], now=NOW)
    offer_mail = Message.objects.get(entry=entry, kind="waitlist_offer")
    Message.objects.filter(pk=offer_mail.pk).update(state="pending")  # still queued (the broker was down)
    late = NOW + dt.timedelta(minutes=40)
    assert waitlist.expire_offers(late) == 1
    assert waitlist.expire_offers(late) == 0
    counter = SlotCounter.objects.get(window=kita, date=DAY, start=NINE)
    assert counter.booked == 1 == seats_held(kita)
    mail.outbox.clear()
    assert outbox.deliver(offer_mail.pk, now=late) == "skipped"
    assert not [m for m in mail.outbox if "hanako@example.jp" in m.to and m.subject and "offer" in m.subject.lower()]


def test_an_offer_mail_delivered_by_two_workers_at_once_is_sent_once(kita, settings):
    """A worker killed mid-offer hands the same row to another: the outbox claim sends it once."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    bookings = fill(kita)
    entry = join(kita, 970_000_000_000_000)
    booking_cancel(booking=bookings[0], now=NOW)
    offer_mail = Message.objects.get(entry=entry, kind="waitlist_offer")
    Message.objects.filter(pk=offer_mail.pk).update(state="pending", attempts=0)
    mail.outbox.clear()
    outcomes = run_together([lambda: outbox.deliver(offer_mail.pk, now=NOW + dt.timedelta(minutes=1))] * 4)
    assert sorted(o for o in outcomes if o) == ["sent"], outcomes
    assert len(mail.outbox) == 1
