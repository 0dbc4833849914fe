"""
Parse what residents and clients send (forms parse, rules decide).

``parse_identity_payload`` and ``parse_checklist_payload`` read the JSON
bodies of API.md's eligibility endpoints and return domain values or the
API's ``errors`` mapping with field paths (``documents.0.type``). The HTML
forms below are the pages' questions.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from portal.forms import YES_NO, parse_date_field

from . import rules

DOCUMENT_FLAGS = ("original", "has_photo", "shows_birth_date", "shows_address", "matches_resident_record")
DOCUMENT_DATES = ("issued_on", "expires_on")
MAX_DOCUMENTS = 30
MAX_AGE = 150


def _bad_bool():
    return str(_("Enter true or false."))


def _bad_choice():
    return str(_("Choose one of the allowed values."))


def parse_identity_payload(payload, *, today=None):
    """
    Return ((role, documents, pickup_date, basis), None) for a valid
    POST /api/v1/eligibility/identity body, or (None, errors).
    """
    if not isinstance(payload, dict):
        return None, {"__all__": [str(_("Send a JSON object."))]}
    errors = {}
    role = payload.get("role")
    if role is None:
        errors["role"] = [str(_("This field is required."))]
    elif role not in rules.ROLES:
        errors["role"] = [_bad_choice()]
    pickup_date = today or timezone.localdate()
    if payload.get("pickup_date") is not None:
        pickup_date, message = parse_date_field(payload["pickup_date"])
        if message:
            errors["pickup_date"] = [message]
    basis = payload.get("photo_certificate_basis")
    if basis is not None and basis not in rules.PHOTO_CERTIFICATE_BASES:
        errors["photo_certificate_basis"] = [_bad_choice()]
    documents = []
    raw_documents = payload.get("documents")
    if raw_documents is None:
        errors["documents"] = [str(_("This field is required."))]
    elif not isinstance(raw_documents, list) or len(raw_documents) > MAX_DOCUMENTS:
        errors["documents"] = [str(_("Send a list of the allowed length."))]
    else:
        for index, raw in enumerate(raw_documents):
            document, document_errors = _parse_document(raw)
            for field, messages in document_errors.items():
                errors[f"documents.{index}{'.' + field if field else ''}"] = messages
            if document is not None:
                documents.append(document)
    if errors:
        return None, errors
    return (role, documents, pickup_date, basis), None


def _parse_document(raw):
    if not isinstance(raw, dict):
        return None, {"": [str(_("Send a JSON object."))]}
    errors = {}
    values = {}
    kind = raw.get("type")
    if kind is None:
        errors["type"] = [str(_("This field is required."))]
    elif not isinstance(kind, str) or kind not in rules.DOCUMENT_TYPES:
        errors["type"] = [str(_("Unknown document type."))]
    else:
        values["type"] = kind
    for name in DOCUMENT_FLAGS:
        value = raw.get(name)
        if value is None:
            continue  # the favourable default
        if not isinstance(value, bool):
            errors[name] = [_bad_bool()]
        else:
            values[name] = value
    for name in DOCUMENT_DATES:
        value = raw.get(name)
        if value is None:
            continue
        values[name], message = parse_date_field(value)
        if message:
            errors[name] = [message]
    if errors:
        return None, errors
    return rules.Document(**values), {}


CHECKLIST_FLAGS = (
    "adult_ward",
    "replacing_card",
    "has_notification_card",
    "has_resident_register_card",
    "sub_proxy",
)


def parse_checklist_payload(payload):
    """Return (keyword arguments of rules.booking_checklist, None) or (None, errors)."""
    if not isinstance(payload, dict):
        return None, {"__all__": [str(_("Send a JSON object."))]}
    errors = {}
    attendance = payload.get("attendance")
    if attendance is None:
        errors["attendance"] = [str(_("This field is required."))]
    elif attendance not in rules.Attendance.values:
        errors["attendance"] = [_bad_choice()]
    reason = payload.get("proxy_reason")
    if reason is not None and (isinstance(reason, bool) or not isinstance(reason, int)):
        errors["proxy_reason"] = [str(_("Enter a whole number."))]
    elif attendance == rules.Attendance.PROXY:
        if reason is None:
            errors["proxy_reason"] = [str(_("Choose the reason why a proxy comes."))]
        elif not 1 <= reason <= 11:
            errors["proxy_reason"] = [str(_("Choose a reason from 1 to 11."))]
    elif attendance in rules.Attendance.values and reason is not None:
        errors["proxy_reason"] = [str(_("A proxy reason is given only when a proxy comes."))]
    age = payload.get("applicant_age")
    if age is not None and (isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= MAX_AGE):
        errors["applicant_age"] = [str(_("Enter the applicant's age as a whole number from 0."))]
    flags = {}
    for name in CHECKLIST_FLAGS:
        value = payload.get(name)
        if value is None:
            flags[name] = False
        elif not isinstance(value, bool):
            errors[name] = [_bad_bool()]
        else:
            flags[name] = value
    if errors:
        return None, errors
    return {"attendance": attendance, "proxy_reason": reason, "applicant_age": age, **flags}, None


# --- The pages' questions -------------------------------------------------------------


def proxy_reason_choices(empty=True):
    choices = [(str(n), f"{n}. {title}") for n, title in rules.proxy_reason_titles().items()]
    return [("", _("Choose the reason")), *choices] if empty else choices


class AttendanceStepForm(forms.Form):
    attendance = forms.ChoiceField(
        label=gettext_lazy("Who comes to pick up the card?"), widget=forms.RadioSelect, choices=rules.Attendance.choices,
        help_text=gettext_lazy("Under-15s and adult wards come with their legal representative, or a proxy comes for one of the 11 reasons."),
    )


class ProxyReasonStepForm(forms.Form):
    proxy_reason = forms.TypedChoiceField(
        label=gettext_lazy("Why can the applicant not come?"), widget=forms.RadioSelect,
        choices=lambda: proxy_reason_choices(empty=False), coerce=int,
    )


class AgeStepForm(forms.Form):
    applicant_age = forms.IntegerField(
        label=gettext_lazy("How old is the applicant on the pickup day?"), min_value=0, max_value=MAX_AGE,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "date-part-4"}),
    )


class AdultWardStepForm(forms.Form):
    adult_ward = forms.ChoiceField(
        label=gettext_lazy("Is the applicant an adult ward (成年被後見人)?"), widget=forms.RadioSelect, choices=YES_NO,
        help_text=gettext_lazy("A person with a guardian appointed by the family court."),
    )

    def clean_adult_ward(self):
        return self.cleaned_data["adult_ward"] == "yes"


class CardsStepForm(forms.Form):
    has_notification_card = forms.BooleanField(
        label=gettext_lazy("The applicant has a notification card (通知カード)"), required=False,
    )
    has_resident_register_card = forms.BooleanField(
        label=gettext_lazy("The applicant has a Basic Resident Register card (住基カード)"), required=False,
    )
    replacing_card = forms.BooleanField(
        label=gettext_lazy("This card replaces a My Number Card the applicant already has"), required=False,
    )


class SubProxyStepForm(forms.Form):
    sub_proxy = forms.ChoiceField(
        label=gettext_lazy("Does a sub-proxy (復代理人) chosen by the legal representative come?"),
        widget=forms.RadioSelect, choices=YES_NO,
        help_text=gettext_lazy("Only for applicants under 15 and adult wards."),
    )

    def clean_sub_proxy(self):
        return self.cleaned_data["sub_proxy"] == "yes"


def role_choices():
    return [
        (rules.APPLICANT_IN_PERSON, _("The applicant, coming in person (or with the legal representative)")),
        (rules.APPLICANT_BY_PROXY, _("The applicant, whose card a proxy picks up")),
        (rules.PROXY, _("The proxy, for their own identity")),
    ]


def basis_choices():
    return [("", _("None of these")), *((code, who) for code, (who, _by) in rules.photo_certificate_bases().items())]


def document_choices():
    return [(doc.code, f"{doc.name} ({doc.category})" if doc.category != rules.PHOTO_CERTIFICATE else doc.name)
            for doc in rules.DOCUMENT_TYPES.values()]


class DocumentCheckForm(forms.Form):
    """The document checker: whose documents, which the resident holds (R-E1 … R-E3, R-E6)."""

    role = forms.ChoiceField(label=gettext_lazy("Whose documents are these?"), widget=forms.RadioSelect, choices=role_choices)
    documents = forms.MultipleChoiceField(
        label=gettext_lazy("Tick the original documents you hold"), widget=forms.CheckboxSelectMultiple,
        choices=document_choices, required=False,
    )
    b_has_photo = forms.BooleanField(
        label=gettext_lazy("At least one of the category B documents I ticked has my photo"), required=False,
    )
    photo_certificate_basis = forms.ChoiceField(
        label=gettext_lazy("For a photo certificate: which of these applies to the applicant?"), choices=basis_choices,
        required=False,
    )

    def documents_held(self):
        """Return rules.Documents for the ticked types (originals, valid, matching: the favourable values)."""
        has_photo = self.cleaned_data.get("b_has_photo", False)
        return [rules.Document(code, has_photo=has_photo) for code in self.cleaned_data.get("documents", [])]


class ProxyFitForm(forms.Form):
    proxy_reason = forms.TypedChoiceField(
        label=gettext_lazy("Case"), choices=proxy_reason_choices, coerce=int,
    )
    applicant_age = forms.IntegerField(
        label=gettext_lazy("The applicant's age (optional)"), min_value=0, max_value=MAX_AGE, required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "date-part-4"}),
    )
