"""
The compiled catalogues are part of every install (issue #13): committed, and
checked at start-up so the Japanese site never silently shows English.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core import checks
from django.test import override_settings

from portal.checks import catalogue_problem, check_compiled_catalogues, parse_po

ROOT = Path(__file__).resolve().parents[2]
JA_PO = ROOT / "locale" / "ja" / "LC_MESSAGES" / "django.po"

PO = """\
# A comment
#, fuzzy
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

#: portal/x.py:1
msgid "Hello"
msgstr "こんにちは"

#, fuzzy
msgid "Guessed"
msgstr "推測"

msgid "Untranslated"
msgstr ""

msgctxt "greeting"
msgid "Hello"
msgstr "やあ"

msgid "Long "
"text with \\"quotes\\""
msgstr ""
"長い"
"文"

msgid "%(n)d day"
msgid_plural "%(n)d days"
msgstr[0] "%(n)d日"

#~ msgid "Old"
#~ msgstr "古い"
"""


@pytest.fixture
def catalogue(tmp_path):
    """A locale directory with a ja .po, and a helper that compiles it with GNU msgfmt."""
    folder = tmp_path / "ja" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "django.po"
    po.write_text(PO, encoding="utf-8")

    def compile_po():
        subprocess.run(["msgfmt", "-o", str(po.with_suffix(".mo")), str(po)], check=True)

    if not shutil.which("msgfmt"):
        pytest.skip("GNU gettext's msgfmt is not installed")
    return po, compile_po


def test_the_po_reader_keeps_what_msgfmt_compiles(catalogue):
    po, compile_po = catalogue
    assert parse_po(PO) == {
        "Hello": "こんにちは",
        "greeting\x04Hello": "やあ",
        'Long text with "quotes"': "長い文",
        ("%(n)d day", 0): "%(n)d日",
    }
    compile_po()
    assert catalogue_problem(po) is None


def test_a_missing_catalogue_is_a_problem(catalogue):
    po, _compile = catalogue
    assert catalogue_problem(po) == "missing"


def test_a_catalogue_older_than_its_po_is_a_problem(catalogue):
    po, compile_po = catalogue
    compile_po()
    po.write_text(PO.replace('msgstr "こんにちは"', 'msgstr "こんにちは！"'), encoding="utf-8")
    assert catalogue_problem(po).startswith("outdated (1 translations differ")
    po.write_text(PO + '\nmsgid "New"\nmsgstr "新"\n', encoding="utf-8")
    assert catalogue_problem(po).startswith("outdated")
    po.write_text(PO.replace('msgstr "やあ"', 'msgstr ""'), encoding="utf-8")
    assert catalogue_problem(po).startswith("outdated (0 translations differ or are missing, 1 left over)")


def test_the_system_check_fails_on_a_missing_or_outdated_catalogue(catalogue, tmp_path):
    po, compile_po = catalogue
    with override_settings(LOCALE_PATHS=[tmp_path]):
        errors = check_compiled_catalogues()
        assert [error.id for error in errors] == ["portal.E001"]
        assert errors[0].level == checks.ERROR
        assert "missing" in errors[0].msg
        compile_po()
        assert check_compiled_catalogues() == []
        po.write_text(PO.replace("やあ", "どうも"), encoding="utf-8")
        assert "outdated" in check_compiled_catalogues()[0].msg


def test_the_check_is_registered_and_the_committed_catalogues_pass():
    assert check_compiled_catalogues in checks.registry.registry.get_checks()
    assert [e for e in checks.run_checks(tags=[checks.Tags.translation]) if e.id == "portal.E001"] == []
    assert catalogue_problem(JA_PO) is None


def test_the_compiled_catalogues_are_committed_not_ignored():
    """Every install path (pip, a platform's build, Docker) gets the .mo files from the repository."""
    git = shutil.which("git")
    if not git or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(
        [git, "ls-files", "--error-unmatch", "locale/ja/LC_MESSAGES/django.mo"], cwd=ROOT, capture_output=True
    )
    assert tracked.returncode == 0, "locale/ja/LC_MESSAGES/django.mo is not committed"
    ignored = subprocess.run([git, "check-ignore", "-q", "locale/ja/LC_MESSAGES/django.mo"], cwd=ROOT)
    assert ignored.returncode == 1, ".gitignore still ignores the compiled catalogues"
