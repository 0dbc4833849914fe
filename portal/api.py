"""
The JSON API (API.md): one NinjaAPI at /api/v1/ made of the apps' routers,
with the error shape of the contract, ``{"errors": {"<field>": ["<message>",
...]}}`` with status 422, for every kind of bad input, in the client's
language (the helpers live in portal.api_errors, below the apps).
"""

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from eligibility.api import router as eligibility_router
from fees.api import router as fees_router
from portal.api_errors import JSONOnlyParser, body_error, json_response, located_errors, on_validation_error
from reservations.booking.api import router as booking_router
from reservations.booking.waitlist_api import router as waitlist_router
from reservations.schedule.api import router as schedule_router

class PortalAPI(NinjaAPI):
    """A NinjaAPI whose validation errors keep the rules' own messages (portal.api_errors)."""

    def validation_error_from_error_contexts(self, error_contexts: list) -> ValidationError:
        return ValidationError(located_errors(error_contexts))


api = PortalAPI(
    title="Niigata City My Number Card portal API",
    version="1",
    description="Pickup windows, calendars and bookings of the Niigata City My Number Card portal.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    parser=JSONOnlyParser(),
)

api.add_exception_handler(ValidationError, on_validation_error)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        # Ninja answers 400 to a body it cannot read (not JSON, or not sent as JSON); the contract says 422.
        return body_error(request, exc.__cause__)
    return json_response(request, {"error": str(exc)}, exc.status_code)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return json_response(request, {"error": "not_found"}, 404)


api.add_router("/", schedule_router)
api.add_router("/", booking_router)
api.add_router("/", waitlist_router)
api.add_router("/eligibility/", eligibility_router)
api.add_router("/fees/", fees_router)
