"""
A resident books application support (申請補助, SPEC §8) in Chromium on a
phone-size viewport: with JavaScript (no script errors, no CSP violations)
and without it. Thursday 2026-11-26, 10:00 in Niigata.
"""

import datetime as dt
import re

import pytest

from reservations.models import Booking

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = dt.date(2026, 11, 26)
@pytest.fixture(autouse=True)
def _windows(city_windows):
    """The windows of the data migrations with their services, again after another test's flush."""


@pytest.fixture(autouse=True)
def today(frozen_now, clear_cache):
    frozen_now(TODAY)
    return TODAY


def book_support(page, live_server):
    """Walk the support path at the Chuo ward office to the confirmation; return the code shown."""
    page.goto(live_server.url + "/en/")
    page.get_by_role("link", name="Book application support").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Book application support"
    assert page.locator("input[value=proxy]").count() == 0  # R-A5: never a proxy
    page.get_by_label("Chuo ward").check()
    page.get_by_label("The applicant in person").check()
    page.get_by_role("button", name="Next: choose a window").click()
    assert page.locator("main a[href$='/book/cityhall/']").count() == 0  # R-A2
    page.get_by_role("link", name="Book at Chuo Ward Office").click()
    # R-A4: today's times from 30 minutes ahead (10:30).
    page.locator(f'a.day-link[data-date="{TODAY.isoformat()}"]').click()
    assert page.locator(f'a.slot-button[href$="/{TODAY.isoformat()}/1000/"]').count() == 0
    page.locator(f'a.slot-button[href$="/{TODAY.isoformat()}/1030/"]').click()
    assert page.locator("input[name$=notice_number]").count() == 0  # no notice number before applying
    page.locator("#id_p0-name").fill("新潟 花子")
    page.locator("#id_p0-kana").fill("にいがた はなこ")
    page.get_by_label("Year").fill("1985")
    page.get_by_label("Month").fill("6")
    page.get_by_label("Day", exact=True).fill("15")
    page.locator("#id_email").fill("hanako@example.jp")
    page.get_by_role("button", name="Next: check your booking").click()
    page.get_by_role("button", name="Confirm the booking").click()
    code = page.locator(".reservation-code").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    main = page.locator("main").inner_text()
    assert "Two or more identity documents" in main and "simple registered post (簡易書留)" in main
    return code


def test_support_booking_on_a_phone_with_javascript(page, live_server):
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    code = book_support(page, live_server)
    booking = Booking.objects.get()
    assert booking.display_code == code and booking.service == "application_support"
    assert (booking.window.code, booking.date, booking.start) == ("chuo", TODAY, dt.time(10, 30))
    assert problems == []
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_support_booking_without_javascript(page_without_js, live_server):
    code = book_support(page_without_js, live_server)
    assert Booking.objects.get().display_code == code


def test_walk_in_ward_office_offers_no_calendar(page, live_server):
    page.goto(live_server.url + "/book/support/")
    page.locator("input[name=ward][value=kita]").check()
    page.locator("input[name=attendance][value=in_person]").check()
    page.locator("main form button[type=submit]").click()
    assert "申請補助サービスの予約を受け付けていません" in page.locator("main").inner_text()
    assert page.locator("main a[href$='/book/kita/']").count() == 0
