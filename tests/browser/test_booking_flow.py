"""A resident books a slot through the pages in Chromium: with JavaScript and without."""

import re

import pytest

from reservations.models import Booking
from tests.browser.helpers import first_bookable_slot

pytestmark = pytest.mark.django_db(transaction=True)


def first_bookable_day(code="kita"):
    return first_bookable_slot(code)


def fill_in_the_path(page, live_server):
    page.goto(live_server.url + "/en/book/")
    page.get_by_label("Kita ward").check()
    page.get_by_label("The applicant in person").check()
    page.get_by_role("button", name="Next: choose a window").click()
    page.get_by_role("link", name="Book at Kita Ward Office").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Choose a day and time"


def fill_in_details(page):
    page.locator("#id_p0-notice_number").fill("１２３４５６７８９０１２３４５")
    page.locator("#id_p0-name").fill("新潟 太郎")
    page.locator("#id_p0-kana").fill("にいがた たろう")
    page.get_by_label("Year").fill("1990")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Day", exact=True).fill("1")
    page.locator("#id_email").fill("taro@example.jp")
    page.get_by_role("button", name="Next: check your booking").click()
    assert "ニイガタ タロウ" in page.content()
    page.get_by_role("button", name="Confirm the booking").click()
    code = page.locator(".reservation-code").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    return code


def test_booking_with_javascript_loads_times_without_reloading(page, live_server):
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    day, start = first_bookable_day()
    fill_in_the_path(page, live_server)
    page.evaluate("window.__marker = 'same page'")
    page.locator(f'a.day-link[data-date="{day.isoformat()}"]').click()
    slot = page.locator(f'a.slot-button[href*="/{day.isoformat()}/{start:%H%M}/"]')
    slot.wait_for()
    assert page.evaluate("window.__marker") == "same page"  # no reload: the API filled the list
    slot.click()
    code = fill_in_details(page)
    booking = Booking.objects.get()
    assert booking.display_code == code and booking.date == day and booking.start == start
    assert booking.people.get().notice_number == "123456789012345"
    assert violations == []  # the script and styles run under the strict CSP


def test_booking_without_javascript(page_without_js, live_server):
    page = page_without_js
    day, start = first_bookable_day()
    fill_in_the_path(page, live_server)
    page.locator(f'a.day-link[data-date="{day.isoformat()}"]').click()
    assert f"date={day.isoformat()}" in page.url
    page.locator(f'a.slot-button[href*="/{day.isoformat()}/{start:%H%M}/"]').click()
    code = fill_in_details(page)
    assert Booking.objects.get().display_code == code


def test_resident_cancels_through_the_pages(page_without_js, live_server):
    page = page_without_js
    day, start = first_bookable_day()
    fill_in_the_path(page, live_server)
    page.locator(f'a.day-link[data-date="{day.isoformat()}"]').click()
    page.locator(f'a.slot-button[href*="/{day.isoformat()}/{start:%H%M}/"]').click()
    code = fill_in_details(page)
    page.goto(live_server.url + "/en/booking/")
    page.locator("#id_code").fill(code.lower())
    page.get_by_label("Year").fill("1990")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Day", exact=True).fill("1")
    page.get_by_role("button", name="Show the booking").click()
    page.get_by_role("link", name="Cancel the booking").click()
    page.get_by_role("button", name="Yes, cancel the booking").click()
    assert "Your booking has been cancelled." in page.content()
    assert Booking.objects.get().status == "cancelled"
