"""
The month tables and the day's times built in Python (reservations/booking/fragments.py,
issue #17) are the markup the templates made: the former templates (tests/reservations/
reference/) and the new code render the same cells and slots, compared whitespace aside,
in Japanese and English.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template import engines
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from reservations import rules
from reservations.booking import fragments, views
from reservations.models import Window

REFERENCE = Path(__file__).parent / "reference"
FIRST, LAST = dt.date(2026, 11, 26), dt.date(2026, 12, 26)


def _reference(name, context):
    return engines["django"].from_string((REFERENCE / name).read_text()).render(context)


def _squeeze(html):
    return re.sub(r"\s+", " ", str(html)).strip()


def _cells():
    """Every kind of cell: free, few left, fully booked, closed; days outside the range around them."""
    cells = {}
    for n, day in enumerate(rules.date_range(FIRST, LAST)):
        kind = n % 5
        cells[day] = [(True, False, True), (True, True, True), (False, False, True), (False, False, False),
                      (True, False, True)][kind]
    return cells


def _reference_months(cells):
    """The context the booking views gave _booking_calendar.html before (its ``months`` rows)."""
    months = []
    for month in rules.iter_months(FIRST, LAST):
        rows = []
        for week in rules.month_grid(month):
            row = []
            for day in week:
                free, few, full = cells.get(day, (False, False, False)) if day else (False, False, False)
                row.append({"date": day, "free": free, "few": few, "full": full, "in_range": day in cells})
            rows.append(row)
        months.append((month, rows))
    return months


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("chosen", [None, dt.date(2026, 11, 26), dt.date(2026, 12, 2), dt.date(2026, 11, 20)])
@pytest.mark.parametrize("window_param", ["", "kita"])
@pytest.mark.parametrize("no_free", [False, True])
def test_the_month_tables_are_the_templates(city_windows, language, chosen, window_param, no_free):
    cells = _cells()
    if no_free:
        cells = {day: (False, False, state[2]) for day, state in cells.items()}
    window = Window.objects.get(code="kita")
    in_range = chosen if chosen and FIRST <= chosen <= LAST else None
    with translation.override(language):
        common = {"first": FIRST, "last": LAST, "chosen": chosen, "waitlist_window": None if window_param else window}
        before = _reference("_booking_calendar.html", {
            **common, "months": _reference_months(cells), "window_param": window_param,
            "weekday_headers": [rules.weekday_short_name(d) for d in (6, 0, 1, 2, 3, 4, 5)]})
        for _twice in range(2):  # built, then from the process's store with the chosen day put in
            after = render_to_string("reservations/_booking_calendar.html", {
                **common, "no_free_day": no_free,
                "month_tables": mark_safe(fragments.month_tables(cells, FIRST, LAST, in_range, window_param))})
            assert _squeeze(after) == _squeeze(before)
    marked = chosen in (FIRST, dt.date(2026, 12, 2)) and not no_free  # free days in range
    assert after.count('aria-current="date"') == (1 if marked else 0)


SLOTS = [rules.SlotAvailability(dt.time(9), dt.time(9, 30), 2, 1),
         rules.SlotAvailability(dt.time(13, 30), dt.time(14), 4, 3)]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("move", [False, True])
@pytest.mark.parametrize("chosen, slots, reason", [
    (None, [], ""),
    (dt.date(2026, 12, 1), SLOTS, ""),
    (dt.date(2026, 12, 1), [], ""),
    (dt.date(2026, 12, 1), [], "closed_reason"),
])
def test_the_days_times_are_the_templates(city_windows, language, move, chosen, slots, reason):
    window = Window.objects.get(code="kita")
    with translation.override(language):
        reason = rules.closed_reason_label("holiday") if reason else ""
        context = {"chosen": chosen, "slots": slots, "chosen_reason": reason, "window": window, "move_form": move}
        before = _reference("_slot_list.html", context)
        if move:
            link = views._move_link(window, chosen)
        else:
            link = views._details_link(views.reverse("reservations:book_details", args=["kita", "DATE", "HHMM"]), chosen)
        after = fragments.slot_list(chosen, slots, reason, link)
        assert _squeeze(after) == _squeeze(before)
        assert after.count("slot-button") == len(slots)
