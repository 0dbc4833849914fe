"""
Statistics people can see (issue #15, R-A7): per window, day and service,
for the last and the next 30 days, utilisation, no-shows and cancellations
as SVG charts with a data table each, and the same figures as CSV.
"""

import csv
import datetime as dt
import io

import pytest

from reservations.models import Window
from reservations.rules.lifecycle import add_figures, day_figures, statistics_period
from tests.reservations.factories import BookingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]  # today: Wed 25 Nov 2026

PAST_DAY = dt.date(2026, 11, 20)  # a Friday within the last 30 days
NEXT_DAY = dt.date(2026, 12, 1)  # a Tuesday within the next 30 days
PICKUP, SUPPORT = "pickup", "application_support"
URL = "/en/staff/windows/chuo/stats/"


def book(status, *, date=PAST_DAY, service=PICKUP, party=1, window="chuo", start=dt.time(9)):
    return BookingFactory(window=Window.objects.get(code=window), date=date, service=service, status=status,
                          party_size=party, start=start)


@pytest.fixture
def bookings():
    book("issued", party=2)
    book("no_show")
    book("cancelled", start=dt.time(10))
    book("no_show", service=SUPPORT)
    book("booked", date=NEXT_DAY, party=3)
    book("cancelled", date=NEXT_DAY, start=dt.time(11))


def chart(response, period, key):
    return next(c for c in response.context["periods"][period]["charts"] if c["key"] == key)


def row(found, label):
    return next(r for r in found["rows"] if r["label"] == label)


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- The rules ------------------------------------------------------------------------


def test_the_periods_are_the_last_thirty_days_and_the_next_thirty():
    (past_first, past_last), (next_first, next_last) = statistics_period(dt.date(2026, 11, 25))
    assert (past_first, past_last) == (dt.date(2026, 10, 26), dt.date(2026, 11, 24))
    assert (next_first, next_last) == (dt.date(2026, 11, 25), dt.date(2026, 12, 24))


@pytest.mark.parametrize(
    ("offered", "bookings", "expected"),
    [
        (10, [("issued", 2), ("no_show", 1), ("cancelled", 4)],
         {"offered": 10, "booked": 3, "issued": 2, "no_show": 1, "cancelled": 4, "checked_in": 0, "utilisation": 0.3}),
        (0, [("booked", 1)], {"offered": 0, "booked": 1, "utilisation": 0.0}),
        (8, [("affected", 2), ("checked_in", 2)], {"booked": 2, "checked_in": 2, "utilisation": 0.25}),
    ],
)
def test_day_figures(offered, bookings, expected):
    figures = day_figures(offered, bookings)
    assert {key: figures[key] for key in expected} == expected


def test_figures_add_up_with_utilisation_from_the_sums():
    total = add_figures([day_figures(10, [("issued", 5)]), day_figures(30, [("no_show", 5)])])
    assert (total["offered"], total["booked"], total["no_show"]) == (40, 10, 5)
    assert total["utilisation"] == 0.25 and total["no_show_rate"] == 0.5


# --- The page ---------------------------------------------------------------------------


def test_every_figure_is_a_chart_with_its_data_table(admin_client, bookings):
    html = admin_client.get(URL).content.decode()
    # Last 30 days: utilisation, no-shows, cancellations; next 30 days: utilisation, cancellations.
    assert html.count("<svg") == 5
    assert html.count('aria-hidden="true"') >= 5
    figures = html.split('class="row mb-4 statistics-figure"')[1:]
    assert len(figures) == 5
    for figure in figures:
        assert "<svg" in figure and "<table" in figure and "<caption>" in figure
        assert '<th scope="col">' in figure and '<th scope="row">' in figure
    assert "<caption>No-shows (people): The last 30 days</caption>" in html
    assert "<caption>Cancellations (people): The next 30 days</caption>" in html
    assert "<script" not in html.split("<main")[-1].split("</main>")[0]


def test_the_tables_hold_the_bookings_per_day_and_service(admin_client, bookings):
    response = admin_client.get(URL)
    no_shows = row(chart(response, 0, "no_show"), "Nov. 20 (Fri)")
    assert no_shows["values"] == [1, 1] and no_shows["total"] == 2  # pickup, support, both
    cancelled = row(chart(response, 0, "cancelled"), "Nov. 20 (Fri)")
    assert cancelled["values"] == [1, 0] and cancelled["total"] == 1
    # Chuo offers 64 pickup seats (2 × 32 quarters) and 28 support seats (2 × 14 half hours) on a weekday.
    used = row(chart(response, 0, "utilisation"), "Nov. 20 (Fri)")
    assert used["values"] == [round(3 / 64 * 100, 1), round(1 / 28 * 100, 1)]
    assert used["total"] == round(4 / 92 * 100, 1)
    coming = row(chart(response, 1, "utilisation"), "Dec. 1 (Tue)")
    assert coming["values"] == [round(3 / 64 * 100, 1), 0.0]
    assert row(chart(response, 1, "cancelled"), "Dec. 1 (Tue)")["total"] == 1
    assert row(chart(response, 0, "no_show"), "Nov. 19 (Thu)")["total"] == 0
    # The figures of both periods together, per service.
    columns = {column["service"]: column["figures"] for column in response.context["by_service"]}
    assert (columns[PICKUP]["booked"], columns[PICKUP]["no_show"], columns[PICKUP]["cancelled"]) == (6, 1, 2)
    assert columns[SUPPORT]["no_show"] == 1 and response.context["figures"]["booked"] == 7


def test_the_service_filter_shows_one_service(admin_client, bookings):
    response = admin_client.get(URL, {"service": SUPPORT})
    assert row(chart(response, 0, "no_show"), "Nov. 20 (Fri)") == {"label": "Nov. 20 (Fri)", "values": [], "total": 1}
    assert response.context["figures"]["cancelled"] == 0


def test_the_page_reads_in_japanese(admin_client, bookings):
    html = admin_client.get("/staff/windows/chuo/stats/").content.decode()
    assert "過去30日間" in html and "今後30日間" in html and "11月20日（金）" in html and "不来庁（人数）" in html


def test_a_month_can_still_be_asked_for(admin_client, bookings):
    response = admin_client.get(URL, {"month": "2026-11"})
    assert len(response.context["periods"]) == 1
    assert response.context["figures"]["booked"] == 4 and response.context["figures"]["no_show"] == 2


# --- Who sees which window --------------------------------------------------------------


def test_a_kita_clerk_cannot_see_chuo(client, clerk_kita):
    client.force_login(clerk_kita)
    assert client.get(URL).status_code == 404
    assert client.get("/en/staff/windows/chuo/stats.csv").status_code == 404
    redirected = client.get("/en/staff/windows/kita/stats/", {"window": "chuo"})
    assert redirected.status_code == 302 and client.get(redirected["Location"]).status_code == 404


def test_a_clerk_of_one_window_has_no_window_choice(client, clerk_kita):
    client.force_login(clerk_kita)
    html = client.get("/en/staff/windows/kita/stats/").content.decode()
    assert 'name="window"' not in html


def test_a_city_admin_chooses_among_every_window(admin_client):
    response = admin_client.get(URL)
    assert {window.code for window in response.context["windows"]} == set(Window.objects.values_list("code", flat=True))
    assert '<label class="form-label" for="window-choice">' in response.content.decode()
    moved = admin_client.get(URL, {"window": "kita", "service": PICKUP})
    assert moved.status_code == 302 and moved["Location"] == "/en/staff/windows/kita/stats/?service=pickup"


# --- The CSV ----------------------------------------------------------------------------


def test_the_csv_has_a_row_per_day_and_service(admin_client, bookings):
    response = admin_client.get("/en/staff/windows/chuo/stats.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    assert 'filename="chuo-statistics-2026-10-26-2026-12-24.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == ["Window", "Date", "Service", "Seats offered", "Seats booked", "Checked in",
                       "Issued / application done", "Did not come", "Cancelled", "Utilisation (%)"]
    assert len(rows) == 1 + 60 * 2
    assert ["Chuo Ward Office", "2026-11-20", "Card pickup", "64", "3", "0", "2", "1", "1", "4.7"] in rows
    assert ["Chuo Ward Office", "2026-11-20", "Application support", "28", "1", "0", "0", "1", "0", "3.6"] in rows
    assert ["Chuo Ward Office", "2026-12-01", "Card pickup", "64", "3", "0", "0", "0", "1", "4.7"] in rows
    only = csv_rows(admin_client.get("/en/staff/windows/chuo/stats.csv", {"service": PICKUP}))
    assert {r[2] for r in only[1:]} == {"Card pickup"}


def test_the_csv_is_in_japanese_and_safe_from_formulas(admin_client):
    Window.objects.filter(code="chuo").update(name_ja="=HYPERLINK(\"http://x\")")
    rows = csv_rows(admin_client.get("/staff/windows/chuo/stats.csv"))
    assert rows[0][0] == "受取窓口" and rows[0][-1] == "利用率（%）"
    assert rows[1][0] == "'=HYPERLINK(\"http://x\")"


# --- Queries ----------------------------------------------------------------------------

# Session, user, groups, the window with its rules and services, the windows to choose from, the bookings
# (one grouped query), per service its capacities, closures and recurring closures, and the waiting list's
# figures (entries joined, waiting, offers by outcome: three grouped queries, issue #16).
MAX_QUERIES = 20


@pytest.mark.parametrize("many", [False, True])
@pytest.mark.parametrize("query", [{}, {"month": "2026-12"}, {"service": PICKUP}])
def test_queries_stay_flat_in_days_and_bookings(admin_client, django_assert_max_num_queries, many, query):
    book("issued")
    if many:
        for offset in range(40):
            book("no_show" if offset % 2 else "cancelled", date=PAST_DAY - dt.timedelta(days=offset % 20),
                 start=dt.time(9 + offset % 8), service=PICKUP if offset % 3 else SUPPORT)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert admin_client.get(URL, query).status_code == 200
    with django_assert_max_num_queries(MAX_QUERIES - 1):
        assert admin_client.get("/en/staff/windows/chuo/stats.csv", query).status_code == 200
