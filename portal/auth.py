"""
Staff and admin login with failed-login throttling: after
LOGIN_FAILURE_LIMIT failures for one user name or from one address within
LOGIN_FAILURE_WINDOW_SECONDS, logins are refused until the window ends.
"""

import hashlib
import logging
import time

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from portal.ratelimit import client_address

logger = logging.getLogger(__name__)


def _keys(request, username):
    window = int(time.time()) // settings.LOGIN_FAILURE_WINDOW_SECONDS
    address = client_address(request) if request else ""
    digest = lambda value: hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:32]  # noqa: E731
    return [f"login-failures:user:{digest((username or '').lower())}:{window}", f"login-failures:addr:{digest(address)}:{window}"]


def login_blocked(request, username):
    try:
        return any((cache.get(key) or 0) >= settings.LOGIN_FAILURE_LIMIT for key in _keys(request, username))
    except Exception:  # the cache is down: the password check still applies
        logger.warning("login throttle cache unreachable; not limiting")
        return False


def record_login_failure(request, username):
    try:
        for key in _keys(request, username):
            cache.add(key, 0, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS * 2)
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS * 2)
    except Exception:
        logger.warning("login throttle cache unreachable; failure not counted")


class ThrottleMixin:
    throttle_message = _("Too many failed logins. Wait 15 minutes and try again, or ask an administrator.")

    def clean(self):
        username = self.data.get("username", "")
        if login_blocked(self.request, username):
            raise forms.ValidationError(self.throttle_message, code="throttled")
        try:
            return super().clean()
        except forms.ValidationError:
            record_login_failure(self.request, username)
            raise


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
