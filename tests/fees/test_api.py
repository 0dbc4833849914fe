"""POST /api/v1/fees/quote (API.md, "Fees")."""

import json

import pytest


def post(client, body, language="en"):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post("/api/v1/fees/quote", data, content_type="application/json",
                       headers={"Accept-Language": language})


def test_api_example_lost_card_with_certificates(client):
    response = post(client, {"reason": "lost", "old_card_returned": True, "with_certificates": True,
                             "noto_earthquake": False})
    assert response.status_code == 200
    assert response.json() == {"total": 1000, "lines": [{"item": "card", "amount": 800},
                                                        {"item": "certificates", "amount": 200}], "rule": "R-F2"}


def test_free_quote_has_no_lines(client):
    assert post(client, {"reason": "first_issue"}).json() == {"total": 0, "lines": [], "rule": "R-F1"}


def test_renewal_without_the_old_card_is_charged_under_r_f3(client):
    body = post(client, {"reason": "renewal", "old_card_returned": False}).json()
    assert body == {"total": 1000, "lines": [{"item": "card", "amount": 800},
                                             {"item": "certificates", "amount": 200}], "rule": "R-F3"}


def test_no_certificates_no_certificates_line(client):
    body = post(client, {"reason": "damaged", "with_certificates": False}).json()
    assert body == {"total": 800, "lines": [{"item": "card", "amount": 800}], "rule": "R-F2"}


def test_noto_earthquake_is_free(client):
    assert post(client, {"reason": "lost", "noto_earthquake": True}).json() == {"total": 0, "lines": [], "rule": "R-F4"}


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "reason"),
        ({"reason": "stolen"}, "reason"),
        ({"reason": 3}, "reason"),
        ({"reason": "lost", "old_card_returned": "yes"}, "old_card_returned"),
        ({"reason": "lost", "with_certificates": 1}, "with_certificates"),
        ({"reason": "lost", "noto_earthquake": "true"}, "noto_earthquake"),
        ("not json", "__all__"),
        ("[1, 2]", "__all__"),
        ("", "__all__"),
    ],
)
def test_bad_input_is_a_422_on_the_field(client, body, field):
    response = post(client, body)
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_errors_are_japanese_by_default(client):
    response = post(client, {}, language="ja")
    assert response.status_code == 422
    assert set(response.json()) == {"errors"}


def test_openapi_describes_the_quote(client):
    assert "/api/v1/fees/quote" in client.get("/api/v1/openapi.json").json()["paths"]
