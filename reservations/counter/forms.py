import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from reservations import rules
from reservations.booking.forms import PersonPageForm, StartForm, clean_name, clean_phone
from reservations.booking.services import CancelNotice
from reservations.models import Attendance, Booking, Service


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Code, name or kana"), max_length=100,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "type": "search"}),
        help_text=_("A scanned or typed reservation code jumps straight to the booking."),
    )


class DayListForm(forms.Form):
    """
    What a day list shows (R-S1): the day (a date field besides previous and
    next), booked slots only (the default) or every slot, and one status or
    all. Nonsense falls back to the defaults rather than an error page.
    """

    SLOTS_BOOKED, SLOTS_ALL = "booked", "all"

    date = forms.DateField(label=_("Day to show"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    slots = forms.ChoiceField(
        label=_("Slots"), required=False,
        choices=[(SLOTS_BOOKED, _("Booked slots only")), (SLOTS_ALL, _("Every slot, empty ones too"))],
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Every status")), *Booking.Status.choices])

    def __init__(self, data=None, *, today: dt.date, **kwargs):
        super().__init__(data, **kwargs)
        self.today = today

    def parsed(self) -> tuple[dt.date, bool, str]:
        """Return the day (today when none or nonsense), whether only booked slots show, and the status ("": all)."""
        cleaned = self.cleaned_data if self.is_valid() or hasattr(self, "cleaned_data") else {}
        return (
            cleaned.get("date") or self.today,
            cleaned.get("slots") != self.SLOTS_ALL,
            cleaned.get("status") or "",
        )


class ReasonForm(forms.Form):
    """
    The reason of a counter action, for the audit trail (R-S4); a cancellation
    needs one, and chooses apart what the resident's e-mail says (CancelNotice).
    """

    reason = forms.CharField(label=_("Reason"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, action="", **kwargs):
        super().__init__(*args, **kwargs)
        if action in rules.ROUTINE_ACTIONS:
            del self.fields["reason"]  # a routine step asks no reason: one click
        if action == "cancel":
            self.fields["reason"].required = True
            self.fields["reason"].label = _("Internal reason")
            self.fields["reason"].help_text = _("Kept in the booking's history for staff. Never sent to the resident.")
            self.fields["notice"] = forms.ChoiceField(
                label=_("Reason given to the resident"), choices=CancelNotice.choices, required=False,
                help_text=_("The cancellation e-mail shows this sentence, in the resident's language."),
            )


class ServiceForm(forms.Form):
    """Which service a phone booking is for (R-S2, §8); pickup unless told."""

    service = forms.ChoiceField(label=_("Service"), choices=Service.choices, required=False, widget=forms.RadioSelect)

    def chosen(self) -> str:
        """Return the service chosen, pickup when none or an unknown one was given."""
        return (self.cleaned_data["service"] or Service.PICKUP) if self.is_valid() else Service.PICKUP


class SupportPersonForm(PersonPageForm):
    """One person of an application support booking: no notice number, nobody has one before applying (R-A5)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["notice_number"]

    def clean(self):
        cleaned = super().clean()
        cleaned["notice_number"] = ""
        return cleaned


class PhoneBookingForm(StartForm):
    """The caller's ward, who comes and the slot, for a phone booking (same rules as residents)."""

    start = forms.TimeField(
        label=_("Time"), input_formats=["%H:%M"], widget=forms.RadioSelect
    )
    # Issue #15: who comes as the proxy, recorded when the attendance is a proxy (R-E5).
    proxy_name = forms.CharField(label=_("Proxy's name"), max_length=100, required=False)
    proxy_phone = forms.CharField(label=_("Proxy's phone"), max_length=40, required=False)

    def __init__(self, *args, slots=(), service=Service.PICKUP, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["party_size"]
        if service == Service.APPLICATION_SUPPORT:
            # R-A5: the applicant in person or with a legal representative, never a proxy.
            allowed = rules.service_rules(service).attendances
            self.fields["attendance"].choices = [(value, label) for value, label in Attendance.choices if value in allowed]
            self.fields["attendance"].label = _("Who comes to apply")
            self.fields["attendance"].help_text = _("Under-15s and adult wards come with their legal representative. A proxy cannot apply.")
            del self.fields["proxy_reason"], self.fields["proxy_name"], self.fields["proxy_phone"]
            self.fields["ward"].help_text = _("Application support is given only at the ward office of the caller's own ward.")
        self.fields["start"].widget.choices = [
            (slot.start.strftime("%H:%M"), f"{slot.start:%H:%M} ({slot.remaining})") for slot in slots
        ]

    def clean_proxy_name(self):
        return clean_name(self.cleaned_data["proxy_name"]) if self.cleaned_data["proxy_name"].strip() else ""

    def clean_proxy_phone(self):
        return clean_phone(self.cleaned_data["proxy_phone"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("attendance") == Attendance.PROXY:
            for field in ("proxy_name", "proxy_phone"):
                if field in self.fields and not cleaned.get(field) and field not in self.errors:
                    self.add_error(field, _("Enter the proxy's name and phone: the counter checks who comes."))
        return cleaned
