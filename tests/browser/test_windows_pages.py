"""The windows pages as a resident sees them on a phone, in Chromium."""

import os

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")


def shot(page, name):
    if SCREENSHOTS:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def test_resident_finds_city_hall_calendar_and_switches_to_english(page, live_server):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "ja"
    page.get_by_role("link", name="受取窓口と開設時間").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "受取窓口と開設時間"
    page.get_by_role("link", name="市役所本館臨時交付窓口の開設日カレンダー").click()
    page.goto(page.url + "?month=2026-11")
    assert "2026年11月" in page.get_by_role("heading", level=2).first.inner_text()
    assert page.get_by_text("システムメンテナンス").first.is_visible()
    shot(page, "cityhall-2026-11-ja")

    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "/en/windows/cityhall/" in page.url and "month=2026-11" in page.url
    assert page.get_by_text("No issuing: system maintenance").first.is_visible()
    shot(page, "cityhall-2026-11-en")


def test_keyboard_user_reaches_the_skip_link_with_a_visible_focus_ring(page, live_server):
    page.goto(live_server.url + "/windows/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    box = page.locator(".skip-link").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0


def test_pages_work_without_javascript(page_without_js, live_server):
    page = page_without_js
    page.goto(live_server.url + "/en/windows/kita/?month=2026-11")
    assert page.get_by_role("heading", level=1).inner_text() == "Opening calendar of Kita Ward Office"
    page.get_by_role("link", name="December 2026").click()
    assert "month=2026-12" in page.url
    assert page.get_by_text("Closed for the year-end and New Year holidays").first.is_visible()


def test_touch_targets_are_at_least_44px(page, live_server):
    page.goto(live_server.url + "/windows/kita/")
    for link in page.locator(".site-nav a, .language-switch a, .month-nav a").all():
        box = link.bounding_box()
        assert box["height"] >= 44, link.inner_text()
