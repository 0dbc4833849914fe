"""
Real concurrency on PostgreSQL (R-B6): many threads, each with its own
database connection, go for the same seats at once. No slot is ever sold
twice, a reschedule and a booking never both get the last seat, and one
issuance-notice number never ends up in two active bookings. The seats of
each service are counted on their own (R-A7): a race for an application
support slot, or for the pickup and support slots of one window and time at
once, never oversells either.

Each thread uses its own connection, so these tests are transactional and
run only on PostgreSQL (the `postgres` marker skips them on SQLite). The
clock is passed as ``now=`` because time_machine does not reach other
threads reliably.
"""

import datetime as dt
import threading
import time
import zoneinfo
from collections import Counter, defaultdict

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.db.models import Sum

from reservations.booking.services import (
    BookingData,
    BookingRefused,
    PersonData,
    SlotFull,
    booking_cancel,
    booking_create,
    booking_reschedule,
    bookings_mark_affected,
)
from reservations.models import Booking, BookingPerson, CapacityOverride, Service, SlotCounter, Window

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=TOKYO)  # Wednesday; horizon 26 Nov … 25 Dec
DAY = dt.date(2026, 12, 1)  # a Tuesday: kita open 09:00–17:00, 2 seats per 15 minutes
THREAD_TIMEOUT = 20  # seconds; a hung thread fails the test instead of hanging it
PICKUP, SUPPORT = Service.PICKUP, Service.APPLICATION_SUPPORT


def person(number, name="新潟 太郎", kana="ニイガタ タロウ"):
    """A person with a 15-digit notice number (never a 12-digit My Number)."""
    return PersonData(notice_number=f"{number:015d}", name=name, kana=kana, birth_date=dt.date(1980, 4, 1))


def support_person(index):
    """A person of an application support booking: no notice number (R-A5)."""
    return PersonData(notice_number="", name="新潟 花子", kana="ニイガタ ハナコ", birth_date=dt.date(1985, 6, index % 28 + 1))


def request_for(window, start, people, day=DAY, service=PICKUP):
    return BookingData(
        window=window,
        date=day,
        start=start,
        ward=window.ward or "chuo",
        attendance="in_person",
        proxy_reason=None,
        email="taro@example.com",
        phone="",
        language="ja",
        people=tuple(people),
        service=service,
    )


def run_together(calls):
    """
    Run every callable in its own thread, all released by one barrier, and
    return what each returned or raised (in order). Every thread closes its
    database connections when done.
    """
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def work(index, call):
        try:
            barrier.wait(timeout=THREAD_TIMEOUT)
            outcomes[index] = call()
        except BaseException as exc:  # noqa: BLE001 - every outcome is asserted on
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i, call), daemon=True) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=THREAD_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish in time"
    return outcomes


def is_deadlock(exc):
    """Whether ``exc`` is PostgreSQL's "deadlock detected" (SQLSTATE 40P01)."""
    return isinstance(exc, OperationalError) and getattr(exc.__cause__, "sqlstate", None) == "40P01"


def kinds(outcomes):
    return Counter("ok" if isinstance(o, Booking) else type(o).__name__ for o in outcomes)


def counter(window, start, day=DAY, service=PICKUP):
    return SlotCounter.objects.filter(window=window, service=service, date=day, start=start).first()


def active_seats(window, start, day=DAY, service=PICKUP):
    return (
        Booking.objects.filter(
            window=window, service=service, date=day, start=start, status=Booking.Status.BOOKED
        ).aggregate(seats=Sum("party_size"))["seats"]
        or 0
    )


def assert_counters_match_bookings():
    """
    Every counter equals the seats of the active bookings of its service in
    its slot, and every such slot has a counter (R-B6, R-A7).
    """
    seats = defaultdict(int)
    for booking in Booking.objects.filter(status=Booking.Status.BOOKED):
        seats[(booking.window_id, booking.service, booking.date, booking.start)] += booking.party_size
    counted = {(c.window_id, c.service, c.date, c.start): c.booked for c in SlotCounter.objects.all()}
    for slot, taken in seats.items():
        assert counted.get(slot) == taken, slot
    for slot, booked in counted.items():
        assert booked == seats.get(slot, 0), slot
    assert all(c.booked <= c.capacity for c in SlotCounter.objects.all())


@pytest.fixture
def kita(city_windows):
    window = Window.objects.with_rules().get(code="kita")
    assert window.offer(PICKUP).capacity == 2 and window.ward == "kita"
    return window


@pytest.fixture
def chuo(city_windows):
    """Chuo ward office: pickup 2 seats per 15 minutes, application support 2 per 30 minutes (R-A3)."""
    window = Window.objects.with_rules().get(code="chuo")
    assert window.offer(PICKUP).capacity == window.offer(SUPPORT).capacity == 2
    assert not window.offer(SUPPORT).walk_in
    return window


def test_thirty_residents_racing_for_two_seats_get_exactly_two_bookings(kita):
    start = dt.time(9, 0)
    calls = [
        (lambda i=i: booking_create(data=request_for(kita, start, [person(100_000_000_000_000 + i)]), now=NOW))
        for i in range(30)
    ]

    outcomes = run_together(calls)

    assert kinds(outcomes) == {"ok": 2, "SlotFull": 28}, [o for o in outcomes if not isinstance(o, (Booking, SlotFull))]
    slot = counter(kita, start)
    assert (slot.booked, slot.capacity) == (2, 2)
    assert Booking.objects.filter(window=kita, date=DAY, start=start).count() == 2
    assert BookingPerson.objects.filter(booking__window=kita, booking__date=DAY, booking__start=start).count() == 2
    winners = {o.pk for o in outcomes if isinstance(o, Booking)}
    assert set(Booking.objects.values_list("pk", flat=True)) == winners
    # The refused residents are offered other slots, never the full one.
    for refused in (o for o in outcomes if isinstance(o, SlotFull)):
        assert refused.alternatives
        assert all((day, s.start) != (DAY, start) for _w, day, s in refused.alternatives)
    assert_counters_match_bookings()


def test_parties_of_two_fill_a_four_seat_slot_and_never_more(kita):
    CapacityOverride.objects.create(window=kita, date=DAY, capacity=4)
    start = dt.time(10, 0)
    parties = [[person(200_000_000_000_000 + 2 * i), person(200_000_000_000_001 + 2 * i)] for i in range(10)]
    calls = [(lambda party=party: booking_create(data=request_for(kita, start, party), now=NOW)) for party in parties]
    seen = []
    stop = threading.Event()

    def watch():
        # Read the counter over and over while the race runs: it must never pass the capacity.
        try:
            while not stop.is_set():
                row = SlotCounter.objects.filter(window=kita, date=DAY, start=start)
                row = row.values_list("booked", "capacity").first()
                if row:
                    seen.append(row)
        finally:
            connections.close_all()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        outcomes = run_together(calls)
    finally:
        stop.set()
        watcher.join(timeout=THREAD_TIMEOUT)

    assert kinds(outcomes) == {"ok": 2, "SlotFull": 8}
    assert all(booked <= capacity == 4 for booked, capacity in seen)
    slot = counter(kita, start)
    assert (slot.booked, slot.capacity) == (4, 4)
    assert active_seats(kita, start) == 4
    assert BookingPerson.objects.filter(booking__start=start, booking__date=DAY).count() == 4
    assert_counters_match_bookings()


@pytest.mark.parametrize("round_", range(4))
def test_a_reschedule_and_a_new_booking_never_both_get_the_last_seat(kita, round_):
    # Each round uses other slots, so the two sides meet in a different order now and then.
    slot_a = dt.time(11, 0)
    slot_s = dt.time(14, 0 + 15 * round_)
    base = 300_000_000_000_000 + 10 * round_
    moving = booking_create(data=request_for(kita, slot_a, [person(base + 1)]), now=NOW)
    booking_create(data=request_for(kita, slot_s, [person(base + 2)]), now=NOW)  # S: 1 of 2 seats taken
    assert (counter(kita, slot_a).booked, counter(kita, slot_s).booked) == (1, 1)

    outcomes = run_together(
        [
            lambda: booking_reschedule(booking=moving, window=kita, date=DAY, start=slot_s, now=NOW),
            lambda: booking_create(data=request_for(kita, slot_s, [person(base + 3)]), now=NOW),
        ]
    )

    # Exactly one side got the last seat of S; the other is told the slot is
    # full, never a deadlock or anything else.
    assert sum(isinstance(o, Booking) for o in outcomes) == 1, outcomes
    loser = next(o for o in outcomes if not isinstance(o, Booking))
    assert isinstance(loser, SlotFull), repr(loser)
    rescheduled = isinstance(outcomes[0], Booking)
    moving.refresh_from_db()
    assert moving.start == (slot_s if rescheduled else slot_a)
    assert counter(kita, slot_s).booked == active_seats(kita, slot_s) == 2
    assert counter(kita, slot_s).capacity == 2
    assert counter(kita, slot_a).booked == active_seats(kita, slot_a) == (0 if rescheduled else 1)
    assert Booking.objects.filter(status=Booking.Status.BOOKED).count() == (2 if rescheduled else 3)
    assert_counters_match_bookings()


def _wait_until_blocked(count):
    """Wait until ``count`` sessions of the test database wait on a lock."""
    for _attempt in range(200):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0] >= count:
                return
        time.sleep(0.025)
    # Not an AssertionError: a broken set-up must not pass for the expected failure below.
    raise RuntimeError(f"{count} sessions never blocked")


def test_the_loser_of_a_reschedule_booking_race_is_told_the_slot_is_full(kita):
    # Force the order that deadlocks: the booking takes the last seat of S first,
    # while the reschedule already holds its locks and waits for that seat.
    slot_a, slot_s = dt.time(12, 0), dt.time(12, 15)
    moving = booking_create(data=request_for(kita, slot_a, [person(500_000_000_000_001)]), now=NOW)
    booking_create(data=request_for(kita, slot_s, [person(500_000_000_000_002)]), now=NOW)
    gate_closed, release = threading.Event(), threading.Event()
    outcomes = {}

    def gate():
        try:
            with transaction.atomic():
                SlotCounter.objects.select_for_update().get(window=kita, date=DAY, start=slot_s)
                gate_closed.set()
                release.wait(THREAD_TIMEOUT)
        finally:
            connections.close_all()

    def side(name, call):
        try:
            outcomes[name] = call()
        except Exception as exc:  # noqa: BLE001 - asserted on below
            outcomes[name] = exc
        finally:
            connections.close_all()

    book = threading.Thread(
        target=side,
        args=("book", lambda: booking_create(data=request_for(kita, slot_s, [person(500_000_000_000_003)]), now=NOW)),
    )
    move = threading.Thread(
        target=side,
        args=("move", lambda: booking_reschedule(booking=moving, window=kita, date=DAY, start=slot_s, now=NOW)),
    )
    holder = threading.Thread(target=gate)
    holder.start()
    try:
        if not gate_closed.wait(THREAD_TIMEOUT):
            raise RuntimeError("the gate never took the seat lock")
        book.start()
        _wait_until_blocked(1)  # the booking waits for the seat first
        move.start()
        _wait_until_blocked(2)  # then the reschedule, holding its booking (and window) lock
    finally:
        release.set()
        holder.join(THREAD_TIMEOUT)
    book.join(THREAD_TIMEOUT)
    move.join(THREAD_TIMEOUT)

    assert not any(is_deadlock(o) for o in outcomes.values()), outcomes
    assert isinstance(outcomes["book"], Booking), outcomes
    assert isinstance(outcomes["move"], SlotFull), outcomes
    assert_counters_match_bookings()


def test_one_notice_number_booked_from_five_places_at_once_gets_one_booking(kita):
    number = 400_000_000_000_000
    starts = [dt.time(15, 15 * i) if i < 4 else dt.time(16, 0) for i in range(5)]
    calls = [(lambda start=start: booking_create(data=request_for(kita, start, [person(number)]), now=NOW))
             for start in starts]

    outcomes = run_together(calls)

    assert kinds(outcomes) == {"ok": 1, "BookingRefused": 4}, outcomes
    for refused in (o for o in outcomes if isinstance(o, BookingRefused)):
        assert set(refused.errors) <= {"people", "people.0.notice_number"}
    winner = next(o for o in outcomes if isinstance(o, Booking))
    assert list(Booking.objects.values_list("pk", flat=True)) == [winner.pk]
    assert list(BookingPerson.objects.filter(active=True).values_list("notice_number", flat=True)) == [f"{number:015d}"]
    # No half-written booking: every booking has its people, every counter its booking.
    for booking in Booking.objects.all():
        assert booking.people.count() == booking.party_size
        assert booking.events.filter(action="booked").count() == 1
    assert SlotCounter.objects.filter(booked__gt=0).count() == 1
    assert_counters_match_bookings()


@pytest.mark.parametrize("round_", range(3))
def test_two_bookings_swapping_slots_at_once_never_deadlock(kita, round_):
    """Two moves in opposite directions lock the counters in one order (no 40P01)."""
    base = 600_000_000_000_000 + round_ * 100
    slot_a, slot_b = dt.time(13, 15 * round_), dt.time(14, 15)
    first = booking_create(data=request_for(kita, slot_a, [person(base + 1)]), now=NOW)
    second = booking_create(data=request_for(kita, slot_b, [person(base + 2)]), now=NOW)
    outcomes = run_together(
        [
            lambda: booking_reschedule(booking=first, window=kita, date=DAY, start=slot_b, now=NOW),
            lambda: booking_reschedule(booking=second, window=kita, date=DAY, start=slot_a, now=NOW),
        ]
    )
    assert all(isinstance(o, Booking) for o in outcomes), outcomes
    assert counter(kita, slot_a).booked == active_seats(kita, slot_a) == 1
    assert counter(kita, slot_b).booked == active_seats(kita, slot_b) == 1


@pytest.mark.parametrize("round_", range(3))
def test_one_form_submitted_five_times_at_once_books_once(kita, round_):
    """The booking form's one-time token holds under a race (no 500, one booking)."""
    start = dt.time(15, 15 * round_)
    data = request_for(kita, start, [person(700_000_000_000_001 + round_)])
    outcomes = run_together([lambda: booking_create(data=data, now=NOW, token=f"same-form-{round_}") for _ in range(5)])
    assert all(isinstance(o, Booking) for o in outcomes), outcomes
    assert len({o.pk for o in outcomes}) == 1
    assert counter(kita, start).booked == active_seats(kita, start) == 1


@pytest.mark.parametrize("round_", range(3))
def test_seats_given_back_while_others_take_them_are_never_miscounted(kita, caplog, round_):
    """
    Cancels, a closure marking and new bookings in one slot at once: the
    recount of SlotCounter.objects.free reads after its lock, so it sees every
    booking that took seats, and finds no drift where there is none.
    """
    base = 800_000_000_000_000 + round_ * 100
    start = dt.time(16, 15 * round_)
    first = booking_create(data=request_for(kita, start, [person(base + 1)]), now=NOW)
    second = booking_create(data=request_for(kita, start, [person(base + 2)]), now=NOW)
    with caplog.at_level("WARNING", logger="reservations.models"):
        outcomes = run_together(
            [
                lambda: booking_cancel(booking=first, now=NOW),
                lambda: bookings_mark_affected([second], actor=None, reason="停電"),
                lambda: booking_create(data=request_for(kita, start, [person(base + 3)]), now=NOW),
                lambda: booking_create(data=request_for(kita, start, [person(base + 4)]), now=NOW),
                lambda: booking_create(data=request_for(kita, start, [person(base + 5)]), now=NOW),
            ]
        )
    assert not [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, SlotFull)], outcomes
    assert counter(kita, start).booked == active_seats(kita, start) <= 2
    assert_counters_match_bookings()
    assert not [r for r in caplog.records if "drifted" in r.getMessage()]


# --- Application support (SPEC §8): the same engine, its own seats ------------------------------


def test_thirty_residents_racing_for_one_support_slot_get_exactly_two_bookings(chuo):
    # R-A3: 2 people per 30-minute slot; R-A7: no overbooking, as for pickup.
    start = dt.time(9, 30)
    calls = [
        (lambda i=i: booking_create(data=request_for(chuo, start, [support_person(i)], service=SUPPORT), now=NOW))
        for i in range(30)
    ]

    outcomes = run_together(calls)

    assert kinds(outcomes) == {"ok": 2, "SlotFull": 28}, [o for o in outcomes if not isinstance(o, (Booking, SlotFull))]
    slot = counter(chuo, start, service=SUPPORT)
    assert (slot.booked, slot.capacity) == (2, 2)
    assert active_seats(chuo, start, service=SUPPORT) == 2
    assert counter(chuo, start) is None  # the pickup slot of the same time is untouched
    assert set(Booking.objects.values_list("service", flat=True)) == {SUPPORT}
    # The refused are offered other support slots (half hours), never the full one.
    for refused in (o for o in outcomes if isinstance(o, SlotFull)):
        assert refused.alternatives
        assert all((day, s.start) != (DAY, start) and s.start.minute in (0, 30) for _w, day, s in refused.alternatives)
    assert_counters_match_bookings()


@pytest.mark.parametrize("round_", range(3))
def test_pickup_and_support_racing_for_one_window_and_time_never_oversell_either(chuo, round_):
    # Forty residents at once, half for the pickup slot and half for the support slot
    # that start at the same time at the same window: two seats each, counted apart (R-A7).
    start = dt.time(10 + round_, 0)
    base = 900_000_000_000_000 + 100 * round_
    calls = []
    for i in range(20):
        calls.append(lambda i=i: booking_create(data=request_for(chuo, start, [person(base + i)]), now=NOW))
        calls.append(
            lambda i=i: booking_create(data=request_for(chuo, start, [support_person(i)], service=SUPPORT), now=NOW)
        )

    outcomes = run_together(calls)

    assert kinds(outcomes) == {"ok": 4, "SlotFull": 36}, [o for o in outcomes if not isinstance(o, (Booking, SlotFull))]
    won = Counter(o.service for o in outcomes if isinstance(o, Booking))
    assert won == {PICKUP: 2, SUPPORT: 2}
    for service in (PICKUP, SUPPORT):
        slot = counter(chuo, start, service=service)
        assert (slot.booked, slot.capacity) == (2, 2), service
        assert active_seats(chuo, start, service=service) == 2, service
    assert_counters_match_bookings()
