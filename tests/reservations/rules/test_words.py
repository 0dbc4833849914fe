"""reservations/rules/words.py: hours and closed reasons in words for people. No database."""

import pytest
from django.utils import translation

from reservations import rules
from reservations.rules import ClosedReason

from ..calendars import CITY_HALL, WARD_OFFICE


def test_describe_hours_of_a_ward_office_in_english():
    with translation.override("en"):
        assert rules.describe_hours(WARD_OFFICE) == [
            "Monday to Friday 9:00–17:00",
            "Closed on Saturday, Sunday",
            "Closed on national holidays",
        ]


def test_describe_hours_of_city_hall_in_english():
    with translation.override("en"):
        assert rules.describe_hours(CITY_HALL) == [
            "Thursday to Monday 9:30–16:45",
            "2nd and 4th Saturday of the month 9:30–17:45",
            "Closed on the 3rd Sunday of the month",
            "Closed on Tuesday, Wednesday",
            "Open on national holidays that fall on these days",
        ]


def test_describe_hours_in_japanese():
    with translation.override("ja"):
        lines = rules.describe_hours(CITY_HALL)
    assert lines[0] == "木曜～月曜 9:30～16:45"
    assert lines[1] == "毎月第2・第4土曜 9:30～17:45"
    assert lines[2] == "毎月第3日曜は休み"


def test_every_closed_reason_has_words():
    for reason in list(ClosedReason) + list(rules.UnbookableReason):
        assert rules.closed_reason_label(reason)


# --- Reading a code aloud (issue #15) ------------------------------------------------------


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_code_character_has_one_reading_and_no_two_sound_alike(language):
    readings = dict(rules.code_reading(rules.CODE_ALPHABET, language))
    assert set(readings) == set(rules.CODE_ALPHABET)
    assert all(readings.values())
    assert len(set(readings.values())) == len(readings)


def test_a_code_is_read_character_by_character():
    assert rules.code_reading("RGGS-21N5", "en") == [
        ("R", "Romeo"), ("G", "Golf"), ("G", "Golf"), ("S", "Sierra"), ("-", ""), ("2", "two"), ("1", "one"),
        ("N", "November"), ("5", "five"),
    ]
    assert rules.code_reading("rggs-21n5", "ja")[0] == ("R", "アール（ラジオのR）")
    assert rules.code_reading("7Q", "ja") == [("7", "ナナ"), ("Q", "キュー（クイーンのQ）")]
