"""
The headers every page sends (issue #17: the per-request work outside the views made cheaper
must send the same headers): CSP, the security headers, no-store on the personal pages,
Vary, the language, the cookies' flags. The policy is built once per process
(portal.middleware.CSPMiddleware); a change of settings, a view's own policy and a nonce
still take effect.
"""

import pytest
from csp.constants import NONCE, SELF
from csp.decorators import csp_exempt, csp_update
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from portal.middleware import CSPMiddleware
from tests.reservations.booking_steps import fill_details, start

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]

POLICY = {
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
    "connect-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
}
SECURITY = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


def directives(header):
    return set(part.strip() for part in header.split(";"))


def assert_common_headers(response):
    assert directives(response.headers["Content-Security-Policy"]) == POLICY
    assert "Content-Security-Policy-Report-Only" not in response.headers
    for name, value in SECURITY.items():
        assert response.headers[name] == value, name


def test_a_public_page_sends_the_policy_the_security_headers_and_stays_cacheable(client):
    response = client.get("/book/")
    assert response.status_code == 200
    assert_common_headers(response)
    assert response.headers["Content-Language"] == "ja"
    assert response.headers["Vary"] == "Cookie, Accept-Language"  # the unprefixed address negotiates
    assert "Cache-Control" not in response.headers and "Expires" not in response.headers
    csrf = response.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax" and csrf["path"] == "/"
    assert "sessionid" not in response.cookies  # no session for a visitor who has chosen nothing yet


def test_the_english_page_says_its_language(client):
    response = client.get("/en/book/")
    assert_common_headers(response)
    assert response.headers["Content-Language"] == "en"
    assert response.headers["Vary"] == "Cookie"


def test_a_personal_page_sends_the_policy_and_is_never_stored(client):
    start(client)
    fill_details(client)
    response = client.get("/en/book/review/")
    assert response.status_code == 200
    assert_common_headers(response)
    assert response.headers["Cache-Control"] == NEVER_CACHE
    assert "Expires" in response.headers
    assert response.headers["Vary"] == "Cookie"


def test_the_session_cookie_keeps_its_flags(client, settings):
    response = start(client)
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax" and session["path"] == "/"
    assert int(session["max-age"]) == settings.SESSION_COOKIE_AGE


def test_an_api_answer_sends_the_policy_too(client):
    response = client.get("/api/v1/windows")
    assert response.status_code == 200
    assert_common_headers(response)


def test_the_policy_is_the_one_django_csp_builds(client):
    assert client.get("/").headers["Content-Security-Policy"] == build_policy()


@override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'none'"]}})
def test_a_changed_policy_setting_takes_effect_at_once(client):
    assert client.get("/").headers["Content-Security-Policy"] == "default-src 'none'"


def test_the_policy_kept_for_the_process_follows_the_settings(client, settings):
    client.get("/")  # the policy of the settings is kept
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"], "img-src": ["'self'"]}}
    assert directives(client.get("/").headers["Content-Security-Policy"]) == {"default-src 'self'", "img-src 'self'"}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert client.get("/").headers["Content-Security-Policy-Report-Only"] == "default-src 'none'"


def _through_middleware(view, path="/"):
    request = RequestFactory().get(path)
    middleware = CSPMiddleware(view)
    return middleware(request)


def test_a_views_own_policy_still_wins():
    response = _through_middleware(csp_update({"img-src": "https://maps.example"})(lambda request: HttpResponse()))
    assert "img-src 'self' data: https://maps.example" in directives(response.headers["Content-Security-Policy"])


def test_an_exempt_view_gets_no_policy():
    response = _through_middleware(csp_exempt()(lambda request: HttpResponse()))
    assert "Content-Security-Policy" not in response.headers


@override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"script-src": [SELF, NONCE]}})
def test_a_nonce_used_by_a_page_is_in_its_policy():
    response = _through_middleware(lambda request: HttpResponse(str(request.csp_nonce)))
    nonce = response.content.decode()
    assert directives(response.headers["Content-Security-Policy"]) == {"default-src 'self'", f"script-src 'self' 'nonce-{nonce}'"}


@override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"script-src": [SELF, NONCE]}})
def test_a_page_that_uses_no_nonce_gets_none():
    response = _through_middleware(lambda request: HttpResponse())
    assert directives(response.headers["Content-Security-Policy"]) == {"default-src 'self'", "script-src 'self'"}


def test_a_header_set_by_the_view_is_kept():
    def view(request):
        response = HttpResponse()
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    assert _through_middleware(view).headers["Content-Security-Policy"] == "default-src 'none'"
