from django.utils import translation
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
