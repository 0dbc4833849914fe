"""The QR code of a reservation code (portal/templatetags/qr.py): a regular QR code that readers decode."""

import base64
import io
import random
import re

import pytest
from django.core import mail
from django.template import Context, Template

from portal.templatetags import qr
from reservations.booking.services import booking_create
from tests.reservations.factories import NOW, booking_data


def zbar():
    """Return pyzbar's decode, or skip: it needs Debian's libzbar0 (`make browser` installs it)."""
    try:
        from pyzbar.pyzbar import decode
    except ImportError as exc:  # the module, or its libzbar shared library
        pytest.skip(f"needs the zbar QR decoder (apt-get install libzbar0; pip install pyzbar pillow): {exc}")
    return decode


def decode_png(data):
    decode = zbar()
    from PIL import Image

    return [symbol.data.decode() for symbol in decode(Image.open(io.BytesIO(data))) if symbol.type == "QRCODE"]


def test_code_is_a_regular_qr_code_with_error_correction_m_or_better():
    code = qr.make("AB23CD45")
    assert not code.is_micro
    assert code.error in ("M", "Q", "H")


def test_svg_scales_with_its_box_and_keeps_the_quiet_zone():
    svg = Template('{% load qr %}{% qr_svg "AB23CD45" "QR code of AB23-CD45" %}').render(Context())
    assert svg.startswith('<svg role="img" aria-label="QR code of AB23-CD45" ')
    size = qr.make("AB23CD45").symbol_size(border=0)[0]
    assert f'viewBox="0 0 {size + 8} {size + 8}"' in svg  # four modules of quiet zone on each side
    assert not re.search(r"<svg[^>]* (width|height)=", svg)  # sized by CSS, not fixed
    assert "style=" not in svg  # the pages' Content-Security-Policy refuses inline styles


def test_label_is_escaped():
    svg = Template('{% load qr %}{% qr_svg "X" label %}').render(Context({"label": '"><script>'}))
    assert "<script>" not in svg


def test_mail_image_is_a_png_of_at_least_200_px_that_zbar_reads():
    html = Template('{% load qr %}{% qr_img "AB23CD45" "QR" %}').render(Context())
    width = int(re.search(r'width="(\d+)"', html)[1])
    assert width >= 200
    png = base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', html)[1])
    assert decode_png(png) == ["AB23CD45"]


def test_mail_image_can_point_at_an_attached_png():
    html = Template('{% load qr %}{% qr_img "AB23CD45" "QR" cid="qr-AB23CD45@example.jp" %}').render(Context())
    assert 'src="cid:qr-AB23CD45@example.jp"' in html
    assert decode_png(qr.qr_png("AB23CD45")) == ["AB23CD45"]


@pytest.mark.django_db
def test_confirmation_mail_shows_the_qr_code_of_the_booking(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(data=booking_data(), now=NOW)
    email = mail.outbox[0]
    html = email.alternatives[0][0]
    # The image is attached and shown by its Content-ID (mail clients hide inline SVG and data URIs).
    content_id = re.search(r'src="cid:([^"]+)"', html)[1]
    [image] = [part for part in email.attachments if not isinstance(part, tuple)]
    assert image["Content-ID"] == f"<{content_id}>" and image.get_content_type() == "image/png"
    assert f'alt="予約番号 {booking.display_code} のQRコード"' in html
    assert decode_png(image.get_payload(decode=True)) == [booking.code]
    assert b"qr.png" in email.message().as_bytes()


def test_codes_drawn_with_the_fixed_mask_decode():
    """A fixed mask (issue #17) still gives codes that zbar reads: 200 random reservation codes (the SVG draws the same symbol)."""
    from reservations.rules.inputs import generate_code

    decode_png(qr.qr_png("AB23CD45"))  # skips without zbar
    rng = random.Random(17)
    codes = [generate_code(rng.randrange) for _ in range(200)]
    for code in codes:
        symbol = qr.make(code)
        assert symbol.mask == qr.MASK and not symbol.is_micro and symbol.error in ("M", "Q", "H")
        assert decode_png(qr.qr_png(code, size=120)) == [code]
