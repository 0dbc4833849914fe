"""
Issue #13, as a resident sees it in Chromium: a date's message under the
year/month/day row, Back after booking, moving with a confirmation page
(without JavaScript), and a booking a closure made impossible (R-B9) reached
from its mail and moved in one tap.
"""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest

from reservations.admin import closure_reason, in_language
from reservations.booking import services
from reservations.messaging import outbox
from reservations.models import Booking, Message
from tests.reservations.factories import NOW, booking_data, closure_with_notes

pytestmark = pytest.mark.django_db(transaction=True)

TOMORROW = dt.date(2026, 11, 26)  # "today" is Wednesday 2026-11-25 (booking_day)
BIRTH = dt.date(1990, 4, 1)  # the factories' date of birth


def fill_date(page, prefix, day):
    page.locator(f"#id_{prefix}_year").fill(str(day.year))
    page.locator(f"#id_{prefix}_month").fill(str(day.month))
    page.locator(f"#id_{prefix}_day").fill(str(day.day))


def book_to_details(page, live_server):
    page.goto(live_server.url + "/book/")
    page.locator("#id_ward_0").check()  # 北区
    page.locator("#id_attendance_0").check()  # 本人
    page.locator("main form button[type=submit]").click()
    page.goto(live_server.url + f"/book/kita/{TOMORROW.isoformat()}/0900/")


def fill_person(page, born=BIRTH):
    page.locator("#id_p0-notice_number").fill("123456789012345")
    page.locator("#id_p0-name").fill("新潟 太郎")
    page.locator("#id_p0-kana").fill("ニイガタ タロウ")
    fill_date(page, "p0-birth", born)
    page.locator("#id_phone").fill("025-000-0000")


def test_a_date_error_stays_under_the_year_month_day_row(page, live_server, booking_day):
    book_to_details(page, live_server)
    fill_person(page)
    page.locator("#id_p0-birth_month").fill("13")
    page.locator("main form button[type=submit]").click()
    error = page.locator("#p0-dob-error")
    assert "月" in error.inner_text()
    page.wait_for_load_state("load")  # the answer's stylesheet applied, not only its first bytes parsed
    # Measured in one go, in page coordinates: the error summary's focus may scroll the page meanwhile.
    boxes = page.evaluate("""() => ["year", "month", "day", "error"].map(part => {
        const element = document.getElementById(part === "error" ? "p0-dob-error" : "id_p0-birth_" + part);
        const box = element.getBoundingClientRect();
        return {y: box.top + window.scrollY, height: box.height};
    })""")
    *fields, error_box = boxes
    assert len({round(box["y"]) for box in fields}) == 1, "year, month and day are on one row"
    assert error_box["y"] >= max(box["y"] + box["height"] for box in fields)


def test_back_after_booking_shows_the_confirmation(page, live_server, booking_day):
    book_to_details(page, live_server)
    fill_person(page)
    page.locator("main form button[type=submit]").click()
    page.get_by_role("button", name="予約を確定する").click()
    assert page.url.endswith("/book/done/")
    code = Booking.objects.get().display_code
    page.go_back()
    page.wait_for_load_state()
    assert code in page.locator("main").inner_text()  # the confirmation again, not an empty step
    assert Booking.objects.count() == 1


def test_moving_asks_for_confirmation_without_javascript(page_without_js, live_server, booking_day):
    page = page_without_js
    booking = services.booking_create(data=booking_data("kita", date=TOMORROW, start=dt.time(9), language="en"), now=NOW)
    page.goto(live_server.url + "/en/booking/")
    page.locator("#id_code").fill(booking.display_code)
    fill_date(page, "birth", BIRTH)
    page.get_by_role("button", name="Show the booking").click()
    page.get_by_role("link", name="Move to another time").click()
    page.locator(f'a.day-link[data-date="{TOMORROW.isoformat()}"]').click()
    page.locator("#slots a.slot-button").filter(has_text="10:00–").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Move the booking?"
    booking.refresh_from_db()
    assert booking.start == dt.time(9)  # nothing moved yet
    page.get_by_role("button", name="Yes, move the booking").click()
    assert page.url.endswith("/en/booking/manage/") and "Your booking has been moved." in page.content()
    booking.refresh_from_db()
    assert (booking.date, booking.start) == (TOMORROW, dt.time(10))


def test_from_the_closure_mail_to_a_new_time_in_one_tap(page, live_server, booking_day):
    booking = services.booking_create(data=booking_data("kita", date=TOMORROW, start=dt.time(10, 15), party=2), now=NOW)
    closure = closure_with_notes(TOMORROW, window=booking.window, start_time=dt.time(10, 15))
    services.bookings_mark_affected([booking], actor=None, reason=in_language(lambda: closure_reason(closure)))
    _subject, text, _html, _attachments = outbox.render(Message.objects.get(booking=booking, kind="closure_notice"))
    link = re.search(r"http\S+\?code=\S+", text).group(0)
    address = urlsplit(link)
    page.goto(f"{live_server.url}{address.path}?{address.query}")  # the mail's address on the test server
    assert page.locator("#id_code").input_value() == booking.display_code  # filled in from the link
    fill_date(page, "birth", BIRTH)
    page.get_by_role("button", name="予約を表示").click()
    banner = page.get_by_role("alert")
    assert "お渡しできなくなりました" in banner.inner_text() and "停電のため臨時休業します。" in banner.inner_text()
    assert "11月26日（木）" in banner.inner_text()
    assert page.locator('a[href$=".ics"]').count() == 0
    buttons = page.locator(".rebook-list button")
    assert 1 <= buttons.count() <= 5
    buttons.first.click()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED and booking.party_size == 2
    assert page.locator('a[href$=".ics"]').count() == 1
