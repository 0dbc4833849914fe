"""Template filters of the staff pages."""

from django import template
from django.utils.translation import get_language

from reservations import rules
from reservations.counter import access
from reservations.rules.lifecycle import service_status_label

register = template.Library()


@register.filter
def is_city_admin(user) -> bool:
    """Whether ``user`` is a city admin (the suspicious-clusters review is theirs only)."""
    return access.CITY_ADMIN in access.roles(user)


@register.filter
def status_words(booking) -> str:
    """The status of ``booking`` in words: Booking.Status's, or its service's own (application support: 申請完了)."""
    return service_status_label(booking.status, booking.service) or booking.get_status_display()


@register.filter
def code_reading(code: str) -> list[tuple[str, str]]:
    """Each character of a reservation code with its reading in the page's language, to read it out (issue #15)."""
    return rules.code_reading(code, get_language() or "ja")
