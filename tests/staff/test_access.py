"""The permission matrix of the staff pages (R-S1, R-S2)."""

import datetime as dt

import pytest

from reservations.booking.services import booking_create
from tests.reservations.factories import NOW, booking_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]


@pytest.fixture
def kita_booking():
    return booking_create(data=booking_data("kita", date=dt.date(2026, 11, 26)), now=NOW)


def window_urls(code):
    return [
        f"/staff/windows/{code}/?date=2026-11-26",
        f"/staff/windows/{code}/print/?date=2026-11-26",
        f"/staff/windows/{code}/export.csv?date=2026-11-26",
        f"/staff/windows/{code}/stats/?month=2026-11",
    ]


def booking_urls(code):
    return [f"/staff/booking/{code}/", f"/staff/booking/{code}/move/"] + [
        f"/staff/booking/{code}/{action}/" for action in ("check_in", "issue", "no_show", "cancel")
    ]


def test_anonymous_goes_to_login(client, kita_booking):
    for url in ["/staff/", "/staff/book/", "/staff/affected/", "/staff/search/"] + window_urls("kita") + booking_urls(kita_booking.code):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/staff/login/"), url


def test_logged_in_non_staff_gets_404(client, resident, kita_booking):
    client.force_login(resident)
    for url in ["/staff/", "/staff/book/"] + window_urls("kita") + booking_urls(kita_booking.code):
        assert client.get(url).status_code == 404, url


def test_clerk_of_another_ward_sees_nothing_of_kita(client, clerk_chuo, kita_booking):
    client.force_login(clerk_chuo)
    for url in window_urls("kita") + booking_urls(kita_booking.code):
        assert client.get(url).status_code == 404, url
    for action in ("check_in", "issue", "no_show", "cancel"):
        response = client.post(f"/staff/booking/{kita_booking.code}/{action}/", {"reason": "x"})
        assert response.status_code == 404
    response = client.post(f"/staff/booking/{kita_booking.code}/move/", {"window": "kita", "date": "2026-12-01", "start": "10:00"})
    assert response.status_code == 404
    kita_booking.refresh_from_db()
    assert kita_booking.status == "booked" and kita_booking.start == dt.time(9)
    # Searching by code or name does not reveal it either.
    assert client.post("/staff/search/", {"q": kita_booking.code}).status_code == 200
    assert kita_booking.display_code not in client.post("/staff/search/", {"q": "ニイガタ"}).content.decode()


def test_clerk_sees_and_acts_on_own_window(client, clerk_kita, kita_booking):
    client.force_login(clerk_kita)
    for url in window_urls("kita") + booking_urls(kita_booking.code):
        assert client.get(url).status_code == 200, url
    for url in window_urls("chuo"):
        assert client.get(url).status_code == 404, url


def test_operator_sees_every_window_and_can_cancel_but_not_check_in(client, operator, kita_booking):
    client.force_login(operator)
    for code in ("kita", "chuo", "cityhall"):
        assert client.get(f"/staff/windows/{code}/?date=2026-11-26").status_code == 200
    assert client.get(f"/staff/booking/{kita_booking.code}/check_in/").status_code == 404
    assert client.get(f"/staff/booking/{kita_booking.code}/cancel/").status_code == 200


def test_admin_sees_everything(client, admin_user, kita_booking):
    client.force_login(admin_user)
    for url in window_urls("cityhall") + booking_urls(kita_booking.code):
        assert client.get(url).status_code == 200, url


def test_unknown_action_is_404(client, clerk_kita, kita_booking):
    client.force_login(clerk_kita)
    assert client.get(f"/staff/booking/{kita_booking.code}/delete/").status_code == 404


def test_actions_need_post_with_csrf(client, clerk_kita, kita_booking):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(clerk_kita)
    assert strict.post(f"/staff/booking/{kita_booking.code}/check_in/").status_code == 403
    kita_booking.refresh_from_db()
    assert kita_booking.status == "booked"
