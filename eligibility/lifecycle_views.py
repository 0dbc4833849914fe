"""
"When does my card expire?" and "I am moving to Niigata" (SPEC §5). The
answers are posted, never put in the URL, and nothing is stored.
"""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fees.rules import fee_amounts

from . import lifecycle
from .lifecycle_forms import CardValidityForm, MoveInForm


def move_in_reason_text(reason):
    return {
        lifecycle.LATE_AFTER_PLANNED_MOVE_OUT: _(
            "The move-in was notified more than 30 days after the planned move-out date you gave your previous "
            "municipality."
        ),
        lifecycle.LATE_MOVE_IN_NOTIFICATION: _(
            "The move-in was notified more than 14 days after you started living at the new address."
        ),
        lifecycle.NO_CARD_FACE_CHANGE_WITHIN_90_DAYS: _(
            "The card-face change notification (券面記載事項変更届) was not filed within 90 days of the move-in "
            "notification."
        ),
        lifecycle.MOVED_OUT_WITHOUT_CARD_FACE_CHANGE: _(
            "You moved out again before filing the card-face change notification (券面記載事項変更届)."
        ),
    }.get(reason, "")


@require_http_methods(["GET", "POST"])
def card_validity(request):
    form = CardValidityForm(request.POST if request.method == "POST" else None)
    validity = form.validity() if request.method == "POST" and form.is_valid() else None
    return render(
        request,
        "eligibility/card_validity.html",
        {"form": form, "validity": validity, "today": timezone.localdate()},
    )


@require_http_methods(["GET", "POST"])
def move_in(request):
    today = timezone.localdate()
    form = MoveInForm(request.POST if request.method == "POST" else None, today=today)
    result = form.result() if request.method == "POST" and form.is_valid() else None
    return render(
        request,
        "eligibility/move_in.html",
        {
            "form": form,
            "result": result,
            "reason_text": move_in_reason_text(result.reason) if result else "",
            "today": today,
            "fees": fee_amounts(),
        },
    )
