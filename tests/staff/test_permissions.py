"""The one permission table of the staff pages, ``access.can`` (R-S1, R-S2)."""

import datetime as dt

import pytest

from reservations.booking.services import booking_create
from reservations.counter import access
from reservations.models import Window
from tests.reservations.factories import NOW, booking_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]

ACTIONS = ("view", "check_in", "issue", "no_show", "cancel", "move", "book")

# user fixture: the actions it may do on a booking of the Kita window.
TABLE = {
    "clerk_kita": set(ACTIONS),
    "clerk_chuo": set(),
    "operator": {"view", "cancel", "move", "book"},
    "admin_user": set(ACTIONS),
    "resident": set(),
}


@pytest.fixture
def kita_booking():
    return booking_create(data=booking_data("kita", date=dt.date(2026, 11, 26)), now=NOW)


@pytest.mark.parametrize("who", TABLE)
@pytest.mark.parametrize("action", ACTIONS)
def test_who_may_do_what_to_a_kita_booking(request, who, action, kita_booking):
    user = request.getfixturevalue(who)
    assert access.can(user, kita_booking, action) is (action in TABLE[who])
    # A window answers as its bookings do.
    assert access.can(user, kita_booking.window, action) is (action in TABLE[who])


def test_a_clerk_may_act_at_own_window_only(clerk_kita, clerk_chuo):
    chuo = Window.objects.get(code="chuo")
    assert not access.can(clerk_kita, chuo, "check_in")
    assert access.can(clerk_chuo, chuo, "check_in")
    assert access.can(clerk_chuo, chuo, "book") and not access.can(clerk_chuo, Window.objects.get(code="kita"), "book")


def test_unknown_actions_and_anonymous_users_may_do_nothing(admin_user, kita_booking):
    from django.contrib.auth.models import AnonymousUser

    assert not access.can(admin_user, kita_booking, "delete")
    assert not any(access.can(AnonymousUser(), kita_booking, action) for action in ACTIONS)


def test_an_inactive_clerk_may_do_nothing(clerk_kita, kita_booking):
    clerk_kita.is_active = False
    assert not any(access.can(clerk_kita, kita_booking, action) for action in ACTIONS)


def test_the_booking_page_offers_exactly_what_the_table_allows(client, operator, clerk_kita, kita_booking, frozen_now):
    frozen_now(kita_booking.date)
    client.force_login(operator)
    offered = [action for action, _label in client.get(f"/staff/booking/{kita_booking.code}/").context["actions"]]
    assert offered == ["cancel"]  # no counter work for the reservation centre
    client.force_login(clerk_kita)
    offered = [action for action, _label in client.get(f"/staff/booking/{kita_booking.code}/").context["actions"]]
    assert offered == ["check_in", "no_show", "cancel"]  # issuing comes after the check-in


def test_permissions_are_read_with_a_fixed_number_of_queries(clerk_kita, kita_booking, django_assert_num_queries):
    with django_assert_num_queries(2):  # the clerk's groups, then the clerk's windows, once
        for action in ACTIONS:
            access.can(clerk_kita, kita_booking, action)
