"""
The confirmation page (GET /book/done/) reads its booking, window and people in
one query (issue #17): the page is the one the former two queries made, in
Japanese and English, for pickup and application support, one person or several.
"""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reservations.booking import views

from .factories import BookingFactory, WindowFactory

pytestmark = pytest.mark.django_db

PEOPLE = [
    {"name": "新潟 太郎", "kana": "ニイガタ タロウ", "birth_date": dt.date(1990, 4, 1)},
    {"name": "新潟 花子", "kana": "ニイガタ ハナコ", "birth_date": dt.date(2012, 5, 2)},
    {"name": "新潟 次郎", "kana": "ニイガタ ジロウ", "birth_date": dt.date(2020, 6, 3)},
]


def _former(request):
    """The former read: the booking with its window, then its people (booking.people.all())."""
    booking = views._done_booking(request)
    return None if booking is None else (booking, None)


def _squeeze(html):
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r"\s+", " ", html).strip()


def _done(client, prefix):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{prefix}/book/done/")
    assert response.status_code == 200
    return _squeeze(response.content.decode()), len(queries)


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize(
    "booking",
    [
        {"people": PEOPLE[:1]},
        {"people": PEOPLE, "party_size": 3, "attendance": "proxy", "proxy_reason": 1},
        {"people": PEOPLE[:2], "party_size": 2, "service": "application_support"},
    ],
    ids=["one-pickup", "three-by-proxy", "two-support"],
)
def test_done_page_is_the_former_page_in_one_query(client, monkeypatch, prefix, booking):
    made = BookingFactory(window=WindowFactory(), **booking)
    session = client.session
    session[views.DONE] = made.pk
    session.save()
    _done(client, prefix)  # the session and the page's shared reads, once
    new, queries = _done(client, prefix)
    monkeypatch.setattr(views, "_done_booking_and_people", _former)
    old, former_queries = _done(client, prefix)
    assert new == old
    assert made.display_code in new and all(person["kana"] in new for person in booking["people"])
    assert queries == former_queries - 1


def test_done_page_without_a_booking_goes_to_the_start(client):
    assert client.get("/en/book/done/")["Location"] == "/en/book/"
