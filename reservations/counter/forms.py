from django import forms
from django.utils.translation import gettext_lazy as _

from reservations.booking.forms import StartForm
from reservations.booking.services import CancelNotice


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Code, name or kana"), max_length=100,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "type": "search"}),
        help_text=_("A scanned or typed reservation code jumps straight to the booking."),
    )


class ReasonForm(forms.Form):
    """
    The reason of a counter action, for the audit trail (R-S4); a cancellation
    needs one, and chooses apart what the resident's e-mail says (CancelNotice).
    """

    reason = forms.CharField(label=_("Reason"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, action="", **kwargs):
        super().__init__(*args, **kwargs)
        if action == "cancel":
            self.fields["reason"].required = True
            self.fields["reason"].label = _("Internal reason")
            self.fields["reason"].help_text = _("Kept in the booking's history for staff. Never sent to the resident.")
            self.fields["notice"] = forms.ChoiceField(
                label=_("Reason given to the resident"), choices=CancelNotice.choices, required=False,
                help_text=_("The cancellation e-mail shows this sentence, in the resident's language."),
            )


class PhoneBookingForm(StartForm):
    """The caller's ward, who comes and the slot, for a phone booking (same rules as residents)."""

    start = forms.TimeField(label=_("Time"), input_formats=["%H:%M"], widget=forms.RadioSelect)

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["party_size"]
        self.fields["start"].widget.choices = [
            (slot.start.strftime("%H:%M"), f"{slot.start:%H:%M}–{slot.end:%H:%M} ({slot.remaining})") for slot in slots
        ]
