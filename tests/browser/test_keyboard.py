"""
A resident books with the keyboard alone (WCAG 2.1.1, 2.4.3, 2.4.7, 3.3.1):
only Tab, Shift+Tab, Enter, Space, the arrow keys and typing, never a click.
At every stop the focused element must show a focus ring; the calendar must
work with and without JavaScript; form errors must be announced, summarised
at the top of the form and linked to their fields.
"""

import pytest

from reservations.models import Booking
from tests.browser.helpers import bookable_days

pytestmark = pytest.mark.django_db(transaction=True)

FOCUS_INFO = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) { return null; }
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: !!style.boxShadow && style.boxShadow !== "none",
    width: box.width,
    height: box.height,
    html: el.outerHTML.slice(0, 160),
  };
}"""


def assert_visible_focus(page):
    info = page.evaluate(FOCUS_INFO)
    assert info is not None, "nothing has the focus"
    assert info["outline"] or info["shadow"], f"no visible focus indicator on {info['html']}"
    assert info["width"] > 0 and info["height"] > 0, f"the focused element is not visible: {info['html']}"


def focused(page, predicate):
    """Evaluate a JavaScript expression over ``el``, the focused element."""
    return page.evaluate(f"(el => !!(el && ({predicate})))(document.activeElement)")


def tab_to(page, predicate, *, backwards=False, limit=80):
    """
    Press Tab (or Shift+Tab) until the focused element matches ``predicate``
    (a JavaScript expression over ``el``); check the focus ring at every stop.
    """
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("document.activeElement === document.body"):
            continue  # wrapped around past the end of the page
        assert_visible_focus(page)
        if focused(page, predicate):
            return
    raise AssertionError(f"{key} never reached an element where {predicate}")


def press_and_wait(page, key="Enter"):
    with page.expect_navigation():
        page.keyboard.press(key)


def skip_to_main(page):
    page.keyboard.press("Tab")
    assert focused(page, "el.matches('a.skip-link')")
    assert_visible_focus(page)
    page.keyboard.press("Enter")
    assert focused(page, "el.id === 'main'")


def retype(page, predicate, text):
    """Tab into a text field (which selects what it holds) and type over it."""
    tab_to(page, predicate)
    page.keyboard.type(text)


def first_bookable_day(code="kita"):
    days = bookable_days(code)
    assert len(days) >= 2, "needs two bookable days"
    return days


def start_step(page, live_server, prefix):
    page.goto(f"{live_server.url}{prefix}/book/")
    skip_to_main(page)
    # Submitting nothing: the summary takes the focus and links to the first radio button.
    tab_to(page, "el.matches('main form button[type=submit]')")
    press_and_wait(page)
    assert focused(page, "el.id === 'error-summary' && el.getAttribute('role') === 'alert'")
    assert_visible_focus(page)
    tab_to(page, "el.getAttribute('href') === '#id_ward_0'")
    page.keyboard.press("Enter")
    assert focused(page, "el.id === 'id_ward_0' && el.getAttribute('aria-invalid') === 'true'")
    assert_visible_focus(page)
    page.keyboard.press("Space")  # Kita ward
    assert page.evaluate("document.getElementById('id_ward_0').checked")
    tab_to(page, "el.name === 'attendance'")
    page.keyboard.press("Space")  # the applicant in person (the first choice)
    assert page.evaluate("document.getElementById('id_attendance_0').checked")
    tab_to(page, "el.id === 'id_party_size'")
    tab_to(page, "el.matches('main form button[type=submit]')")
    press_and_wait(page)
    assert page.url.endswith(f"{prefix}/book/window/")
    tab_to(page, "el.getAttribute('href') && el.getAttribute('href').endsWith('/book/kita/')")
    press_and_wait(page)
    assert page.url.endswith(f"{prefix}/book/kita/")


def details_step(page, day, start):
    """Fill in the details wrongly, follow each error's link, correct it, go on."""
    assert f"/{day.isoformat()}/{start:%H%M}/" in page.url
    tab_to(page, "el.id === 'id_p0-notice_number'")
    page.keyboard.type("12345")  # too short
    tab_to(page, "el.id === 'id_p0-birth_month'")  # name, kana and year left empty
    page.keyboard.type("4")
    page.keyboard.press("Tab")
    page.keyboard.type("1")
    tab_to(page, "el.id === 'id_email'")
    page.keyboard.type("taro@")  # not an e-mail address
    tab_to(page, "el.matches('main form button[type=submit]')")
    press_and_wait(page)

    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    assert focused(page, "el.id === 'error-summary'")
    assert_visible_focus(page)
    links = summary.locator("a")
    targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert targets == ["#id_p0-notice_number", "#id_p0-name", "#id_p0-kana", "#id_p0-birth_year", "#id_email"]
    fixes = {
        "#id_p0-notice_number": "１２３４５６７８９０１２３４５",
        "#id_p0-name": "新潟 太郎",
        "#id_p0-kana": "にいがた たろう",
        "#id_p0-birth_year": "1990",
        "#id_email": "taro@example.jp",
    }
    for index, target in enumerate(targets):
        # From the summary go forward to the first link; from a field, back up to the next one.
        tab_to(page, f"el.getAttribute('href') === '{target}'", backwards=index > 0)
        message = links.nth(index).inner_text()
        page.keyboard.press("Enter")
        field_id = target[1:]
        assert focused(page, f"el.id === '{field_id}'"), f"following {target} did not move the focus"
        assert_visible_focus(page)
        field = page.locator(target)
        assert field.get_attribute("aria-invalid") == "true"
        described = (field.get_attribute("aria-describedby") or "").split()
        texts = [page.locator(f"#{ref}").inner_text().strip() for ref in described if page.locator(f"#{ref}").count()]
        assert any(text and text in message for text in texts), (target, described, texts, message)
        # Leave the field and come back: Tab selects what it holds, typing replaces it.
        page.keyboard.press("Shift+Tab")
        retype(page, f"el.id === '{field_id}'", fixes[target])
    tab_to(page, "el.matches('main form button[type=submit]')")
    press_and_wait(page)
    assert page.locator("#error-summary").count() == 0
    assert "/book/review/" in page.url


def review_and_confirm(page):
    tab_to(page, "el.matches('main form button[type=submit]')")
    press_and_wait(page)
    assert "/book/done/" in page.url
    code = page.locator(".reservation-code").inner_text()
    booking = Booking.objects.get()
    assert booking.display_code == code
    assert booking.people.get().notice_number == "123456789012345"
    assert booking.people.get().kana == "ニイガタ タロウ"
    assert booking.email == "taro@example.jp"
    return booking


@pytest.mark.parametrize("prefix", ["", "/en"], ids=["ja", "en"])
def test_booking_with_the_keyboard_alone(page, live_server, prefix):
    days = first_bookable_day()
    start_step(page, live_server, prefix)

    # The calendar: Tab to the first free day, the arrow key to the next one, Enter shows its times.
    tab_to(page, "el.matches('a.day-link')")
    assert focused(page, f"el.dataset.date === '{days[0].date.isoformat()}'")
    page.keyboard.press("ArrowRight")
    assert focused(page, f"el.dataset.date === '{days[1].date.isoformat()}'")
    assert_visible_focus(page)
    page.keyboard.press("ArrowLeft")
    assert focused(page, f"el.dataset.date === '{days[0].date.isoformat()}'")
    page.evaluate("window.__marker = 'same page'")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.matches('[data-slots] h2')")
    assert page.evaluate("window.__marker") == "same page"  # the times came without a reload
    assert_visible_focus(page)
    tab_to(page, "el.matches('a.slot-button')", limit=3)  # the times follow the heading
    day, start = days[0].date, days[0].slots[0].start
    assert focused(page, f"el.getAttribute('href').includes('/{day.isoformat()}/{start:%H%M}/')")
    press_and_wait(page)

    details_step(page, day, start)
    review_and_confirm(page)


def test_calendar_works_with_the_keyboard_without_javascript(page_without_js, live_server):
    page = page_without_js
    days = first_bookable_day()
    start_step(page, live_server, "/en")
    day = days[1]  # Tab past the first free day to the second
    tab_to(page, f"el.matches('a.day-link') && el.dataset.date === '{day.date.isoformat()}'")
    press_and_wait(page)
    assert f"date={day.date.isoformat()}" in page.url and page.url.endswith("#slots")
    # The page opens at the times: the next Tab is the first of them.
    page.keyboard.press("Tab")
    assert_visible_focus(page)
    start = day.slots[0].start
    assert focused(
        page,
        f"el.matches('a.slot-button') && el.getAttribute('href').includes('/{day.date.isoformat()}/{start:%H%M}/')",
    )
    press_and_wait(page)
    details_step(page, day.date, start)
    booking = review_and_confirm(page)
    assert (booking.date, booking.start) == (day.date, start)
