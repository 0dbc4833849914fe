"""
The JSON API's answers for bad input (API.md, "Errors"): status 422 and
``{"errors": {"<field>": ["<message>", ...]}}``, messages in the request's
language. No NinjaAPI here: the apps' routers import these helpers, and
portal.api (on top) imports the apps' routers.
"""

import json
from collections.abc import Iterable, Mapping, Sequence

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import ValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

RENDERER = JSONRenderer()
CONTENT_TYPE = f"{RENDERER.media_type}; charset={RENDERER.charset}"
LOCATIONS = ("body", "query", "path", "header", "cookie", "form")
# The name of the body parameter of every endpoint: left out of field names.
BODY_PARAMETER = "payload"

Errors = dict[str, list[str]]


class Invalid(ValueError):
    """
    Raised by a schema's validators. ``messages`` is a list of messages for
    the field being validated, or a mapping ``{field: [messages]}`` for
    fields of the object being validated (``"__all__"`` for the object).
    """

    def __init__(self, messages: str | Sequence[str] | Mapping[str, Sequence[str]]):
        self.messages = [messages] if isinstance(messages, str) else messages
        super().__init__(str(self.messages))

    @classmethod
    def from_django(cls, error: DjangoValidationError) -> "Invalid":
        """Carry a Django ValidationError's messages (a field's clean() or validators)."""
        return cls([str(message) for message in error.messages])


def json_response(request: HttpRequest, body: object, status: int) -> HttpResponse:
    """Return ``body`` as the API renders JSON (the bytes and content type of NinjaAPI.create_response)."""
    return HttpResponse(RENDERER.render(request, body, response_status=status), status=status, content_type=CONTENT_TYPE)


def error_response(request: HttpRequest, errors: Mapping[str, Iterable[object]], status: int = 422) -> HttpResponse:
    """Return ``{"errors": errors}`` with ``status`` (422 unless told), every message as text."""
    body = {"errors": {field: [str(message) for message in messages] for field, messages in errors.items()}}
    return json_response(request, body, status)


def form_errors(form) -> Errors:
    """Return a Django form's errors as the API's ``errors`` mapping."""
    return {field: [str(message) for message in messages] for field, messages in form.errors.items()}


def json_body(request: HttpRequest) -> object:
    """Return the request's JSON body as sent, or None when it is not JSON."""
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


class NotJSONContent(ValueError):
    """A request body sent with another content type than ``application/json``."""


class JSONOnlyParser(Parser):
    """
    Read a request body only when it is sent as ``application/json`` (any
    parameters, such as a charset, allowed). A cross-site page can make a
    visitor's browser POST ``text/plain`` or a form without a CORS preflight,
    never ``application/json`` (issue #18, 7a).
    """

    def parse_body(self, request: HttpRequest) -> object:
        if (request.content_type or "").lower() != "application/json":
            raise NotJSONContent(request.content_type)
        return super().parse_body(request)


def body_error(request: HttpRequest, cause: BaseException | None) -> HttpResponse:
    """Answer 422 (API.md, "Errors") to a body that could not be read, saying why."""
    if isinstance(cause, NotJSONContent):
        message = _("Send the request body as JSON, with the header Content-Type: application/json.")
    else:
        message = _("The request body is not valid JSON.")
    return error_response(request, {"__all__": [message]})


def _message_for(error: Mapping) -> str:
    kind = error.get("type", "")
    given = error.get("input")
    if kind == "missing" or given is None or given == "":
        return _("This field is required.")
    if kind in ("literal_error", "enum") and isinstance(given, str):
        # Django's own words (and its translations), as the form fields say it.
        return str(forms.ChoiceField.default_error_messages["invalid_choice"]) % {"value": given}
    if kind == "json_invalid":
        return _("The request body is not valid JSON.")
    if kind.startswith("date") or kind.startswith("datetime"):
        return _("Enter a valid date in the form YYYY-MM-DD.")
    if kind.startswith("time"):
        return _("Enter a valid time in the form HH:MM.")
    if kind.startswith("int") or kind.startswith("float"):
        return _("Enter a whole number.")
    if kind.startswith("bool"):
        return _("Enter true or false.")
    if kind.startswith("string") or kind in ("str_type", "literal_error", "enum"):
        return _("Enter text.")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("Send a JSON object.")
    if kind in ("list_type", "too_short", "too_long"):
        return _("Send a list of the allowed length.")
    return _("Enter a valid value.")


def _path_of(location: Sequence) -> list[str]:
    parts = list(location)
    if parts and parts[0] in LOCATIONS:
        kind = parts.pop(0)
        if kind == "body" and parts and parts[0] == BODY_PARAMETER:
            parts.pop(0)
    return [str(part) for part in parts]


def _field(path: list[str], name: str | None = None) -> str:
    parts = path + [name] if name and name != "__all__" else path
    return ".".join(parts) or "__all__"


def validation_errors(errors: Iterable[Mapping]) -> Errors:
    """
    Map pydantic's errors to the API's ``errors``: a field path such as
    ``people.0.kana`` (``__all__`` for the whole body), messages in the
    current language, those of the rules as they raised them (Invalid).
    """
    mapped: Errors = {}
    for error in errors:
        path = _path_of(error.get("loc", ()))
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, Invalid) and isinstance(cause.messages, Mapping):
            for name, messages in cause.messages.items():
                mapped.setdefault(_field(path, name), []).extend(str(m) for m in messages)
        elif isinstance(cause, Invalid):
            mapped.setdefault(_field(path), []).extend(str(m) for m in cause.messages)
        else:
            mapped.setdefault(_field(path), []).append(_message_for(error))
    return mapped


def located_errors(contexts: Iterable) -> list[dict]:
    """
    Return the pydantic errors of ninja's ValidationErrorContexts with their
    location (``("body", "payload", "people", 0, "kana")``), keeping the
    exception a validator raised (ninja would make it text) so that
    validation_errors() can read an Invalid's messages.
    """
    errors = []
    for context in contexts:
        model = context.model
        # A schema of query parameters is flattened: its own errors (a model
        # validator's) are about the parameters, not about the schema's name.
        schemas = {path[:end] for path in getattr(model, "__ninja_flatten_map__", {}).values() for end in range(1, len(path))}
        for error in context.pydantic_validation_error.errors(include_url=False):
            location = () if error["loc"] in schemas else error["loc"]
            error["loc"] = (model.__ninja_param_source__,) + model.__ninja_flatten_map_reverse__.get(location, location)
            errors.append(error)
    return errors


def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Answer 422 in API.md's shape for input that fails a schema."""
    return error_response(request, validation_errors(exc.errors))
