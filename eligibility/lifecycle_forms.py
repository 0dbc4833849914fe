"""
Parse what residents and clients send about card validity and moving in
(SPEC §5; forms parse, rules decide).

``parse_card_validity_query`` and ``parse_move_in_payload`` read API.md's
``card-validity`` query and ``move-in`` body and return domain values or the
API's ``errors`` mapping. ``CardValidityForm`` and ``MoveInForm`` ask the same
on the pages, each date as three fields (year, month, day).
"""

import datetime as dt

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.dates import EARLIEST, LATEST
from portal.forms import YES_NO, DateOfBirthMixin, parse_date_field

from . import lifecycle

MOVE_IN_DATES = (
    "planned_move_out_date",
    "started_living_on",
    "move_in_notified_on",
    "card_face_change_notified_on",
    "moved_out_again_on",
    "today",
)
MOVE_IN_REQUIRED = ("started_living_on", "move_in_notified_on")


def _required():
    return str(_("This field is required."))


def validity_messages(problems):
    """Return {field: message} for lifecycle.validity_problems codes."""
    texts = {
        ("issue_date", "before_birth"): _("The issue date cannot be before the date of birth."),
        ("application_date", "before_birth"): _("The application date cannot be before the date of birth."),
        ("application_date", "after_issue"): _("The application date cannot be after the issue date."),
        ("certificate_issue_date", "before_issue"): _("The certificates cannot have been issued before the card."),
        ("certificate_issue_date", "after_card_expiry"): _("The certificates cannot have been issued after the card expired."),
    }
    return {field: str(texts[(field, code)]) for field, code in problems.items()}


def move_in_messages(problems):
    """Return {field: message} for lifecycle.move_in_problems codes."""
    texts = {
        "move_in_notified_on": _("The move-in notification cannot be before the day you started living at the address."),
        "card_face_change_notified_on": _("The card-face change notification cannot be before the move-in notification."),
        "moved_out_again_on": _("Moving out again cannot be before the move-in notification."),
    }
    return {field: str(texts[field]) for field in problems}


def _read_dates(source, names, *, required, blank):
    """
    Return ({name: date or None}, {name: [message]}) for the dates ``names`` of
    ``source``: a value in ``blank`` is left out (an error when the name is
    ``required``), any other is read by portal.forms.parse_date_field.
    """
    values, errors = {}, {}
    for name in names:
        raw = source.get(name)
        if raw in blank:
            if name in required:
                errors[name] = [_required()]
            values[name] = None
            continue
        values[name], message = parse_date_field(raw)
        if message:
            errors[name] = [message]
    return values, errors


def parse_card_validity_query(params):
    """
    Return (keyword arguments of lifecycle.card_validity, None) for the query of
    GET /api/v1/eligibility/card-validity, or (None, errors).
    """
    values, errors = _read_dates(
        params, ("birth_date", "issue_date", "application_date", "certificate_issue_date"),
        required=("birth_date", "issue_date"), blank=(None, ""),
    )
    if errors:
        return None, errors
    values["application_date"] = values["application_date"] or values["issue_date"]
    values["certificate_issue_date"] = values["certificate_issue_date"] or values["issue_date"]
    problems = lifecycle.validity_problems(
        values["birth_date"], values["issue_date"], values["application_date"], values["certificate_issue_date"]
    )
    if problems:
        return None, {field: [message] for field, message in validity_messages(problems).items()}
    return values, None


def parse_move_in_payload(payload, *, today):
    """Return (keyword arguments of lifecycle.move_in_check, None) for a valid body, or (None, errors)."""
    if not isinstance(payload, dict):
        return None, {"__all__": [str(_("Send a JSON object."))]}
    values, errors = _read_dates(payload, MOVE_IN_DATES, required=MOVE_IN_REQUIRED, blank=(None,))
    presented = payload.get("card_presented_at_move_in")
    if presented is None:
        errors["card_presented_at_move_in"] = [_required()]
    elif not isinstance(presented, bool):
        errors["card_presented_at_move_in"] = [str(_("Enter true or false."))]
    if errors:
        return None, errors
    values["card_presented_at_move_in"] = presented
    values["today"] = values["today"] or today
    problems = lifecycle.move_in_problems(
        started_living_on=values["started_living_on"],
        move_in_notified_on=values["move_in_notified_on"],
        card_face_change_notified_on=values["card_face_change_notified_on"],
        moved_out_again_on=values["moved_out_again_on"],
    )
    if problems:
        return None, {field: [message] for field, message in move_in_messages(problems).items()}
    return values, None


# --- The pages' questions: dates in three fields (the DADS pattern) -------------------


class DatePartsMixin(DateOfBirthMixin):
    """
    Any date as three fields ``<name>_year``, ``<name>_month``, ``<name>_day``,
    like the date of birth of the booking pages (whose fields and partial the
    date of birth here reuses).
    """

    def add_date_fields(self, name, *, required=True):
        for part, label, low, high, size in (
            ("year", _("Year"), EARLIEST.year, LATEST.year, 4),
            ("month", _("Month"), 1, 12, 2),
            ("day", _("Day"), 1, 31, 2),
        ):
            self.fields[f"{name}_{part}"] = forms.IntegerField(
                label=label, min_value=low, max_value=high, required=required,
                widget=forms.TextInput(attrs={
                    "inputmode": "numeric", "size": size, "maxlength": size, "autocomplete": "off",
                    "class": f"date-part date-part-{size}",
                }),
            )

    def date_from_parts(self, cleaned, name):
        names = [f"{name}_{part}" for part in ("year", "month", "day")]
        if any(field in self.errors for field in names):
            return None
        parts = [cleaned.get(field) for field in names]
        if all(part is None for part in parts):
            return None  # left empty: required fields have said so already
        if None in parts:
            missing = names[parts.index(None)]
            self.add_error(missing, _("Enter the year, the month and the day."))
            return None
        try:
            return dt.date(*parts)
        except ValueError:
            self.add_error(names[2], _("That date does not exist."))
            return None

    def date_parts(self, name):
        """Return the bound fields of a date for the ``_date_parts.html`` partial."""
        return [self[f"{name}_{part}"] for part in ("year", "month", "day")]

    def name_date_groups(self, fieldsets):
        """Name each date part after its legend in the error summary ("Date the card was issued (Year)")."""
        for legend, _hint, _optional, parts in fieldsets:
            for bound_field in parts:
                bound_field.field.error_group = legend


class CardValidityForm(DatePartsMixin, forms.Form):
    """The questions of "When does my card expire?" (R-V1 … R-V3)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_birth_fields()
        self.add_date_fields("issue")
        self.add_date_fields("application", required=False)
        self.add_date_fields("certificate", required=False)
        self.name_date_groups(self.date_fieldsets())

    def clean(self):
        cleaned = super().clean()
        birth_date = self.birth_date_from_parts(cleaned)
        issue_date = self.date_from_parts(cleaned, "issue")
        application_date = self.date_from_parts(cleaned, "application")
        certificate_date = self.date_from_parts(cleaned, "certificate")
        if self.errors or birth_date is None or issue_date is None:
            return cleaned
        application_date = application_date or issue_date
        certificate_date = certificate_date or issue_date
        problems = lifecycle.validity_problems(birth_date, issue_date, application_date, certificate_date)
        fields = {"issue_date": "issue_year", "application_date": "application_year",
                  "certificate_issue_date": "certificate_year"}
        for field, message in validity_messages(problems).items():
            self.add_error(fields[field], message)
        cleaned.update(
            birth_date=birth_date, issue_date=issue_date, application_date=application_date,
            certificate_issue_date=certificate_date,
        )
        return cleaned

    def date_fieldsets(self):
        """Return (legend, hint, optional, bound fields) of each date after the date of birth."""
        return [
            (_("Date the card was issued"), _("Usually the day you picked up the card."), False,
             self.date_parts("issue")),
            (_("Date your application was accepted"),
             _("Matters only if you were 18 or 19 when the card was issued: for applications accepted before "
               "1 April 2022 adulthood began at 20. Left empty, the issue date is used."), True,
             self.date_parts("application")),
            (_("Date your electronic certificates were renewed"),
             _("Only if you renewed the certificates after the card was issued."), True,
             self.date_parts("certificate")),
        ]

    def validity(self):
        data = self.cleaned_data
        return lifecycle.card_validity(
            data["birth_date"], data["issue_date"], application_date=data["application_date"],
            certificate_issue_date=data["certificate_issue_date"],
        )




class MoveInForm(DatePartsMixin, forms.Form):
    """The questions of "I am moving to Niigata" (R-V4)."""

    card_presented_at_move_in = forms.ChoiceField(
        label=gettext_lazy("Did you show your My Number Card at the counter when you filed the move-in notification?"),
        widget=forms.RadioSelect, choices=YES_NO,
    )

    DATES = (
        ("planned_move_out", False),
        ("started_living", True),
        ("move_in_notified", True),
        ("card_face_change", False),
        ("moved_out_again", False),
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        for name, required in self.DATES:
            self.add_date_fields(name, required=required)
        self.name_date_groups(self.date_fieldsets() + self.later_fieldsets())
        # The page's order (the error summary follows it): first dates, the question, the later dates.
        self.order_fields(
            [f"{name}_{part}" for name in ("planned_move_out", "started_living", "move_in_notified")
             for part in ("year", "month", "day")] + ["card_presented_at_move_in"]
        )

    def clean(self):
        cleaned = super().clean()
        dates = {name: self.date_from_parts(cleaned, name) for name, _optional in self.DATES}
        if self.errors:
            return cleaned
        values = {
            "planned_move_out_date": dates["planned_move_out"],
            "started_living_on": dates["started_living"],
            "move_in_notified_on": dates["move_in_notified"],
            "card_face_change_notified_on": dates["card_face_change"],
            "moved_out_again_on": dates["moved_out_again"],
        }
        problems = lifecycle.move_in_problems(
            started_living_on=values["started_living_on"], move_in_notified_on=values["move_in_notified_on"],
            card_face_change_notified_on=values["card_face_change_notified_on"],
            moved_out_again_on=values["moved_out_again_on"],
        )
        fields = {"move_in_notified_on": "move_in_notified_year", "card_face_change_notified_on": "card_face_change_year",
                  "moved_out_again_on": "moved_out_again_year"}
        for field, message in move_in_messages(problems).items():
            self.add_error(fields[field], message)
        cleaned.update(values, card_presented_at_move_in=cleaned.get("card_presented_at_move_in") == "yes")
        return cleaned

    def date_fieldsets(self):
        """Return (legend, hint, optional, bound fields) of each date the page asks."""
        return [
            (_("Planned move-out date you gave your previous municipality"),
             _("The date on your move-out certificate (転出証明書). Leave empty if you moved from abroad."), True,
             self.date_parts("planned_move_out")),
            (_("Day you started living at your address in Niigata"), "", False, self.date_parts("started_living")),
            (_("Day you filed (or will file) the move-in notification (転入届)"), "", False,
             self.date_parts("move_in_notified")),
        ]

    def later_fieldsets(self):
        """Return the dates asked only when the card was not shown at the move-in."""
        return [
            (_("Day you filed the card-face change notification (券面記載事項変更届)"),
             _("Leave empty if you have not filed it yet."), True, self.date_parts("card_face_change")),
            (_("Day you filed a move-out notification again, leaving Niigata"),
             _("Leave empty if you still live in Niigata."), True, self.date_parts("moved_out_again")),
        ]

    def result(self):
        data = self.cleaned_data
        return lifecycle.move_in_check(
            planned_move_out_date=data["planned_move_out_date"],
            started_living_on=data["started_living_on"],
            move_in_notified_on=data["move_in_notified_on"],
            card_presented_at_move_in=data["card_presented_at_move_in"],
            card_face_change_notified_on=data["card_face_change_notified_on"],
            moved_out_again_on=data["moved_out_again_on"],
            today=self.today,
        )
