"""
Page weight (issue #8): every page of the booking path, with everything it
loads (HTML + CSS + JS + images + fonts), is under 150 KB compressed — a
resident on a slow phone connection gets the calendar quickly.
"""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

from tests.reservations.booking_steps import confirm, fill_details, start

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("city_windows", "booking_day")]

BUDGET = 150 * 1024
STATIC_PREFIX = static("")
ASSET = re.compile(r'<(?:link[^>]+rel="(?:stylesheet|icon|preload)"[^>]*href|script[^>]+src|img[^>]+src)="([^"]+)"')
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def compressed(data):
    return len(gzip.compress(data, compresslevel=6))


def static_file(url):
    path = finders.find(url.split("?")[0][len(STATIC_PREFIX):])
    assert path, f"{url} is not a static file (no CDN, no third-party assets)"
    with open(path, "rb") as handle:
        return handle.read()


def transfer(html):
    """Return {url: compressed bytes} of the page and everything it loads (CSS url()s included)."""
    sizes = {"(html)": compressed(html.encode())}
    pending = [url for url in ASSET.findall(html) if not url.startswith("data:")]
    while pending:
        url = pending.pop()
        if url in sizes:
            continue
        data = static_file(url)
        sizes[url] = compressed(data)
        if url.endswith(".css"):
            base = url.rsplit("/", 1)[0]
            for ref in CSS_URL.findall(data.decode("utf-8", "replace")):
                if not ref.startswith(("data:", "#")):
                    pending.append(ref if ref.startswith("/") else f"{base}/{ref}")
    return sizes


def booking_path_pages(client):
    pages = {"start": client.get("/book/")}
    start(client)
    pages["window"] = client.get("/en/book/window/")
    pages["calendar"] = client.get("/book/kita/")
    pages["calendar with times"] = client.get("/book/kita/?date=2026-12-01")
    pages["details"] = client.get("/book/kita/2026-12-01/0900/")
    fill_details(client)
    pages["review"] = client.get("/en/book/review/")
    confirm(client)
    pages["done"] = client.get("/book/done/")
    return pages


def test_every_page_of_the_booking_path_is_under_150_kb_compressed(client):
    for name, response in booking_path_pages(client).items():
        assert response.status_code == 200, name
        sizes = transfer(response.content.decode())
        total = sum(sizes.values())
        detail = ", ".join(f"{url} {size / 1024:.1f} KB" for url, size in sorted(sizes.items()))
        assert total < BUDGET, f"{name}: {total / 1024:.1f} KB compressed ({detail})"
        assert any(url.endswith(".css") for url in sizes), f"{name}: the check found no stylesheet ({detail})"


def test_no_web_fonts_or_third_party_assets(client):
    html = client.get("/book/").content.decode()
    assert "fonts.googleapis" not in html and "//cdn" not in html
    for url in transfer(html):
        assert url == "(html)" or url.startswith(STATIC_PREFIX), url
