"""The PIN checker runs only in the browser: typing PINs makes no request (R-E9)."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_pin_checker_reacts_without_any_network_request(page, live_server):
    page.goto(live_server.url + "/en/what-to-bring/pin/")
    page.wait_for_load_state("networkidle")
    requests = []
    page.on("request", lambda request: requests.append(request.url))

    form = page.locator("#pin-checker")
    assert form.get_attribute("action") is None
    assert form.get_attribute("method") is None
    inputs = form.locator("input")
    assert inputs.count() >= 3
    for index in range(inputs.count()):
        assert inputs.nth(index).get_attribute("name") is None

    signature = page.get_by_label("Signature certificate PIN")
    signature.fill("ABC")
    assert page.locator("#pin-signature-result").inner_text() == "Use 6 to 16 characters."
    signature.fill("abc123")
    assert "capital letters" in page.locator("#pin-signature-result").inner_text()
    signature.fill("ABCDEF")
    assert page.locator("#pin-signature-result").inner_text() == "Use at least one letter and one digit."
    signature.press_sequentially("1")
    assert page.locator("#pin-signature-result").inner_text() == "Meets the rules."

    user = page.get_by_label("User authentication PIN")
    user.fill("12a4")
    assert page.locator("#pin-user-result").inner_text() == "Use exactly 4 digits."
    user.fill("1234")
    assert page.locator("#pin-user-result").inner_text() == "Meets the rules."
    register = page.get_by_label("Resident registry / card-face input support PIN")
    register.fill("1234")
    assert "that is allowed" in page.locator("#pin-register-result").inner_text()

    # Enter does not submit anything either.
    user.press("Enter")
    page.wait_for_timeout(300)
    assert requests == []
    assert page.url == live_server.url + "/en/what-to-bring/pin/"


def test_pin_checker_explains_the_rules_without_javascript(page_without_js, live_server):
    page_without_js.goto(live_server.url + "/en/what-to-bring/pin/")
    body = page_without_js.locator("main").inner_text()
    assert "6 to 16 characters" in body and "4 digits" in body
    assert "The checker needs JavaScript" in body


def test_wizard_works_without_javascript(page_without_js, live_server):
    page = page_without_js
    page.goto(live_server.url + "/en/what-to-bring/questions/")
    page.get_by_label("The applicant in person").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("How old is the applicant on the pickup day?").fill("40")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("No").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("The applicant has a notification card").check()
    page.get_by_role("button", name="Next").click()
    assert page.get_by_role("heading", level=1).inner_text() == "What to bring: your checklist"
    assert "Notification card" in page.locator(".checklist").inner_text()
