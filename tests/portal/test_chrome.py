"""
The chrome of every page (header, menu, footer, head links, booking steps) is
rendered once per language and process (portal/templatetags/chrome.py, issue
#17): the pages are the same as when each part is rendered afresh, a Japanese
page never shows the English chrome (nor the reverse), and what depends on
the request (the language links, the messages, the CSRF token) is not kept.
"""

import re

import pytest

from portal.templatetags import chrome

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("city_windows", "booking_day")]

PAGES = ["/book/", "/en/book/", "/windows/", "/en/windows/", "/", "/en/", "/book/support/", "/en/book/support/"]
START = {"ward": "kita", "attendance": "in_person", "party_size": "1", "proxy_reason": ""}


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    # The CSRF token of a form differs from response to response (its masking); the rest may not.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@pytest.mark.parametrize("url", PAGES)
def test_a_page_with_kept_chrome_is_the_page_rendered_afresh(client, url):
    chrome._KEPT.clear()
    afresh = _page(client, url)
    assert chrome._KEPT  # the page has kept parts
    assert _page(client, url) == afresh


def test_each_language_keeps_its_own_chrome(client):
    chrome._KEPT.clear()
    english = _page(client, "/en/book/")
    japanese = _page(client, "/book/")
    assert "Check or change a booking" in english and "Check or change a booking" not in japanese
    assert 'href="/en/windows/"' in english and 'href="/windows/"' in japanese
    assert 'href="/en/windows/"' not in japanese
    assert _page(client, "/en/book/") == english and _page(client, "/book/") == japanese


def test_the_language_links_carry_the_current_path(client):
    chrome._KEPT.clear()
    _page(client, "/en/book/")
    page = _page(client, "/en/windows/")
    assert 'hreflang="ja" href="/windows/"' in page and 'href="/book/"' not in page


def test_the_booking_steps_are_kept_per_step(client):
    chrome._KEPT.clear()
    client.post("/en/book/", START)
    assert 'aria-current="step" class="current">Who and where' in _page(client, "/en/book/")
    assert 'aria-current="step" class="current">Window' in _page(client, "/en/book/window/")
    assert 'class="done">Who and where' in _page(client, "/en/book/window/")


def test_messages_are_not_kept(client):
    chrome._KEPT.clear()
    client.post("/en/book/", START)
    _page(client, "/en/book/window/")  # the chrome is kept, without a message
    response = client.get("/en/book/nishi/", follow=True)  # a ward office that does not serve Kita
    assert b"This window does not serve your ward" in response.content
    assert "This window does not serve your ward" not in _page(client, "/en/book/window/")  # shown once


def test_no_csp_nonce_is_kept(client):
    """No kept part carries a nonce (the policy allows no inline script or style, so none is made)."""
    chrome._KEPT.clear()
    response = client.get("/en/book/")
    assert "nonce" not in response.get("Content-Security-Policy", "")
    assert not any("nonce" in html for html in chrome._KEPT.values())


def test_nothing_is_kept_while_templates_may_change(client, settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "OPTIONS": {**settings.TEMPLATES[0]["OPTIONS"], "debug": True}}]
    chrome._KEPT.clear()
    _page(client, "/en/book/")
    assert chrome._KEPT == {}


def test_the_language_links_of_an_address_are_computed_once_and_agree(client):
    from django.urls import translate_url

    from portal import context_processors

    context_processors._translated.cache_clear()
    for _twice in range(2):
        page = _page(client, "/en/windows/?x=1")
    assert context_processors._translated.cache_info().hits >= 2
    assert f'hreflang="ja" href="{translate_url("/en/windows/?x=1", "ja")}"' in page
    kept = context_processors._translated.cache_info().currsize
    page = _page(client, "/en/windows/?x=" + "1" * 300)  # a long address is not kept
    assert context_processors._translated.cache_info().currsize == kept
    assert 'hreflang="ja" href="/windows/?x=111' in page
