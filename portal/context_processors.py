from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, gettext as _


def portal(request):
    """Give every page the links to itself in the other languages."""
    current = (get_language() or settings.LANGUAGE_CODE)[:2]
    path = request.get_full_path()
    languages = [
        {"code": code, "name": name, "url": translate_url(path, code), "current": code == current}
        for code, name in [("ja", "日本語"), ("en", "English")]
    ]
    return {"language_links": languages, "current_language": current, "booking_steps": BookingSteps()}


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
