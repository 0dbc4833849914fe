"""
The QR code of the reservation code, as a phone camera or the counter's reader
sees it: a screenshot of the page decoded by zbar (issue #13).
"""

import datetime as dt
import io

import pytest

from reservations.booking import services
from reservations.models import Booking
from tests.browser.helpers import first_bookable_slot
from tests.browser.test_booking_flow import fill_in_details, fill_in_the_path
from tests.reservations.factories import booking_data

pytestmark = pytest.mark.django_db(transaction=True)


def read_qr_codes(page):
    """Return the texts of the QR codes that zbar finds in a screenshot of ``page``'s QR figure."""
    try:
        from pyzbar.pyzbar import decode
    except ImportError as exc:  # pyzbar, or Debian's libzbar0 that it loads
        pytest.skip(f"needs the zbar QR decoder (`make browser` installs libzbar0; pip install -e '.[dev]'): {exc}")
    from PIL import Image

    figure = page.locator(".qr-code svg")
    box = figure.bounding_box()
    assert box["width"] >= 160 and box["height"] >= 160, box
    image = Image.open(io.BytesIO(page.screenshot(full_page=True))).convert("L")
    return [symbol.data.decode() for symbol in decode(image) if symbol.type == "QRCODE"]


def test_confirmation_page_qr_code_reads_as_the_booking_code_on_screen_and_printed(page_without_js, live_server):
    page = page_without_js
    day, start = first_bookable_slot()
    fill_in_the_path(page, live_server)
    page.locator(f'a.day-link[data-date="{day.isoformat()}"]').click()
    page.locator(f'a.slot-button[href*="/{day.isoformat()}/{start:%H%M}/"]').click()
    fill_in_details(page)
    booking = Booking.objects.get()
    assert read_qr_codes(page) == [booking.code]
    page.emulate_media(media="print")
    assert read_qr_codes(page) == [booking.code]
    # Printed, the panel with the code keeps a dark text (no background is printed).
    assert page.evaluate("getComputedStyle(document.querySelector('.confirmation-panel')).color") == "rgb(0, 0, 0)"


def test_booking_page_shows_a_readable_qr_code(page, live_server):
    day, start = first_bookable_slot()
    booking = services.booking_create(data=booking_data(date=day, start=start))
    page.goto(live_server.url + "/booking/")
    page.locator("#id_code").fill(booking.display_code)
    birth = dt.date(1990, 4, 1)  # the factories' date of birth
    page.get_by_label("年").fill(str(birth.year))
    page.get_by_label("月").fill(str(birth.month))
    page.get_by_label("日", exact=True).fill(str(birth.day))
    page.locator("main form[method=post] [type=submit]").first.click()
    page.wait_for_url("**/booking/manage/")
    assert read_qr_codes(page) == [booking.code]
