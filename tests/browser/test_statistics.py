"""
The statistics page in a browser (issue #15): axe-clean in Japanese and
English, a chart per figure with its data table, the window choice without
JavaScript.
"""

import datetime as dt

import pytest

from reservations.models import Window
from tests.browser.test_accessibility import LANGUAGES, Audit
from tests.reservations.factories import BookingFactory, StaffUserFactory

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def site(request, browser, live_server, frozen_now, clear_cache, city_windows):
    frozen_now(TODAY)
    prefix, viewport = request.param
    audit = Audit(browser, live_server, prefix, viewport)
    yield audit
    audit.context.close()


@pytest.mark.parametrize("site", LANGUAGES, indirect=True)
def test_statistics_are_charts_with_tables_and_axe_clean(site):
    chuo = Window.objects.get(code="chuo")
    BookingFactory(window=chuo, date=dt.date(2026, 11, 20), status="no_show", party_size=2)
    BookingFactory(window=chuo, date=dt.date(2026, 12, 1), status="cancelled", start=dt.time(10))
    StaffUserFactory(username="stats-admin", groups=["city_admin"])
    site.visit("/staff/login/")
    site.fill({"#id_username": "stats-admin", "#id_password": "Counter-Pass-2026!"})
    site.submit(lands="/staff/")
    site.visit("/staff/windows/chuo/stats/")
    page = site.page
    assert page.locator("main svg.chart").count() == 5
    assert page.locator("main .statistics-figure table caption").count() == 5
    assert page.locator("main svg.chart[aria-hidden=true]").count() == 5
    # The window choice works without script: a GET form, then the server's redirect.
    site.fill({"#window-choice": "kita"})
    with page.expect_navigation():
        page.locator("#window-choice").locator("xpath=ancestor::form").locator("[type=submit]").click()
    assert "/staff/windows/kita/stats/" in page.url
    site.check()
    site.visit("/staff/windows/chuo/stats/?month=2026-11")
    site.assert_clean()
