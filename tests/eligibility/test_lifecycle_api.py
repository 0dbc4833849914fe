"""GET /api/v1/eligibility/card-validity and POST /api/v1/eligibility/move-in (API.md)."""

import json

import pytest

URL = "/api/v1/eligibility/card-validity"
MOVE_IN = "/api/v1/eligibility/move-in"


def validity(client, **params):
    return client.get(URL, params, headers={"Accept-Language": "en"})


def move_in(client, body):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(MOVE_IN, data, content_type="application/json", headers={"Accept-Language": "en"})


def test_spec_example(client):
    response = validity(client, birth_date="1975-08-20", issue_date="2018-02-01")
    assert response.status_code == 200
    assert response.json() == {"card_expires_on": "2027-08-20", "certificates_expire_on": "2022-08-20",
                               "renewal_opens_on": "2027-05-20", "minor_at_issue": False}


def test_minor_by_the_adult_age_at_the_application_date(client):
    before = validity(client, birth_date="2002-06-01", issue_date="2022-05-10", application_date="2022-03-31").json()
    after = validity(client, birth_date="2002-06-01", issue_date="2022-05-10", application_date="2022-04-01").json()
    assert before["minor_at_issue"] is True and before["card_expires_on"] == "2026-06-01"
    assert after["minor_at_issue"] is False and after["card_expires_on"] == "2031-06-01"


def test_renewed_certificates(client):
    body = validity(client, birth_date="1975-08-20", issue_date="2018-02-01",
                    certificate_issue_date="2024-01-01").json()
    assert body["certificates_expire_on"] == "2027-08-20"


def test_renewal_opening_clips_to_the_month_end(client):
    body = validity(client, birth_date="1990-05-31", issue_date="2020-06-01").json()
    assert body["card_expires_on"] == "2030-05-31" and body["renewal_opens_on"] == "2030-02-28"


@pytest.mark.parametrize(
    "params, field",
    [
        ({"issue_date": "2018-02-01"}, "birth_date"),
        ({"birth_date": "1975-08-20"}, "issue_date"),
        ({"birth_date": "1975-02-30", "issue_date": "2018-02-01"}, "birth_date"),
        ({"birth_date": "1975-08-20", "issue_date": "2018-13-01"}, "issue_date"),
        ({"birth_date": "1975/08/20", "issue_date": "2018-02-01"}, "birth_date"),
        ({"birth_date": "20-08-1975", "issue_date": "2018-02-01"}, "birth_date"),
        ({"birth_date": "0001-01-01", "issue_date": "2018-02-01"}, "birth_date"),
        ({"birth_date": "1975-08-20", "issue_date": "9999-12-31"}, "issue_date"),
        ({"birth_date": "2000-01-02", "issue_date": "2000-01-01"}, "issue_date"),
        ({"birth_date": "1975-08-20", "issue_date": "2018-02-01", "application_date": "2018-02-02"},
         "application_date"),
        ({"birth_date": "1975-08-20", "issue_date": "2018-02-01", "application_date": "1970-01-01"},
         "application_date"),
        ({"birth_date": "1975-08-20", "issue_date": "2018-02-01", "certificate_issue_date": "2018-01-31"},
         "certificate_issue_date"),
        ({"birth_date": "1975-08-20", "issue_date": "2018-02-01", "certificate_issue_date": "2027-08-21"},
         "certificate_issue_date"),
        ({"birth_date": "1975-08-20", "issue_date": "2018-02-01", "certificate_issue_date": "x"},
         "certificate_issue_date"),
    ],
)
def test_bad_validity_input_is_a_422_on_the_field(client, params, field):
    response = validity(client, **params)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]


def test_issue_before_birth_message(client):
    response = validity(client, birth_date="2000-01-02", issue_date="2000-01-01")
    assert response.json() == {"errors": {"issue_date": ["The issue date cannot be before the date of birth."]}}


BASE = {
    "planned_move_out_date": "2026-03-01", "started_living_on": "2026-03-10", "move_in_notified_on": "2026-03-10",
    "card_presented_at_move_in": False, "card_face_change_notified_on": None, "moved_out_again_on": None,
    "today": "2026-04-01",
}


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({}, {"card_valid": True, "reason": None, "card_face_change_due_by": "2026-06-08"}),
        ({"card_presented_at_move_in": True}, {"card_valid": True, "reason": None, "card_face_change_due_by": None}),
        ({"move_in_notified_on": "2026-03-24"}, {"card_valid": True, "reason": None,
                                                 "card_face_change_due_by": "2026-06-22"}),
        ({"move_in_notified_on": "2026-03-25", "planned_move_out_date": None},
         {"card_valid": False, "reason": "late_move_in_notification", "card_face_change_due_by": None}),
        ({"planned_move_out_date": "2026-02-08", "move_in_notified_on": "2026-03-10"},
         {"card_valid": True, "reason": None, "card_face_change_due_by": "2026-06-08"}),
        ({"planned_move_out_date": "2026-02-07", "move_in_notified_on": "2026-03-10"},
         {"card_valid": False, "reason": "late_after_planned_move_out", "card_face_change_due_by": None}),
        ({"today": "2026-06-08"}, {"card_valid": True, "reason": None, "card_face_change_due_by": "2026-06-08"}),
        ({"today": "2026-06-09"}, {"card_valid": False, "reason": "no_card_face_change_within_90_days",
                                   "card_face_change_due_by": "2026-06-08"}),
        ({"card_face_change_notified_on": "2026-06-08", "today": "2026-07-01"},
         {"card_valid": True, "reason": None, "card_face_change_due_by": "2026-06-08"}),
        ({"moved_out_again_on": "2026-05-01"}, {"card_valid": False, "reason": "moved_out_without_card_face_change",
                                                "card_face_change_due_by": "2026-06-08"}),
    ],
)
def test_move_in(client, changes, expected):
    response = move_in(client, {**BASE, **changes})
    assert response.status_code == 200
    assert response.json() == expected


def test_move_in_today_defaults_to_today(client, frozen_now):
    import datetime as dt

    body = {key: value for key, value in BASE.items() if key != "today"}
    frozen_now(dt.date(2026, 6, 9))
    assert move_in(client, body).json()["reason"] == "no_card_face_change_within_90_days"


@pytest.mark.parametrize(
    "body, field",
    [
        ({**BASE, "started_living_on": None}, "started_living_on"),
        ({key: value for key, value in BASE.items() if key != "move_in_notified_on"}, "move_in_notified_on"),
        ({key: value for key, value in BASE.items() if key != "card_presented_at_move_in"},
         "card_presented_at_move_in"),
        ({**BASE, "card_presented_at_move_in": "no"}, "card_presented_at_move_in"),
        ({**BASE, "started_living_on": "2026-02-30"}, "started_living_on"),
        ({**BASE, "today": "tomorrow"}, "today"),
        ({**BASE, "planned_move_out_date": 20260301}, "planned_move_out_date"),
        ({**BASE, "move_in_notified_on": "2026-03-09"}, "move_in_notified_on"),
        ({**BASE, "card_face_change_notified_on": "2026-03-09"}, "card_face_change_notified_on"),
        ({**BASE, "moved_out_again_on": "2026-03-09"}, "moved_out_again_on"),
        ("not json", "__all__"),
        ("[]", "__all__"),
    ],
)
def test_bad_move_in_input_is_a_422_on_the_field(client, body, field):
    response = move_in(client, body)
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_openapi_describes_both_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert URL in paths and MOVE_IN in paths
