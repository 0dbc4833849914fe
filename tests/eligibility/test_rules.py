"""The document, proxy, checklist and PIN rules of SPEC §4 (R-E1 … R-E9), table-driven, no database."""

import datetime as dt

import pytest
from django.utils import translation

from eligibility import rules
from eligibility.rules import Document, check_identity

PICKUP = dt.date(2026, 12, 1)
A_TYPES = [
    "my_number_card", "drivers_license", "driving_history_certificate", "passport",
    "physical_disability_certificate", "mental_disability_certificate", "rehabilitation_certificate",
    "residence_card", "special_permanent_resident_certificate",
]
B_TYPES = [
    "health_insurance_card", "medical_recipient_certificate", "pension_book", "care_insurance_card",
    "maternal_child_handbook", "employee_id", "student_id",
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def check(role, *documents, basis=None, pickup=PICKUP):
    return check_identity(role, [d if isinstance(d, Document) else Document(d) for d in documents],
                          pickup_date=pickup, photo_certificate_basis=basis)


# --- R-E1 catalogue -----------------------------------------------------------------


def test_catalogue_lists_every_document_of_r_e1_in_order():
    assert [d.code for d in rules.documents_of(rules.A)] == A_TYPES
    assert [d.code for d in rules.documents_of(rules.B)] == B_TYPES
    assert rules.DOCUMENT_TYPES["photo_certificate"].category == rules.PHOTO_CERTIFICATE
    assert len(rules.DOCUMENT_TYPES) == 17


@pytest.mark.parametrize("code", [*A_TYPES, *B_TYPES, "photo_certificate"])
def test_every_document_has_a_japanese_and_an_english_name(code):
    doc = rules.DOCUMENT_TYPES[code]
    assert doc.name_ja and str(doc.name_en)
    assert doc.name == str(doc.name_en)
    with translation.override("ja"):
        assert doc.name == doc.name_ja


# --- R-E2 validity of one document ----------------------------------------------------


@pytest.mark.parametrize("code", [*A_TYPES, *B_TYPES, "photo_certificate"])
def test_every_original_valid_document_has_no_problem(code):
    assert rules.document_problem(Document(code), PICKUP) is None


@pytest.mark.parametrize("code", [*A_TYPES, *B_TYPES, "photo_certificate"])
def test_every_copy_is_refused(code):
    assert rules.document_problem(Document(code, original=False), PICKUP) == "copy"


@pytest.mark.parametrize(
    "expires_on, problem",
    [
        (dt.date(2026, 11, 30), "expired"),  # the day before the pickup
        (dt.date(2026, 12, 1), None),  # expires on the pickup day itself: still valid
        (dt.date(2026, 12, 2), None),
        (None, None),  # no expiry date
    ],
)
def test_expiry_is_judged_on_the_pickup_date(expires_on, problem):
    assert rules.document_problem(Document("passport", expires_on=expires_on), PICKUP) == problem


@pytest.mark.parametrize(
    "issued_on, problem",
    [
        (dt.date(2012, 3, 31), "issued_before_2012_04_01"),
        (dt.date(2012, 4, 1), None),
        (dt.date(2020, 1, 1), None),
        (None, None),
    ],
)
def test_driving_history_certificate_counts_from_2012_04_01(issued_on, problem):
    assert rules.document_problem(Document("driving_history_certificate", issued_on=issued_on), PICKUP) == problem


def test_issue_date_matters_only_for_the_driving_history_certificate():
    assert rules.document_problem(Document("drivers_license", issued_on=dt.date(2000, 1, 1)), PICKUP) is None


@pytest.mark.parametrize(
    "birth, address, problem",
    [(True, True, None), (True, False, None), (False, True, None), (False, False, "no_birth_date_or_address")],
)
def test_name_with_birth_date_or_address(birth, address, problem):
    doc = Document("employee_id", shows_birth_date=birth, shows_address=address)
    assert rules.document_problem(doc, PICKUP) == problem


def test_student_id_with_neither_address_nor_birth_date_never_counts_even_with_a_photo():
    student_id = Document("student_id", has_photo=True, shows_birth_date=False, shows_address=False)
    result = check("applicant_in_person", student_id, "health_insurance_card")
    assert not result.sufficient
    assert [(d.type, r) for d, r in result.rejected] == [("student_id", "no_birth_date_or_address")]


def test_document_not_matching_the_resident_record_is_refused():
    assert rules.document_problem(Document("passport", matches_resident_record=False), PICKUP) == "mismatch"


def test_first_problem_is_reported():
    doc = Document("passport", original=False, expires_on=dt.date(2020, 1, 1), matches_resident_record=False)
    assert rules.document_problem(doc, PICKUP) == "copy"


# --- R-E3 applicant in person -----------------------------------------------------------

IN_PERSON = [
    # (documents, basis, sufficient)
    ((), None, False),
    (("passport",), None, True),
    (("health_insurance_card",), None, False),
    (("health_insurance_card", "pension_book"), None, True),
    (("health_insurance_card", "health_insurance_card"), None, False),  # same type twice counts once
    (("passport", "passport"), None, True),
    (("health_insurance_card", "photo_certificate"), "hospital_or_facility", True),
    (("health_insurance_card", "photo_certificate"), "home_care", True),
    (("health_insurance_card", "photo_certificate"), "minor_or_adult_ward", True),
    (("health_insurance_card", "photo_certificate"), "social_withdrawal", True),
    (("health_insurance_card", "photo_certificate"), None, False),  # no basis
    (("photo_certificate",), "home_care", False),  # stands in for only one of the two
    (("photo_certificate", "photo_certificate"), "home_care", False),
]


@pytest.mark.parametrize("documents, basis, sufficient", IN_PERSON)
def test_applicant_in_person(documents, basis, sufficient):
    result = check("applicant_in_person", *documents, basis=basis)
    assert result.sufficient is sufficient
    assert (result.missing == "") is sufficient


@pytest.mark.parametrize("code", A_TYPES)
def test_any_single_a_document_is_enough_in_person(code):
    assert check("applicant_in_person", code).sufficient


@pytest.mark.parametrize("code", B_TYPES)
def test_any_single_b_document_is_not_enough_in_person(code):
    result = check("applicant_in_person", code)
    assert not result.sufficient and "category B" in result.missing


def test_photo_certificate_without_a_basis_is_refused_in_person():
    result = check("applicant_in_person", "pension_book", "photo_certificate")
    assert [(d.type, r) for d, r in result.rejected] == [("photo_certificate", "photo_certificate_not_allowed")]
    assert [d.type for d in result.counted] == ["pension_book"]


def test_same_type_twice_is_counted_once():
    result = check("applicant_in_person", "pension_book", "pension_book")
    assert [d.type for d in result.counted] == ["pension_book"]


def test_rejected_document_is_not_counted():
    result = check("applicant_in_person", Document("passport", expires_on=dt.date(2026, 11, 30)), "pension_book")
    assert not result.sufficient
    assert [d.type for d in result.counted] == ["pension_book"]
    assert [r for _d, r in result.rejected] == ["expired"]


def test_expired_on_the_pickup_day_itself_still_counts():
    assert check("applicant_in_person", Document("passport", expires_on=PICKUP)).sufficient


def test_driving_history_certificate_of_2012_03_31_is_not_enough_alone():
    old = Document("driving_history_certificate", issued_on=dt.date(2012, 3, 31))
    new = Document("driving_history_certificate", issued_on=dt.date(2012, 4, 1))
    assert not check("applicant_in_person", old).sufficient
    assert check("applicant_in_person", new).sufficient


# --- R-E6 applicant's documents for a proxy pickup ---------------------------------------

NO_PHOTO = {"has_photo": False}
BY_PROXY = [
    ((), False),
    (("passport",), False),
    (("passport", "drivers_license"), True),  # two A
    (("passport", "passport"), False),  # same type twice counts once
    (("passport", "pension_book"), True),  # A + B
    (("passport", "photo_certificate"), True),  # the photo certificate counts as a B with a photo
    (("pension_book", "health_insurance_card"), False),
    (("pension_book", "health_insurance_card", "employee_id"), True),  # three B, with a photo (default)
    ((("pension_book", NO_PHOTO), ("health_insurance_card", NO_PHOTO), ("employee_id", NO_PHOTO)), False),
    ((("pension_book", NO_PHOTO), ("health_insurance_card", NO_PHOTO), "employee_id"), True),
    ((("pension_book", NO_PHOTO), ("health_insurance_card", NO_PHOTO), "photo_certificate"), True),
    ((("pension_book", NO_PHOTO), ("pension_book", NO_PHOTO), "photo_certificate"), False),
]


def _docs(specs):
    return [Document(s[0], **s[1]) if isinstance(s, tuple) else Document(s) for s in specs]


@pytest.mark.parametrize("documents, sufficient", BY_PROXY)
def test_applicant_documents_for_a_proxy_pickup(documents, sufficient):
    result = check_identity("applicant_by_proxy", _docs(documents), pickup_date=PICKUP)
    assert result.sufficient is sufficient
    assert (result.missing == "") is sufficient


def test_photo_certificate_needs_no_basis_for_the_applicant_by_proxy():
    result = check("applicant_by_proxy", "passport", "photo_certificate")
    assert result.rejected == ()


def test_three_b_without_a_photo_says_why():
    docs = _docs([("pension_book", NO_PHOTO), ("health_insurance_card", NO_PHOTO), ("employee_id", NO_PHOTO)])
    result = check_identity("applicant_by_proxy", docs, pickup_date=PICKUP)
    assert "photo" in result.missing


# --- R-E6 the proxy's own documents --------------------------------------------------------

PROXY = [
    ((), False),
    (("passport",), False),
    (("passport", "drivers_license"), True),
    (("passport", "passport"), False),
    (("passport", "pension_book"), True),
    (("pension_book", "health_insurance_card", "employee_id"), False),  # three B is not enough for the proxy
    (("passport", "photo_certificate"), False),  # the photo certificate is the applicant's
]


@pytest.mark.parametrize("documents, sufficient", PROXY)
def test_proxy_own_documents(documents, sufficient):
    assert check("proxy", *documents).sufficient is sufficient


def test_proxy_cannot_use_a_photo_certificate_even_with_a_basis():
    result = check("proxy", "passport", "photo_certificate", basis="home_care")
    assert [r for _d, r in result.rejected] == ["photo_certificate_not_allowed"]


def test_unknown_role_is_an_error():
    with pytest.raises(ValueError):
        check("someone", "passport")


# --- R-E5 proxy reasons ---------------------------------------------------------------------

REASONS = [
    # number, a word of the title, a word of the evidence (None: no evidence), representative may declare
    (1, "Illness", "Medical certificate", False),
    (2, "Adult ward", "registered matters", True),
    (3, "curatorship", "list of powers", True),
    (4, "junior high", None, True),
    (5, "High-school", "enrolment", False),
    (6, "75", "issuance notice", False),
    (7, "hospital", "Hospital care plan", False),
    (8, "Pregnancy", "Maternal and child health handbook", False),
    (9, "Work", "long absence", False),
    (10, "Studying abroad", "visa", False),
    (11, "withdrawal", "public support body", False),
]


@pytest.mark.parametrize("number, title, evidence, may_declare", REASONS)
def test_each_proxy_reason(number, title, evidence, may_declare):
    reason = rules.find_proxy_reason(number)
    assert reason.number == number
    assert title in reason.title
    if evidence is None:
        assert reason.evidence == ()
    else:
        assert any(evidence in str(e) for e in reason.evidence)
    assert reason.representative_may_declare is may_declare
    assert rules.may_declare_for_applicant(number) is may_declare


def test_there_are_exactly_eleven_reasons():
    assert [r.number for r in rules.proxy_reasons()] == list(range(1, 12))
    assert rules.find_proxy_reason(12) is None
    assert list(rules.proxy_reason_titles()) == list(range(1, 12))


def test_case_7_accepts_the_documents_of_case_1_too():
    assert set(rules.find_proxy_reason(1).evidence) <= set(rules.find_proxy_reason(7).evidence)


@pytest.mark.parametrize(
    "number, age, fits",
    [(6, 75, True), (6, 74, False), (4, 6, True), (4, 15, True), (4, 16, False), (1, 40, True), (1, None, True),
     (6, None, True), (12, None, False), (0, 30, False)],
)
def test_whether_a_case_fits(number, age, fits):
    assert (rules.proxy_reason_problem(number, applicant_age=age) is None) is fits


@pytest.mark.parametrize(
    "age, adult_ward, allowed",
    [(0, False, True), (14, False, True), (15, False, False), (40, False, False), (40, True, True), (None, False, False)],
)
def test_sub_proxy_only_for_under_15s_and_adult_wards(age, adult_ward, allowed):
    assert rules.sub_proxy_allowed(applicant_age=age, adult_ward=adult_ward) is allowed


@pytest.mark.parametrize(
    "household, representative, notified",
    [(False, False, True), (True, False, False), (False, True, False), (True, True, False)],
)
def test_applicant_is_notified_later_when_the_proxy_is_neither_household_nor_representative(
    household, representative, notified
):
    assert rules.applicant_notified_later(
        proxy_in_household=household, proxy_is_legal_representative=representative
    ) is notified


# --- R-E4 legal representative, R-E7 ----------------------------------------------------------


@pytest.mark.parametrize(
    "domicile, under_15_household, needed",
    [(False, False, True), (True, False, False), (False, True, False), (True, True, False)],
)
def test_family_register_copy_and_its_two_exemptions(domicile, under_15_household, needed):
    assert rules.family_register_copy_needed(
        domicile_in_city_and_confirmable=domicile, under_15_same_household_on_record=under_15_household
    ) is needed


@pytest.mark.parametrize("age, ward, none", [(14, False, True), (15, False, False), (40, True, True), (None, False, False)])
def test_no_signature_certificate_for_under_15s_and_adult_wards(age, ward, none):
    assert rules.no_signature_certificate(applicant_age=age, adult_ward=ward) is none


# --- R-E8, R-E6 checklist ----------------------------------------------------------------------


def codes(attendance="in_person", **kwargs):
    return [item.code for item in rules.booking_checklist(attendance, **kwargs)]


KNOWN = {"replacing_card": False, "has_notification_card": False, "has_resident_register_card": False}

CHECKLIST = [
    # (attendance, kwargs, present, absent)
    ("in_person", KNOWN, {"issuance_notice", "applicant_id"},
     {"notification_card", "resident_register_card", "old_card", "legal_representative_id", "family_register_copy",
      "proxy_id", "proxy_evidence", "letter_of_attorney"}),
    ("in_person", {**KNOWN, "has_notification_card": True}, {"notification_card"}, {"resident_register_card"}),
    ("in_person", {**KNOWN, "has_resident_register_card": True}, {"resident_register_card"}, {"notification_card"}),
    ("in_person", {**KNOWN, "replacing_card": True}, {"old_card"}, {"proxy_id"}),
    ("with_legal_representative", KNOWN, {"legal_representative_id", "family_register_copy"},
     {"proxy_id", "proxy_evidence", "letter_of_attorney"}),
    ("proxy", {**KNOWN, "proxy_reason": 1}, {"proxy_id", "proxy_evidence", "notification_card"},
     {"legal_representative_id", "family_register_copy", "letter_of_attorney", "old_card"}),
    ("proxy", {**KNOWN, "proxy_reason": 4}, {"proxy_id"}, {"proxy_evidence"}),  # case 4: no evidence
    ("proxy", {**KNOWN, "proxy_reason": 4, "applicant_age": 10, "sub_proxy": True}, {"letter_of_attorney"}, set()),
    ("proxy", {**KNOWN, "proxy_reason": 2, "applicant_age": 40, "adult_ward": True, "sub_proxy": True},
     {"letter_of_attorney"}, set()),
    ("proxy", {**KNOWN, "proxy_reason": 1, "applicant_age": 40, "sub_proxy": True}, set(), {"letter_of_attorney"}),
    ("proxy", {**KNOWN, "proxy_reason": 4, "applicant_age": 10}, set(), {"letter_of_attorney"}),
    ("in_person", {**KNOWN, "applicant_age": 10, "sub_proxy": True}, set(), {"letter_of_attorney"}),
]


@pytest.mark.parametrize("attendance, kwargs, present, absent", CHECKLIST)
def test_checklist_items_present_and_absent(attendance, kwargs, present, absent):
    listed = codes(attendance, **kwargs)
    assert present <= set(listed)
    assert not absent & set(listed)
    assert len(listed) == len(set(listed))
    assert set(listed) <= set(rules.CHECKLIST_CODES)


@pytest.mark.parametrize("number", range(1, 12))
def test_checklist_evidence_for_each_proxy_reason(number):
    items = {i.code: i for i in rules.booking_checklist("proxy", proxy_reason=number)}
    reason = rules.find_proxy_reason(number)
    if reason.evidence:
        assert str(reason.evidence[0]) in items["proxy_evidence"].note
    else:
        assert "proxy_evidence" not in items


@pytest.mark.parametrize("number, declares", [(1, False), (2, True), (3, True), (4, True), (6, False)])
def test_issuance_notice_note_says_who_fills_it_in(number, declares):
    note = rules.booking_checklist("proxy", proxy_reason=number)[0].note
    assert ("legal representative may fill in" in note) is declares


def test_reason_6_asks_to_mark_the_postcard():
    assert "coming to the window is hard" in rules.booking_checklist("proxy", proxy_reason=6)[0].note


def test_proxy_without_a_notification_card_brings_the_individual_number_notice():
    items = {i.code: i for i in rules.booking_checklist("proxy", proxy_reason=1, has_notification_card=False)}
    assert "individual number notice" in items["notification_card"].note


def test_booking_checklist_without_answers_lists_the_if_you_have_one_items():
    listed = codes("in_person")
    assert listed == ["issuance_notice", "notification_card", "resident_register_card", "applicant_id", "old_card"]
    assert all(i.label and isinstance(i.note, str) for i in rules.booking_checklist("proxy"))


def test_family_register_copy_has_a_note_on_when_it_can_be_left_out():
    item = {i.code: i for i in rules.booking_checklist("with_legal_representative")}["family_register_copy"]
    assert "Niigata City" in item.note and "under 15" in item.note


@pytest.mark.parametrize(
    "born, day, age",
    [(dt.date(1990, 4, 1), dt.date(2026, 3, 31), 35), (dt.date(1990, 4, 1), dt.date(2026, 4, 1), 36),
     # R-V1: a 29 February birthday falls on 28 February in common years.
     (dt.date(2012, 2, 29), dt.date(2026, 2, 27), 13), (dt.date(2012, 2, 29), dt.date(2026, 2, 28), 14),
     (dt.date(2008, 2, 29), dt.date(2009, 2, 28), 1), (dt.date(2008, 2, 29), dt.date(2012, 2, 28), 3),
     (dt.date(2008, 2, 29), dt.date(2012, 2, 29), 4)],
)
def test_age_on_is_the_one_age_rule_everywhere(born, day, age):
    from eligibility.lifecycle import age_on
    from reservations.rules import booking

    assert age_on(born, day) == age
    assert rules.age_on is age_on and booking.age_on is age_on


def test_youngest_age():
    assert rules.youngest_age([dt.date(1990, 1, 1), dt.date(2015, 1, 1)], dt.date(2026, 1, 1)) == 11
    assert rules.youngest_age([], dt.date(2026, 1, 1)) is None


# --- R-E9 PINs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pin, ok",
    [("ABC123", True), ("A1B2C3D4E5F6G7H8", True), ("A1B2C3D4E5F6G7H8I", False), ("AB12C", False),
     ("ABCDEF", False), ("123456", False), ("abc123", False), ("ABC 123", False), ("ＡＢＣ１２３", False), ("", False)],
)
def test_signature_pin(pin, ok):
    assert rules.signature_pin_ok(pin) is ok


@pytest.mark.parametrize("pin, ok", [("1234", True), ("0000", True), ("123", False), ("12345", False), ("12a4", False)])
def test_four_digit_pin(pin, ok):
    assert rules.four_digit_pin_ok(pin) is ok


def test_proxy_for_a_child_lists_the_family_register_copy_with_its_condition():
    from eligibility.rules import booking_checklist

    items = {item.code: item for item in booking_checklist("proxy", proxy_reason=4, applicant_age=8)}
    assert "family_register_copy" in items and items["family_register_copy"].note
    assert "family_register_copy" not in {i.code for i in booking_checklist("proxy", proxy_reason=6, applicant_age=80)}
