"""
A booking request, whatever brings it: the resident's pages (the choices of
each step kept in the session), the staff phone booking (forms) and the JSON
API (schemas). ``BookingData`` is the one type the services take; each source
has its constructor (``from_session``, ``from_forms``, ``from_api``).

A slot chosen for a move (window, date, start) is read by ``SlotChoice``,
for the pages, the staff move and the API alike. Dates and times are read by
portal.dates (through portal.api_fields).
"""

import datetime as dt
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Annotated, Literal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    WrapValidator,
    model_validator,
)

from portal.api_errors import Invalid
from portal.api_fields import (
    CalendarDate,
    PersonDate,
    SlotTime,
    calendar_date,
    choice_of,
    cleaned_by,
    slot_time,
    text_cleaner,
)
from reservations import rules
from reservations.booking.forms import (
    NO_CONTACT,
    ContactForm,
    PersonForm,
    StartForm,
    clean_birth_date,
    clean_email,
    clean_kana,
    clean_name,
    clean_notice_number,
    clean_phone,
    clean_ward,
    proxy_age_errors,
    proxy_reason_errors,
)
from reservations.models import Attendance, Service, Ward, Window
from reservations.schedule import snapshots
from reservations.schedule.api import ServiceCode, default_service

# The session keys of the resident's booking path (booking.views).
START = "booking_start"
SLOT = "booking_slot"
DETAILS = "booking_details"
PERSON_FIELDS = ("notice_number", "name", "kana", "birth_date")


@dataclass(frozen=True)
class PersonData:
    notice_number: str
    name: str
    kana: str
    birth_date: dt.date

    @classmethod
    def from_form(cls, form: PersonForm) -> "PersonData":
        """Return the person of a valid form; no notice number for application support (R-A5)."""
        return cls(**{key: form.cleaned_data.get(key, "") for key in PERSON_FIELDS})

    @classmethod
    def from_session(cls, stored: Mapping[str, str]) -> "PersonData":
        return cls(stored["notice_number"], stored["name"], stored["kana"], dt.date.fromisoformat(stored["birth_date"]))

    def to_session(self) -> dict[str, str]:
        return {"notice_number": self.notice_number, "name": self.name, "kana": self.kana,
                "birth_date": self.birth_date.isoformat()}


@dataclass(frozen=True)
class BookingData:
    """A validated booking request: what booking_create() takes."""

    window: Window
    date: dt.date
    start: dt.time
    ward: str
    attendance: str
    proxy_reason: int | None
    email: str
    phone: str
    language: str
    people: tuple[PersonData, ...]
    # Who asks, for the daily limits (booking.limits.client_key): a salted hash of the client's
    # network; "" when not limited (staff, partner systems of RATE_LIMIT_EXEMPT, scripts).
    client: str = ""
    # What for (rules.Service): pickup (§2) or application support (§8).
    service: str = Service.PICKUP
    # Who comes as the proxy (R-E5), when the reservation centre records it (issue #15).
    proxy_name: str = ""
    proxy_phone: str = ""

    @classmethod
    def from_session(cls, session: Mapping, language: str) -> "BookingData | None":
        """Return the request made of the resident's steps, or None while a step is missing."""
        started, slot, details = session.get(START), read_slot(session), session.get(DETAILS)
        if not (started and slot and details):
            return None
        return cls(
            window=slot.window, date=slot.date, start=slot.start, ward=started["ward"],
            attendance=started["attendance"], proxy_reason=started["proxy_reason"],
            email=details["email"], phone=details["phone"], language=language,
            people=tuple(PersonData.from_session(person) for person in details["people"]),
            service=started.get("service", Service.PICKUP),
        )

    @classmethod
    def from_forms(
        cls, *, slot: "SlotChoice", choices: StartForm, contact: ContactForm, people: Iterable[PersonForm],
        language: str,
    ) -> "BookingData":
        """Return the request of valid forms: ``choices`` gives ward, attendance, proxy reason and service."""
        return cls(
            window=slot.window, date=slot.date, start=slot.start, ward=choices.cleaned_data["ward"],
            attendance=choices.cleaned_data["attendance"], proxy_reason=choices.cleaned_data["proxy_reason"],
            email=contact.cleaned_data["email"], phone=contact.cleaned_data["phone"], language=language,
            people=tuple(PersonData.from_form(form) for form in people),
            service=getattr(choices, "service", Service.PICKUP),
        )

    @classmethod
    def from_api(cls, payload: "BookingIn") -> "BookingData":
        """Return the request of a valid POST /api/v1/bookings body (a support booking's people have no notice number)."""
        return cls(
            window=payload.window, date=payload.date, start=payload.start, ward=payload.ward,
            attendance=payload.attendance, proxy_reason=payload.proxy_reason, email=payload.email,
            phone=payload.phone, language=payload.language,
            people=tuple(PersonData(**person.model_dump(include=set(PERSON_FIELDS))) for person in payload.people),
            service=payload.service,
        )


@dataclass(frozen=True)
class WaitlistData:
    """
    A validated request to join the waiting list (R-L1): what waitlist_join()
    takes. The booking's party and details, with a window or None (any
    window the ward may use) and a date range instead of one slot.
    """

    service: str
    window: Window | None
    date_from: dt.date
    date_to: dt.date
    ward: str
    attendance: str
    proxy_reason: int | None
    email: str
    phone: str
    language: str
    people: tuple[PersonData, ...]

    @classmethod
    def from_api(cls, payload: "WaitlistIn") -> "WaitlistData":
        """Return the request of a valid POST /api/v1/waitlist body (a support entry's people have no notice number)."""
        return cls(
            service=payload.service, window=payload.window, date_from=payload.date_from, date_to=payload.date_to,
            ward=payload.ward, attendance=payload.attendance, proxy_reason=payload.proxy_reason,
            email=payload.email, phone=payload.phone, language=payload.language,
            people=tuple(PersonData(**person.model_dump(include=set(PERSON_FIELDS))) for person in payload.people),
        )

    def as_booking(self, window: Window, day: dt.date, start: dt.time) -> BookingData:
        """Return the booking of this party at one slot: for the booking's own rules, and when an offer is accepted."""
        return BookingData(
            window=window, date=day, start=start, ward=self.ward, attendance=self.attendance,
            proxy_reason=self.proxy_reason, email=self.email, phone=self.phone, language=self.language,
            people=self.people, service=self.service,
        )


# --- The resident's steps in the session ----------------------------------------------


def store_start(session: MutableMapping, form: StartForm) -> None:
    """Keep step 1 (the service, ward, who comes, how many) and forget the later steps."""
    session[START] = {key: form.cleaned_data[key] for key in ("ward", "attendance", "proxy_reason", "party_size")}
    session[START]["service"] = str(getattr(form, "service", Service.PICKUP))
    session.pop(SLOT, None)
    session.pop(DETAILS, None)


def store_slot(session: MutableMapping, slot: "SlotChoice") -> None:
    session[SLOT] = {"window": slot.window.code, "date": slot.date.isoformat(), "start": slot.start.strftime("%H:%M")}


def read_slot(session: Mapping) -> "SlotChoice | None":
    stored = session.get(SLOT)
    if not stored:
        return None
    try:
        return SlotChoice.parse(stored)  # the window from the shared cache (schedule.snapshots)
    except Invalid:
        return None


def store_details(session: MutableMapping, people: Iterable[PersonForm], contact: ContactForm) -> None:
    session[DETAILS] = {
        "people": [PersonData.from_form(form).to_session() for form in people],
        "email": contact.cleaned_data["email"],
        "phone": contact.cleaned_data["phone"],
    }


# --- A slot chosen for a booking or a move ------------------------------------------------


WINDOW_CODE_TEXT = text_cleaner(forms.CharField(max_length=20))


def window_by_code(code: object, windows: Iterable[Window] | None = None) -> Window:
    """
    Return the window with ``code`` among ``windows`` (unless told, every
    window with its rules and services, from the shared cache: a booking's
    seat statement verifies them, booking.services); raise Invalid.
    """
    if not isinstance(code, str):
        raise Invalid(_("Enter text."))
    code = WINDOW_CODE_TEXT(code)
    if windows is None:
        window = snapshots.window(code)
    else:
        window = next((window for window in windows if window.code == code), None)
    if window is None:
        raise Invalid(_("There is no pickup window with this code."))
    return window


@dataclass(frozen=True)
class SlotChoice:
    """A window, a day and a start time: where a booking goes or moves to."""

    window: Window
    date: dt.date
    start: dt.time

    @classmethod
    def parse(cls, data: Mapping[str, object], windows: Iterable[Window] | None = None) -> "SlotChoice":
        """
        Read ``window`` (a code among ``windows``), ``date`` (YYYY-MM-DD) and
        ``start`` (HH:MM) of ``data`` (a POST, a stored step, a JSON body);
        raise Invalid with ``{field: [messages]}`` for each one that is wrong.
        """
        errors, values = {}, {}
        for name, parse in (("window", lambda code: window_by_code(code, windows)), ("date", calendar_date),
                            ("start", slot_time)):
            try:
                values[name] = parse(data.get(name))
            except Invalid as exc:
                errors[name] = list(exc.messages)
        if errors:
            raise Invalid(errors)
        return cls(**values)


# --- The JSON API's input (API.md, "Bookings") ---------------------------------------------


def _text(max_length: int, *checks) -> AfterValidator:
    return cleaned_by(forms.CharField(max_length=max_length), *checks)


def _optional_text(value: object) -> object:
    return "" if value is None else value


def _born(value: dt.date) -> dt.date:
    try:
        return clean_birth_date(value, timezone.localdate())
    except forms.ValidationError as exc:
        raise Invalid.from_django(exc)


def _party(value: object) -> object:
    """1 to 4 people (R-B4), in the words of the pages."""
    if not isinstance(value, list) or not value:
        raise Invalid(_("Give from 1 to 4 people."))
    if len(value) > rules.MAX_PARTY:
        raise Invalid(_("At most 4 people can come in one booking."))
    # Ninja's schemas read attributes of anything: a person must be an object.
    not_objects = {str(index): [_("Send a JSON object.")] for index, item in enumerate(value) if not isinstance(item, dict)}
    if not_objects:
        raise Invalid(not_objects)
    return value


def _ward(value: str) -> None:
    """R-B1: a ward of Niigata City; "outside" is told where to go instead."""
    try:
        clean_ward(value)
    except forms.ValidationError as exc:
        raise Invalid.from_django(exc)


def _default_language(value: object) -> object:
    return "ja" if value in (None, "") else value


def _no_bool(value: object) -> object:
    if isinstance(value, bool):
        raise Invalid(_("Enter a whole number."))
    return value


WindowCode = Annotated[
    Window,
    BeforeValidator(window_by_code),
    WithJsonSchema({"type": "string", "maxLength": 20, "description": "A window code of GET /windows, e.g. kita"}),
]
WardCode = Annotated[Literal[tuple(Ward.values)], choice_of(Ward.values, _ward)]
AttendanceCode = Annotated[Literal[tuple(Attendance.values)], choice_of(Attendance.values)]
Language = Annotated[Literal["ja", "en"], choice_of(("ja", "en")), BeforeValidator(_default_language)]
ProxyReason = Annotated[
    int | None,
    BeforeValidator(_no_bool),
    Field(json_schema_extra={"minimum": 1, "maximum": 11}, description="R-E5: 1 … 11, only for a proxy"),
]


class Body(Schema):
    """A JSON object: ninja's schemas would read the attributes of anything else."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: object) -> object:
        if not isinstance(getattr(data, "_obj", data), dict):  # ninja hands a DjangoGetter over the value
            raise Invalid(_("Send a JSON object."))
        return data


def _reading(value: str, info: ValidationInfo) -> str:
    """R-B4: the reading of the name validated before it (None when the name was refused), as PersonForm reads it."""
    try:
        return clean_kana(value, info.data.get("name"))
    except forms.ValidationError as exc:
        raise Invalid.from_django(exc)


class _NotAsked:
    """Put by BookingIn in place of a notice number that its service does not ask for (R-A5); never from JSON."""


NOT_ASKED = _NotAsked()


def _unless_not_asked(value: object, handler: ValidatorFunctionWrapHandler) -> object:
    # Left out, a notice number is None: refused by the text check as "required", as before services.
    return "" if value is NOT_ASKED else handler(value)


class PersonIn(Schema):
    notice_number: Annotated[str, _text(60, clean_notice_number), WrapValidator(_unless_not_asked)] = Field(
        None, validate_default=True,
        description="The issuance notice's number (R-B3): required for pickup; not asked, and ignored, for "
                    "application_support (R-A5)",
    )
    name: Annotated[str, _text(100, clean_name)]
    kana: Annotated[str, _text(100), AfterValidator(_reading)] = Field(
        description="Katakana; for a name written in Latin letters, katakana or the same Latin letters (R-B4)"
    )
    birth_date: Annotated[PersonDate, AfterValidator(_born)]


def _service_rules(service: str) -> rules.ServiceRules:
    return rules.service_rules(service if service in Service.values else Service.PICKUP)


class BookingIn(Body):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    window: WindowCode
    date: CalendarDate
    start: SlotTime
    ward: WardCode
    attendance: AttendanceCode
    proxy_reason: ProxyReason = None
    email: Annotated[str, BeforeValidator(_optional_text), cleaned_by(
        forms.CharField(max_length=254, required=False), clean_email)] = ""
    phone: Annotated[str, BeforeValidator(_optional_text), cleaned_by(
        forms.CharField(max_length=40, required=False), clean_phone)] = ""
    language: Language = "ja"
    people: Annotated[list[PersonIn], BeforeValidator(_party), Field(min_length=1, max_length=rules.MAX_PARTY)]
    service: ServiceCode = Service.PICKUP.value

    @model_validator(mode="before")
    @classmethod
    def _notice_numbers_not_asked(cls, data: object) -> object:
        """R-A5: a service without notice numbers ignores whatever ``people[].notice_number`` holds."""
        body = getattr(data, "_obj", data)  # ninja hands a DjangoGetter over the value
        if not isinstance(body, dict) or not isinstance(body.get("people"), list):
            return data
        if _service_rules(default_service(body.get("service"))).needs_notice_number:
            return data
        people = [{**person, "notice_number": NOT_ASKED} if isinstance(person, dict) else person
                  for person in body["people"]]
        return {**body, "people": people}

    @model_validator(mode="after")
    def _proxy_reason_and_contact(self) -> "BookingIn":
        errors = {}
        if self.attendance in _service_rules(self.service).attendances:
            # R-E5: the age-bound cases 4 and 6, for each person on the pickup day. (A proxy
            # where the service takes none, R-A5, is refused on ``attendance`` by booking_create.)
            errors = proxy_reason_errors(self.attendance, self.proxy_reason) or proxy_age_errors(
                self.attendance, self.proxy_reason, [person.birth_date for person in self.people], self.date
            )
        if not self.email and not self.phone:
            errors["__all__"] = [NO_CONTACT]
        if errors:
            raise Invalid(errors)
        return self


def _code_given(value: object) -> object:
    if not isinstance(value, str) or not value.strip():
        raise Invalid(_("Enter the reservation code."))
    return value


class LookupIn(Body):
    code: Annotated[str, BeforeValidator(_code_given)] = Field(description="e.g. 7QX2-M9KD, with or without hyphen, any case")
    birth_date: PersonDate = Field(description="The first person's date of birth")


class CancelIn(Body):
    birth_date: PersonDate = Field(description="The first person's date of birth")


class RescheduleIn(Body):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    birth_date: PersonDate = Field(description="The first person's date of birth")
    window: WindowCode
    date: CalendarDate
    start: SlotTime

    def slot(self) -> SlotChoice:
        return SlotChoice(window=self.window, date=self.date, start=self.start)


# --- The waiting list's input (API.md, "Waiting list", SPEC §9) ------------------------------


def _window_or_any(value: object) -> Window | None:
    """R-L1: a window code, or null (left out alike) for any window the ward may use."""
    return None if value is None else window_by_code(value)


OptionalWindowCode = Annotated[
    Window | None,
    BeforeValidator(_window_or_any),
    WithJsonSchema({
        "anyOf": [{"type": "string", "maxLength": 20}, {"type": "null"}],
        "description": "A window code of GET /windows, or null for any window the ward may use (R-L1)",
    }),
]


class WaitlistIn(Body):
    """
    POST /api/v1/waitlist (R-L1): the body of POST /api/v1/bookings with a
    window or null and the days wanted, ``from`` … ``to``, instead of one
    slot; an e-mail address is required (offers go by mail).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    window: OptionalWindowCode = None
    date_from: CalendarDate = Field(alias="from", description="The first day wanted, YYYY-MM-DD, inside the horizon")
    date_to: CalendarDate = Field(alias="to", description="The last day wanted, YYYY-MM-DD, inside the horizon")
    ward: WardCode
    attendance: AttendanceCode
    proxy_reason: ProxyReason = None
    email: Annotated[str, BeforeValidator(_optional_text), cleaned_by(forms.CharField(max_length=254), clean_email)]
    phone: Annotated[str, BeforeValidator(_optional_text), cleaned_by(
        forms.CharField(max_length=40, required=False), clean_phone)] = ""
    language: Language = "ja"
    people: Annotated[list[PersonIn], BeforeValidator(_party), Field(min_length=1, max_length=rules.MAX_PARTY)]
    service: ServiceCode = Service.PICKUP.value

    @model_validator(mode="before")
    @classmethod
    def _notice_numbers_not_asked(cls, data: object) -> object:
        """R-A5: as for a booking, a service without notice numbers ignores ``people[].notice_number``."""
        return BookingIn._notice_numbers_not_asked(data)

    @model_validator(mode="after")
    def _proxy_reason(self) -> "WaitlistIn":
        """R-E5: a reason only for a proxy (its age-bound cases are checked by waitlist_join on the first day)."""
        if self.attendance in _service_rules(self.service).attendances:
            errors = proxy_reason_errors(self.attendance, self.proxy_reason)
            if errors:
                raise Invalid(errors)
        return self
