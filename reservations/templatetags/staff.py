"""Template filters of the staff pages."""

from django import template

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
