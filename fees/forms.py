"""
Parse what residents and clients send for a fee quote (forms parse, rules decide).

``parse_quote_payload`` reads the JSON body of ``POST /api/v1/fees/quote``
(API.md, "Fees"); ``QuoteForm`` asks the same questions on the fee page.
"""

from django import forms
from django.utils.translation import gettext as _, gettext_lazy

from portal.forms import YES_NO

from . import rules

# API.md's booleans and their defaults when left out.
FLAGS = {"old_card_returned": True, "with_certificates": True, "noto_earthquake": False}


def reason_choices():
    return [
        (rules.FIRST_ISSUE, _("My first My Number Card")),
        (rules.RENEWAL, _("Renewal: my card expires or has expired")),
        (rules.LOST, _("My card was lost or stolen")),
        (rules.DAMAGED, _("My card is damaged or dirty")),
        (rules.INVALIDATED_OWN_FAULT, _("My card became invalid through my own fault (for example a late move-in notification)")),
        (rules.INVALIDATED_NOT_OWN_FAULT, _("My card became invalid through no fault of mine (for example a changed My Number)")),
        (rules.CARD_FULL, _("The field for extra notes on the back of my card is full")),
        (rules.CERTIFICATE_ONLY, _("Only electronic certificates: new, additional or renewed")),
    ]


def parse_quote_payload(payload):
    """Return (keyword arguments of rules.quote, None) for a valid body, or (None, errors)."""
    if not isinstance(payload, dict):
        return None, {"__all__": [str(_("Send a JSON object."))]}
    errors = {}
    reason = payload.get("reason")
    if reason is None:
        errors["reason"] = [str(_("This field is required."))]
    elif not isinstance(reason, str) or reason not in rules.REASONS:
        errors["reason"] = [str(_("Choose one of the allowed values."))]
    values = {"reason": reason}
    for name, default in FLAGS.items():
        value = payload.get(name)
        if value is None:
            values[name] = default
        elif not isinstance(value, bool):
            errors[name] = [str(_("Enter true or false."))]
        else:
            values[name] = value
    if errors:
        return None, errors
    return values, None




class QuoteForm(forms.Form):
    """The fee page's questions (SPEC §6)."""

    reason = forms.ChoiceField(
        label=gettext_lazy("Why do you need a card?"), widget=forms.RadioSelect, choices=reason_choices,
    )
    old_card_returned = forms.ChoiceField(
        label=gettext_lazy("Will you hand back your old card when you pick up the new one?"),
        widget=forms.RadioSelect, choices=YES_NO, initial="yes",
        help_text=gettext_lazy("Asked for a renewal and for a card that became invalid through no fault of yours."),
    )
    with_certificates = forms.ChoiceField(
        label=gettext_lazy("Do you want electronic certificates on the new card?"),
        widget=forms.RadioSelect, choices=YES_NO, initial="yes",
        help_text=gettext_lazy("The certificates let you log in to Mynaportal and sign online applications."),
    )
    noto_earthquake = forms.ChoiceField(
        label=gettext_lazy(
            "Was the card lost or damaged in the 2024 Noto Peninsula earthquake, and do you have a disaster victim "
            "certificate (罹災証明書)?"
        ),
        widget=forms.RadioSelect, choices=YES_NO, initial="no",
    )

    def clean(self):
        cleaned = super().clean()
        for name in FLAGS:
            if name in cleaned:
                cleaned[name] = cleaned[name] == "yes"
        return cleaned

    def quote(self):
        data = self.cleaned_data
        return rules.quote(data["reason"], **{name: data[name] for name in FLAGS})
