"""A clerk runs the counter in Chromium: log in, scan a code, check in, issue."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from reservations.booking.services import booking_create
from reservations.models import StaffAssignment, Window
from tests.browser.test_accessibility import LANGUAGES, Audit
from tests.reservations.factories import NOW, booking_data, person

pytestmark = pytest.mark.django_db(transaction=True)


def test_clerk_scans_a_code_checks_in_and_issues(page, live_server, django_user_model, frozen_now):
    frozen_now(dt.date(2026, 11, 26))  # a Thursday: the Kita ward office is open
    kita = Window.objects.get(code="kita")
    clerk = django_user_model.objects.create_user(username="clerk-kita", password="Counter-Pass-2026!")
    clerk.groups.add(Group.objects.get(name="clerk"))
    StaffAssignment.objects.create(user=clerk, window=kita)
    # A booking for today, made yesterday (bookings are never same-day).
    booking = booking_create(data=booking_data("kita", date=timezone.localdate(), start=dt.time(9)), now=NOW)

    page.goto(live_server.url + "/en/staff/login/")
    page.locator("#id_username").fill("clerk-kita")
    page.locator("#id_password").fill("Counter-Pass-2026!")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="today's list").click()
    assert booking.display_code in page.content()
    # A USB scanner types the code and Enter into the search field.
    page.locator("#id_q").fill(booking.code.lower())
    page.keyboard.press("Enter")
    # One click per step (issue #15): no confirm page, back on the booking with the message.
    page.get_by_role("button", name="Check in (来庁)").click()
    assert f"{booking.display_code} — Done: Check in (来庁)." in page.locator(".messages").inner_text()
    page.get_by_role("button", name="Card issued (交付済)").click()
    assert f"{booking.display_code} — Done: Card issued (交付済)." in page.locator(".messages").inner_text()
    booking.refresh_from_db()
    assert booking.status == "issued"
    assert list(booking.events.values_list("action", flat=True)) == ["booked", "check_in", "issue"]


@pytest.mark.parametrize("language", [param.values[0] for param in LANGUAGES], ids=["ja-phone", "en-desktop"])
def test_day_list_of_both_services_has_no_axe_violations(browser, live_server, django_user_model, frozen_now,
                                                         clear_cache, language):
    """R-A7: the Chuo day list shows a pickup and a support grid; axe clean in Japanese and English."""
    frozen_now(dt.date(2026, 11, 26))
    chuo = Window.objects.get(code="chuo")
    clerk = django_user_model.objects.create_user(username="clerk-chuo", password="Counter-Pass-2026!")
    clerk.groups.add(Group.objects.get(name="clerk"))
    StaffAssignment.objects.create(user=clerk, window=chuo)
    today = timezone.localdate()
    card = booking_create(data=booking_data("chuo", date=today, start=dt.time(9)), now=NOW)
    helped = booking_create(data=booking_data(
        "chuo", date=today, start=dt.time(9, 30), service="application_support", people=(person(notice_number=""),)
    ), now=NOW)
    prefix, viewport = language
    site = Audit(browser, live_server, prefix, viewport)
    site.page.goto(site.url("/staff/login/"))
    site.fill({"#id_username": "clerk-chuo", "#id_password": "Counter-Pass-2026!"})
    site.submit(lands="/staff/", check=False)
    site.visit(f"/staff/windows/chuo/?date={today.isoformat()}")
    content = site.page.content()
    assert card.display_code in content and helped.display_code in content
    assert site.page.locator("section h2#service-application_support").count() == 1
    site.visit(f"/staff/windows/chuo/?date={today.isoformat()}&service=application_support")
    site.visit(f"/staff/windows/chuo/print/?date={today.isoformat()}")
    site.visit("/staff/windows/chuo/stats/")
    site.visit(f"/staff/booking/{helped.code}/")
    site.visit("/staff/book/?service=application_support&window=chuo")
    site.assert_clean()
