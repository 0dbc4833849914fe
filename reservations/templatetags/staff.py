"""Template filters of the staff pages."""

from django import template

from reservations.counter import access

register = template.Library()


@register.filter
def is_city_admin(user) -> bool:
    """Whether ``user`` is a city admin (the suspicious-clusters review is theirs only)."""
    return access.CITY_ADMIN in access.roles(user)
