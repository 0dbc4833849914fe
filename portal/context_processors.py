from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, translate_url
from django.utils.translation import get_language, gettext as _

LANGUAGES = [("ja", "日本語"), ("en", "English")]


def portal(request):
    """Give every page the links to itself in the other languages."""
    current = (get_language() or settings.LANGUAGE_CODE)[:2]
    path = request.get_full_path()
    # Kept per address (a pure function of it); a long one (a query string of anything) is not kept.
    translated = _translated if len(path) <= 200 else _translated.__wrapped__
    languages = [
        {"code": code, "name": name, "url": translated(path, code, get_urlconf(), get_script_prefix()),
         "current": code == current}
        for code, name in LANGUAGES
    ]
    return {"language_links": languages, "current_language": current, "booking_steps": BookingSteps()}


@lru_cache(maxsize=4096)
def _translated(path: str, code: str, urlconf, prefix: str) -> str:
    """translate_url(path, code), once per address (issue #17); ``urlconf`` and ``prefix`` key what it reads."""
    return translate_url(path, code)


class BookingSteps:
    """The five steps of booking, translated when a template iterates them."""

    def __iter__(self):
        return iter(
            [
                (1, _("Who and where")),
                (2, _("Window")),
                (3, _("Day and time")),
                (4, _("Details")),
                (5, _("Check and confirm")),
            ]
        )
