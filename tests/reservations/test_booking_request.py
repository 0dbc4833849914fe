"""One booking request type, one slot parser, one 'windows serving a ward', refusals that know their words."""

import datetime as dt

import pytest
from django.utils import translation

from portal.api_errors import Invalid
from reservations.booking.request import SlotChoice
from reservations.booking.services import BookingRefused, SlotFull, booking_create, problem_message
from reservations.models import Window

from .factories import NOW, booking_data

pytestmark = pytest.mark.django_db

WARDS = ["kita", "higashi", "chuo", "konan", "akiha", "minami", "nishi", "nishikan"]


@pytest.mark.parametrize("ward", [*WARDS, "", "outside"])
def test_windows_serving_a_ward_are_those_the_rule_allows(ward):
    expected = [window.code for window in Window.objects.all() if window.serves(ward)]
    assert [window.code for window in Window.objects.serving(ward)] == expected


def test_a_ward_is_served_by_its_office_and_city_hall():
    assert [window.code for window in Window.objects.serving("kita")] == ["kita", "cityhall"]


def test_slot_choice_reads_window_date_and_start():
    slot = SlotChoice.parse({"window": "kita", "date": "2026-12-01", "start": "09:15"})
    assert (slot.window.code, slot.date, slot.start) == ("kita", dt.date(2026, 12, 1), dt.time(9, 15))


@pytest.mark.parametrize(
    "data, fields",
    [
        ({"window": "nowhere", "date": "2026-12-01", "start": "09:00"}, {"window"}),
        ({"window": "kita", "date": "2026-12-1", "start": "09:00"}, {"date"}),
        ({"window": "kita", "date": "2100-01-01", "start": "9.00"}, {"date", "start"}),
        ({}, {"window", "date", "start"}),
    ],
)
def test_slot_choice_names_each_wrong_field(data, fields):
    with pytest.raises(Invalid) as refused:
        SlotChoice.parse(data)
    assert set(refused.value.messages) == fields


def test_slot_choice_only_among_the_windows_given():
    with pytest.raises(Invalid):
        SlotChoice.parse({"window": "chuo", "date": "2026-12-01", "start": "09:00"}, Window.objects.serving("kita"))


def test_a_refusal_gives_its_messages_in_the_current_language():
    with translation.override("ja"):
        japanese = BookingRefused({"window": [problem_message("ward_not_served")]}).messages()
    with translation.override("en"):
        english = BookingRefused({"window": [problem_message("ward_not_served")]}).messages()
    assert english["window"][0].startswith("This window does not serve your ward")
    assert japanese["window"][0] != english["window"][0]
    with translation.override("en"):
        assert SlotFull([]).messages() == {"start": ["That time has just been fully booked. Choose another time."]}


@pytest.mark.usefixtures("booking_day")
def test_phone_booking_offers_only_times_that_hold_the_whole_party(client, operator):
    booking_create(data=booking_data("chuo", date=dt.date(2026, 12, 1), start=dt.time(9)), now=NOW)
    client.force_login(operator)
    one = client.get("/staff/book/", {"window": "chuo", "date": "2026-12-01"}).context["slots"]
    assert dt.time(9) in [slot.start for slot in one]
    two_people = {
        "window": "chuo", "date": "2026-12-01", "ward": "chuo", "attendance": "in_person", "start": "09:00",
        "p0-notice_number": "555555555555555", "p0-name": "新潟 花子", "p0-kana": "ニイガタ ハナコ",
        "p0-birth_year": "1980", "p0-birth_month": "1", "p0-birth_day": "2",
        "p1-notice_number": "555555555555556", "p1-name": "新潟 次郎", "p1-kana": "ニイガタ ジロウ",
        "p1-birth_year": "1982", "p1-birth_month": "3", "p1-birth_day": "4", "phone": "025-111-2222", "email": "",
    }
    response = client.post("/staff/book/", two_people)
    starts = [slot.start for slot in response.context["slots"]]
    assert dt.time(9) not in starts and dt.time(9, 15) in starts
    assert response.status_code == 200
