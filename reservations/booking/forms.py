"""
The booking forms of the resident's pages and the staff phone booking, and
the cleaning of a booking's fields (R-B3 … R-B5, R-E5) that the JSON API's
schemas (reservations.booking.request) call too: one set of words for a
field, whatever the source.
"""

import datetime as dt
from collections.abc import Sequence

from django import forms
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eligibility.rules import proxy_reason_titles
from portal import dates
from portal.forms import DateOfBirthMixin
from reservations import rules
from reservations.models import Attendance, Service, Ward
from reservations.rules.booking import proxy_age_problem
from reservations.rules.inputs import is_latin_name, reading_problem, to_reading

# --- Booking input (R-B3 … R-B5) --------------------------------------------

OUTSIDE_CITY = "outside"
PROXY_REASONS = range(1, 12)


def clean_notice_number(value: str) -> str:
    """Return the issuance notice number made canonical; refuse a My Number (R-B4)."""
    number = rules.normalize_number(value)
    problem = rules.notice_number_problem(number)
    if problem == "my_number":
        raise forms.ValidationError(
            _("This looks like a My Number (個人番号). Do not enter your My Number: enter the number printed on your issuance notice."),
            code="my_number",
        )
    if problem == "required":
        raise forms.ValidationError(_("Enter the number printed on your issuance notice."), code="required")
    if problem:
        raise forms.ValidationError(
            _("Enter the number printed on your issuance notice (6 to 30 letters and digits)."), code="invalid"
        )
    return number


INVISIBLE_DIRECTION = _("Remove the invisible text-direction characters (they may come with copied text).")


def clean_name(value: str) -> str:
    """
    Return the name with its spaces made single; refuse a number typed as a
    name (R-B4) and invisible text-direction characters (issue #18).
    """
    if rules.has_bidi_controls(value):
        raise forms.ValidationError(INVISIBLE_DIRECTION)
    name = " ".join(rules.normalize_width(value).split())
    if rules.is_my_number(rules.normalize_number(name)):
        raise forms.ValidationError(_("Enter your name here, not a number."))
    return name


def clean_kana(value: str, name: str | None = None) -> str:
    """
    Return the reading of ``name`` (フリガナ): katakana (hiragana and
    half-width kana are converted), or for a name written in Latin letters
    the same Latin letters, stored in upper case (R-B4). With ``name`` None
    (not known yet, or refused) only the form of the reading is checked.
    """
    if rules.has_bidi_controls(value):
        raise forms.ValidationError(INVISIBLE_DIRECTION)
    reading = to_reading(value)
    problem = reading_problem(name, reading)
    if problem == "not_katakana" and name is not None and is_latin_name(name):
        raise forms.ValidationError(
            _("Enter the reading in katakana, or repeat the name in the same Latin letters (for example GARCIA MARIA)."),
            code="kana",
        )
    if problem == "not_katakana":
        raise forms.ValidationError(_("Enter your name in katakana (for example ニイガタ タロウ)."), code="kana")
    if problem == "latin_for_non_latin_name":
        raise forms.ValidationError(
            _("Enter the reading in katakana (for example ニイガタ タロウ). Latin letters are accepted only for a name written in Latin letters."),
            code=problem,
        )
    if problem == "latin_mismatch":
        raise forms.ValidationError(
            _("In Latin letters, repeat the name letter for letter as written in the name field (for example GARCIA MARIA), or enter the reading in katakana."),
            code=problem,
        )
    return reading


def clean_birth_date(value: dt.date, today: dt.date) -> dt.date:
    """Refuse a date of birth in the future or before 1900."""
    if value > today:
        raise forms.ValidationError(_("The date of birth cannot be in the future."))
    if value < dates.EARLIEST:
        raise forms.ValidationError(_("Enter a date of birth from 1900 on."))
    return value


def clean_ward(value: str) -> str:
    """Return the ward; refuse a resident of another municipality (R-B1)."""
    if value == OUTSIDE_CITY:
        raise forms.ValidationError(
            _("Only residents registered in Niigata City can book here. Pick up your card at the municipality where you are registered."),
            code="outside",
        )
    if value not in Ward.values:
        raise forms.ValidationError(_("Choose one of the eight wards of Niigata City."), code="invalid")
    return value


def clean_email(value: str) -> str:
    email = value.strip()
    if email:
        try:
            validate_email(email)
        except forms.ValidationError:
            raise forms.ValidationError(_("Enter a valid e-mail address."))
    return email


def clean_phone(value: str) -> str:
    """Return the phone number as digits (empty when none is given); refuse a My Number."""
    phone = rules.normalize_phone(value) if value.strip() else ""
    if phone and rules.is_my_number(phone):
        raise forms.ValidationError(_("This looks like a My Number (個人番号). Enter a phone number."), code="my_number")
    if phone and not rules.is_phone(phone):
        raise forms.ValidationError(_("Enter a Japanese phone number of 10 or 11 digits, e.g. 025-000-0000."))
    return phone


NO_CONTACT = _("Give a phone number or an e-mail address, or both, so that the city can reach you.")


def proxy_reason_errors(attendance: str | None, reason: int | None) -> dict[str, list]:
    """R-E5: a proxy comes only for one of the 11 reasons; others give none. Return {field: [messages]}."""
    if attendance == Attendance.PROXY:
        if reason is None:
            return {"proxy_reason": [_("Choose the reason why a proxy comes.")]}
        if reason not in PROXY_REASONS:
            return {"proxy_reason": [_("Choose a reason from 1 to 11.")]}
    elif attendance and reason is not None:
        return {"proxy_reason": [_("A proxy reason is given only when a proxy comes.")]}
    return {}


class PersonForm(forms.Form):
    """One person of the party."""

    notice_number = forms.CharField(label=_("Issuance notice number"), max_length=60)
    name = forms.CharField(label=_("Name"), max_length=100)
    kana = forms.CharField(label=_("Name in katakana"), max_length=100)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Enter a valid date in the form YYYY-MM-DD.")},
    )

    def __init__(self, *args, today: dt.date | None = None, service: str = Service.PICKUP, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.service = service
        if not rules.service_rules(service).needs_notice_number:
            del self.fields["notice_number"]  # R-A5: nobody has a notice before applying

    def clean_notice_number(self) -> str:
        return clean_notice_number(self.cleaned_data["notice_number"])

    def clean_name(self) -> str:
        return clean_name(self.cleaned_data["name"])

    def clean_kana(self) -> str:
        # The name is cleaned before the kana (field order): None when it was refused.
        return clean_kana(self.cleaned_data["kana"], self.cleaned_data.get("name"))

    def clean_birth_date(self) -> dt.date:
        return clean_birth_date(self.cleaned_data["birth_date"], self.today)


class ContactMixin:
    def clean_contact(self, cleaned: dict) -> dict:
        try:
            cleaned["phone"] = clean_phone(cleaned.get("phone") or "")
        except forms.ValidationError as exc:
            self.add_error("phone", exc)
            cleaned["phone"] = ""
            return cleaned
        cleaned["email"] = (cleaned.get("email") or "").strip()
        if not cleaned["email"] and not cleaned["phone"] and "email" not in self.errors:
            self.add_error(None, NO_CONTACT)
        return cleaned


def proxy_age_errors(
    attendance: str | None, reason: int | None, birth_dates: Sequence[dt.date], day: dt.date
) -> dict[str, list]:
    """
    R-E5: cases 4 (children up to junior high school) and 6 (aged 75 or
    over) are age-bound; every person whose card the proxy picks up must fit
    the reason on the pickup ``day``. Return {field: [messages]}.
    """
    problem = proxy_age_problem(attendance or "", reason, birth_dates, day)
    if problem is None:
        return {}
    return {"proxy_reason": [_(
        "%(problem)s Every person whose card the proxy picks up must fit this reason on the day of the pickup."
    ) % {"problem": problem}]}


def add_proxy_age_errors(form: forms.Form, birth_dates: Sequence[dt.date], day: dt.date) -> None:
    """Add the R-E5 age errors of proxy_age_errors() to ``form``'s proxy_reason field (a valid StartForm)."""
    cleaned = form.cleaned_data
    for field, messages in proxy_age_errors(cleaned.get("attendance"), cleaned.get("proxy_reason"), birth_dates,
                                            day).items():
        for message in messages:
            form.add_error(field, message)


def clean_proxy_reason(form: forms.Form, cleaned: dict) -> None:
    """Add the R-E5 errors of proxy_reason_errors() to ``form``."""
    for field, messages in proxy_reason_errors(cleaned.get("attendance"), cleaned.get("proxy_reason")).items():
        for message in messages:
            form.add_error(field, message)
    if cleaned.get("attendance") != Attendance.PROXY:
        cleaned["proxy_reason"] = None


# --- The resident's booking pages ----------------------------------------------

# The required message of a choice: 「選択してください。」, not 「入力してください。」.
SELECT_ONE = _("Select one.")


class ForgetsMyNumbers:
    """
    Render a field refused as a My Number empty (R-B5): the number typed is
    not shown back on the page, whatever field the cleaning refused it in
    (code "my_number").
    """

    def full_clean(self):
        super().full_clean()
        refused = [
            name for name, errors in self.errors.as_data().items()
            if name in self.fields and any(error.code == "my_number" for error in errors)
        ]
        if refused:
            data = self.data.copy()
            for name in refused:
                data[self.add_prefix(name)] = ""
            self.data = data


def ward_choices():
    return [*Ward.choices, (OUTSIDE_CITY, _("Outside Niigata City"))]


def proxy_reason_choices():
    return [("", _("Choose the reason")), *((str(n), f"{n}. {title}") for n, title in proxy_reason_titles().items())]


PROXY_CANNOT_APPLY = _(
    "Application support is for the applicant in person, or with their legal representative; a proxy cannot apply."
)


class StartForm(forms.Form):
    """Step 1: where the party lives, who comes and how many (R-B4, R-W4)."""

    ward = forms.ChoiceField(
        label=_("Ward you are registered in"), widget=forms.RadioSelect, choices=ward_choices,
        error_messages={"required": SELECT_ONE},
    )
    attendance = forms.ChoiceField(
        label=_("Who comes to pick up the card"), widget=forms.RadioSelect, choices=Attendance.choices,
        error_messages={"required": SELECT_ONE},
        help_text=_("Under-15s and adult wards come with their legal representative. A proxy may come only for one of the reasons listed."),
    )
    proxy_reason = forms.TypedChoiceField(
        label=_("Reason why a proxy comes"), choices=proxy_reason_choices, coerce=int, required=False, empty_value=None,
    )
    party_size = forms.TypedChoiceField(
        label=_("How many people pick up a card"),
        choices=[(str(n), str(n)) for n in range(1, rules.MAX_PARTY + 1)],
        coerce=int,
        initial="1",
        error_messages={"required": SELECT_ONE},
        help_text=_("Up to 4 members of one household, each with their own issuance notice."),
    )

    def __init__(self, *args, service: str = Service.PICKUP, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service
        if service == Service.APPLICATION_SUPPORT:
            self._for_support()

    def _for_support(self) -> None:
        """R-A5: the applicant in person or with a legal representative, never a proxy; no notice."""
        attendance = self.fields["attendance"]
        allowed = rules.service_rules(self.service).attendances
        attendance.choices = [(value, label) for value, label in Attendance.choices if value in allowed]
        attendance.label = _("Who comes to the counter")
        attendance.help_text = _(
            "Under-15s and adult wards come with their legal representative. A proxy cannot apply for someone else."
        )
        attendance.error_messages["invalid_choice"] = PROXY_CANNOT_APPLY
        del self.fields["proxy_reason"]
        self.fields["party_size"].label = _("How many people apply")
        self.fields["party_size"].help_text = _("Up to 4 members of one household, each applying for their own card.")

    def clean_ward(self):
        return clean_ward(self.cleaned_data["ward"])

    def clean(self):
        cleaned = super().clean()
        if "proxy_reason" in self.fields:
            clean_proxy_reason(self, cleaned)
        else:
            cleaned["proxy_reason"] = None
        return cleaned


class PersonPageForm(ForgetsMyNumbers, DateOfBirthMixin, PersonForm):
    """One person on the details page; the date of birth in three fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["birth_date"]
        self.add_birth_fields()
        if self.prefix and self.prefix[1:].isdigit():
            # "Person 2, Name: …" in the error summary of a page with several people.
            self.error_group = _("Person %(number)s") % {"number": int(self.prefix[1:]) + 1}
        if "notice_number" in self.fields:
            self.fields["notice_number"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
            self.fields["notice_number"].help_text = _(
                "The number printed on the issuance notice (交付通知書). Not your My Number."
            )
        self.fields["name"].widget.attrs.update({"autocomplete": "name"})
        self.fields["kana"].help_text = _(
            "In katakana or hiragana, e.g. ニイガタ タロウ. A name written in Latin letters may be repeated in the same Latin letters, e.g. GARCIA MARIA."
        )

    def clean(self):
        cleaned = super().clean()
        birth_date = self.birth_date_from_parts(cleaned)
        if birth_date is not None:
            try:
                cleaned["birth_date"] = clean_birth_date(birth_date, self.today)
            except forms.ValidationError as exc:
                self.add_error("birth_year", exc)
        return cleaned


class ContactForm(ForgetsMyNumbers, ContactMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(
        label=_("Phone"), required=False, max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("Give at least one of the two. We use them only about this booking."),
    )

    def clean(self):
        return self.clean_contact(super().clean())


class LookupForm(DateOfBirthMixin, forms.Form):
    """Code + the first person's date of birth (R-B8)."""

    code = forms.CharField(
        label=_("Reservation code"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        help_text=_("8 letters and digits, e.g. 7QX2-M9KD."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_birth_fields()

    def clean(self):
        cleaned = super().clean()
        cleaned["birth_date"] = self.birth_date_from_parts(cleaned)
        return cleaned
