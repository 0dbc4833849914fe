"""The staff CSV export (R-S1) cannot carry a spreadsheet formula (CSV injection, issue #18 item 4)."""

import csv
import datetime as dt
import io

import pytest

from reservations.counter.views import csv_cell
from tests.reservations.factories import BookingFactory, StaffUserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]

DAY = dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("value", "exported"),
    [
        ("=HYPERLINK(\"http://evil.example\")", "'=HYPERLINK(\"http://evil.example\")"),
        ("+81 25 000", "'+81 25 000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("新潟 太郎", "新潟 太郎"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_csv_cell_quotes_what_a_spreadsheet_would_read_as_a_formula(value, exported):
    assert csv_cell(value) == exported


def test_export_neutralises_formulas_in_every_text_cell(client):
    BookingFactory(date=DAY, people=[{"name": "=1+2", "kana": "@SUM(1)"}, {"name": "新潟 花子", "kana": "-x"}])
    clerk = StaffUserFactory(username="-clerk", groups=["clerk"], windows=["kita"])
    BookingFactory(date=DAY, start=dt.time(9, 30), made_by=clerk, people=[{"name": "+cmd|' /C calc'!A0", "kana": "\tタブ"}])
    client.force_login(clerk)
    response = client.get("/staff/windows/kita/export.csv", {"date": DAY.isoformat()})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[2:4] for row in rows[1:]] == [
        ["'=1+2 / 新潟 花子", "'@SUM(1) / -x"],
        ["'+cmd|' /C calc'!A0", "'\tタブ"],
    ]
    assert rows[2][9] == "'-clerk"  # Booked by (the proxy's columns follow)
    formula_starts = ("=", "+", "-", "@", "\t", "\r")
    assert not any(cell.startswith(formula_starts) for row in rows for cell in row)
