"""
A resident joins the waiting list from a full calendar in Chromium, gets an
offer when someone cancels, and accepts it (SPEC §9, R-L1 … R-L2); the join,
look-up and offer pages are axe clean (WCAG 2.2 AA). Thursday 2026-11-26,
10:00 in Niigata, in Japanese on a phone.
"""

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from reservations.booking.services import booking_cancel
from reservations.models import Booking, WaitlistEntry
from tests.reservations.waitlist_steps import fill_horizon

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = dt.date(2026, 11, 26)
AXE = Axe()
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}


@pytest.fixture(autouse=True)
def today(frozen_now, clear_cache):
    frozen_now(TODAY)
    return TODAY


def violations(page):
    """The axe violations of the page as it is now, each as "rule: first element"."""
    found = AXE.run(page, options=AXE_OPTIONS).response["violations"]
    return [f"{page.url} {v['id']}: {v['nodes'][0]['html'][:160]}" for v in found]


def test_join_from_a_full_calendar_get_an_offer_and_accept_it(page, live_server):
    bookings = fill_horizon("kita", keep=None)
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    base = live_server.url
    page.goto(base + "/book/")
    page.locator("input[name=ward][value=kita]").check()
    page.locator("input[name=attendance][value=in_person]").check()
    page.locator("main form button[type=submit]").click()
    page.locator("main a[href$='/book/kita/']").first.click()
    assert page.locator("a.day-link").count() == 0  # no free day for the party
    page.locator("a[href$='/waitlist/join/?window=kita']").click()
    assert page.locator("input[name=window][value=kita]").is_checked()
    found = []
    # Empty first: the error summary, linked to the fields.
    page.locator("main form button[type=submit]").click()
    assert page.locator("#error-summary").is_visible()
    found += violations(page)
    page.locator("#id_p0-notice_number").fill("123456789012345")
    page.locator("#id_p0-name").fill("新潟 花子")
    page.locator("#id_p0-kana").fill("にいがた はなこ")
    page.locator("#id_p0-birth_year").fill("1985")
    page.locator("#id_p0-birth_month").fill("6")
    page.locator("#id_p0-birth_day").fill("15")
    page.locator("#id_email").fill("hanako@example.jp")
    page.locator("main form button[type=submit]").click()
    code = page.locator(".reservation-code").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    assert "現在の順番：1番目" in page.locator("main").inner_text()
    found += violations(page)

    booking_cancel(booking=bookings[0])  # someone cancels: the seat is held for the entry (R-L2)
    entry = WaitlistEntry.objects.get()
    assert entry.status == "offered"

    page.context.clear_cookies()  # the resident comes back from the offer mail's link
    page.goto(f"{base}/waitlist/?code={code}")
    assert page.locator("#id_code").input_value() == code
    found += violations(page)
    page.locator("#id_birth_year").fill("1985")
    page.locator("#id_birth_month").fill("6")
    page.locator("#id_birth_day").fill("15")
    page.locator("main form button[type=submit]").click()
    offer = page.locator(".offer-panel").inner_text()
    assert "まで" in offer and "あと30分" in offer
    found += violations(page)
    # The focus ring shows on the accept button (visible focus).
    accept = page.locator("form[action$='/waitlist/entry/accept/'] button")
    accept.focus()
    assert accept.evaluate("e => getComputedStyle(e).outlineStyle !== 'none' || getComputedStyle(e).boxShadow !== 'none'")
    accept.click()
    assert page.url.endswith("/book/done/")
    booking = Booking.objects.get(waitlist_entry=entry)
    assert page.locator(".reservation-code").inner_text() == booking.display_code
    assert page.locator("a[href$='/book/done/calendar.ics']").count() == 1
    entry.refresh_from_db()
    assert entry.status == "booked" and booking.status == "booked"
    assert found == [] and problems == []
