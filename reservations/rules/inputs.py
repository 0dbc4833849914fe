"""Booking input as people type it (R-B3 … R-B5, R-B7): widths, notice numbers, kana, phones, codes."""

import re as _re
from collections.abc import Callable
import secrets as _secrets
import unicodedata as _unicodedata

MAX_PARTY = 4
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
CODE_LENGTH = 8  # 40 bits
_CODE_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = _re.compile(r"[\s\-‐‑‒–—―−ー－]+")
_KATAKANA = _re.compile(r"^[\u30A1-\u30FA\u30FC\u30FD\u30FE\u30FB ]+$")
_NOTICE_NUMBER = _re.compile(r"^[0-9A-Z]{6,30}$")
_PHONE = _re.compile(r"^0\d{9,10}$")


def normalize_width(value: str | None) -> str:
    """Return ``value`` with full-width digits, letters and spaces made half-width (NFKC)."""
    return _unicodedata.normalize("NFKC", value or "")


def normalize_number(value: str | None) -> str:
    """Return a typed number with full-width characters, spaces and hyphens removed (R-B3)."""
    return _SEPARATORS.sub("", normalize_width(value)).upper()


def is_my_number(value: str) -> bool:
    """
    Return whether ``value`` is 12 digits with a valid My Number check digit
    (R-B5; 行政手続における特定の個人を識別するための番号の利用等に関する法律施行令 第8条).
    """
    if not (len(value) == 12 and value.isascii() and value.isdigit()):
        return False
    digits = [int(c) for c in value]
    body, check = digits[:11], digits[11]
    total = 0
    for n, p in enumerate(reversed(body), start=1):
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    remainder = total % 11
    expected = 0 if remainder <= 1 else 11 - remainder
    return check == expected


def my_number_check_digit(first_eleven: str) -> str:
    """Return the check digit that makes ``first_eleven`` a valid My Number (for tests and fixtures)."""
    for digit in "0123456789":
        if is_my_number(first_eleven + digit):
            return digit
    raise ValueError("no check digit")


def notice_number_problem(value: str) -> str | None:
    """Return None for a valid normalised issuance-notice number, else a reason code."""
    if not value:
        return "required"
    if is_my_number(value):
        return "my_number"
    if not _NOTICE_NUMBER.match(value):
        return "invalid"
    return None


def to_katakana(value: str | None) -> str:
    """Return ``value`` normalised (NFKC) with hiragana turned into katakana and spaces single."""
    value = normalize_width(value)
    value = "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in value)
    return " ".join(value.replace("\u3000", " ").split())


def is_katakana(value: str) -> bool:
    return bool(value) and bool(_KATAKANA.match(value))


# --- Names in Latin letters (R-B4) ------------------------------------------------
# Between the letters of a name written in Latin letters: spaces, hyphens
# (ASCII and U+2010), apostrophes (ASCII and typographic), periods and commas.
_LATIN_NAME_MARKS = frozenset(" -\u2010'\u2019.,")


def is_latin_name(value: str | None) -> bool:
    """
    Return whether ``value`` (read after NFKC) is written in Latin letters
    (R-B4): at least one letter, every letter of the Latin script (accented
    ones included: É, Ñ, Ø, ß), and between them only spaces, hyphens,
    apostrophes, periods and commas. Full-width ＧＡＲＣＩＡ counts; a name with
    any kana or kanji does not.
    """
    has_letter = False
    for char in normalize_width(value):
        if char.isalpha() and _unicodedata.name(char, "").startswith("LATIN "):
            has_letter = True
        elif _unicodedata.category(char) == "Mn" and has_letter:
            continue  # a combining accent NFKC could not compose
        elif char not in _LATIN_NAME_MARKS:
            return False
    return has_letter


def latin_letters(value: str) -> str:
    """
    Return the letters of ``value`` as R-B4 compares a Latin reading with its
    name: accents, case, spaces and punctuation left out ("García-Maria" →
    "garciamaria").
    """
    decomposed = _unicodedata.normalize("NFKD", value)
    return "".join(char for char in decomposed if char.isalpha()).casefold()


def to_reading(value: str | None) -> str:
    """
    Return the reading of a name (フリガナ) as stored: katakana as to_katakana()
    makes it, or, when written in Latin letters, in upper case with single
    spaces (R-B4: "garcia  maria" → "GARCIA MARIA").
    """
    reading = to_katakana(value)
    return reading.upper() if is_latin_name(reading) else reading


def reading_problem(name: str | None, reading: str) -> str | None:
    """
    Return why ``reading`` (made by to_reading()) cannot be the reading of
    ``name`` (R-B4), or None when it can:

    - "not_katakana": neither katakana nor Latin letters;
    - "latin_for_non_latin_name": Latin letters for a name that is not
      written in Latin letters;
    - "latin_mismatch": Latin letters that do not spell the Latin name's
      letters (see latin_letters()).

    A name written in Latin letters may still have a katakana reading. When
    ``name`` is None (not known: its own field was refused), only the form
    of the reading is checked.
    """
    if is_katakana(reading):
        return None
    if not is_latin_name(reading):
        return "not_katakana"
    if name is None:
        return None
    if not is_latin_name(name):
        return "latin_for_non_latin_name"
    if latin_letters(reading) != latin_letters(normalize_width(name)):
        return "latin_mismatch"
    return None


def normalize_phone(value: str | None) -> str:
    """Return the digits of a Japanese phone number, hyphens and spaces removed."""
    value = normalize_number(value).replace("(", "").replace(")", "")
    if value.startswith("+81"):
        value = "0" + value[3:]
    return value


def is_phone(value: str) -> bool:
    return bool(_PHONE.match(value))


def generate_code(randbelow: Callable[[int], int] = _secrets.randbelow) -> str:
    """Return a new reservation code: 8 Crockford base32 characters, 40 random bits (R-B7)."""
    return "".join(CODE_ALPHABET[randbelow(32)] for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """Return the code as people read it aloud: 7QX2-M9KD."""
    return f"{code[:4]}-{code[4:]}"


def parse_code(value: str | None) -> str | None:
    """Return the stored form of a typed code (any case, hyphens, O for 0, I/L for 1), or None."""
    value = normalize_number(value).translate(_CODE_READ_AS)
    if len(value) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in value):
        return None
    return value


# Bidirectional control characters (embeddings, overrides, isolates): invisible, they reorder
# what staff read on the counter's screen and in the CSV (issue #18, "Trojan Source").
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def has_bidi_controls(value: str) -> bool:
    """Return whether ``value`` holds a bidirectional control character (U+202A–U+202E, U+2066–U+2069)."""
    return any(character in BIDI_CONTROLS for character in value)
