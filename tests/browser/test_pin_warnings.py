"""The PIN checker warns, without refusing, against easily guessed 4-digit PINs (issue #13)."""

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

WEAK = ["0000", "1234", "7777", "1212", "9876", "1985", str(dt.date.today().year)]
FINE = ["5831", "2790", "1899"]


def test_easily_guessed_pins_are_allowed_with_a_warning(page, live_server):
    page.goto(live_server.url + "/en/what-to-bring/pin/")
    page.wait_for_load_state("networkidle")
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    user = page.get_by_label("User authentication PIN")
    result, warning = page.locator("#pin-user-result"), page.locator("#pin-user-warning")
    for pin in WEAK:
        user.fill(pin)
        assert result.inner_text() == "Meets the rules.", pin
        assert "easy to guess" in warning.inner_text(), pin
    for pin in FINE:
        user.fill(pin)
        assert result.inner_text() == "Meets the rules.", pin
        assert warning.inner_text() == "", pin
    user.fill("00a0")
    assert result.inner_text() == "Use exactly 4 digits." and warning.inner_text() == ""

    register = page.get_by_label("Resident registry / card-face input support PIN")
    register.fill("2001")
    assert "Meets the rules." in page.locator("#pin-register-result").inner_text()
    assert "easy to guess" in page.locator("#pin-register-warning").inner_text()
    assert "pin-register-warning" in register.get_attribute("aria-describedby")
    assert requests == []


def test_the_warning_is_in_japanese_on_the_japanese_page(page, live_server):
    page.goto(live_server.url + "/what-to-bring/pin/")
    page.locator("#pin-user").fill("1234")
    assert "推測されやすい番号です" in page.locator("#pin-user-warning").inner_text()
