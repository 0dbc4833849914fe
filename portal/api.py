"""
The JSON API (API.md): one NinjaAPI at /api/v1/ with the error shape of the
contract, ``{"errors": {"<field>": ["<message>", ...]}}`` with status 422,
for every kind of bad input, in the client's language.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

api = NinjaAPI(
    title="Niigata City My Number Card portal API",
    version="1",
    description="Pickup windows, calendars and bookings of the Niigata City My Number Card portal.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)

LOCATIONS = ("body", "query", "path", "header", "cookie", "form")


def json_body(request):
    """Return the request's JSON body as sent (schemas only document it), or None when it is not JSON."""
    import json

    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None


def error_response(request, errors, status=422):
    """Return ``{"errors": errors}`` with ``status`` (422 unless told)."""
    return api.create_response(request, {"errors": errors}, status=status)


def form_errors(form):
    """Return a Django form's errors as the API's ``errors`` mapping."""
    return {field: [str(message) for message in messages] for field, messages in form.errors.items()}


def _message_for(error):
    kind = error.get("type", "")
    if kind == "missing":
        return _("This field is required.")
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
    if kind in ("literal_error", "enum"):
        return _("Choose one of the allowed values.")
    if kind.startswith("string") or kind == "str_type":
        return _("Enter text.")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("Send a JSON object.")
    if kind in ("list_type", "too_short", "too_long"):
        return _("Send a list of the allowed length.")
    return _("Enter a valid value.")


def _field_of(location):
    parts = list(location)
    if parts and parts[0] in LOCATIONS:
        kind = parts.pop(0)
        # Body fields come under the name of the views' body parameter.
        if kind == "body" and parts and parts[0] == "payload":
            parts.pop(0)
    return ".".join(str(part) for part in parts) or "__all__"


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    errors = {}
    for error in exc.errors:
        errors.setdefault(_field_of(error.get("loc", ())), []).append(_message_for(error))
    return error_response(request, errors)


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    if exc.status_code == 400:
        # Ninja answers 400 to a body that is not JSON; the contract says 422.
        return error_response(request, {"__all__": [_("The request body is not valid JSON.")]})
    return api.create_response(request, {"error": str(exc)}, status=exc.status_code)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"error": "not_found"}, status=404)


api.add_router("/", "reservations.booking.api.router")
api.add_router("/eligibility/", "eligibility.api.router")
api.add_router("/fees/", "fees.api.router")
