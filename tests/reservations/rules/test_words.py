"""reservations/rules/words.py: hours and closed reasons in words for people. No database."""

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
