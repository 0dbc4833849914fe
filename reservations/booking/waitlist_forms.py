"""
The forms of the resident's waiting-list pages (SPEC §9, R-L1): where and
when to wait, the e-mail address offers go to, and the look-up of an entry.
The party's people are the booking path's PersonPageForm; ward, who comes and
how many come from the booking path's first step (the session).
"""

import datetime as dt
from collections.abc import Iterable, Mapping

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reservations.booking.forms import SELECT_ONE, ContactForm, LookupForm, PersonPageForm
from reservations.booking.request import PersonData, WaitlistData
from reservations.models import Window

ANY_WINDOW = "any"

# BookingRefused's fields of a join (booking.waitlist) → the field of the join form that shows them.
JOIN_FIELDS = {"window": "window", "from": "date_from", "to": "date_to"}


def day_choices(first: dt.date, last: dt.date) -> list[tuple[str, str]]:
    """Every day from ``first`` to ``last`` as a choice, in words (12月1日（火） / Dec. 1 (Tue))."""
    days = (first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    return [(day.isoformat(), date_format(day, gettext("N j (D)"))) for day in days]


class JoinForm(forms.Form):
    """Where and when the party waits (R-L1): one window or any window it may use, and days inside the horizon."""

    window = forms.ChoiceField(label=_("Where"), widget=forms.RadioSelect, error_messages={"required": SELECT_ONE})
    date_from = forms.TypedChoiceField(
        label=_("From"), coerce=dt.date.fromisoformat, error_messages={"required": SELECT_ONE},
    )
    date_to = forms.TypedChoiceField(
        label=_("To"), coerce=dt.date.fromisoformat, error_messages={"required": SELECT_ONE},
        help_text=_("Times are offered only on the days from the first to the last day you choose."),
    )

    def __init__(self, *args, windows: Iterable[Window], first: dt.date, last: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.windows = {window.code: window for window in windows}
        self.fields["window"].choices = [
            *((code, window.name) for code, window in self.windows.items()),
            (ANY_WINDOW, _("Any window I may use")),
        ]
        for name in ("date_from", "date_to"):
            self.fields[name].choices = day_choices(first, last)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", _("The last day comes before the first day. Choose the days again."))
        return cleaned

    def chosen_window(self) -> Window | None:
        """The window chosen, or None for any window the ward may use."""
        return self.windows.get(self.cleaned_data["window"])


class WaitlistContactForm(ContactForm):
    """The contact of an entry: an e-mail address is required, since offers go by mail (R-L1)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.required = True
        email.error_messages["required"] = _("Enter an e-mail address: offers are sent by e-mail.")
        email.help_text = _("Offers of a free time are sent to this address.")
        self.fields["phone"].help_text = _("Optional. We use it only about this entry.")


class WaitlistLookupForm(LookupForm):
    """An entry's code and the first person's date of birth (as a booking's look-up, R-B8)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Waiting-list code")


def waitlist_data(
    started: Mapping, join: JoinForm, people: Iterable[PersonPageForm], contact: WaitlistContactForm, language: str
) -> WaitlistData:
    """Return the request of valid forms and the booking path's first step (``started``)."""
    return WaitlistData(
        service=started.get("service") or "pickup", window=join.chosen_window(),
        date_from=join.cleaned_data["date_from"], date_to=join.cleaned_data["date_to"], ward=started["ward"],
        attendance=started["attendance"], proxy_reason=started.get("proxy_reason"),
        email=contact.cleaned_data["email"], phone=contact.cleaned_data["phone"], language=language,
        people=tuple(PersonData.from_form(form) for form in people),
    )


def add_refusal_errors(
    errors: Mapping[str, list[str]], join: JoinForm, people: list[PersonPageForm], contact: WaitlistContactForm
) -> None:
    """
    Put each message of a refused join (BookingRefused.messages()) at its
    field: the window and days on the join form, ``people.N.field`` on
    person N, the contact's on the contact form, the rest (who comes, the
    proxy reason: the first step's) above the join form.
    """
    for field, texts in errors.items():
        form, name = join, JOIN_FIELDS.get(field)
        parts = field.split(".")
        if parts[0] == "people" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(people):
            form, name = people[int(parts[1])], parts[2]
        elif field in ("email", "phone"):
            form, name = contact, field
        if name not in form.fields:
            name = None
        for text in texts:
            form.add_error(name, text)
