"""Eligibility endpoints of API.md: identity documents, proxy reasons, checklist, card validity, move-in."""

from typing import Literal

from ninja import Router, Schema

from portal.api_errors import error_response, json_body

from . import rules
from .forms import parse_checklist_payload, parse_identity_payload

router = Router(tags=["eligibility"])


# --- Identity documents, proxy reasons, checklist (SPEC §4) ---------------------------


class DocumentIn(Schema):
    type: str
    original: bool | None = None
    has_photo: bool | None = None
    issued_on: str | None = None
    expires_on: str | None = None
    shows_birth_date: bool | None = None
    shows_address: bool | None = None
    matches_resident_record: bool | None = None


class IdentityIn(Schema):
    role: str | None = None
    pickup_date: str | None = None
    photo_certificate_basis: str | None = None
    documents: list[DocumentIn] | None = None


class CountedOut(Schema):
    type: str
    category: Literal["A", "B", "photo_certificate"]


class RejectedOut(Schema):
    type: str
    reason: str


class IdentityOut(Schema):
    sufficient: bool
    counted: list[CountedOut]
    rejected: list[RejectedOut]
    missing: str


class ProxyReasonOut(Schema):
    number: int
    title: str
    evidence: list[str]
    representative_may_declare: bool


class ProxyReasonsOut(Schema):
    reasons: list[ProxyReasonOut]


class ChecklistIn(Schema):
    attendance: str | None = None
    proxy_reason: int | None = None
    applicant_age: int | None = None
    adult_ward: bool | None = None
    replacing_card: bool | None = None
    has_notification_card: bool | None = None
    has_resident_register_card: bool | None = None
    sub_proxy: bool | None = None


class ChecklistItemOut(Schema):
    code: str
    label: str
    note: str


class ChecklistOut(Schema):
    items: list[ChecklistItemOut]


class EligibilityErrorsOut(Schema):
    errors: dict[str, list[str]]


def identity_json(result):
    return {
        "sufficient": result.sufficient,
        "counted": [{"type": d.type, "category": d.category} for d in result.counted],
        "rejected": [{"type": d.type, "reason": reason} for d, reason in result.rejected],
        "missing": str(result.missing),
    }


def checklist_json(items):
    return [{"code": item.code, "label": str(item.label), "note": str(item.note)} for item in items]


@router.post(
    "/identity",
    response={200: IdentityOut, 422: EligibilityErrorsOut},
    summary="Whether ID documents are enough (R-E1 … R-E3, R-E6)",
)
def identity(request, payload: IdentityIn):
    parsed, errors = parse_identity_payload(json_body(request))
    if errors:
        return error_response(request, errors)
    role, documents, pickup_date, basis = parsed
    result = rules.check_identity(role, documents, pickup_date=pickup_date, photo_certificate_basis=basis)
    return identity_json(result)


@router.get("/proxy-reasons", response=ProxyReasonsOut, summary="The 11 reasons a proxy may pick up the card (R-E5)")
def proxy_reasons(request):
    return {
        "reasons": [
            {
                "number": reason.number,
                "title": str(reason.title),
                "evidence": [str(e) for e in reason.evidence],
                "representative_may_declare": reason.representative_may_declare,
            }
            for reason in rules.proxy_reasons()
        ]
    }


@router.post(
    "/checklist",
    response={200: ChecklistOut, 422: EligibilityErrorsOut},
    summary="What to bring (R-E4, R-E6, R-E8)",
)
def checklist(request, payload: ChecklistIn):
    kwargs, errors = parse_checklist_payload(json_body(request))
    if errors:
        return error_response(request, errors)
    return {"items": checklist_json(rules.booking_checklist(kwargs.pop("attendance"), **kwargs))}


# --- Card validity and moving in (SPEC §5) ----------------------------------------------

from django.utils import timezone  # noqa: E402
from ninja import Query  # noqa: E402

from . import lifecycle  # noqa: E402
from .lifecycle_forms import parse_card_validity_query, parse_move_in_payload  # noqa: E402


class CardValidityOut(Schema):
    card_expires_on: str
    certificates_expire_on: str
    renewal_opens_on: str
    minor_at_issue: bool


class MoveInIn(Schema):
    planned_move_out_date: str | None = None
    started_living_on: str | None = None
    move_in_notified_on: str | None = None
    card_presented_at_move_in: bool | None = None
    card_face_change_notified_on: str | None = None
    moved_out_again_on: str | None = None
    today: str | None = None


class MoveInOut(Schema):
    card_valid: bool
    reason: (
        Literal[
            "late_after_planned_move_out",
            "late_move_in_notification",
            "no_card_face_change_within_90_days",
            "moved_out_without_card_face_change",
        ]
        | None
    )
    card_face_change_due_by: str | None


@router.get(
    "/card-validity",
    response={200: CardValidityOut, 422: EligibilityErrorsOut},
    summary="When a card and its certificates expire, and when renewal opens (R-V1 … R-V3)",
)
def card_validity(
    request,
    birth_date: str | None = Query(None, description="YYYY-MM-DD"),
    issue_date: str | None = Query(None, description="YYYY-MM-DD, the card's issue date"),
    application_date: str | None = Query(None, description="YYYY-MM-DD, default issue_date"),
    certificate_issue_date: str | None = Query(None, description="YYYY-MM-DD, default issue_date"),
):
    kwargs, errors = parse_card_validity_query(request.GET)
    if errors:
        return error_response(request, errors)
    validity = lifecycle.card_validity(kwargs.pop("birth_date"), kwargs.pop("issue_date"), **kwargs)
    return {
        "card_expires_on": validity.card_expires_on.isoformat(),
        "certificates_expire_on": validity.certificates_expire_on.isoformat(),
        "renewal_opens_on": validity.renewal_opens_on.isoformat(),
        "minor_at_issue": validity.minor_at_issue,
    }


@router.post(
    "/move-in",
    response={200: MoveInOut, 422: EligibilityErrorsOut},
    summary="Whether a card survives a move in to Niigata, and what is due by when (R-V4)",
)
def move_in(request, payload: MoveInIn):
    kwargs, errors = parse_move_in_payload(json_body(request), today=timezone.localdate())
    if errors:
        return error_response(request, errors)
    result = lifecycle.move_in_check(**kwargs)
    due_by = result.card_face_change_due_by
    return {
        "card_valid": result.card_valid,
        "reason": result.reason,
        "card_face_change_due_by": due_by.isoformat() if due_by else None,
    }
