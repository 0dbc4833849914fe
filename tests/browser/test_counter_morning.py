"""
A clerk's morning at the Kita counter in Chromium (issue #15): log in, find
a booking by its code, check in and issue with one click each, undo, issue
again, mark a past slot's booking as not come, print the day on one A4 page;
axe clean on the day list, the booking page and the print view, in Japanese
and in English.
"""

import datetime as dt
import re

import pytest

from reservations.booking.services import booking_create
from reservations.models import Booking, Window
from reservations.schedule import calendars
from tests.browser.test_accessibility import LANGUAGES, Audit
from tests.reservations.factories import NOW, STAFF_PASSWORD, StaffUserFactory, booking_data

pytestmark = pytest.mark.django_db(transaction=True)

DAY = dt.date(2026, 11, 26)  # a Thursday: Kita is open; the clock stands at 10:00 that day
LIST = f"/staff/windows/kita/?date={DAY.isoformat()}"
PRINT = f"/staff/windows/kita/print/?date={DAY.isoformat()}"


def pdf_pages(pdf: bytes) -> int:
    """Return the number of pages of a PDF from Chromium (its page objects; /Type /Pages is the tree)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def one_click(site, selector):
    """Press the one button at ``selector``: one click, one page load, back where it was posted from."""
    with site.page.expect_navigation():
        site.page.locator(selector).click()
    site.check()


def status_of(booking):
    booking.refresh_from_db()
    return booking.status


@pytest.fixture
def morning(frozen_now, clear_cache):
    """Three bookings at Kita today (made yesterday): 9:00 (its slot is over at 10:00), 9:30 and 13:15."""
    frozen_now(DAY)
    StaffUserFactory(username="clerk-kita", groups=["clerk"], windows=["kita"])
    return [booking_create(data=booking_data("kita", date=DAY, start=start), now=NOW)
            for start in (dt.time(9), dt.time(9, 30), dt.time(13, 15))]


@pytest.mark.parametrize("language", [param.values[0] for param in LANGUAGES], ids=["ja-phone", "en-desktop"])
def test_a_clerk_works_the_morning_with_one_click_per_step(browser, live_server, morning, language):
    missed, resident, later = morning
    prefix, viewport = language
    site = Audit(browser, live_server, prefix, viewport)
    page = site.page
    page.goto(site.url("/staff/login/"))
    site.fill({"#id_username": "clerk-kita", "#id_password": STAFF_PASSWORD})
    site.submit(lands="/staff/", check=False)

    # The day list: booked slots only, counts per status, the date field; then the code, as a scanner types it.
    site.visit(LIST)
    assert page.locator("input[type=date]#day-date").input_value() == DAY.isoformat()
    assert page.locator(".day-table tbody tr[id^=booking-]").count() == 3  # no empty slot rows
    page.locator("#id_q").fill(resident.code.lower())
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == site.url(f"/staff/booking/{resident.code}/")
    site.check()

    one_click(site, ".booking-steps .step-check_in")
    assert status_of(resident) == Booking.Status.CHECKED_IN
    assert page.url.endswith(f"/staff/booking/{resident.code}/#booking-{resident.code}")
    assert resident.display_code in page.locator(".messages [role=status]").inner_text()
    one_click(site, ".booking-steps .step-issue")
    assert status_of(resident) == Booking.Status.ISSUED
    one_click(site, ".booking-steps .step-undo")  # a mistaken click, put right
    assert status_of(resident) == Booking.Status.CHECKED_IN
    one_click(site, ".booking-steps .step-issue")
    assert status_of(resident) == Booking.Status.ISSUED
    assert list(resident.events.values_list("action", flat=True)) == ["booked", "check_in", "issue", "undone", "issue"]

    # Back on the list: the 9:00 party did not come (its slot is over); 13:15 cannot be marked yet.
    site.visit(LIST)
    assert page.locator(f"#booking-{later.code} .step-no_show").count() == 0
    one_click(site, f"#booking-{missed.code} .step-no_show")
    assert status_of(missed) == Booking.Status.NO_SHOW
    assert page.url == site.url(LIST) + f"#booking-{missed.code}"
    assert "row-changed" in page.locator(f"#booking-{missed.code}").get_attribute("class")
    assert missed.display_code in page.locator(".messages [role=status]").inner_text()
    assert page.locator(f"#booking-{missed.code}").is_visible()

    # The print view: no navigation, tick boxes, one A4 page.
    site.visit(PRINT)
    assert page.locator("nav, form, .staff-nav").count() == 0
    assert page.locator("td.tick").count() == 2 * 3
    assert pdf_pages(page.pdf(format="A4")) == 1
    site.assert_clean()


def test_a_normal_day_of_thirty_bookings_prints_on_one_page(browser, live_server, morning):
    kita = Window.objects.with_rules().get(code="kita")
    free = [slot.start for slot in calendars.window_schedule(kita, DAY, DAY)[0].slots
            if slot.start not in {booking.start for booking in morning}]
    for index in range(27):  # with the morning's three: 30 bookings, one a slot (Kita has two seats each)
        booking_create(data=booking_data("kita", date=DAY, start=free[index % len(free)]), now=NOW)
    site = Audit(browser, live_server, "", {"width": 1280, "height": 900})
    site.page.goto(site.url("/staff/login/"))
    site.fill({"#id_username": "clerk-kita", "#id_password": STAFF_PASSWORD})
    site.submit(lands="/staff/", check=False)
    site.visit(PRINT)
    assert site.page.locator(".print-table tbody tr").count() >= 30
    assert pdf_pages(site.page.pdf(format="A4")) == 1
    site.assert_clean()
