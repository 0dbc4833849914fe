"""
Every flow completes in Chromium with JavaScript switched off, and ends with
the outcome in the database or on the page. (The plain booking path, the
resident's cancellation and the what-to-bring wizard are in
test_booking_flow.py and test_pin_checker.py.)
"""

import datetime as dt
import re

import pytest

from reservations.booking.services import booking_create
from reservations.models import Booking, SlotCounter
from tests.reservations.factories import NOW, booking_data, person

pytestmark = pytest.mark.django_db(transaction=True)

TOMORROW = dt.date(2026, 11, 26)  # "today" is Wednesday 2026-11-25 (booking_day)
PASSWORD = "Counter-Pass-2026!"


@pytest.fixture
def page(page_without_js):
    return page_without_js


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Staff passwords hashed cheaply: these tests are about the pages, not the hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def submit(page, name=None):
    """Press the form's submit button (by its name, or the one in <main>'s form)."""
    if name:
        page.get_by_role("button", name=name).click()
    else:
        page.locator("main form button[type=submit]").last.click()


def fill_date(page, prefix, day):
    page.locator(f"#id_{prefix}_year").fill(str(day.year))
    page.locator(f"#id_{prefix}_month").fill(str(day.month))
    page.locator(f"#id_{prefix}_day").fill(str(day.day))


def staff_login(page, live_server, username):
    page.goto(live_server.url + "/en/staff/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Staff home"


# --- Residents ------------------------------------------------------------------------


def test_booking_in_japanese_survives_a_slot_filling_up(page, live_server, booking_day):
    """The taken time offers the nearest free ones; one of them books, with the details kept."""
    page.goto(live_server.url + "/book/")
    assert page.locator("html").get_attribute("lang") == "ja"
    page.locator("#id_ward_0").check()  # 北区
    page.locator("#id_attendance_0").check()  # 本人
    submit(page)
    page.locator('a[href="/book/kita/"]').click()
    page.locator(f'a.day-link[data-date="{TOMORROW.isoformat()}"]').click()
    page.locator(f'a.slot-button[href$="/{TOMORROW.isoformat()}/0900/"]').click()
    page.locator("#id_p0-notice_number").fill("123456789012345")
    page.locator("#id_p0-name").fill("新潟 太郎")
    page.locator("#id_p0-kana").fill("ニイガタ タロウ")
    fill_date(page, "p0-birth", dt.date(1990, 4, 1))
    page.locator("#id_phone").fill("025-000-0000")
    submit(page)
    assert "/book/review/" in page.url
    # Someone else takes both seats of 9:00 while the resident reads the page.
    booking_create(data=booking_data("kita", date=TOMORROW, start=dt.time(9), party=2), now=NOW)
    page.locator("main form button[type=submit]").click()
    alternatives = page.locator(".alert-warning a")
    assert alternatives.count() >= 1
    first = alternatives.first.get_attribute("href")
    assert f"/{TOMORROW.isoformat()}/0915/" in first  # the nearest free time
    alternatives.first.click()
    assert page.locator("#id_p0-name").input_value() == "新潟 太郎"  # the details are kept
    submit(page)
    page.locator("main form button[type=submit]").click()
    code = page.locator(".reservation-code").inner_text()
    mine = Booking.objects.get(code=code.replace("-", ""))
    assert (mine.date, mine.start, mine.phone, mine.language) == (TOMORROW, dt.time(9, 15), "0250000000", "ja")
    assert SlotCounter.objects.get(window__code="kita", date=TOMORROW, start=dt.time(9)).booked == 2


def test_resident_looks_up_and_moves_a_booking(page, live_server, booking_day):
    booking = booking_create(data=booking_data("kita", date=TOMORROW, start=dt.time(9)), now=NOW)
    page.goto(live_server.url + "/en/booking/")
    page.locator("#id_code").fill(booking.display_code.lower())
    fill_date(page, "birth", dt.date(1990, 4, 2))  # wrong date of birth
    submit(page, "Show the booking")
    summary = page.locator("#error-summary")
    assert "No booking matches this code and date of birth" in summary.inner_text()
    assert booking.display_code not in page.locator("main").inner_text().replace(" ", "")

    page.locator("#id_birth_day").fill("1")
    submit(page, "Show the booking")
    assert page.get_by_role("heading", level=1).inner_text() == "Your booking"
    page.get_by_role("link", name="Move to another time").click()
    new_day = dt.date(2026, 11, 30)
    page.locator(f'a.day-link[data-date="{new_day.isoformat()}"]').click()
    assert f"date={new_day.isoformat()}" in page.url
    page.locator("#slots a.slot-button").filter(has_text="10:00–").first.click()
    page.get_by_role("button", name="Yes, move the booking").click()  # the confirmation page (issue #13)
    assert "Your booking has been moved." in page.locator(".messages").inner_text()
    booking.refresh_from_db()
    assert (booking.date, booking.start, booking.status) == (new_day, dt.time(10), "booked")
    assert SlotCounter.objects.get(window__code="kita", date=TOMORROW, start=dt.time(9)).booked == 0


def test_language_switch_keeps_the_page_and_the_booking_in_progress(page, live_server, booking_day):
    page.goto(live_server.url + "/en/book/")
    page.get_by_label("Kita ward").check()
    page.get_by_label("The applicant in person").check()
    submit(page, "Next: choose a window")
    page.get_by_role("link", name="Book at Kita Ward Office").click()
    page.locator(f'a.day-link[data-date="{TOMORROW.isoformat()}"]').click()
    page.get_by_role("link", name="日本語").click()
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.url == f"{live_server.url}/book/kita/?date={TOMORROW.isoformat()}"
    # Still on the calendar with the day's times: the choices made in English were kept.
    assert page.locator(f'a.slot-button[href="/book/kita/{TOMORROW.isoformat()}/0900/"]').count() == 1

    page.goto(live_server.url + "/fees/?reason=lost&old_card_returned=yes&with_certificates=no&noto_earthquake=no")
    page.get_by_role("link", name="English").click()
    assert "/en/fees/?reason=lost" in page.url
    assert "You pay 800 yen" in page.locator("#result").inner_text()


def test_window_calendar_month_navigation(page, live_server, booking_day):
    page.goto(live_server.url + "/en/windows/cityhall/")
    assert page.locator("#month-heading").inner_text() == "November 2026"
    assert "Nov. 22 (Sun) No issuing: system maintenance" in page.locator(".day-list").first.inner_text()
    page.get_by_role("link", name="December 2026").click()
    assert page.locator("#month-heading").inner_text() == "December 2026"
    assert "Closed for the year-end and New Year holidays" in page.locator(".day-list").first.inner_text()
    page.get_by_role("link", name="November 2026").click()
    assert page.url.endswith("?month=2026-11")
    assert page.locator("#month-heading").inner_text() == "November 2026"


def test_document_checker(page, live_server):
    page.goto(live_server.url + "/en/what-to-bring/documents/")
    submit(page, "Check")  # nothing chosen: the error is summarised and linked
    assert page.locator("#error-summary a").first.get_attribute("href") == "#id_role_0"
    page.get_by_label("The applicant, coming in person (or with the legal representative)").check()
    page.get_by_label("Health insurance card").check()
    submit(page, "Check")
    assert "These documents are not enough." in page.locator("#result").inner_text()
    page.get_by_label("Pension book").check()
    submit(page, "Check")
    assert "These documents are enough." in page.locator("#result").inner_text()
    assert page.get_by_label("Pension book").is_checked()  # the answers stay on the page


def test_proxy_page_checks_a_case(page, live_server):
    page.goto(live_server.url + "/en/what-to-bring/proxy/")
    page.get_by_label("Case").select_option("8")
    submit(page, "Check")
    result = page.locator("#fit").inner_text()
    assert "Case 8 may fit if you bring the evidence below." in result
    assert "maternal and child health handbook" in result.lower()


def test_fee_calculator(page, live_server):
    page.goto(live_server.url + "/en/fees/")
    page.get_by_label("My card was lost or stolen").check()
    submit(page, "Show the fee")
    result = page.locator("#result").inner_text()
    assert "You pay 1,000 yen" in result
    assert "800 yen" in result and "200 yen" in result
    page.get_by_label("My first My Number Card").check()
    submit(page, "Show the fee")
    assert "Free of charge" in page.locator("#result").inner_text()


def test_card_expiry_guide(page, live_server):
    page.goto(live_server.url + "/en/guide/card-expiry/")
    fill_date(page, "birth", dt.date(1975, 8, 20))
    fill_date(page, "issue", dt.date(2018, 2, 1))
    submit(page, "Show the dates")
    result = page.locator("#result").inner_text()
    assert re.search(r"The card is valid until\s+Aug\. 20, 2027", result)
    assert re.search(r"certificates are valid until\s+Aug\. 20, 2022", result)
    assert re.search(r"renew the card from\s+May 20, 2027", result)


def test_moving_to_niigata_guide(page, live_server, booking_day):
    page.goto(live_server.url + "/en/guide/moving-to-niigata/")
    fill_date(page, "started_living", dt.date(2026, 11, 1))
    fill_date(page, "move_in_notified", dt.date(2026, 11, 10))
    page.locator("#id_card_presented_at_move_in_1").check()  # no
    submit(page, "Check my card")
    result = page.locator("#result").inner_text()
    assert "Your card is still valid." in result and "Feb. 8, 2027" in result
    fill_date(page, "move_in_notified", dt.date(2026, 11, 20))  # 19 days after: too late
    submit(page, "Check my card")
    assert "Your card is no longer valid." in page.locator("#result").inner_text()


# --- Staff ------------------------------------------------------------------------------


@pytest.fixture
def counter_day(frozen_now, clear_cache):
    """Thursday 2026-11-26, 10:00: two bookings at Kita for today, made yesterday."""
    frozen_now(TOMORROW)
    taro = booking_create(data=booking_data("kita", date=TOMORROW, start=dt.time(9)), now=NOW)
    hanako = booking_create(
        data=booking_data(
            "kita", date=TOMORROW, start=dt.time(9, 15), people=(person(name="佐渡 花子", kana="サド ハナコ"),)
        ),
        now=NOW,
    )
    return taro, hanako


def test_clerk_logs_in_and_works_the_counter(page, live_server, clerk_kita, counter_day):
    taro, hanako = counter_day
    page.goto(live_server.url + "/en/staff/login/")
    page.locator("#id_username").fill("clerk-kita")
    page.locator("#id_password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    assert page.locator("#error-summary a").first.get_attribute("href") == "#id_username"
    staff_login(page, live_server, "clerk-kita")

    page.get_by_role("link", name="today's list").click()
    table = page.locator(".day-table").first.inner_text()  # the pickup section (issue #14: one table per service)
    assert taro.display_code in table and hanako.display_code in table
    # Check in, then issue: one click each on the day list's row, back at the row (issue #15).
    page.get_by_role("button", name=f"Check in (来庁) {taro.display_code}").click()
    assert f"{taro.display_code} — Done: Check in (来庁)." in page.locator(".messages").inner_text()
    page.get_by_role("button", name=f"Card issued (交付済) {taro.display_code}").click()
    # The other party did not come (its slot is over), marked from the booking's page.
    page.get_by_role("link", name=hanako.display_code).click()
    page.get_by_role("button", name="Did not come (不来庁)").click()
    taro.refresh_from_db()
    hanako.refresh_from_db()
    assert (taro.status, hanako.status) == ("issued", "no_show")
    assert list(taro.events.values_list("action", flat=True)) == ["booked", "check_in", "issue"]
    assert hanako.events.get(action="no_show").actor == clerk_kita


def test_clerk_searches_and_prints_the_day_list(page, live_server, clerk_kita, counter_day):
    taro, hanako = counter_day
    staff_login(page, live_server, "clerk-kita")
    page.locator("#id_q").fill("さど")  # kana in hiragana finds the katakana
    page.get_by_role("button", name="Search").click()
    results = page.locator("main ul").last.inner_text()
    assert hanako.display_code in results and taro.display_code not in results
    page.locator("#id_q").fill(taro.code.lower())  # a scanned code jumps to the booking
    page.get_by_role("button", name="Search").click()
    assert page.url.endswith(f"/en/staff/booking/{taro.code}/")

    page.get_by_role("link", name="Day list").click()
    page.get_by_role("link", name="Print").click()
    assert "/print/" in page.url
    printed = page.locator("main").inner_text()
    assert taro.display_code in printed and "佐渡 花子" in printed and "サド ハナコ" in printed
    assert page.locator(".staff-nav, .site-nav, form").count() == 0


def test_clerk_moves_a_booking(page, live_server, clerk_kita, counter_day):
    taro, _hanako = counter_day  # their time today has passed: no longer movable
    friday = booking_create(data=booking_data("kita", date=dt.date(2026, 11, 27), start=dt.time(9)), now=NOW)
    staff_login(page, live_server, "clerk-kita")
    page.goto(f"{live_server.url}/en/staff/booking/{taro.code}/")
    assert page.get_by_role("link", name="Move").count() == 0
    page.goto(f"{live_server.url}/en/staff/booking/{friday.code}/")
    page.get_by_role("link", name="Move").click()
    new_day = dt.date(2026, 11, 30)
    page.locator("#move-date").fill(new_day.isoformat())
    page.get_by_role("button", name="Show times").click()
    page.get_by_label(re.compile(r"11:00–11:15")).check()
    page.get_by_role("button", name="Move the booking").click()
    assert "The booking has been moved." in page.locator(".messages").inner_text()
    friday.refresh_from_db()
    assert (friday.date, friday.start, friday.status) == (new_day, dt.time(11), "booked")
    assert friday.events.get(action="rescheduled").actor == clerk_kita


def test_operator_books_by_phone(page, live_server, operator, booking_day):
    staff_login(page, live_server, "operator")
    page.get_by_role("link", name="Phone booking").click()
    page.locator("#pb-window").select_option("chuo")
    page.locator("#pb-date").fill("2026-11-27")
    page.get_by_role("button", name="Show times").click()
    page.get_by_label("Chuo ward").check()
    page.get_by_label("The applicant in person").check()
    page.locator("input[name=start][value='10:30']").check()  # the times are a grid of start times (issue #15)
    page.locator("#id_p0-notice_number").fill("987654321098765")
    page.locator("#id_p0-name").fill("新潟 次郎")
    page.locator("#id_p0-kana").fill("ニイガタ ジロウ")
    fill_date(page, "p0-birth", dt.date(1985, 6, 15))
    page.locator("#id_phone").fill("090-1234-5678")
    page.get_by_role("button", name="Book", exact=True).click()
    message = page.locator(".messages").inner_text()
    booking = Booking.objects.get()
    assert f"Booked: {booking.display_code}" in message
    assert (booking.window.code, booking.date, booking.start) == ("chuo", dt.date(2026, 11, 27), dt.time(10, 30))
    assert booking.made_by == operator and booking.phone == "09012345678"
    assert booking.people.get().kana == "ニイガタ ジロウ"
