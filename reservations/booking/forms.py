from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.forms import DateOfBirthMixin
from reservations import rules
from reservations.models import Attendance, Ward, Window

# Calendars are answered for these years only; a far-off date is a typo.
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)


def _iso_date(value):
    try:
        parsed = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None
    return parsed if parsed and EARLIEST <= parsed <= LATEST else None


class DateRangeForm(forms.Form):
    """
    Parse ``from`` and ``to`` (YYYY-MM-DD, both inclusive) of a calendar
    request. Missing values take the defaults given by the caller; the range
    may span at most settings.CALENDAR_MAX_DAYS days (API.md: 93).
    """

    def __init__(self, data, *, default_from, default_to):
        data = {key: value for key, value in data.items() if value not in (None, "")}
        given_from, given_to = _iso_date(data.get("from")), _iso_date(data.get("to"))
        if given_from and "to" not in data:
            # Only "from": up to the usual end, at least that day, at most the longest range.
            default_to = min(max(default_to, given_from), given_from + timedelta(days=settings.CALENDAR_MAX_DAYS - 1))
        if given_to and "from" not in data:
            default_from = max(min(default_from, given_to), given_to - timedelta(days=settings.CALENDAR_MAX_DAYS - 1))
        data.setdefault("from", default_from.isoformat())
        data.setdefault("to", default_to.isoformat())
        super().__init__(data)
        date_messages = {"invalid": _("Enter a valid date in the form YYYY-MM-DD.")}
        self.fields["from"] = forms.DateField(input_formats=["%Y-%m-%d"], error_messages=date_messages)
        self.fields["to"] = forms.DateField(input_formats=["%Y-%m-%d"], error_messages=date_messages)

    def _clean_in_range(self, name):
        value = self.cleaned_data[name]
        if not EARLIEST <= value <= LATEST:
            raise forms.ValidationError(
                _("Enter a date from %(earliest)s to %(latest)s."),
                params={"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
            )
        return value

    def clean(self):
        cleaned = super().clean()
        for name in ("from", "to"):
            if name in cleaned:
                try:
                    self._clean_in_range(name)
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and not self.errors:
            if end < start:
                self.add_error("to", _("The end date must not be before the start date."))
            elif end - start >= timedelta(days=settings.CALENDAR_MAX_DAYS):
                self.add_error(
                    "to",
                    _("Ask for at most %(days)d days at a time.") % {"days": settings.CALENDAR_MAX_DAYS},
                )
        return cleaned

    @property
    def range(self):
        return self.cleaned_data["from"], self.cleaned_data["to"]


# --- Booking input (R-B3 … R-B5) --------------------------------------------

OUTSIDE_CITY = "outside"
PROXY_REASONS = range(1, 12)


def _clean_notice_number(value):
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


def _clean_birth_date(value, today):
    if value > today:
        raise forms.ValidationError(_("The date of birth cannot be in the future."))
    if value.year < 1900:
        raise forms.ValidationError(_("Enter a date of birth from 1900 on."))
    return value


class PersonForm(forms.Form):
    """One person of the party, as the API sends it (birth_date as YYYY-MM-DD)."""

    notice_number = forms.CharField(label=_("Issuance notice number"), max_length=60)
    name = forms.CharField(label=_("Name"), max_length=100)
    kana = forms.CharField(label=_("Name in katakana"), max_length=100)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Enter a valid date in the form YYYY-MM-DD.")},
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def clean_notice_number(self):
        return _clean_notice_number(self.cleaned_data["notice_number"])

    def clean_name(self):
        name = " ".join(rules.normalize_width(self.cleaned_data["name"]).split())
        if rules.is_my_number(rules.normalize_number(name)):
            raise forms.ValidationError(_("Enter your name here, not a number."))
        return name

    def clean_kana(self):
        kana = rules.to_katakana(self.cleaned_data["kana"])
        if not rules.is_katakana(kana):
            raise forms.ValidationError(_("Enter your name in katakana (for example ニイガタ タロウ)."), code="kana")
        return kana

    def clean_birth_date(self):
        return _clean_birth_date(self.cleaned_data["birth_date"], self.today)

    def person(self):
        from reservations.booking.services import PersonData

        return PersonData(**{key: self.cleaned_data[key] for key in ("notice_number", "name", "kana", "birth_date")})


class ContactMixin:
    def clean_contact(self, cleaned):
        email = (cleaned.get("email") or "").strip()
        phone_raw = cleaned.get("phone") or ""
        phone = rules.normalize_phone(phone_raw) if phone_raw.strip() else ""
        if phone and rules.is_my_number(phone):
            self.add_error("phone", _("This looks like a My Number (個人番号). Enter a phone number."))
        elif phone and not rules.is_phone(phone):
            self.add_error("phone", _("Enter a Japanese phone number of 10 or 11 digits, e.g. 025-000-0000."))
        cleaned["phone"] = phone
        cleaned["email"] = email
        if not email and not phone_raw.strip() and "email" not in self.errors:
            self.add_error(None, _("Give a phone number or an e-mail address, or both, so that the city can reach you."))
        return cleaned


class BookingRequestForm(ContactMixin, forms.Form):
    """The top level of POST /api/v1/bookings (API.md); the people are PersonForms."""

    window = forms.CharField(max_length=20)
    date = forms.DateField(input_formats=["%Y-%m-%d"], error_messages={"invalid": _("Enter a valid date in the form YYYY-MM-DD.")})
    start = forms.TimeField(input_formats=["%H:%M"], error_messages={"invalid": _("Enter a valid time in the form HH:MM.")})
    ward = forms.CharField(max_length=20)
    attendance = forms.ChoiceField(choices=Attendance.choices)
    proxy_reason = forms.IntegerField(required=False)
    email = forms.CharField(required=False, max_length=254)
    phone = forms.CharField(required=False, max_length=40)
    language = forms.ChoiceField(choices=[("ja", "ja"), ("en", "en")], required=False)

    def clean_date(self):
        return clean_calendar_date(self.cleaned_data["date"])

    def clean_window(self):
        code = self.cleaned_data["window"]
        window = Window.objects.with_rules().filter(code=code).first()
        if window is None:
            raise forms.ValidationError(_("There is no pickup window with this code."), code="unknown")
        return window

    def clean_ward(self):
        return clean_ward(self.cleaned_data["ward"])

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email:
            try:
                validate_email(email)
            except forms.ValidationError:
                raise forms.ValidationError(_("Enter a valid e-mail address."))
        return email

    def clean(self):
        cleaned = super().clean()
        clean_proxy_reason(self, cleaned)
        cleaned["language"] = cleaned.get("language") or "ja"
        return self.clean_contact(cleaned)


def clean_ward(value):
    if value == OUTSIDE_CITY:
        raise forms.ValidationError(
            _("Only residents registered in Niigata City can book here. Pick up your card at the municipality where you are registered."),
            code="outside",
        )
    if value not in Ward.values:
        raise forms.ValidationError(_("Choose one of the eight wards of Niigata City."), code="invalid")
    return value


def clean_proxy_reason(form, cleaned):
    """R-E5: a proxy comes only for one of the 11 reasons; others give none."""
    attendance, reason = cleaned.get("attendance"), cleaned.get("proxy_reason")
    if attendance == Attendance.PROXY:
        if reason is None:
            form.add_error("proxy_reason", _("Choose the reason why a proxy comes."))
        elif reason not in PROXY_REASONS:
            form.add_error("proxy_reason", _("Choose a reason from 1 to 11."))
    elif attendance and reason is not None:
        form.add_error("proxy_reason", _("A proxy reason is given only when a proxy comes."))
        cleaned["proxy_reason"] = None


def parse_booking_payload(payload, *, today=None):
    """
    Return (BookingData, None) for a valid POST /api/v1/bookings body, or
    (None, errors) with API.md's field paths (``people.0.kana``).
    """
    from reservations.booking.services import BookingData

    if not isinstance(payload, dict):
        return None, {"__all__": [str(_("Send a JSON object."))]}
    top = BookingRequestForm({key: _as_text(value) for key, value in payload.items() if key != "people"})
    errors = {}
    if not top.is_valid():
        errors.update({field: [str(m) for m in messages] for field, messages in top.errors.items()})
    people = payload.get("people")
    forms_ = []
    if not isinstance(people, list) or not people:
        errors["people"] = [str(_("Give from 1 to 4 people."))]
    elif len(people) > rules.MAX_PARTY:
        errors["people"] = [str(_("At most 4 people can come in one booking."))]
    else:
        for index, person in enumerate(people):
            if not isinstance(person, dict):
                errors[f"people.{index}"] = [str(_("Send a JSON object."))]
                continue
            form = PersonForm({key: _as_text(value) for key, value in person.items()}, today=today)
            forms_.append(form)
            if not form.is_valid():
                for field, messages in form.errors.items():
                    errors[f"people.{index}.{field}"] = [str(m) for m in messages]
    if errors:
        return None, errors
    data = top.cleaned_data
    return (
        BookingData(
            window=data["window"],
            date=data["date"],
            start=data["start"],
            ward=data["ward"],
            attendance=data["attendance"],
            proxy_reason=data["proxy_reason"],
            email=data["email"],
            phone=data["phone"],
            language=data["language"],
            people=tuple(form.person() for form in forms_),
        ),
        None,
    )


def _as_text(value):
    """Return JSON scalars as form input; refuse lists and objects as a value the forms reject."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "\x00bool"
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: not text the database can store
            return "\x00invalid"
        return value
    if isinstance(value, (int, float)):
        return str(value)
    return "\x00invalid"


def clean_calendar_date(value):
    """Refuse dates outside the years the calendars answer for (a typo, never a booking)."""
    if not EARLIEST <= value <= LATEST:
        raise forms.ValidationError(
            _("Enter a date from %(earliest)s to %(latest)s."),
            params={"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
        )
    return value


class SlotChoiceForm(forms.Form):
    """A window, a date and a start time (reschedule)."""

    def clean_date(self):
        return clean_calendar_date(self.cleaned_data["date"])

    window = forms.CharField(max_length=20)
    date = forms.DateField(input_formats=["%Y-%m-%d"], error_messages={"invalid": _("Enter a valid date in the form YYYY-MM-DD.")})
    start = forms.TimeField(input_formats=["%H:%M"], error_messages={"invalid": _("Enter a valid time in the form HH:MM.")})

    def clean_window(self):
        window = Window.objects.with_rules().filter(code=self.cleaned_data["window"]).first()
        if window is None:
            raise forms.ValidationError(_("There is no pickup window with this code."), code="unknown")
        return window


def parse_slot_choice(payload):
    """Return ({window, date, start}, None) or (None, errors) for a reschedule body."""
    form = SlotChoiceForm({key: _as_text(payload.get(key)) for key in ("window", "date", "start")})
    if not form.is_valid():
        return None, {field: [str(m) for m in messages] for field, messages in form.errors.items()}
    return dict(form.cleaned_data), None


# --- The resident's booking pages ----------------------------------------------


def ward_choices():
    return [*Ward.choices, (OUTSIDE_CITY, _("Outside Niigata City"))]


def proxy_reason_choices():
    from eligibility.rules import proxy_reason_titles

    return [("", _("Choose the reason")), *((str(n), f"{n}. {title}") for n, title in proxy_reason_titles().items())]


class StartForm(forms.Form):
    """Step 1: where the party lives, who comes and how many (R-B4, R-W4)."""

    ward = forms.ChoiceField(label=_("Ward you are registered in"), widget=forms.RadioSelect, choices=ward_choices)
    attendance = forms.ChoiceField(
        label=_("Who comes to pick up the card"), widget=forms.RadioSelect, choices=Attendance.choices,
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
        help_text=_("Up to 4 members of one household, each with their own issuance notice."),
    )

    def clean_ward(self):
        return clean_ward(self.cleaned_data["ward"])

    def clean(self):
        cleaned = super().clean()
        clean_proxy_reason(self, cleaned)
        return cleaned


class PersonPageForm(DateOfBirthMixin, PersonForm):
    """One person on the details page; the date of birth in three fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["birth_date"]
        self.add_birth_fields()
        if self.prefix and self.prefix[1:].isdigit():
            # "Person 2, Name: …" in the error summary of a page with several people.
            self.error_group = _("Person %(number)s") % {"number": int(self.prefix[1:]) + 1}
        self.fields["notice_number"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["name"].widget.attrs.update({"autocomplete": "name"})
        self.fields["notice_number"].help_text = _("The number printed on the issuance notice (交付通知書). Not your My Number.")
        self.fields["kana"].help_text = _("In katakana or hiragana, e.g. ニイガタ タロウ.")

    def clean(self):
        cleaned = super().clean()
        birth_date = self.birth_date_from_parts(cleaned)
        if birth_date is not None:
            try:
                cleaned["birth_date"] = _clean_birth_date(birth_date, self.today)
            except forms.ValidationError as exc:
                self.add_error("birth_year", exc)
        return cleaned


class ContactForm(ContactMixin, forms.Form):
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
