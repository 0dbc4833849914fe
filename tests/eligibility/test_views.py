"""The what-to-bring pages, in Japanese and English, without JavaScript."""

import re

import pytest

from reservations.models import Booking

pytestmark = pytest.mark.django_db

PAGES = ["", "questions/who/", "documents/", "proxy/", "pin/"]


def item_codes(response):
    return re.findall(r'data-code="(\w+)"', response.content.decode())


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_both_languages(client, prefix, page):
    response = client.get(f"{prefix}/what-to-bring/{page}")
    assert response.status_code == 200
    assert response.context["LANGUAGE_CODE"] == ("en" if prefix else "ja")


def test_home_page_leads_to_booking_and_what_to_bring(client):
    html = client.get("/en/").content.decode()
    assert 'href="/en/book/"' in html and 'href="/en/what-to-bring/"' in html
    assert html.index('href="/en/book/"') < html.index("Check or change a booking</a>")


def answer(client, step, data):
    return client.post(f"/en/what-to-bring/questions/{step}/", data)


def test_wizard_for_a_proxy_of_a_child_with_a_sub_proxy(client):
    client.get("/en/what-to-bring/questions/")
    assert answer(client, "who", {"attendance": "proxy"})["Location"].endswith("/questions/reason/")
    assert answer(client, "reason", {"proxy_reason": "4"})["Location"].endswith("/questions/age/")
    # Under 18: the adult-ward question is skipped.
    assert answer(client, "age", {"applicant_age": "9"})["Location"].endswith("/questions/cards/")
    assert answer(client, "cards", {"has_notification_card": "on"})["Location"].endswith("/questions/sub-proxy/")
    assert answer(client, "sub-proxy", {"sub_proxy": "yes"})["Location"].endswith("/questions/result/")
    response = client.get("/en/what-to-bring/questions/result/")
    assert item_codes(response) == ["issuance_notice", "notification_card", "applicant_id", "proxy_id", "family_register_copy", "letter_of_attorney"]
    assert "Proxy reason 4" in response.content.decode()


def test_wizard_in_person_skips_proxy_questions(client):
    assert answer(client, "who", {"attendance": "in_person"})["Location"].endswith("/questions/age/")
    assert answer(client, "age", {"applicant_age": "34"})["Location"].endswith("/questions/guardian/")
    assert answer(client, "guardian", {"adult_ward": "no"})["Location"].endswith("/questions/cards/")
    assert answer(client, "cards", {"replacing_card": "on"})["Location"].endswith("/questions/result/")
    response = client.get("/en/what-to-bring/questions/result/")
    assert item_codes(response) == ["issuance_notice", "applicant_id", "old_card"]


def test_wizard_refuses_a_bad_answer_on_the_same_screen(client):
    response = answer(client, "who", {"attendance": "cousin"})
    assert response.status_code == 200 and response.context["form"].errors


def test_wizard_result_without_answers_goes_to_the_first_question(client):
    response = client.get("/en/what-to-bring/questions/result/")
    assert response["Location"].endswith("/questions/who/")


def test_wizard_question_that_does_not_apply_redirects(client):
    answer(client, "who", {"attendance": "in_person"})
    assert client.get("/en/what-to-bring/questions/reason/")["Location"].endswith("/questions/age/")
    assert client.get("/en/what-to-bring/questions/nonsense/").status_code == 404


def test_wizard_keeps_answers_out_of_the_url(client):
    answer(client, "who", {"attendance": "in_person"})
    response = answer(client, "age", {"applicant_age": "34"})
    assert "34" not in response["Location"]


def test_document_checker_says_why_not(client):
    response = client.get("/en/what-to-bring/documents/", {"role": "applicant_in_person", "documents": ["pension_book"]})
    html = response.content.decode()
    assert "These documents are not enough." in html
    assert "One more document" in html


def test_document_checker_accepts_a_photo_certificate_with_a_basis(client):
    response = client.get("/en/what-to-bring/documents/", {
        "role": "applicant_in_person", "documents": ["pension_book", "photo_certificate"],
        "photo_certificate_basis": "home_care",
    })
    assert response.context["result"].sufficient


def test_document_checker_explains_a_refused_photo_certificate(client):
    response = client.get("/en/what-to-bring/documents/", {
        "role": "proxy", "documents": ["passport", "photo_certificate"],
    })
    assert not response.context["result"].sufficient
    assert "photo certificate can be used only by the applicant" in response.content.decode()


def test_document_checker_three_b_without_photo_for_a_proxy_pickup(client):
    docs = ["pension_book", "employee_id", "health_insurance_card"]
    without = client.get("/en/what-to-bring/documents/", {"role": "applicant_by_proxy", "documents": docs})
    with_photo = client.get("/en/what-to-bring/documents/", {"role": "applicant_by_proxy", "documents": docs,
                                                               "b_has_photo": "on"})
    assert not without.context["result"].sufficient and with_photo.context["result"].sufficient


def test_proxy_page_lists_the_eleven_cases(client):
    html = client.get("/en/what-to-bring/proxy/").content.decode()
    assert len(re.findall(r'id="case-\d+"', html)) == 11
    assert "Certificate of registered matters" in html


@pytest.mark.parametrize("reason, age, fits", [("6", "80", True), ("6", "40", False), ("4", "20", False), ("1", "", True)])
def test_proxy_page_says_whether_a_case_fits(client, reason, age, fits):
    response = client.get("/en/what-to-bring/proxy/", {"proxy_reason": reason, "applicant_age": age})
    assert (response.context["fit"]["problem"] is None) is fits


def test_pin_checker_form_cannot_post_a_pin(client):
    html = client.get("/en/what-to-bring/pin/").content.decode()
    form = re.search(r"<form[^>]*id=\"pin-checker\"[^>]*>(.*?)</form>", html, re.S)
    assert form and "action=" not in form.group(0).split(">")[0] and "method=" not in form.group(0).split(">")[0]
    assert re.findall(r"<input[^>]*>", form.group(1))
    assert all("name=" not in tag for tag in re.findall(r"<input[^>]*>", form.group(1)))
    assert "js/pin-checker.js" in html
    assert "Never tell anyone your PINs" in html and "at the counter" in html


def test_booking_lookup_shows_the_personal_checklist(client, booking_day):
    import json

    from tests.reservations.factories import api_body

    def post(url, body):
        return client.post(url, json.dumps(body), content_type="application/json", headers={"Accept-Language": "en"})

    body = api_body(attendance="proxy", proxy_reason=8)
    response = post("/api/v1/bookings", body)
    assert response.status_code == 201, response.content
    lookup = post("/api/v1/bookings/lookup", {"code": response.json()["code"], "birth_date": "1990-04-01"})
    items = {item["code"]: item for item in lookup.json()["checklist"]}
    assert "Maternal and child health handbook" in items["proxy_evidence"]["note"]
    assert Booking.objects.get().proxy_reason == 8


def test_booking_lookup_for_case_4_lists_no_evidence(client, booking_day):
    import json

    from tests.reservations.factories import api_body

    body = api_body(attendance="proxy", proxy_reason=4)
    body["people"][0]["birth_date"] = "2016-05-05"
    response = client.post("/api/v1/bookings", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    lookup = client.post("/api/v1/bookings/lookup", json.dumps({"code": response.json()["code"], "birth_date": "2016-05-05"}),
                         content_type="application/json")
    codes = [item["code"] for item in lookup.json()["checklist"]]
    assert "proxy_id" in codes and "proxy_evidence" not in codes
