"""
The first view on a phone (390 x 844, issue #13): a compact header, the main
action without scrolling, Japanese phrases kept together, 44 px choices, time
buttons on one line, and an icon for the tab and the home screen.
"""

import pytest

from tests.browser.helpers import first_bookable_slot

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}

# The lines of an element's text as laid out: its characters grouped by the top of their boxes.
LINES = """element => {
  const lines = [];
  let top = null;
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = range.getClientRects()[0];
      if (!box || !node.data[i].trim()) continue;
      if (top === null || box.top > top + box.height / 2) { lines.push(""); top = box.top; }
      lines[lines.length - 1] += node.data[i];
    }
  }
  return lines;
}"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="ja-JP", viewport=PHONE)
    yield context.new_page()
    context.close()


def in_first_view(page, locator):
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]


def go_to_times(page, live_server, prefix=""):
    """Walk the booking path of Kita ward to the times of its first bookable day."""
    day, _start = first_bookable_slot()
    page.goto(live_server.url + prefix + "/book/")
    page.locator("input[name=ward][value=kita]").check()
    page.locator("input[name=attendance][value=in_person]").check()
    page.locator("main form button[type=submit]").click()
    page.locator("main a[href$='/book/kita/']").first.click()
    page.locator(f'a.day-link[data-date="{day.isoformat()}"]').click()
    page.locator("#slots .slot-button").first.wait_for()


@pytest.mark.parametrize("prefix, action", [("", "受取日時を予約する"), ("/en", "Book a pickup time")])
def test_main_action_of_the_home_page_is_in_the_first_view(phone, live_server, prefix, action):
    phone.goto(live_server.url + prefix + "/")
    assert in_first_view(phone, phone.locator("main").get_by_role("link", name=action, exact=True))
    assert phone.locator(".site-header").bounding_box()["height"] <= 200  # was ~300 px


def test_site_menu_links_stay_44_px_high_on_a_phone(phone, live_server):
    phone.goto(live_server.url + "/")
    for link in phone.locator(".site-nav a, .language-switch a").all():
        assert link.bounding_box()["height"] >= 44, link.inner_text()


@pytest.mark.parametrize("width", [390, 320])
def test_japanese_headings_break_between_phrases_not_inside_a_word(browser, live_server, width):
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 844})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        lines = page.locator("h1").evaluate(LINES)
        assert "".join(lines) == "マイナンバーカードの受け取り"
        assert lines in (["マイナンバーカードの受け取り"], ["マイナンバーカードの", "受け取り"]), lines
    finally:
        context.close()


def test_radio_buttons_have_targets_of_at_least_44_px(phone, live_server):
    phone.goto(live_server.url + "/book/")
    radios = phone.locator("main input[type=radio]").all()
    assert len(radios) >= 10  # the wards and who comes
    for radio in radios:
        label = phone.locator(f"label[for='{radio.get_attribute('id')}']")
        box, own = label.bounding_box(), radio.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, (label.inner_text(), box)
        # The drawn circle lies inside the label: one target, no dead gap between them.
        assert box["x"] <= own["x"] and own["x"] + own["width"] <= box["x"] + box["width"], label.inner_text()
        assert box["y"] <= own["y"] and own["y"] + own["height"] <= box["y"] + box["height"], label.inner_text()
    # A tap at the far end of a label chooses its radio button.
    last = radios[-1]
    label = phone.locator(f"label[for='{last.get_attribute('id')}']")
    label.scroll_into_view_if_needed()
    box = label.bounding_box()
    phone.mouse.click(box["x"] + box["width"] - 2, box["y"] + box["height"] - 2)
    assert last.is_checked()


def assert_time_buttons_on_one_line(page):
    buttons = page.locator("#slots .slot-button").all()
    assert buttons
    for button in buttons:
        lines = button.evaluate(LINES)
        assert len(lines) == 1, lines
        text_width = button.evaluate(
            "b => { const r = document.createRange(); r.selectNodeContents(b); return r.getBoundingClientRect().width; }"
        )
        assert text_width <= button.evaluate("b => b.clientWidth"), lines  # nothing spills out of the button


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_time_buttons_keep_time_and_seats_on_one_line(phone, live_server, prefix):
    go_to_times(phone, live_server, prefix)  # with JavaScript: the times come from the API
    assert_time_buttons_on_one_line(phone)
    phone.reload()  # the same day drawn by the server
    assert_time_buttons_on_one_line(phone)


def test_page_links_an_icon_that_is_served(phone, live_server):
    phone.goto(live_server.url + "/")
    hrefs = phone.locator("link[rel=icon], link[rel=apple-touch-icon]").evaluate_all("links => links.map(l => l.href)")
    assert len(hrefs) >= 2
    for href in hrefs:
        response = phone.request.get(href)
        assert response.status == 200, href
        assert response.headers["content-type"].startswith("image/"), href
