"""
Field types of the JSON API's input schemas (API.md): dates ``YYYY-MM-DD``
and times ``HH:MM`` read by portal.dates, text cleaned as Django's form
fields clean it. Each refusal is an ``Invalid`` with the words people read,
which portal.api_errors turns into the 422 body.
"""

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Annotated, Any

from django import forms
from django.utils.translation import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

from portal import dates
from portal.api_errors import Invalid
from portal.forms import parse_date_field

TIME_PATTERN = r"^[0-2][0-9]:[0-5][0-9]$"


def required(value: object) -> None:
    """Raise Invalid with Django's words when ``value`` is left out: null or empty text."""
    if value is None or value == "":
        raise Invalid(str(forms.Field.default_error_messages["required"]))


def any_date(value: object) -> dt.date:
    """Return the date written ``YYYY-MM-DD`` in ``value``, any year; raise Invalid otherwise."""
    required(value)
    day, message = parse_date_field(value, earliest=dt.date.min, latest=dt.date.max)
    if message:
        raise Invalid(message)
    return day


def person_date(value: object) -> dt.date:
    """Return a date a person may type (a date of birth: portal.dates.EARLIEST … LATEST)."""
    day = any_date(value)
    if dates.parse_date(day) is None:
        raise Invalid(_("Enter a date of birth from 1900 on."))
    return day


def calendar_date(value: object) -> dt.date:
    """Return a day a calendar or a booking may speak of (2000–2099); raise Invalid otherwise."""
    required(value)
    day, message = parse_date_field(value, earliest=dates.CALENDAR_EARLIEST, latest=dates.CALENDAR_LATEST)
    if message:
        raise Invalid(message)
    return day


def optional_calendar_date(value: object) -> dt.date | None:
    """Like calendar_date(), with None for a value left out or empty (a query parameter)."""
    return None if value in (None, "") else calendar_date(value)


def slot_time(value: object) -> dt.time:
    """Return the time written ``HH:MM`` in ``value`` (a time passes); raise Invalid otherwise."""
    if isinstance(value, dt.time):
        return value
    required(value)
    if isinstance(value, str) and len(value) == 4 and value[1] == ":":
        value = "0" + value  # 9:00, as people write it
    start = dates.parse_time(value) if isinstance(value, str) and len(value) == 5 else None
    if start is None:
        raise Invalid(_("Enter a valid time in the form HH:MM."))
    return start


def text_cleaner(field: forms.Field, *checks: Callable[[Any], Any]) -> Callable[[str], Any]:
    """
    Return a function that cleans text as the Django form ``field`` does
    (stripped, required, max_length, no NUL: Django's own messages), then by
    each of ``checks`` (functions that return the value made canonical or
    raise a Django ValidationError), and raises Invalid with their words.
    """

    def clean(value: str) -> Any:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: not text the database can store
            raise Invalid(_("Enter a valid value."))
        try:
            value = field.clean(value)
            for check in checks:
                value = check(value)
        except forms.ValidationError as exc:
            raise Invalid.from_django(exc)
        return value

    return clean


def cleaned_by(field: forms.Field, *checks: Callable[[Any], Any]) -> AfterValidator:
    """The validator of a text field cleaned by text_cleaner()."""
    return AfterValidator(text_cleaner(field, *checks))


def choice_of(values: Sequence[str], refuse: Callable[[str], None] | None = None) -> BeforeValidator:
    """Accept one of ``values``; ``refuse`` may raise its own words first."""

    def check(value: object) -> object:
        if not isinstance(value, str):
            return value  # the Literal refuses it
        required(value)
        if refuse is not None:
            refuse(value)
        if value not in values:
            raise Invalid(str(forms.ChoiceField.default_error_messages["invalid_choice"]) % {"value": value})
        return value

    return BeforeValidator(check)


CalendarDate = Annotated[dt.date, BeforeValidator(calendar_date), Field(description="YYYY-MM-DD, 2000–2099")]
OptionalCalendarDate = Annotated[
    dt.date | None, BeforeValidator(optional_calendar_date), Field(description="YYYY-MM-DD, 2000–2099")
]
PersonDate = Annotated[dt.date, BeforeValidator(person_date), Field(description="YYYY-MM-DD, from 1900")]
SlotTime = Annotated[
    dt.time,
    BeforeValidator(slot_time),
    WithJsonSchema({"type": "string", "pattern": TIME_PATTERN, "description": "HH:MM (24 h, Japan time)"}),
]
