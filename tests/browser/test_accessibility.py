"""
Every page a person can reach, in Japanese and in English, checked with axe
against WCAG 2.0, 2.1 and 2.2 levels A and AA (JIS X 8341-3:2016 AA is WCAG
2.0 AA). Any violation fails; the message names the rule, its impact, the
elements and the page, so that a failure says what to fix and where.

Japanese is checked at a phone's width and English at a desktop's, so that
both layouts of the pages (the month tables hide their hours on phones) are
seen without doubling the run. Each test walks one part of the site in one
browser context, submitting the forms on the way (empty first, for the error
messages, then filled in), the way a resident or a clerk does.
"""

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from eligibility import urls as eligibility_urls
from portal import info_urls
from reservations.booking import services
from reservations.models import Booking, Window
from reservations.schedule import calendars
from tests.browser.helpers import first_bookable_slot
from tests.reservations.factories import NOW, booking_data

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Axe()
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}

# Thursday 26 November 2026: the Kita ward office is open; tomorrow on is bookable.
TODAY = dt.date(2026, 11, 26)
BIRTH = dt.date(1990, 4, 1)  # the factories' date of birth
STATES = tuple(Booking.Status.values)  # booked, checked_in, issued, no_show, cancelled, affected

LANGUAGES = [
    pytest.param(("", {"width": 390, "height": 844}), id="ja-phone"),
    pytest.param(("/en", {"width": 1280, "height": 900}), id="en-desktop"),
]


class Audit:
    """One browser context walking the site; every page it shows is checked with axe."""

    def __init__(self, browser, live_server, prefix, viewport):
        self.context = browser.new_context(locale="ja-JP" if not prefix else "en-GB", viewport=viewport)
        self.page = self.context.new_page()
        self.root = live_server.url
        self.prefix = prefix
        self.problems = []
        self.pages = 0

    def url(self, path):
        return f"{self.root}{self.prefix}{path}"

    def visit(self, path, *, status=200):
        """Open ``path`` (without the language prefix), make sure it was not redirected, and check it."""
        response = self.page.goto(self.url(path))
        assert response.status == status, f"{self.page.url}: HTTP {response.status}"
        assert self.page.url == self.url(path), f"{path} went to {self.page.url}"
        self.check()

    def submit(self, form="main form[method=post]", *, lands=None, check=True):
        """
        Press the first submit button of ``form`` and check the page it leads
        to, which must be ``lands`` when given (a path without the prefix).
        """
        with self.page.expect_navigation() as navigation:
            self.page.locator(form).first.locator("[type=submit]").first.click()
        if lands is not None:
            assert self.page.url.split("?")[0] == self.url(lands), f"expected {lands}, got {self.page.url}"
        if check:
            self.check()
        return navigation.value

    def click(self, selector, *, check=True):
        with self.page.expect_navigation():
            self.page.locator(selector).first.click()
        if check:
            self.check()

    def fill(self, values):
        """Fill inputs by CSS selector; True ticks a checkbox or radio button, a str in a <select> picks it."""
        for selector, value in values.items():
            field = self.page.locator(selector).first
            if value is True:
                field.check()
            elif field.evaluate("e => e.tagName") == "SELECT":
                field.select_option(value)
            else:
                field.fill(value)

    def fill_date(self, name, day):
        self.fill({f"#id_{name}_year": str(day.year), f"#id_{name}_month": str(day.month), f"#id_{name}_day": str(day.day)})

    def check(self):
        """Run axe on the page as it is now and keep what it finds."""
        self.pages += 1
        results = AXE.run(self.page, options=AXE_OPTIONS)
        for violation in results.response["violations"]:
            nodes = violation["nodes"]
            targets = "; ".join(" ".join(node["target"]) for node in nodes[:8])
            more = f" … and {len(nodes) - 8} more" if len(nodes) > 8 else ""
            self.problems.append(
                f"{self.page.url}\n    {violation['id']} ({violation['impact']}): {violation['help']}"
                f" <{violation['helpUrl']}>\n    at {targets}{more}\n    e.g. {nodes[0]['html'][:200]}"
            )

    def assert_clean(self):
        self.context.close()
        assert self.pages, "no page was checked"
        if self.problems:
            pytest.fail(f"{len(self.problems)} axe violation(s) on {self.pages} pages checked:\n" + "\n".join(self.problems))


@pytest.fixture(autouse=True)
def _windows(city_windows):
    """The windows of the data migrations with their services, again after another test's flush."""


@pytest.fixture
def today(frozen_now, clear_cache):
    frozen_now(TODAY)
    return TODAY


@pytest.fixture(params=LANGUAGES)
def site(request, browser, live_server, today):
    """The site in one language, at one width (every test that uses it runs in both)."""
    prefix, viewport = request.param
    audit = Audit(browser, live_server, prefix, viewport)
    yield audit
    audit.context.close()


def first_free_slot(code="kita"):
    return first_bookable_slot(code)


def take_every_seat(code, day, start):
    """Book the seats left at ``start`` on ``day``, as other residents would."""
    window = Window.objects.with_rules().get(code=code)
    today = timezone.localdate()
    slot = next(s for s in calendars.window_availability(window, day, day, today=today)[0].slots if s.start == start)
    left = slot.remaining
    while left:
        party = min(left, 4)
        services.booking_create(data=booking_data(window, date=day, start=start, party=party))
        left -= party


@pytest.fixture
def bookings(today, clerk_kita):
    """A booking of Kita in each state: today's (made yesterday) and a future one still booked."""
    kita = Window.objects.with_rules().get(code="kita")
    starts = [slot.start for slot in calendars.window_schedule(kita, TODAY, TODAY)[0].slots]
    made = {}
    for state, start in zip(STATES, starts):
        made[state] = services.booking_create(data=booking_data(kita, date=TODAY, start=start), now=NOW)
    services.booking_transition(booking=made["checked_in"], action="check_in", actor=clerk_kita)
    services.booking_transition(booking=made["issued"], action="check_in", actor=clerk_kita)
    services.booking_transition(booking=made["issued"], action="issue", actor=clerk_kita)
    services.booking_transition(booking=made["no_show"], action="no_show", actor=clerk_kita)
    services.booking_cancel(booking=made["cancelled"], actor=clerk_kita, reason="電話で取消", by_staff=True)
    services.bookings_mark_affected([made["affected"]], actor=None, reason="臨時休業")
    day, start = first_free_slot()
    made["future"] = services.booking_create(data=booking_data(kita, date=day, start=start), now=NOW)
    for booking in made.values():
        booking.refresh_from_db()
    assert [made[state].status for state in STATES] == list(STATES)
    return made


# --- Information pages: home, windows, what to bring, fees, guide -----------------------------


def test_information_pages_have_no_axe_violations(site):
    month = (TODAY.replace(day=1) + dt.timedelta(days=32)).strftime("%Y-%m")
    # This month (with the "could not read the month" notice) and the next.
    for path in ["/", "/windows/", "/windows/kita/?month=nonsense", f"/windows/kita/?month={month}"]:
        site.visit(path)
    site.visit("/windows/no-such-window/", status=404)

    # What to bring: the index and its pages without a slug (the wizard is walked below).
    for pattern in eligibility_urls.urlpatterns:
        if "<" not in str(pattern.pattern) and not str(pattern.pattern).startswith("questions/"):
            site.visit(f"/what-to-bring/{pattern.pattern}")
    # The PIN checker answers as one types (JavaScript): a bad and a good PIN.
    site.fill({"#pin-signature": "abc", "#pin-user": "1234"})
    site.page.locator("#pin-signature-result:not(:empty)").wait_for()
    site.check()
    site.page.goto(site.url("/what-to-bring/documents/"))
    site.submit("main form[method=get]", lands="/what-to-bring/documents/")  # nothing ticked: errors
    site.fill({"input[name=role]": True, "input[name=documents]": True})
    site.submit("main form[method=get]", lands="/what-to-bring/documents/")  # a result
    site.page.goto(site.url("/what-to-bring/proxy/"))
    site.submit("main form[method=get]", lands="/what-to-bring/proxy/")  # no case chosen: errors
    site.fill({"#id_proxy_reason": "1", "#id_applicant_age": "40"})
    site.submit("main form[method=get]", lands="/what-to-bring/proxy/")  # the case fits

    # The checklist wizard, one question a screen, every question on the way.
    site.page.goto(site.url("/what-to-bring/questions/"))
    site.check()
    site.submit(lands="/what-to-bring/questions/who/")  # nothing chosen: errors
    site.fill({"input[name=attendance][value=proxy]": True})
    site.submit(lands="/what-to-bring/questions/reason/")
    site.fill({"input[name=proxy_reason]": True})
    site.submit(lands="/what-to-bring/questions/age/")
    site.fill({"#id_applicant_age": "10"})
    site.submit(lands="/what-to-bring/questions/cards/")
    site.submit(lands="/what-to-bring/questions/sub-proxy/")
    site.fill({"input[name=sub_proxy][value=no]": True})
    site.submit(lands="/what-to-bring/questions/result/")
    site.page.goto(site.url("/what-to-bring/questions/age/"))
    site.fill({"#id_applicant_age": "40"})
    site.submit(lands="/what-to-bring/questions/guardian/")  # the question only adults get

    # Fees: the questions, an error, a result.
    site.visit("/fees/")
    site.visit("/fees/?reason=")
    site.fill({"input[name=reason]": True})
    site.submit("main form[method=get]", lands="/fees/")

    # The guide: every page of portal/info_urls.py; then the two forms, with errors and with results.
    for pattern in info_urls.urlpatterns:
        site.visit(f"/guide/{pattern.pattern}")
    site.page.goto(site.url("/guide/card-expiry/"))
    site.submit(lands="/guide/card-expiry/")
    site.fill_date("birth", BIRTH)
    site.fill_date("issue", dt.date(2020, 6, 1))
    site.submit(lands="/guide/card-expiry/")
    assert site.page.locator("main .alert-danger, main .is-invalid").count() == 0
    site.page.goto(site.url("/guide/moving-to-niigata/"))
    site.submit(lands="/guide/moving-to-niigata/")
    site.fill({"input[name=card_presented_at_move_in][value=no]": True})
    site.fill_date("started_living", TODAY - dt.timedelta(days=40))
    site.fill_date("move_in_notified", TODAY - dt.timedelta(days=20))
    site.submit(lands="/guide/moving-to-niigata/")
    assert site.page.locator("main .is-invalid").count() == 0
    site.assert_clean()


# --- The resident's booking path ----------------------------------------------------------------


def test_booking_path_has_no_axe_violations(site):
    day, start = first_free_slot()
    site.visit("/book/")
    site.submit(lands="/book/")  # nothing chosen: errors
    site.fill({"input[name=ward][value=kita]": True, "input[name=attendance][value=in_person]": True})
    site.submit(lands="/book/window/")
    site.click('main a[href$="/book/kita/"]')  # the calendar
    # Choosing a day: with JavaScript the times come from the API into the page ...
    site.page.locator(f'a.day-link[data-date="{day.isoformat()}"]').click()
    site.page.locator("#slots a.slot-button").first.wait_for()
    site.check()
    # ... without it the page comes back with ?date= and the times.
    site.visit(f"/book/kita/?date={day.isoformat()}")
    site.click(f'a.slot-button[href*="/{day.isoformat()}/{start:%H%M}/"]')  # the details
    details = f"/book/kita/{day.isoformat()}/{start:%H%M}/"
    site.submit(lands=details)  # empty: errors
    site.fill({"#id_p0-notice_number": "12345", "#id_p0-kana": "abc", "#id_p0-birth_month": "13", "#id_email": "nope"})
    site.submit(lands=details)  # wrong values: errors
    site.fill({
        "#id_p0-notice_number": "123456789012345", "#id_p0-name": "新潟 太郎", "#id_p0-kana": "にいがた たろう",
        "#id_email": "taro@example.jp",
    })
    site.fill_date("p0-birth", BIRTH)
    site.submit(lands="/book/review/")
    take_every_seat("kita", day, start)  # someone else was quicker
    assert site.submit(lands="/book/review/").status == 409  # fully booked: the nearest times
    site.click("main .alert a[href*='/book/kita/']", check=False)  # another time; the details are kept
    site.submit(lands="/book/review/", check=False)
    site.submit(lands="/book/done/")
    site.assert_clean()


# --- Application support (SPEC §8, issue #14) ------------------------------------------------------


def test_support_path_has_no_axe_violations(site):
    site.visit("/book/support/")
    site.submit(lands="/book/support/")  # nothing chosen: errors
    site.fill({"input[name=ward][value=kita]": True, "input[name=attendance][value=in_person]": True})
    site.submit(lands="/book/window/")  # Kita: walk-in only, no calendar (R-A4)
    site.page.goto(site.url("/book/support/"))
    site.fill({"input[name=ward][value=chuo]": True, "input[name=attendance][value=in_person]": True})
    site.submit(lands="/book/window/")
    site.click('main a[href$="/book/chuo/"]')  # the calendar
    site.visit(f"/book/chuo/?date={TODAY.isoformat()}")  # today's later times (R-A4)
    details = f"/book/chuo/{TODAY.isoformat()}/1100/"
    site.click(f'a.slot-button[href$="{details}"]')
    site.submit(lands=details)  # empty: errors
    site.fill({"#id_p0-name": "新潟 太郎", "#id_p0-kana": "にいがた たろう", "#id_email": "taro@example.jp"})
    site.fill_date("p0-birth", BIRTH)
    site.submit(lands="/book/review/")
    site.submit(lands="/book/done/")  # the checklist and the R-A1 explanation
    code = site.page.locator(".reservation-code").inner_text()
    site.page.goto(site.url("/booking/"))
    site.fill({"#id_code": code})
    site.fill_date("birth", BIRTH)
    site.submit(lands="/booking/manage/")
    site.click('main a[href$="/booking/manage/move/"]')
    site.click(f'a.day-link[data-date="{(TODAY + dt.timedelta(days=1)).isoformat()}"]')
    site.click("#slots a.slot-button")  # the move's confirmation
    site.page.goto(site.url("/booking/manage/"))
    site.click('main a[href$="/booking/manage/cancel/"]')
    site.submit(lands="/booking/manage/")
    for path in ("/windows/chuo/", "/windows/nishi/"):
        site.visit(path)
    site.assert_clean()


# --- Check, move or cancel a booking --------------------------------------------------------------


def test_manage_pages_have_no_axe_violations(site, bookings, settings):
    site.visit("/booking/")
    site.submit(lands="/booking/")  # empty: errors
    site.fill({"#id_code": "ABCD-EFGH"})
    site.fill_date("birth", BIRTH)
    site.submit(lands="/booking/")  # no such booking

    def look_up(booking):
        site.page.goto(site.url("/booking/"))
        site.fill({"#id_code": booking.display_code})
        site.fill_date("birth", BIRTH)
        site.submit(lands="/booking/manage/")

    look_up(bookings["future"])
    site.click('main a[href$="/booking/manage/move/"]')
    site.click(f'a.day-link[data-date="{bookings["future"].date.isoformat()}"]')  # the times of a day
    assert site.page.locator("#slots .slot-button").count()
    site.page.goto(site.url("/booking/manage/"))
    site.click('main a[href$="/booking/manage/cancel/"]')
    site.submit(lands="/booking/manage/")  # cancelled, with the message
    for state in STATES[1:]:  # "booked" was the future booking above
        look_up(bookings[state])

    settings.LOOKUP_FAILURE_LIMIT = 0  # as after too many failed lookups
    site.page.goto(site.url("/booking/"))
    site.fill({"#id_code": bookings["booked"].display_code})
    site.fill_date("birth", BIRTH)
    assert site.submit(lands="/booking/").status == 429  # the blocked page
    site.assert_clean()


# --- The counter ---------------------------------------------------------------------------------

STAFF_FORM = 'main form[method=post]:not(.staff-search):not([action$="/logout/"])'


def test_staff_pages_have_no_axe_violations(site, bookings):
    site.visit("/staff/login/")
    site.fill({"#id_username": "clerk-kita", "#id_password": "wrong"})
    site.submit(lands="/staff/login/")  # a login error
    site.fill({"#id_username": "clerk-kita", "#id_password": "Counter-Pass-2026!"})
    site.submit(lands="/staff/")

    site.fill({"#id_q": "ニイガタ"})
    site.submit("form.staff-search", lands="/staff/search/")  # results
    assert site.page.locator("main li a[href*='/staff/booking/']").count() == len(bookings)
    site.visit("/staff/affected/")
    site.visit("/staff/windows/kita/")
    site.visit("/staff/windows/kita/print/")
    site.visit("/staff/windows/kita/stats/")

    site.visit("/staff/book/")
    site.submit(STAFF_FORM, lands="/staff/book/")  # empty: errors

    booked, future = bookings["booked"], bookings["future"]
    for state in STATES:
        site.visit(f"/staff/booking/{bookings[state].code}/")
    site.visit(f"/staff/booking/{booked.code}/move/")
    site.visit(f"/staff/booking/{booked.code}/move/?window=kita&date={future.date.isoformat()}")
    site.visit(f"/staff/booking/{booked.code}/no_show/")
    site.visit(f"/staff/booking/{bookings['checked_in'].code}/issue/")
    site.visit(f"/staff/booking/{booked.code}/cancel/")
    site.submit(STAFF_FORM, lands=f"/staff/booking/{booked.code}/cancel/")  # no reason: errors
    site.visit(f"/staff/booking/{booked.code}/check_in/")
    site.submit(STAFF_FORM, lands="/staff/windows/kita/")  # the day list, with "Done"
    site.assert_clean()
