"""The eligibility endpoints of API.md: identity, proxy-reasons, checklist."""

import json

import pytest

pytestmark = pytest.mark.django_db


def post(client, path, body, language=None):
    headers = {"Accept-Language": language} if language else {}
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(f"/api/v1/eligibility/{path}", data, content_type="application/json", headers=headers)


def identity(client, role, documents, language=None, **extra):
    return post(client, "identity", {"role": role, "pickup_date": "2026-12-01", "documents": documents, **extra},
                language)


# --- identity -------------------------------------------------------------------------


def test_identity_applicant_in_person_with_a_licence_is_sufficient(client):
    response = identity(client, "applicant_in_person", [{
        "type": "drivers_license", "original": True, "has_photo": True, "issued_on": None,
        "expires_on": "2028-05-10", "shows_birth_date": True, "shows_address": True, "matches_resident_record": True,
    }])
    assert response.status_code == 200
    assert response.json() == {
        "sufficient": True, "counted": [{"type": "drivers_license", "category": "A"}], "rejected": [], "missing": "",
    }


def test_identity_fields_other_than_type_default_to_favourable(client):
    body = identity(client, "applicant_in_person", [{"type": "pension_book"}, {"type": "health_insurance_card"}]).json()
    assert body["sufficient"] is True
    assert body["counted"] == [{"type": "pension_book", "category": "B"}, {"type": "health_insurance_card", "category": "B"}]


@pytest.mark.parametrize(
    "document, reason",
    [
        ({"type": "passport", "original": False}, "copy"),
        ({"type": "passport", "expires_on": "2026-11-30"}, "expired"),
        ({"type": "driving_history_certificate", "issued_on": "2012-03-31"}, "issued_before_2012_04_01"),
        ({"type": "student_id", "shows_birth_date": False, "shows_address": False}, "no_birth_date_or_address"),
        ({"type": "passport", "matches_resident_record": False}, "mismatch"),
        ({"type": "photo_certificate"}, "photo_certificate_not_allowed"),
    ],
)
def test_identity_rejection_reasons(client, document, reason):
    body = identity(client, "applicant_in_person", [document]).json()
    assert body["sufficient"] is False
    assert body["rejected"] == [{"type": document["type"], "reason": reason}]
    assert body["counted"] == []
    assert body["missing"]


def test_expiring_on_the_pickup_date_still_counts(client):
    body = identity(client, "applicant_in_person", [{"type": "passport", "expires_on": "2026-12-01"}]).json()
    assert body["sufficient"] is True and body["rejected"] == []


def test_driving_history_certificate_of_2012_04_01_counts(client):
    body = identity(client, "applicant_in_person", [{"type": "driving_history_certificate", "issued_on": "2012-04-01"}]).json()
    assert body["sufficient"] is True


def test_photo_certificate_with_a_basis_stands_in_for_one_b(client):
    body = identity(client, "applicant_in_person", [{"type": "pension_book"}, {"type": "photo_certificate"}],
                    photo_certificate_basis="minor_or_adult_ward").json()
    assert body["sufficient"] is True
    assert {"type": "photo_certificate", "category": "photo_certificate"} in body["counted"]


def test_same_type_twice_counts_once(client):
    body = identity(client, "applicant_in_person", [{"type": "pension_book"}, {"type": "pension_book"}]).json()
    assert body["sufficient"] is False
    assert body["counted"] == [{"type": "pension_book", "category": "B"}]


@pytest.mark.parametrize(
    "role, documents, sufficient",
    [
        ("applicant_by_proxy", ["passport", "pension_book"], True),
        ("applicant_by_proxy", ["passport"], False),
        ("applicant_by_proxy", ["pension_book", "employee_id", "photo_certificate"], True),
        ("proxy", ["passport", "my_number_card"], True),
        ("proxy", ["pension_book", "employee_id", "health_insurance_card"], False),
    ],
)
def test_identity_by_role(client, role, documents, sufficient):
    body = identity(client, role, [{"type": t} for t in documents]).json()
    assert body["sufficient"] is sufficient


def test_three_b_without_a_photo_is_not_enough_for_the_applicant_by_proxy(client):
    docs = [{"type": t, "has_photo": False} for t in ("pension_book", "employee_id", "health_insurance_card")]
    assert identity(client, "applicant_by_proxy", docs).json()["sufficient"] is False


def test_missing_is_japanese_by_default_and_english_on_request(client):
    ja = identity(client, "applicant_in_person", []).json()["missing"]
    en = identity(client, "applicant_in_person", [], language="en").json()["missing"]
    assert en == "One photo ID (category A), or two category B documents."
    assert isinstance(ja, str) and ja  # Japanese once the teammate's catalogue has the words


def test_pickup_date_defaults_to_today(client):
    response = post(client, "identity", {"role": "proxy", "documents": [{"type": "passport"}, {"type": "pension_book"}]})
    assert response.status_code == 200 and response.json()["sufficient"] is True


@pytest.mark.parametrize(
    "body, field",
    [
        ("not json", "__all__"),
        ([1, 2], "__all__"),
        ({"documents": []}, "role"),
        ({"role": "mayor", "documents": []}, "role"),
        ({"role": "proxy"}, "documents"),
        ({"role": "proxy", "documents": {}}, "documents"),
        ({"role": "proxy", "documents": [{"type": "library_card"}]}, "documents.0.type"),
        ({"role": "proxy", "documents": [{"type": "passport"}, {}]}, "documents.1.type"),
        ({"role": "proxy", "documents": [{"type": 5}]}, "documents.0.type"),
        ({"role": "proxy", "documents": [{"type": "passport", "expires_on": "2026-13-01"}]}, "documents.0.expires_on"),
        ({"role": "proxy", "documents": [{"type": "passport", "expires_on": "1.12.2026"}]}, "documents.0.expires_on"),
        ({"role": "proxy", "documents": [{"type": "passport", "original": "yes"}]}, "documents.0.original"),
        ({"role": "proxy", "documents": [{"type": "passport", "original": 1}]}, "documents.0.original"),
        ({"role": "proxy", "pickup_date": "2026-02-30", "documents": []}, "pickup_date"),
        ({"role": "proxy", "photo_certificate_basis": "friend", "documents": []}, "photo_certificate_basis"),
    ],
)
def test_identity_bad_input_is_422_on_the_field(client, body, field):
    response = post(client, "identity", body)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert all(isinstance(m, str) for m in response.json()["errors"][field])


def test_bad_input_messages_follow_accept_language(client):
    response = post(client, "identity", {"role": "proxy", "documents": [{"type": "library_card"}]}, language="en")
    assert response.json() == {"errors": {"documents.0.type": ["Unknown document type."]}}


# --- proxy-reasons ------------------------------------------------------------------------


def test_proxy_reasons_lists_the_eleven_cases(client):
    response = client.get("/api/v1/eligibility/proxy-reasons", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    reasons = response.json()["reasons"]
    assert [r["number"] for r in reasons] == list(range(1, 12))
    assert all(set(r) == {"number", "title", "evidence", "representative_may_declare"} for r in reasons)
    assert [r["number"] for r in reasons if r["representative_may_declare"]] == [2, 3, 4]
    assert reasons[3]["evidence"] == []
    assert reasons[5]["title"] == "Aged 75 or over"
    assert all(r["evidence"] for r in reasons if r["number"] != 4)


def test_proxy_reasons_in_japanese_by_default(client):
    reasons = client.get("/api/v1/eligibility/proxy-reasons").json()["reasons"]
    assert "成年被後見人" in reasons[1]["title"]


# --- checklist -------------------------------------------------------------------------------


def checklist_codes(client, **body):
    response = post(client, "checklist", body)
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


def test_checklist_example_of_api_md(client):
    response = post(client, "checklist", {
        "attendance": "in_person", "proxy_reason": None, "applicant_age": 34, "adult_ward": False,
        "replacing_card": False, "has_notification_card": True, "has_resident_register_card": False,
        "sub_proxy": False,
    }, language="en")
    items = response.json()["items"]
    assert [i["code"] for i in items] == ["issuance_notice", "notification_card", "applicant_id"]
    assert all(set(i) == {"code", "label", "note"} and i["label"] for i in items)


def test_checklist_booleans_default_false(client):
    assert checklist_codes(client, attendance="in_person") == ["issuance_notice", "applicant_id"]


@pytest.mark.parametrize(
    "body, present, absent",
    [
        ({"attendance": "in_person", "replacing_card": True}, {"old_card"}, {"notification_card"}),
        ({"attendance": "in_person", "has_resident_register_card": True}, {"resident_register_card"}, {"old_card"}),
        ({"attendance": "with_legal_representative", "applicant_age": 10},
         {"legal_representative_id", "family_register_copy"}, {"proxy_id"}),
        ({"attendance": "proxy", "proxy_reason": 8}, {"proxy_id", "proxy_evidence", "notification_card"},
         {"letter_of_attorney", "family_register_copy"}),
        ({"attendance": "proxy", "proxy_reason": 4, "applicant_age": 9, "sub_proxy": True},
         {"letter_of_attorney", "proxy_id"}, {"proxy_evidence"}),
        ({"attendance": "proxy", "proxy_reason": 1, "applicant_age": 34, "sub_proxy": True},
         {"proxy_evidence"}, {"letter_of_attorney"}),
    ],
)
def test_checklist_items(client, body, present, absent):
    listed = set(checklist_codes(client, **body))
    assert present <= listed and not absent & listed


@pytest.mark.parametrize(
    "body, field",
    [
        ("{", "__all__"),
        ("[]", "__all__"),
        ({}, "attendance"),
        ({"attendance": "by_post"}, "attendance"),
        ({"attendance": "proxy"}, "proxy_reason"),
        ({"attendance": "proxy", "proxy_reason": 12}, "proxy_reason"),
        ({"attendance": "proxy", "proxy_reason": 0}, "proxy_reason"),
        ({"attendance": "proxy", "proxy_reason": "three"}, "proxy_reason"),
        ({"attendance": "proxy", "proxy_reason": True}, "proxy_reason"),
        ({"attendance": "in_person", "proxy_reason": 1}, "proxy_reason"),
        ({"attendance": "in_person", "applicant_age": -1}, "applicant_age"),
        ({"attendance": "in_person", "applicant_age": 3.5}, "applicant_age"),
        ({"attendance": "in_person", "applicant_age": "34"}, "applicant_age"),
        ({"attendance": "in_person", "adult_ward": "no"}, "adult_ward"),
        ({"attendance": "in_person", "sub_proxy": 1}, "sub_proxy"),
    ],
)
def test_checklist_bad_input_is_422(client, body, field):
    response = post(client, "checklist", body)
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_openapi_describes_the_eligibility_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/eligibility/identity", "/api/v1/eligibility/proxy-reasons", "/api/v1/eligibility/checklist"} <= set(paths)
