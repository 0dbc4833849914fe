import http.client
import time
from functools import lru_cache

from csp import middleware as csp_middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation.trans_real import get_supported_language_variant, parse_accept_lang_header


def language_from_accept_header(header):
    """Return the first supported language of an Accept-Language header, or None."""
    for code, _quality in parse_accept_lang_header(header or ""):
        if code == "*":
            break
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return None


class ApiLanguageMiddleware:
    """
    Speak the API client's language.

    HTML pages take their language from the URL (no prefix: Japanese, /en/:
    English). The JSON API has no prefix, so it answers in Japanese unless the
    client asks for English with Accept-Language (API.md).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            language = language_from_accept_header(request.headers.get("Accept-Language"))
            language = language or translation.get_supported_language_variant("ja")
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class SessionRefreshMiddleware:
    """
    Sessions end after SESSION_COOKIE_AGE (30 minutes) without use (R-S: staff
    idle timeout; a half-finished booking too). Instead of writing the
    session to the database on every request (which under the launch-morning
    load costs a write and a commit per page view), a session in use is
    written at most once per SESSION_REFRESH_SECONDS, so it lives 30 minutes
    after the last request, give or take that minute.
    """

    KEY = "_refreshed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not (session.accessed or session.modified):
            return response  # a request that did not use the session (e.g. the cached API) leaves it alone
        if not (session.session_key or session.modified):
            return response  # an anonymous visitor without a session gets none
        try:
            keys = set(session.keys())
        except Exception:  # an unreadable session store: leave it to SessionMiddleware
            return response
        if keys - {self.KEY}:
            now = int(time.time())
            # Stamp a session being written anyway; refresh an idle one once a minute.
            if session.modified or now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now
        return response


class NoStoreMiddleware:
    """
    Keep answers with personal data out of every cache (issue #18, 7b): the
    browser's back-forward and disk caches of a shared computer, and any
    proxy between. Every staff page, the resident's booking pages from the
    details step on, the manage pages and the API's booking answers are sent
    with ``Cache-Control: no-store`` (and Django's never_cache companions).
    """

    NAMESPACES = frozenset({"staff"})
    VIEWS = frozenset({
        "reservations:book_details",
        "reservations:book_review",
        "reservations:book_done",
        "reservations:book_ics",
        "reservations:manage_lookup",
        "reservations:manage",
        "reservations:manage_cancel",
        "reservations:manage_move",
        "reservations:manage_ics",
        "api:create_booking",
        "api:lookup_booking",
        "api:cancel_booking",
        "api:reschedule_booking",
    })

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and (match.view_name in self.VIEWS or self.NAMESPACES & set(match.namespaces)):
            add_never_cache_headers(response)
        return response


# What a view or decorator can set on a response to change its policy (django-csp's decorators).
_RESPONSE_POLICY = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
_DEBUG_EXEMPT = (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND)


@lru_cache(maxsize=2)
def settings_policy(report_only: bool) -> tuple[str, tuple[str, ...]]:
    """Return the policy of the settings without a nonce and its excluded prefixes, once per process."""
    setting = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY" if report_only else "CONTENT_SECURITY_POLICY", None)
    prefixes = tuple((setting or {}).get("EXCLUDE_URL_PREFIXES", None) or ())
    return build_policy(report_only=report_only), prefixes


@receiver(setting_changed)
def _forget_policy(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        settings_policy.cache_clear()


class CSPMiddleware(csp_middleware.CSPMiddleware):
    """
    django-csp's middleware with the policy of the settings built once per process
    (issue #17): every page sends the same policy, and django-csp builds it again for each
    response (a tenth of the stack's cost on a page without queries). A response that uses a
    nonce or carries its own policy (csp_update, csp_replace, csp) is built by django-csp.
    """

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in _RESPONSE_POLICY
        ):
            return super().process_response(request, response)
        if response.status_code in _DEBUG_EXEMPT and settings.DEBUG:
            return response
        for header, exempt, report_only in ((HEADER, "_csp_exempt", False), (HEADER_REPORT_ONLY, "_csp_exempt_ro", True)):
            policy, excluded = settings_policy(report_only)
            if (policy and header not in response and getattr(response, exempt, False) is False
                    and not request.path_info.startswith(excluded)):
                response[header] = policy
        # As django-csp does: a nonce asked for after the header is written is an error, not a silent gap.
        request.csp_nonce = csp_middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response
