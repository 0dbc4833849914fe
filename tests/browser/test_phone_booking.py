"""
The reservation centre books by phone for a caller whose proxy comes (issue #15,
R-S2, R-E5) in Chromium: a compact page (times as a grid), the proxy reason in
words, the proxy's name and phone, and the code with its reading; axe clean on
the phone booking pages in Japanese and English.
"""

import datetime as dt

import pytest

from reservations.models import Booking
from tests.browser.test_accessibility import Audit
from tests.reservations.factories import STAFF_PASSWORD, StaffUserFactory

pytestmark = pytest.mark.django_db(transaction=True)

DAY = dt.date(2026, 11, 26)  # Thursday; bookable from the 27th


@pytest.fixture
def operator_ready(city_windows, frozen_now, clear_cache):
    frozen_now(DAY)
    StaffUserFactory(username="operator-1", groups=["operator"])


@pytest.mark.parametrize("prefix", ["", "/en"], ids=["ja", "en"])
def test_an_operator_books_for_a_caller_with_a_proxy(browser, live_server, operator_ready, prefix):
    site = Audit(browser, live_server, prefix, {"width": 1280, "height": 800})
    page = site.page
    page.goto(site.url("/staff/login/"))
    site.fill({"#id_username": "operator-1", "#id_password": STAFF_PASSWORD})
    site.submit(lands="/staff/", check=False)

    site.visit("/staff/book/?service=pickup&window=chuo&date=2026-12-01")
    assert page.evaluate("document.body.scrollHeight") < 2 * 1400  # was ~5,000 px  # compact: the times are a grid, not a column
    radios = page.locator(".time-grid input[name=start]")
    assert radios.count() == 32
    tops = {round(radios.nth(i).bounding_box()["y"]) for i in range(8)}
    assert len(tops) < 8  # several times on one row
    page.locator("#id_ward").select_option("chuo") if page.locator("select#id_ward").count() else page.locator(
        "input[name=ward][value=chuo]").check()
    page.locator("input[name=attendance][value=proxy]").check()
    page.locator("#id_proxy_reason").select_option("6") if page.locator("select#id_proxy_reason").count() else (
        page.locator("input[name=proxy_reason][value='6']").check())
    page.locator("input[name=start][value='10:00']").check()
    site.fill({
        "#id_proxy_name": "新潟 次郎", "#id_proxy_phone": "090-1234-5678",
        "#id_p0-notice_number": "777777777777777", "#id_p0-name": "新潟 ハナ", "#id_p0-kana": "ニイガタ ハナ",
        "#id_p0-birth_year": "1940", "#id_p0-birth_month": "3", "#id_p0-birth_day": "3", "#id_phone": "025-111-2222",
    })
    with page.expect_navigation():
        page.locator("form.phone-booking button[type=submit]").click()

    booking = Booking.objects.get()
    assert (booking.proxy_reason, booking.proxy_name, booking.proxy_phone) == (6, "新潟 次郎", "09012345678")
    assert page.url.endswith(f"/staff/booking/{booking.code}/")
    readings = page.locator(".code-reading-list li")
    assert readings.count() == 8  # one per character, the hyphen is a pause
    text = page.locator("main").inner_text()
    assert "新潟 次郎" in text and ("75歳以上の方" in text or "Aged 75 or over" in text)
    site.check()
    site.assert_clean()
