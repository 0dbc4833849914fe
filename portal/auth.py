"""
Staff and admin login with failed-login throttling (issue #18):

- a user name from one address (an IPv4 address or an IPv6 /64) is locked
  after LOGIN_FAILURE_LIMIT failures within LOGIN_FAILURE_WINDOW_SECONDS;
- an address is locked after LOGIN_ADDRESS_FAILURE_LIMIT failures for any
  names within the window (password spraying);
- a user name is never locked across addresses, only slowed down: after
  LOGIN_NAME_SLOWDOWN_AFTER failures from all addresses together within the
  window, one attempt for that name is evaluated every 1, 2, 4, 8, 16 …
  seconds, at most LOGIN_NAME_MAX_DELAY_SECONDS; the others answer 429.

The name counted is the one authentication looks up: the form's cleaned
value (NFKC, as AbstractBaseUser.normalize_username), case-folded, so that
``ａｄｍｉｎ`` and ``Admin`` count as ``admin`` does. Every attempt is counted
before the password is checked (portal.ratelimit.claim_counter), and given
back when it succeeds. If the cache is down the password check still applies.
"""

import hashlib
import logging
import time
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import ratelimit

logger = logging.getLogger(__name__)

LOCKED = gettext_lazy("Too many failed logins. Wait 15 minutes and try again, or ask an administrator.")


def _digest(*parts: str) -> str:
    value = "\x00".join(parts)
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:32]


def throttle_name(username: str) -> str:
    """The name a login attempt is counted against: the cleaned (NFKC) user name, case-folded."""
    return (username or "").casefold()


def name_delay(over: int) -> int:
    """Seconds between evaluated attempts for a name ``over`` failures past the slow-down threshold."""
    return min(2 ** max(over - 1, 0), settings.LOGIN_NAME_MAX_DELAY_SECONDS)


@dataclass
class LoginAttempt:
    """A login attempt counted before its password is checked; ``refusal`` says why it is not checked."""

    claims: list = field(default_factory=list)
    refusal: str | None = None

    def release(self) -> None:
        """The password was right: the attempt does not count as a failure."""
        for claim in self.claims:
            claim.release()


def _refused(claims: list, message: str) -> LoginAttempt:
    LoginAttempt(claims).release()  # a refused attempt checks no password: it is no failure
    return LoginAttempt(refusal=message)


def _gate_open(name: str, seconds: int) -> bool:
    """Let one attempt for ``name`` through, then none for ``seconds`` (atomic: cache.add)."""
    try:
        return cache.add(f"login-gate:{_digest(name)}", 1, timeout=seconds)
    except Exception:
        logger.warning("login throttle cache unreachable; not slowing down")
        return True


def login_attempt(request, username: str) -> LoginAttempt:
    """Count a login attempt for ``username`` from the request's address, or refuse it."""
    name = throttle_name(username)
    address = ratelimit.bucket(request) if request is not None else ""
    seconds = settings.LOGIN_FAILURE_WINDOW_SECONDS
    window, timeout = int(time.time()) // seconds, seconds * 2
    pair = ratelimit.claim_counter(f"login-failures:pair:{_digest(name, address)}:{window}",
                                   settings.LOGIN_FAILURE_LIMIT, timeout)
    by_address = ratelimit.claim_counter(f"login-failures:addr:{_digest(address)}:{window}",
                                         settings.LOGIN_ADDRESS_FAILURE_LIMIT, timeout)
    by_name = ratelimit.claim_counter(f"login-failures:name:{_digest(name)}:{window}",
                                      settings.LOGIN_NAME_SLOWDOWN_AFTER, timeout)
    claims = [pair, by_address, by_name]
    if not (pair.allowed and by_address.allowed):
        return _refused(claims, str(LOCKED))
    if not by_name.allowed:
        delay = name_delay(by_name.count - by_name.limit)
        if not _gate_open(name, delay):
            message = _("Too many failed logins for this user name. Wait %(seconds)s seconds and try again.")
            return _refused(claims, message % {"seconds": delay})
    return LoginAttempt(claims)


class ThrottleMixin:
    throttle_message = LOCKED

    def clean(self):
        username = self.cleaned_data.get("username")
        if username is None or not self.cleaned_data.get("password"):
            return super().clean()  # nothing to authenticate: the fields say what is missing
        attempt = login_attempt(self.request, username)
        if attempt.refusal:
            raise forms.ValidationError(attempt.refusal, code="throttled")
        cleaned = super().clean()  # a wrong password raises: the attempt stays counted
        attempt.release()
        return cleaned


class ThrottledAuthenticationForm(ThrottleMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottleMixin, AdminAuthenticationForm):
    pass


class ThrottledLoginView(LoginView):
    """The staff login: a throttled login answers 429 with the form and its message."""

    authentication_form = ThrottledAuthenticationForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if throttled(form):
            response.status_code = 429
        return response


def throttled(form):
    """Whether ``form`` was refused by the login throttle."""
    return form is not None and any(
        error.code == "throttled" for error in form.errors.as_data().get("__all__", [])
    )


def admin_login(request, **kwargs):
    """The Django admin's login, answering 429 (with its form and message) once throttled."""
    response = admin.site.login(request, **kwargs)
    context = getattr(response, "context_data", None) or {}
    if request.method == "POST" and throttled(context.get("form")):
        response.status_code = 429
    return response
