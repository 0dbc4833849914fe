"""
Browser tests: Python Playwright driving Debian's Chromium (/usr/bin/chromium).

Skipped, with the reason, where Chromium is not installed; .ci/run installs it.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in the test's thread; the ORM calls
# made by fixtures in that thread are safe (nothing else runs there).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    missing = not (os.path.exists(CHROMIUM) or shutil.which("chromium"))
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if missing:
                item.add_marker(pytest.mark.skip(reason=f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)"))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _windows(city_windows):
    return city_windows


@pytest.fixture(autouse=True)
def _cookies_without_expiry_dates(settings):
    """
    Under ``frozen_now`` the server dates its cookies from the frozen clock;
    once the real clock has passed that date plus SESSION_COOKIE_AGE, Chromium
    drops them and the session (booking path, staff login) is lost. Cookies
    without an expiry date avoid that; the server still ends sessions after
    SESSION_COOKIE_AGE, by its own clock.
    """
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page_without_js(browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    yield page
    context.close()
