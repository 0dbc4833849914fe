"""
The way to the waiting list (SPEC §9, R-L1) on the booking pages: from a
calendar with no free day for the party, the "slot full" page and the window
choice. The links carry a window code only, never personal data.
"""

from django import template
from django.conf import settings

from reservations.models import Window

register = template.Library()


@register.filter
def no_free_day(months) -> bool:
    """Whether the month rows of a booking calendar (booking.views ``_month_rows``) have no free cell."""
    return not any(cell["free"] for _month, rows in months for row in rows for cell in row)


def _invite(*, show: bool, full: bool, window: Window | None = None, suffix: str = "") -> dict:
    return {
        "show": show, "full": full, "suffix": suffix, "level": 3 if suffix else 2, "minutes": settings.WAITLIST_OFFER_MINUTES,
        "window_code": window.code if window else "", "window_name": window.name if window else "",
    }


@register.inclusion_tag("reservations/_waitlist_invite.html")
def waitlist_invite(window: Window | None = None, full: bool = False) -> dict:
    """The invitation to join the waiting list (for ``window``: it is chosen on the join page)."""
    return _invite(show=True, full=full, window=window)


@register.inclusion_tag("reservations/_waitlist_invite.html")
def waitlist_invite_if_full(window: Window, earliest) -> dict:
    """
    The invitation on the window choice, for a window with no time free for
    the whole party in the horizon (R-L1): ``earliest`` is its earliest free
    slot (booking.earliest, read from the cached availability) or None.
    """
    return _invite(show=earliest is None, full=True, window=window, suffix=window.code)
