"""The marks of the booking calendar: ○ seats, △ few seats left (残りわずか), × fully booked, 休/Closed (issue #13)."""

import datetime as dt
import re

import pytest

from reservations.rules import few_seats_left
from reservations.booking import services
from reservations.models import Window
from reservations.rules.schedule import SlotAvailability
from reservations.schedule import calendars

from .factories import NOW, booking_data


def slots(*seats, closed=()):
    """SlotAvailability of 15-minute slots from 9:00 with (capacity, remaining) pairs."""
    return [
        SlotAvailability(dt.time(9 + i // 4, i % 4 * 15), dt.time(9 + (i + 1) // 4, (i + 1) % 4 * 15), capacity, left,
                         closed=i in closed)
        for i, (capacity, left) in enumerate(seats)
    ]


@pytest.mark.parametrize(
    "day, expected",
    [
        (slots((2, 2), (2, 2), (2, 2), (2, 2), (2, 2)), False),  # all free
        (slots((2, 0), (2, 0), (2, 0), (2, 0), (2, 2)), True),  # 2 of 10 seats left: a fifth
        (slots((2, 0), (2, 0), (2, 0), (2, 1), (2, 2)), False),  # 3 of 10: more than a fifth
        (slots((2, 0), (2, 0), (2, 0), (2, 0), (2, 1)), True),  # 1 of 10
        (slots((2, 0), (2, 0), (2, 0), (2, 0), (2, 0)), False),  # none left: fully booked, not "few"
        (slots((2, 0), (2, 2), closed=(1,)), False),  # a slot closed by a partial closure does not count
        (slots((2, 1), (2, 0), (2, 0), (2, 0), (2, 0), (2, 2), closed=(5,)), True),
        ([], False),  # a closed day
    ],
)
def test_few_seats_left_is_a_fifth_or_less_of_the_open_seats(day, expected):
    assert few_seats_left(day) is expected


def take_seats(day, share_left):
    """Book the first slots of Kita on ``day`` until ``share_left`` of its seats or fewer are left."""
    kita = Window.objects.with_rules().get(code="kita")
    availability = calendars.window_availability(kita, day, day, today=NOW.date())[0]
    capacity = sum(slot.capacity for slot in availability.slots)
    to_take = capacity - int(capacity * share_left)
    for slot in availability.slots:
        left = slot.remaining
        while left and to_take > 0:
            party = min(left, 4, to_take) if share_left else min(left, 4)
            services.booking_create(data=booking_data(kita, date=day, start=slot.start, party=party), now=NOW)
            left -= party
            to_take -= party


def cell(page, day, month="2026年12月"):
    """Return the HTML of the calendar cell of ``day`` in the table of ``month``."""
    page = page[page.index(f'aria-label="{month}"'):]
    match = re.search(
        rf'<td[^>]*>\s*(?:<a [^>]*data-date="{day.isoformat()}"[^>]*>\s*)?<span class="day-number">{day.day}</span>(.*?)</td>',
        page, re.S,
    )
    assert match, day
    return match[1]


@pytest.mark.django_db
@pytest.mark.usefixtures("booking_day", "clear_cache")
def test_calendar_marks_few_seats_left_full_and_closed_days_in_japanese(client):
    few, full, sunday = dt.date(2026, 12, 1), dt.date(2026, 12, 2), dt.date(2026, 12, 6)
    take_seats(few, share_left=0.2)
    take_seats(full, share_left=0)
    client.post("/book/", {"ward": "kita", "attendance": "in_person", "party_size": "1", "proxy_reason": ""})
    page = client.get("/book/kita/").content.decode()
    assert "△" in cell(page, few) and "残りわずか" in cell(page, few)
    assert "○" in cell(page, dt.date(2026, 12, 3)) and "残りわずか" not in cell(page, dt.date(2026, 12, 3))
    assert "×" in cell(page, full) and "満席" in cell(page, full)
    assert "休" in cell(page, sunday)
    assert "残りわずか（その日の空き枠が全体の2割以下）" in page  # the legend says what "few" means
    assert "満員" not in page


@pytest.mark.django_db
@pytest.mark.usefixtures("booking_day", "clear_cache")
def test_english_calendars_say_closed_not_the_cross_of_fully_booked(client):
    client.post("/en/book/", {"ward": "kita", "attendance": "in_person", "party_size": "1", "proxy_reason": ""})
    page = client.get("/en/book/kita/").content.decode()
    sunday = cell(page, dt.date(2026, 12, 6), month="December 2026")
    assert "Closed" in sunday and "✕" not in sunday and "×" not in sunday
    assert "Few seats left" in page and "Fully booked" in page
    windows = client.get("/en/windows/kita/?month=2026-12").content.decode()
    assert "✕" not in windows and 'aria-hidden="true">Closed</span>' in windows
