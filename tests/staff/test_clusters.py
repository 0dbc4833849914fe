"""The city admins' review of suspicious clusters and its bulk cancel (reservations/counter/clusters.py)."""

import dataclasses
import datetime as dt
import logging

import pytest

from reservations.booking.services import booking_create
from reservations.models import Booking, BookingEvent, Message, SlotCounter
from tests.reservations.factories import NOW, booking_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]


def _book(start, *, email="hoarder@example.jp", phone="", client="net-x", day=dt.date(2026, 12, 1), party=1,
          made_days_ago=0):
    """Book online from ``client``; ``made_days_ago`` counts it against the daily limits of an earlier day."""
    data = dataclasses.replace(booking_data(date=day, start=start, email=email, phone=phone, party=party), client=client)
    return booking_create(data=data, now=NOW - dt.timedelta(days=made_days_ago))


@pytest.fixture
def hoarded():
    """Three bookings of one e-mail made on three days, and one unrelated booking."""
    bookings = [_book(dt.time(9), day=dt.date(2026, 12, day), party=2, client=f"net-{day}", made_days_ago=day)
                for day in (1, 2, 3)]
    _book(dt.time(10), email="honest@example.jp", client="net-honest")
    return bookings


def test_admins_see_the_cluster_of_one_email(client, admin_user, hoarded, django_assert_max_num_queries):
    client.force_login(admin_user)
    with django_assert_max_num_queries(8):
        page = client.get("/staff/clusters/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "hoarder@example.jp" in html and "honest@example.jp" not in html
    assert all(booking.display_code in html for booking in hoarded)
    assert "3件・6席" in html


def test_a_network_shows_as_a_pseudonym(client, admin_user):
    for number, start in enumerate((dt.time(9), dt.time(9, 15), dt.time(9, 30))):
        _book(start, email=f"p{number}@example.jp", client="0123456789abcdef0123456789abcdef")
    client.force_login(admin_user)
    html = client.get("/en/staff/clusters/").content.decode()
    assert "network 01234567" in html and "0123456789abcdef0123456789abcdef" not in html


def test_the_page_costs_the_same_queries_for_more_clusters(client, admin_user, django_assert_max_num_queries):
    client.force_login(admin_user)
    _book(dt.time(9), day=dt.date(2026, 12, 1))
    client.get("/staff/clusters/")  # warm the session and the user
    for day in (2, 3):
        _book(dt.time(9), day=dt.date(2026, 12, day), made_days_ago=day)
    for number, day in enumerate((1, 2, 3)):
        _book(dt.time(11), email=f"other{number}@example.jp", phone="0250000000", day=dt.date(2026, 12, day),
              client=f"net-{number}", made_days_ago=day)
    # Session (none when it is read from the cache: portal.sessions), user, groups, bookings' keys, the clusters' bookings.
    with django_assert_max_num_queries(5):
        assert client.get("/staff/clusters/").status_code == 200


@pytest.mark.parametrize("who", ["clerk_kita", "operator"])
def test_only_city_admins_see_clusters(client, who, request, hoarded):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/staff/clusters/").status_code == 404
    assert client.post("/staff/clusters/cancel/", {"bookings": [hoarded[0].code]}).status_code == 404


def test_anonymous_users_go_to_the_login_page(client):
    response = client.get("/staff/clusters/")
    assert response.status_code == 302 and "/staff/login/" in response["Location"]


def test_bulk_cancel_asks_for_confirmation_then_a_reason(client, admin_user, hoarded):
    client.force_login(admin_user)
    codes = [booking.code for booking in hoarded]
    review = client.post("/en/staff/clusters/cancel/", {"bookings": codes})
    assert review.status_code == 200 and "This cancels 3 bookings" in review.content.decode()
    no_reason = client.post("/en/staff/clusters/cancel/", {"bookings": codes, "confirm": "1", "reason": ""})
    assert no_reason.status_code == 200
    assert Booking.objects.filter(status="cancelled").count() == 0


def test_bulk_cancel_frees_the_seats_and_tells_each_party(client, admin_user, hoarded, caplog):
    caplog.set_level(logging.DEBUG)
    client.force_login(admin_user)
    codes = [booking.code for booking in hoarded]
    response = client.post(
        "/en/staff/clusters/cancel/", {"bookings": codes, "confirm": "1", "reason": "Bulk booking by one address"}
    )
    assert response.status_code == 302 and response["Location"] == "/en/staff/clusters/"
    assert set(Booking.objects.filter(code__in=codes).values_list("status", flat=True)) == {"cancelled"}
    assert Booking.objects.get(email="honest@example.jp").status == "booked"
    assert SlotCounter.objects.filter(date__in=[b.date for b in hoarded]).exclude(start=dt.time(10)).values_list(
        "booked", flat=True
    ).distinct().get() == 0
    notices = Message.objects.filter(booking__in=hoarded, kind=Message.Kind.CANCELLED)
    assert sorted(notices.values_list("booking__code", flat=True)) == sorted(codes)
    # The admin's reason is internal: the mail asks the resident to contact the window.
    notes = set(notices.values_list("note", flat=True))
    assert len(notes) == 1 and "" not in notes and not any("Bulk booking" in note for note in notes)
    events = BookingEvent.objects.filter(booking__in=hoarded, action="cancelled")
    assert {(e.actor_label, e.reason) for e in events} == {("city-admin", "Bulk booking by one address")}
    assert "hoarder@example.jp" not in caplog.text
    assert "hoarder" not in response["Location"]


def test_bookings_that_can_no_longer_be_cancelled_are_refused(client, admin_user, hoarded):
    client.force_login(admin_user)
    hoarded[0].status = "cancelled"
    hoarded[0].save()
    response = client.post("/en/staff/clusters/cancel/", {"bookings": [hoarded[0].code]})
    assert response.status_code == 302 and response["Location"] == "/en/staff/clusters/"


def test_only_city_admins_see_the_clusters_link(client, admin_user, clerk_kita):
    client.force_login(admin_user)
    assert "/staff/clusters/" in client.get("/staff/").content.decode()
    client.force_login(clerk_kita)
    assert "/staff/clusters/" not in client.get("/staff/").content.decode()
