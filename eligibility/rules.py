"""
ID documents, proxy pickup and what to bring (SPEC §4, R-E1 … R-E9).

Pure: plain values in, plain values out, with an explicit ``pickup_date``.
The HTML pages, the booking pages, the messages and the JSON API all call
these functions.
"""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models.enums import TextChoices
from django.utils.translation import get_language, gettext as _, gettext_lazy

from eligibility.lifecycle import age_on
from fees.rules import fee_amounts


class Attendance(TextChoices):
    """
    Who comes to pick up the card (R-B4, R-E5, R-E8): the one vocabulary of the
    booking's field, the wizard, the checklist API and the counter.
    """

    IN_PERSON = "in_person", gettext_lazy("The applicant in person")
    WITH_LEGAL_REPRESENTATIVE = "with_legal_representative", gettext_lazy("The applicant with a legal representative")
    PROXY = "proxy", gettext_lazy("A proxy (代理人)")


# --- Documents (R-E1, R-E2) -------------------------------------------------------

A = "A"
B = "B"
PHOTO_CERTIFICATE = "photo_certificate"

# Reasons a document is not counted (API.md).
COPY = "copy"
EXPIRED = "expired"
ISSUED_BEFORE_2012_04_01 = "issued_before_2012_04_01"
NO_BIRTH_DATE_OR_ADDRESS = "no_birth_date_or_address"
MISMATCH = "mismatch"
PHOTO_CERTIFICATE_NOT_ALLOWED = "photo_certificate_not_allowed"

# Driving history certificates count only from this issue date on (R-E1).
DRIVING_HISTORY_FROM = dt.date(2012, 4, 1)

# Roles whose documents are checked (API.md).
APPLICANT_IN_PERSON = "applicant_in_person"
APPLICANT_BY_PROXY = "applicant_by_proxy"
PROXY = "proxy"
ROLES = (APPLICANT_IN_PERSON, APPLICANT_BY_PROXY, PROXY)

# Who may certify a photo certificate (個人番号カード顔写真証明書), R-E3.
PHOTO_CERTIFICATE_BASES = ("hospital_or_facility", "home_care", "minor_or_adult_ward", "social_withdrawal")


@dataclass(frozen=True)
class DocumentType:
    code: str
    category: str
    name_ja: str
    name_en: str

    @property
    def name(self) -> str:
        """Return the name in the active language (the Japanese name is the city's term)."""
        return self.name_ja if (get_language() or "ja").startswith("ja") else str(self.name_en)


DOCUMENT_TYPES = {
    doc.code: doc
    for doc in (
        DocumentType("my_number_card", A, "マイナンバーカード", gettext_lazy("My Number Card")),
        DocumentType("drivers_license", A, "運転免許証", gettext_lazy("Driving licence")),
        DocumentType(
            "driving_history_certificate", A, "運転経歴証明書",
            gettext_lazy("Driving history certificate (issued on or after 1 April 2012)"),
        ),
        DocumentType("passport", A, "旅券", gettext_lazy("Passport")),
        DocumentType("physical_disability_certificate", A, "身体障害者手帳", gettext_lazy("Physical disability certificate")),
        DocumentType(
            "mental_disability_certificate", A, "精神障害者保健福祉手帳", gettext_lazy("Mental disability certificate"),
        ),
        DocumentType("rehabilitation_certificate", A, "療育手帳", gettext_lazy("Rehabilitation certificate")),
        DocumentType("residence_card", A, "在留カード", gettext_lazy("Residence card")),
        DocumentType(
            "special_permanent_resident_certificate", A, "特別永住者証明書",
            gettext_lazy("Special permanent resident certificate"),
        ),
        DocumentType("health_insurance_card", B, "健康保険証", gettext_lazy("Health insurance card")),
        DocumentType("medical_recipient_certificate", B, "医療受給者証", gettext_lazy("Medical care recipient certificate")),
        DocumentType("pension_book", B, "年金手帳", gettext_lazy("Pension book")),
        DocumentType("care_insurance_card", B, "介護保険証", gettext_lazy("Long-term care insurance card")),
        DocumentType("maternal_child_handbook", B, "母子手帳", gettext_lazy("Maternal and child health handbook")),
        DocumentType("employee_id", B, "社員証", gettext_lazy("Employee ID")),
        DocumentType("student_id", B, "学生証", gettext_lazy("Student ID")),
        DocumentType(
            PHOTO_CERTIFICATE, PHOTO_CERTIFICATE, "個人番号カード顔写真証明書",
            gettext_lazy("Photo certificate for the My Number Card"),
        ),
    )
}


def documents_of(category: str) -> list[DocumentType]:
    """Return the DocumentTypes of ``category`` in the order of R-E1."""
    return [doc for doc in DOCUMENT_TYPES.values() if doc.category == category]


def photo_certificate_bases() -> dict[str, tuple[str, str]]:
    """Return {basis: (who it is for, who certifies it)} of R-E3."""
    return {
        "hospital_or_facility": (
            _("People in a long-term hospital stay or living in a care facility"),
            _("The hospital or facility director"),
        ),
        "home_care": (
            _("People receiving home medical or welfare services"),
            _("The care manager or the head of their provider"),
        ),
        "minor_or_adult_ward": (
            _("Minors and adult wards (成年被後見人)"),
            _("The legal representative (a parent, a guardian)"),
        ),
        "social_withdrawal": (
            _("People in prolonged social withdrawal (ひきこもり)"),
            _("Staff or the head of a public support body"),
        ),
    }


@dataclass(frozen=True)
class Document:
    """One document as the resident holds it; every field but ``type`` defaults to the favourable value."""

    type: str
    original: bool = True
    has_photo: bool = True
    issued_on: dt.date | None = None
    expires_on: dt.date | None = None
    shows_birth_date: bool = True
    shows_address: bool = True
    matches_resident_record: bool = True

    @property
    def category(self) -> str:
        return DOCUMENT_TYPES[self.type].category

    @property
    def with_photo(self) -> bool:
        """A-documents and the photo certificate carry a photo; a B-document only if it says so."""
        return self.category != B or self.has_photo


def document_problem(document: Document, pickup_date: dt.date) -> str | None:
    """
    Return why ``document`` does not count on ``pickup_date`` (R-E1, R-E2), or None.

    A document that expires on the pickup date is still valid that day.
    """
    if not document.original:
        return COPY
    if document.expires_on is not None and document.expires_on < pickup_date:
        return EXPIRED
    if (
        document.type == "driving_history_certificate"
        and document.issued_on is not None
        and document.issued_on < DRIVING_HISTORY_FROM
    ):
        return ISSUED_BEFORE_2012_04_01
    # Name + date of birth or name + address (a student ID with neither never counts, even with a photo).
    if not (document.shows_birth_date or document.shows_address):
        return NO_BIRTH_DATE_OR_ADDRESS
    if not document.matches_resident_record:
        return MISMATCH
    return None


@dataclass(frozen=True)
class IdentityResult:
    sufficient: bool
    counted: tuple  # of Documents, one per type
    rejected: tuple  # of (Document, reason)
    missing: str

    @property
    def reasons(self) -> list[tuple[DocumentType, str]]:
        """Return the rejections in words: [(document type, reason text)]."""
        return [(DOCUMENT_TYPES[doc.type], rejection_text(reason)) for doc, reason in self.rejected]


def rejection_text(reason: str) -> str:
    """Return a rejection reason code in words."""
    return {
        COPY: _("Copies are not accepted: bring the original."),
        EXPIRED: _("It has expired by the pickup date."),
        ISSUED_BEFORE_2012_04_01: _("Driving history certificates issued before 1 April 2012 are not accepted."),
        NO_BIRTH_DATE_OR_ADDRESS: _("It must show your name with your date of birth or your address."),
        MISMATCH: _("It must match your latest resident record (name, address, date of birth)."),
        PHOTO_CERTIFICATE_NOT_ALLOWED: _(
            "The photo certificate can be used only by the applicant, and in person only for the people listed."
        ),
    }[reason]


def check_identity(
    role: str, documents: Iterable[Document], *, pickup_date: dt.date, photo_certificate_basis: str | None = None
) -> IdentityResult:
    """
    Return the IdentityResult of ``documents`` shown by ``role`` on ``pickup_date``.

    applicant_in_person (R-E3): one A, or two B, or one B and a photo
    certificate where ``photo_certificate_basis`` allows it.
    applicant_by_proxy (R-E6): two A, or one A and one B, or three B of which
    at least one with a photo (a photo certificate counts as a B with a photo).
    proxy (R-E6): two A, or one A and one B.
    A rejected document is not counted; the same type twice counts once.
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    counted, rejected, seen = [], [], set()
    for document in documents:
        reason = document_problem(document, pickup_date)
        if reason is None and document.category == PHOTO_CERTIFICATE:
            if role == PROXY or (role == APPLICANT_IN_PERSON and not photo_certificate_basis):
                reason = PHOTO_CERTIFICATE_NOT_ALLOWED
        if reason is not None:
            rejected.append((document, reason))
        elif document.type not in seen:
            seen.add(document.type)
            counted.append(document)
    a = sum(1 for d in counted if d.category == A)
    b = sum(1 for d in counted if d.category == B)
    photo = sum(1 for d in counted if d.category == PHOTO_CERTIFICATE)
    if role == APPLICANT_IN_PERSON:
        sufficient = a >= 1 or b >= 2 or (b >= 1 and photo >= 1)
        missing = "" if sufficient else _missing_in_person(b, photo, photo_certificate_basis)
    elif role == APPLICANT_BY_PROXY:
        others = [d for d in counted if d.category != A]
        pictured = any(d.with_photo for d in others)
        sufficient = a >= 2 or (a >= 1 and len(others) >= 1) or (len(others) >= 3 and pictured)
        missing = "" if sufficient else _missing_by_proxy(a, len(others), pictured)
    else:
        sufficient = a >= 2 or (a >= 1 and b >= 1)
        missing = "" if sufficient else _missing_proxy(a, b)
    return IdentityResult(sufficient, tuple(counted), tuple(rejected), missing)


def _missing_in_person(b: int, photo: int, basis: str | None) -> str:
    if b == 1 and basis:
        return _("One more document: a photo ID (category A), another category B document or the photo certificate.")
    if b == 1:
        return _("One more document: a photo ID (category A) or another category B document.")
    if photo:
        return _("A photo ID (category A), or one category B document besides the photo certificate.")
    return _("One photo ID (category A), or two category B documents.")


def _missing_by_proxy(a: int, others: int, pictured: bool) -> str:
    if a == 1:
        return _("One more document: another photo ID (category A) or a category B document.")
    if others >= 3:
        return _("At least one of the category B documents must have a photo (a photo certificate counts).")
    if others == 2:
        return _("One more document: a photo ID (category A), or a third category B document; one of them with a photo.")
    if others == 1:
        return _("A photo ID (category A), or two more category B documents; one of them with a photo.")
    return _("Two photo IDs (category A), a photo ID and a category B document, or three category B documents of which one has a photo.")


def _missing_proxy(a: int, b: int) -> str:
    if a == 1:
        return _("One more document: another photo ID (category A) or a category B document.")
    if b:
        return _("A photo ID (category A) is needed as well.")
    return _("Two photo IDs (category A), or a photo ID and a category B document.")


# --- Proxy pickup (R-E5, R-E6) -----------------------------------------------------

SUB_PROXY_MAX_AGE = 14  # a sub-proxy only for under-15s and adult wards (R-E6)


@dataclass(frozen=True)
class ProxyReason:
    number: int
    title: str
    evidence: tuple
    representative_may_declare: bool
    note: str = ""


def proxy_reason_titles() -> dict[int, str]:
    """Return {number: title} of the 11 reasons a proxy may pick up the card (R-E5)."""
    return {
        1: _("Illness, physical or other disability"),
        2: _("Adult ward (成年被後見人)"),
        3: _("Person under curatorship or assistance (被保佐人・被補助人)"),
        4: _("Pre-school, elementary or junior high school child"),
        5: _("High-school or technical college student"),
        6: _("Aged 75 or over"),
        7: _("Long-term hospital stay, facility resident, or certified as needing care or support"),
        8: _("Pregnancy"),
        9: _("Work that makes coming objectively hard (long business trips, seafarers)"),
        10: _("Studying abroad"),
        11: _("Prolonged social withdrawal (ひきこもり)"),
    }


# In cases 2–4 the legal representative may declare the will to apply in the applicant's place (R-E5, R-E6).
REPRESENTATIVE_MAY_DECLARE = frozenset({2, 3, 4})


def _case_1_evidence() -> list[str]:
    return [
        _("Medical certificate (診断書)"),
        _("Special child-rearing allowance certificate"),
        _("Disability welfare service recipient certificate"),
        _("Independence support medical care certificate"),
        _("Disability or rehabilitation handbook (the grade alone is not enough: the symptoms are asked)"),
        _("A photo certificate made by a hospital or facility director or a care manager"),
    ]


def proxy_reasons() -> list[ProxyReason]:
    """Return the 11 ProxyReasons of R-E5 with their evidence (疎明資料)."""
    titles = proxy_reason_titles()
    evidence = {
        1: _case_1_evidence(),
        2: [_("Certificate of registered matters (登記事項証明書)")],
        3: [
            _("Certificate of registered matters (登記事項証明書)"),
            _("The list of powers (代理行為目録), which must include procedures for the My Number Card"),
        ],
        4: [],
        5: [_("Proof of enrolment (student ID, certificate of enrolment)")],
        6: [_("The issuance notice postcard, marked near the proxy box that coming to the window is hard")],
        7: [
            *_case_1_evidence(),
            _("Hospital care plan"),
            _("A hospital receipt or statement that shows the stay"),
            _("Proof of living in a facility"),
            _("Long-term care insurance card"),
            _("Care or support certification notice"),
        ],
        8: [_("Maternal and child health handbook"), _("A receipt or voucher of a prenatal check-up")],
        9: [_("A copy of a document that shows the long absence (e.g. a written order)")],
        10: [_("A copy of a document that shows the study abroad (visa, proof of enrolment)")],
        11: [
            _("A document by the public support body that the person consults it"),
            _("A photo certificate made by its staff"),
        ],
    }
    notes = {
        4: _("No evidence is needed: the date of birth on the applicant's ID is checked. A family register copy (戸籍謄本) may be needed when the resident record cannot show the parent–child relation."),
        5: _("A student ID showing neither an address nor a date of birth does not count as an ID, even with a photo."),
        6: _("The date of birth on the applicant's ID is checked too."),
    }
    return [
        ProxyReason(n, titles[n], tuple(evidence[n]), n in REPRESENTATIVE_MAY_DECLARE, notes.get(n, ""))
        for n in range(1, 12)
    ]


def find_proxy_reason(number: int | None) -> ProxyReason | None:
    """Return the ProxyReason ``number`` (1–11), or None."""
    return next((reason for reason in proxy_reasons() if reason.number == number), None)


def proxy_reason_problem(number: int, *, applicant_age: int | None = None) -> str | None:
    """Return why case ``number`` cannot fit an applicant of ``applicant_age``, or None when it may fit."""
    if number not in range(1, 12):
        return _("Choose a reason from 1 to 11.")
    if applicant_age is None:
        return None
    if number == 4 and applicant_age > 15:
        return _("Case 4 is for children up to junior high school (aged 15 at most).")
    if number == 6 and applicant_age < 75:
        return _("Case 6 is for applicants aged 75 or over.")
    return None


def may_declare_for_applicant(number: int | None) -> bool:
    """Return True when the legal representative may declare the will to apply (cases 2–4, R-E5)."""
    return number in REPRESENTATIVE_MAY_DECLARE


def sub_proxy_allowed(*, applicant_age: int | None = None, adult_ward: bool = False) -> bool:
    """A sub-proxy (復代理人) is allowed only for an applicant under 15 or an adult ward (R-E6)."""
    return bool(adult_ward) or (applicant_age is not None and applicant_age <= SUB_PROXY_MAX_AGE)


def applicant_notified_later(*, proxy_in_household: bool, proxy_is_legal_representative: bool) -> bool:
    """The city later tells the applicant when the proxy is neither a household member nor the legal representative."""
    return not (proxy_in_household or proxy_is_legal_representative)


def family_register_copy_needed(
    *, domicile_in_city_and_confirmable: bool = False, under_15_same_household_on_record: bool = False
) -> bool:
    """R-E4: a legal representative brings a 戸籍謄本 unless one of the two exemptions applies."""
    return not (domicile_in_city_and_confirmable or under_15_same_household_on_record)


def no_signature_certificate(*, applicant_age: int | None = None, adult_ward: bool = False) -> bool:
    """R-E7: under-15s and adult wards get no signature certificate; their PIN is set by the legal representative."""
    return bool(adult_ward) or (applicant_age is not None and applicant_age < 15)


# --- What to bring (R-E8, R-E6, R-E4) -------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    label: str
    note: str = ""


CHECKLIST_CODES = (
    "issuance_notice",
    "notification_card",
    "resident_register_card",
    "applicant_id",
    "old_card",
    "legal_representative_id",
    "family_register_copy",
    "proxy_id",
    "proxy_evidence",
    "letter_of_attorney",
)
# The item codes of the application support service's checklist (R-A6, API.md "Services").
SUPPORT_CHECKLIST_CODES = (
    "applicant_id",
    "application_form",
    "pin_request_form",
    "notification_card",
    "resident_register_card",
    "old_card",
    "legal_representative_id",
)


def booking_checklist(
    attendance: str,
    *,
    proxy_reason: int | None = None,
    applicant_age: int | None = None,
    adult_ward: bool = False,
    replacing_card: bool | None = None,
    has_notification_card: bool | None = None,
    has_resident_register_card: bool | None = None,
    sub_proxy: bool = False,
) -> list[ChecklistItem]:
    """
    Return the ChecklistItems for an applicant who comes as ``attendance`` (R-E8, R-E4, R-E6).

    ``None`` for ``replacing_card``, ``has_notification_card`` and
    ``has_resident_register_card`` means "not known" (a booking): the item is
    listed with an "if you have one" note. ``True``/``False`` decide.
    """
    proxy = attendance == Attendance.PROXY
    # Under-15s and adult wards: the legal representative acts for them (R-E3, R-E7).
    represented = (applicant_age is not None and applicant_age < 15) or bool(adult_ward)
    items = [
        _issuance_notice_item(proxy, proxy_reason),
        *_notification_card_items(proxy, has_notification_card),
        *_resident_register_card_items(has_resident_register_card),
        _applicant_id_item(proxy, represented),
        *_old_card_items(replacing_card),
    ]
    if attendance == Attendance.WITH_LEGAL_REPRESENTATIVE:
        items += _legal_representative_items(represented)
    if proxy:
        sub_proxy_comes = sub_proxy and sub_proxy_allowed(applicant_age=applicant_age, adult_ward=adult_ward)
        items += _proxy_items(proxy_reason, sub_proxy_comes)
    return items


def application_support_checklist(attendance: str, *, applicant_age: int | None = None) -> list[ChecklistItem]:
    """
    Return what to bring to the application support service (R-A6): two or
    more IDs, the application form, the PIN request form, the notification
    card or individual number notice, the Basic Resident Register card and the
    old card if held; the legal representative's ID when they come (R-A5).
    """
    items = [
        ChecklistItem(
            "applicant_id", _("Two or more identity documents of the applicant (本人確認書類2点以上, originals)"),
            _("For example a driving licence and a health insurance card, or a passport and a pension book."),
        ),
        ChecklistItem(
            "application_form",
            _("The application form (個人番号カード交付申請書兼電子証明書発行申請書)"),
            _("The form mailed to you. If you lost it, a new one is issued at the counter."),
        ),
        ChecklistItem(
            "pin_request_form",
            _("The PIN request form (個人番号カード・電子証明書暗証番号設定依頼書)"),
            _("Available at the counter, or download and fill it in beforehand."),
        ),
        ChecklistItem(
            "notification_card", _("Notification card (通知カード) or individual number notice (個人番号通知書)"),
            _("If you have one."),
        ),
        *_resident_register_card_items(None),
        ChecklistItem(
            "old_card", _("Your old My Number Card"), _("If you have one (for example when it expired or was damaged)."),
        ),
    ]
    if attendance == Attendance.WITH_LEGAL_REPRESENTATIVE:
        represented = applicant_age is not None and applicant_age < 15
        items.append(ChecklistItem(
            "legal_representative_id", _("The legal representative's own identity document (original)"),
            _("Needed for applicants under 15 and adult wards (成年被後見人), who come with their legal representative.")
            if not represented else _("The applicant is under 15: the legal representative comes and applies with them."),
        ))
    return items


def _issuance_notice_item(proxy: bool, proxy_reason: int | None) -> ChecklistItem:
    """The issuance notice; for a proxy, with the declaration filled in (R-E5, R-E6)."""
    label = _("The issuance notice (交付通知書)")
    if not proxy:
        return ChecklistItem("issuance_notice", label, _("The postcard you received."))
    declaration = (
        _("The postcard you received, with the declaration, the PINs (covered with the sealing sticker) and the proxy section filled in; the legal representative may fill in all of it.")
        if may_declare_for_applicant(proxy_reason)
        else _("The postcard you received, with the applicant's declaration, the PINs (covered with the sealing sticker) and the proxy section filled in by the applicant.")
    )
    if proxy_reason == 6:
        declaration += " " + _("Write near the proxy box that coming to the window is hard.")
    return ChecklistItem("issuance_notice", label, declaration)


def _notification_card_items(proxy: bool, has_notification_card: bool | None) -> list[ChecklistItem]:
    """The notification card or individual number notice (R-E8)."""
    either = _("Notification card (通知カード) or individual number notice")
    if proxy:
        if has_notification_card is False:
            note = _("The applicant's individual number notice (個人番号通知書); it is given back.")
        else:
            note = _("The applicant's notification card is collected at the counter. If the number was given after notification cards ended, bring the individual number notice (it is given back).")
        return [ChecklistItem("notification_card", either, note)]
    if has_notification_card is None:
        return [ChecklistItem(
            "notification_card", either, _("If you have one. The notification card is collected at the counter."),
        )]
    if has_notification_card:
        return [ChecklistItem(
            "notification_card", _("Notification card (通知カード)"),
            _("It is collected at the counter. If you lost it, you fill in a loss report at the counter."),
        )]
    return []


def _resident_register_card_items(has_resident_register_card: bool | None) -> list[ChecklistItem]:
    """The Basic Resident Register card, collected at the counter (R-E8)."""
    label = _("Basic Resident Register card (住基カード)")
    if has_resident_register_card is None:
        return [ChecklistItem(
            "resident_register_card", label, _("If you have one. It is collected at the counter."),
        )]
    if has_resident_register_card:
        return [ChecklistItem("resident_register_card", label, _("It is collected at the counter."))]
    return []


def _applicant_id_item(proxy: bool, represented: bool) -> ChecklistItem:
    """The applicant's identity documents (R-E3 in person, R-E6 by proxy)."""
    if proxy:
        note = _("Two documents for a proxy pickup: two photo IDs, a photo ID and another ID, or three IDs of which one has a photo.")
    else:
        note = _("One photo ID (driving licence, passport, …) or two other IDs (health insurance card, pension book, …).")
        if represented:
            note += " " + _("A photo certificate made by the legal representative may stand in for one of the two other IDs.")
    return ChecklistItem("applicant_id", _("The applicant's identity documents (originals)"), note)


def _old_card_items(replacing_card: bool | None) -> list[ChecklistItem]:
    """The old card, without which the reissue is charged at the fees of fees.rules (R-F3, R-F2)."""
    fees = fee_amounts()
    if replacing_card is None:
        return [ChecklistItem(
            "old_card", _("Your old My Number Card"),
            _("Only when you are renewing or reissuing a card (for example after it expired or was damaged). Without it the new card is charged (card %(card)s yen, certificates %(certificates)s yen).") % fees,
        )]
    if replacing_card:
        return [ChecklistItem(
            "old_card", _("The old My Number Card"),
            _("It is collected at the counter. Without it the new card is charged (card %(card)s yen, certificates %(certificates)s yen).") % fees,
        )]
    return []


def _legal_representative_items(represented: bool) -> list[ChecklistItem]:
    """The legal representative's ID and the family register copy (R-E4)."""
    return [
        ChecklistItem(
            "legal_representative_id", _("The legal representative's own identity document (original)"),
            _("The legal representative sets the applicant's user-authentication PIN at the counter.") if represented else "",
        ),
        ChecklistItem(
            "family_register_copy", _("A family register copy (戸籍謄本) showing the relationship"),
            _("Not needed when the applicant's registered domicile (本籍) is in Niigata City and the relationship can be confirmed, or when the applicant is under 15 and in the same household with the relationship on the resident record."),
        ),
    ]


def _proxy_items(proxy_reason: int | None, sub_proxy_comes: bool) -> list[ChecklistItem]:
    """The proxy's IDs, the evidence of the reason and the letter of attorney of a sub-proxy (R-E5, R-E6)."""
    items = [ChecklistItem(
        "proxy_id", _("The proxy's own identity documents (originals)"),
        _("Two photo IDs, or one photo ID and one other ID."),
    )]
    reason = find_proxy_reason(proxy_reason) if proxy_reason else None
    evidence = _("Documents that show why the applicant cannot come")
    if reason is None:
        items.append(ChecklistItem(
            "proxy_evidence", evidence, _("The evidence for the proxy reason (medical certificate, etc.)."),
        ))
    elif reason.evidence:
        items.append(ChecklistItem("proxy_evidence", evidence, _evidence_note(reason)))
    if reason is not None and reason.number == 4:
        items.append(ChecklistItem(
            "family_register_copy", _("A family register copy (戸籍謄本) showing the relationship"),
            _("Only when the resident record cannot show that the proxy is the child's parent (for example, a different household)."),
        ))
    if sub_proxy_comes:
        items.append(ChecklistItem(
            "letter_of_attorney", _("Letter of attorney (委任状) from the legal representative"),
            _("Needed because a sub-proxy (復代理人) chosen by the legal representative comes. Any format."),
        ))
    return items


def _evidence_note(reason: ProxyReason) -> str:
    listed = " / ".join(str(e) for e in reason.evidence)
    if len(reason.evidence) == 1:
        return listed
    if reason.number == 3:
        return _("Both: %(documents)s") % {"documents": listed}
    return _("One of these: %(documents)s") % {"documents": listed}


def youngest_age(birth_dates: Iterable[dt.date | None], day: dt.date) -> int | None:
    """Return the age on ``day`` of the youngest of ``birth_dates``, or None for none."""
    ages = [age_on(born, day) for born in birth_dates if born is not None]
    return min(ages) if ages else None


# --- PINs (R-E9) ----------------------------------------------------------------------

SIGNATURE_PIN = re.compile(r"^(?=.*[A-Z])(?=.*[0-9])[A-Z0-9]{6,16}$")
FOUR_DIGITS = re.compile(r"^[0-9]{4}$")


def signature_pin_ok(pin: str | None) -> bool:
    """6–16 characters of A–Z and 0–9 with at least one letter and one digit (R-E9)."""
    return bool(SIGNATURE_PIN.match(pin or ""))


def four_digit_pin_ok(pin: str | None) -> bool:
    """User authentication, resident registry and card-face PINs: 4 digits (R-E9)."""
    return bool(FOUR_DIGITS.match(pin or ""))
