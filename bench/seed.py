"""
Fill the database named by DATABASE_URL with realistic data for the load
benchmarks (issue #8): the nine windows (from the migrations), half the seats
of every bookable slot over the next 30 days booked, and 50,000 past
bookings (issued, no-show, cancelled; older than the retention period
anonymised, R-B11).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/seed.py [--past 50000]

Refuses a database that already holds bookings. Prints what it made.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from reservations import rules
from reservations.models import Booking, BookingPerson, SlotCounter, Window  # noqa: E402
from reservations.schedule import calendars  # noqa: E402

BATCH = 5_000
PAST_STATUSES = [(Booking.Status.ISSUED, 80), (Booking.Status.NO_SHOW, 7), (Booking.Status.CANCELLED, 13)]


def codes(rng, taken):
    """Yield fresh reservation codes."""
    while True:
        code = rules.generate_code()
        if code not in taken:
            taken.add(code)
            yield code


def notice_numbers(start):
    number = start
    while True:
        number += 1
        yield f"{number:015d}"


def booking(window, day, slot_start, slot_end, code, status, anonymised_at=None):
    return Booking(
        code=code, window=window, date=day, start=slot_start, end=slot_end, party_size=1,
        ward=window.ward or "chuo", attendance="in_person",
        email="" if anonymised_at else "bench@example.jp", phone="" if anonymised_at else "0250000000",
        status=status, anonymised_at=anonymised_at,
    )


def person(made, number, active, anonymised):
    return BookingPerson(
        booking=made, position=0, notice_number=number, active=active,
        name="" if anonymised else "新潟 太郎", kana="" if anonymised else "ニイガタ タロウ",
        birth_date=dt.date(1990, 4, 1),
    )


def save(bookings, people_of):
    """bulk_create ``bookings`` and one person each (people_of(booking) -> BookingPerson)."""
    for offset in range(0, len(bookings), BATCH):
        chunk = Booking.objects.bulk_create(bookings[offset:offset + BATCH])
        BookingPerson.objects.bulk_create([people_of(made) for made in chunk])


def seed_future(rng, windows, today, code_source, numbers):
    """Book half the seats of every bookable slot over the horizon; return (bookings, seats offered)."""
    first, last = calendars.booking_window(today)
    bookings, counters, offered = [], [], 0
    for window in windows:
        for day in calendars.window_availability(window, first, last, today=today):
            for index, slot in enumerate(day.slots):
                offered += slot.capacity
                # Half the seats: alternate rounding down and up over the slots of a day.
                taken = slot.capacity // 2 + (slot.capacity % 2 if index % 2 else 0)
                if taken:
                    counters.append(SlotCounter(window=window, date=day.date, start=slot.start,
                                                capacity=slot.capacity, booked=taken))
                for _ in range(taken):
                    bookings.append(booking(window, day.date, slot.start, slot.end, next(code_source),
                                            Booking.Status.BOOKED))
    SlotCounter.objects.bulk_create(counters, batch_size=BATCH)
    save(bookings, lambda made: person(made, next(numbers), True, False))
    return len(bookings), offered


def seed_past(rng, windows, today, count, code_source, numbers):
    """Make ``count`` past bookings spread over the last year's open days."""
    start = today - dt.timedelta(days=365)
    slots = []
    for window in windows:
        days = calendars.window_schedule(window, start, today - dt.timedelta(days=1))
        for day in days:
            for slot in day.slots:
                slots.append((window, day.date, slot.start, slot.end))
    population, weights = zip(*PAST_STATUSES)
    erase_before = today - dt.timedelta(days=settings.BOOKING_RETENTION_DAYS)
    now = timezone.now()
    bookings = []
    for _ in range(count):
        window, day, slot_start, slot_end = rng.choice(slots)
        status = rng.choices(population, weights)[0]
        bookings.append(booking(window, day, slot_start, slot_end, next(code_source), status,
                                anonymised_at=now if day < erase_before else None))
    save(bookings, lambda made: person(made, next(numbers), False, made.anonymised_at is not None))
    return len(bookings)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--past", type=int, default=50_000, help="past bookings to make (default 50,000)")
    parser.add_argument("--seed", type=int, default=8, help="random seed")
    args = parser.parse_args()
    if Booking.objects.exists():
        raise SystemExit("this database holds bookings already; seed a fresh one")
    rng = random.Random(args.seed)
    random.seed(args.seed)  # rules.generate_code draws from `secrets`; codes are checked for clashes below
    started = time.perf_counter()
    today = timezone.localdate()
    windows = list(Window.objects.with_rules())
    code_source = codes(rng, set())
    numbers = notice_numbers(800_000_000_000_000)
    with transaction.atomic():
        future, offered = seed_future(rng, windows, today, code_source, numbers)
        past = seed_past(rng, windows, today, args.past, code_source, numbers)
    print(f"seeded {len(windows)} windows: {future:,} bookings over the next "
          f"{settings.BOOKING_HORIZON_DAYS} days ({future / max(offered, 1):.0%} of {offered:,} seats), "
          f"{past:,} past bookings, in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
