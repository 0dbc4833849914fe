"""The fee calculator (SPEC §6): a few questions, then each line of the fee explained."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from . import rules
from .forms import QuoteForm


def rule_text(rule):
    """Return why the fee is what it is, by the SPEC rule that decided."""
    return {
        "R-F1": _("A first card, a renewal with the old card handed back, a new card because the extra-notes field is full, and new, additional or renewed electronic certificates are free."),
        "R-F2": _("A new card after loss, theft, damage or invalidation through your own fault costs %(card)s yen for the card and %(certificates)s yen for the electronic certificates.") % rules.fee_amounts(),
        "R-F3": _("A new card after invalidation through no fault of yours, or a renewal, is free only when you hand back the old card at pickup. Without it, the card costs %(card)s yen and the certificates %(certificates)s yen.") % rules.fee_amounts(),
        "R-F4": _("A card lost or damaged in the 2024 Noto Peninsula earthquake is reissued free when you bring a disaster victim certificate (罹災証明書)."),
    }[rule]


def line_label(item):
    return {
        "card": _("The card (個人番号カード)"),
        "certificates": _("Electronic certificates (電子証明書)"),
    }[item]


def quote(request):
    # Any answer means the form was sent: a missing reason is then an error, not a blank page.
    form = QuoteForm(request.GET if any(name in request.GET for name in QuoteForm.base_fields) else None)
    result = form.quote() if form.is_bound and form.is_valid() else None
    return render(
        request,
        "fees/quote.html",
        {
            "form": form,
            "quote": result,
            "lines": [(line_label(line.item), line.amount) for line in result.lines] if result else [],
            "rule_text": rule_text(result.rule) if result else "",
            "fees": rules.fee_amounts(),
        },
    )
