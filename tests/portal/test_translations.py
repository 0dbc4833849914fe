"""Japanese is the default language: its catalogue must be complete."""

import ast
import re
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "ja" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def parse_po(path):
    """Yield (flags, msgid, msgstr) of every entry but the header."""
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        flags, fields, current = "", {"msgid": [], "msgstr": []}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags += line
            elif line.startswith("#"):
                continue
            elif line.startswith(("msgid ", "msgstr ", "msgstr[")):
                current, _, literal = line.partition(" ")
                current = "msgstr" if current.startswith("msgstr") else current
                fields[current].append(ast.literal_eval(literal))
            elif line.startswith("msgid_plural "):
                current = None
            elif line.startswith("msgctxt "):
                current = None
            elif line.startswith('"') and current:
                fields[current].append(ast.literal_eval(line))
        msgid, msgstr = "".join(fields["msgid"]), "".join(fields["msgstr"])
        if msgid:
            yield flags, msgid, msgstr


def test_japanese_catalogue_is_complete_and_not_fuzzy():
    entries = list(parse_po(PO))
    assert len(entries) > 100
    assert [msgid for flags, msgid, msgstr in entries if "fuzzy" in flags or not msgstr] == []


def test_placeholders_survive_translation():
    for _flags, msgid, msgstr in parse_po(PO):
        assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(msgstr)), msgid


def test_every_string_of_the_code_is_in_the_catalogue(tmp_path, settings):
    """
    Extract the messages again (makemessages over a copy of the code, merged
    with the catalogue as committed): a string added to the code or a template
    but not to django.po shows up untranslated here.
    """
    import os
    import shutil

    from django.core.management import call_command

    root = Path(settings.BASE_DIR)
    for name in ("portal", "reservations", "eligibility", "fees", "templates"):
        shutil.copytree(root / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    (tmp_path / "locale" / "ja" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(PO, tmp_path / "locale" / "ja" / "LC_MESSAGES" / "django.po")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        call_command("makemessages", locale=["ja"], no_obsolete=True, verbosity=0)
    finally:
        os.chdir(cwd)
    missing = [msgid for flags, msgid, msgstr in parse_po(tmp_path / "locale" / "ja" / "LC_MESSAGES" / "django.po")
               if "fuzzy" in flags or not msgstr]
    assert missing == [], "run makemessages and translate: " + repr(missing[:10])
