"""
System checks of the portal (issue #13).

The Japanese site must never fall back to the English source strings because a
compiled catalogue (.mo) is missing or was built from an older .po. The .mo
files are committed and rebuilt by ``make messages``; this check stops
``runserver``, ``migrate`` and ``check`` when one is missing or does not hold
exactly the translations of its .po. It compares contents, not modification
times, which a git checkout does not keep.
"""

import ast
import gettext
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, register


def parse_po(text):
    """
    Return the translations of a .po file's text as msgfmt compiles them.

    The keys are those of ``gettext.GNUTranslations._catalog``: the msgid,
    ``"context\\x04msgid"`` with a msgctxt, ``(msgid, n)`` for plural forms.
    Untranslated, fuzzy and obsolete (``#~``) entries and the header are left
    out, as msgfmt leaves them out.
    """
    entries = []
    entry, field, fuzzy = {}, None, False

    def finish():
        nonlocal entry, field, fuzzy
        if "msgid" in entry and not fuzzy:
            entries.append(entry)
        entry, field, fuzzy = {}, None, False

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#"):
            if field is not None:
                finish()  # a comment after an entry's fields starts the next entry
            if line.startswith("#,"):
                fuzzy = fuzzy or "fuzzy" in [flag.strip() for flag in line[2:].split(",")]
        elif line.startswith('"'):
            if field is None:
                raise ValueError(f"continuation without a keyword: {raw!r}")
            entry[field] += ast.literal_eval(line)
        else:
            keyword, _space, value = line.partition(" ")
            if keyword not in ("msgctxt", "msgid", "msgid_plural", "msgstr") and not keyword.startswith("msgstr["):
                raise ValueError(f"unknown keyword: {raw!r}")
            if keyword == "msgctxt" or (keyword == "msgid" and field not in (None, "msgctxt")):
                finish()  # a msgid right after a complete entry
            field = keyword
            entry[field] = ast.literal_eval(value)
    finish()

    catalog = {}
    for entry in entries:
        msgid = entry["msgid"]
        if not msgid:
            continue  # the header
        if "msgctxt" in entry:
            msgid = f"{entry['msgctxt']}\x04{msgid}"
        if "msgid_plural" in entry:
            forms = sorted(
                (int(key[len("msgstr["):-1]), value) for key, value in entry.items() if key.startswith("msgstr[")
            )
            if all(value for _n, value in forms):
                catalog.update({(msgid, n): value for n, value in forms})
        elif entry.get("msgstr"):
            catalog[msgid] = entry["msgstr"]
    return catalog


def catalogue_problem(po_path):
    """Return why the .mo beside ``po_path`` does not serve that .po's translations, or None."""
    po_path = Path(po_path)
    mo_path = po_path.with_suffix(".mo")
    try:
        expected = parse_po(po_path.read_text(encoding="utf-8"))
    except (ValueError, SyntaxError, UnicodeDecodeError) as exc:
        return f"not checkable: its .po cannot be read ({exc})"
    if not mo_path.exists():
        return "missing" if expected else None
    try:
        with mo_path.open("rb") as handle:
            compiled = dict(gettext.GNUTranslations(handle)._catalog)
    except (OSError, UnicodeDecodeError) as exc:
        return f"unreadable ({exc})"
    compiled.pop("", None)  # the header
    missing = [key for key, value in expected.items() if compiled.get(key) != value]
    extra = [key for key in compiled if key not in expected]
    if missing or extra:
        return f"outdated ({len(missing)} translations differ or are missing, {len(extra)} left over)"
    return None


@register(Tags.translation)
def check_compiled_catalogues(app_configs=None, **kwargs):
    """Return an Error for each catalogue of a site language whose .mo is missing or older than its .po."""
    languages = {code for code, _name in settings.LANGUAGES}
    errors = []
    for locale_path in settings.LOCALE_PATHS:
        for po_path in sorted(Path(locale_path).glob("*/LC_MESSAGES/*.po")):
            language = po_path.parent.parent.name
            if language not in languages:
                continue
            problem = catalogue_problem(po_path)
            if problem:
                errors.append(Error(
                    f"The compiled catalogue {po_path.with_suffix('.mo')} is {problem}: the "
                    f"{language} pages would show untranslated text.",
                    hint="Run `make messages` (manage.py compilemessages) and commit the .mo file.",
                    obj=str(po_path),
                    id="portal.E001",
                ))
    return errors
