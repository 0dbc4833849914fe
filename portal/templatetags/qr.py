"""
QR codes of reservation codes: the confirmation page, the booking page, their
print view and the confirmation mail.

A regular QR code, never a Micro QR code (phone cameras and common readers such
as zbar do not read Micro QR), with error correction of at least M and the quiet
zone of four modules that readers need around the symbol.

    {% load qr %}
    {% qr_svg booking.code label %}   inline SVG for pages: scales with its box (viewBox)
    {% qr_img booking.code label %}   PNG data URI for mails: most mail clients show no inline SVG
    {% qr_img booking.code label cid=qr_cid %}   the same, from an image attached with qr_png()
"""

import io
from functools import lru_cache

import segno
from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

QUIET_ZONE = 4  # modules, the minimum of ISO/IEC 18004
# A fixed data mask (issue #17): segno otherwise draws and scores all eight, 1.2 of its 1.4 ms
# per code. Every mask is a valid QR code that readers decode (ISO/IEC 18004 lets an encoder
# choose); 3 is the one segno's scoring picks most often for reservation codes (201 of 1,000
# random ones), and tests/portal/test_qr.py decodes codes drawn with it by zbar.
MASK = 3
MAIL_SIZE = 200  # CSS pixels, at least: big enough for a phone camera held at the screen


@lru_cache(maxsize=256)  # a confirmation mail draws its code twice (the image and its HTML)
def make(data):
    """Return the regular QR code (error correction M or better, mask MASK) of ``data`` (read only: shared)."""
    return segno.make_qr(data, error="m", mask=MASK)


@register.simple_tag
def qr_svg(data, label):
    """
    Return an inline SVG of the QR code of ``data`` with a viewBox and no
    fixed size, so that CSS sizes it without blurring; ``label`` names it for
    screen readers (role="img").
    """
    svg = make(data).svg_inline(border=QUIET_ZONE, dark="#000", light="#fff", omitsize=True, svgclass="qr-svg")
    # segno's SVG starts with "<svg "; its attributes are ours, not the resident's.
    return format_html('<svg role="img" aria-label="{}" {}', label, mark_safe(svg.removeprefix("<svg ")))


def _scale(qr, size):
    """Return the whole pixels per module that make ``qr`` at least ``size`` pixels wide, and its width."""
    modules = qr.symbol_size(border=QUIET_ZONE)[0]
    scale = -(-int(size) // modules)
    return scale, modules * scale


def qr_png(data, size=MAIL_SIZE):
    """Return the PNG bytes of the QR code of ``data``, at least ``size`` pixels wide (for a mail's CID image)."""
    qr = make(data)
    scale, _pixels = _scale(qr, size)
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=scale, border=QUIET_ZONE, dark="#000", light="#fff")
    return buffer.getvalue()


@register.simple_tag
def qr_img(data, label, size=MAIL_SIZE, cid=""):
    """
    Return an <img> of the QR code of ``data``, whole pixels per module and at
    least ``size`` pixels wide, for HTML mails: a PNG data URI, or ``cid:`` of
    an attached image (qr_png) where the sender attaches one.
    """
    qr = make(data)
    scale, pixels = _scale(qr, size)
    uri = f"cid:{cid}" if cid else qr.png_data_uri(scale=scale, border=QUIET_ZONE, dark="#000", light="#fff")
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="{}" style="display: block; width: {}px; height: {}px;">',
        uri, pixels, pixels, label, pixels, pixels,
    )
