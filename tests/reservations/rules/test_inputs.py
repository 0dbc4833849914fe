"""reservations/rules/inputs.py: typed input made canonical (R-B3 … R-B5, R-B7). No database."""

import pytest

from reservations import rules

from ..factories import my_number_check_digit


@pytest.mark.parametrize(
    "number, expected",
    [
        ("123456789018", True),  # the well-known valid sample
        ("123456789010", False),
        ("12345678901", False),
        ("1234567890180", False),
        ("12345678901A", False),
        ("000000000000", True),  # check digit 0 for remainder 0
        ("１２３４５６７８９０１８", False),  # full-width: normalise first
    ],
)
def test_my_number_is_twelve_digits_with_a_valid_check_digit(number, expected):
    assert rules.is_my_number(number) is expected


def test_every_eleven_digits_have_exactly_one_check_digit():
    for body in ["12345678901", "98765432109", "00000000001", "55555555555"]:
        valid = [d for d in "0123456789" if rules.is_my_number(body + d)]
        assert valid == [my_number_check_digit(body)]


@pytest.mark.parametrize(
    "typed, normalised",
    [
        ("１２３－４５６ ７８９", "123456789"),
        ("123-456-789", "123456789"),
        ("ab12 cd34", "AB12CD34"),
        ("１２３ー４５６", "123456"),
    ],
)
def test_typed_numbers_lose_full_width_spaces_and_hyphens(typed, normalised):
    assert rules.normalize_number(typed) == normalised


@pytest.mark.parametrize(
    "typed, problem",
    [
        ("123456789012345", None),
        ("ABC123456", None),
        ("123456789018", "my_number"),
        ("12345", "invalid"),
        ("1234567890123456789012345678901", "invalid"),
        ("", "required"),
    ],
)
def test_notice_number_is_refused_when_missing_malformed_or_a_my_number(typed, problem):
    assert rules.notice_number_problem(typed) == problem


@pytest.mark.parametrize(
    "typed, kana, valid",
    [
        ("にいがた　たろう", "ニイガタ タロウ", True),
        ("ﾆｲｶﾞﾀ ﾀﾛｳ", "ニイガタ タロウ", True),
        ("ニイガタ  タロウ ", "ニイガタ タロウ", True),
        ("ヴァン・ゴッホ", "ヴァン・ゴッホ", True),
        ("新潟 太郎", "新潟 太郎", False),
        ("Niigata", "Niigata", False),
        ("", "", False),
    ],
)
def test_kana_is_made_full_width_katakana_and_checked(typed, kana, valid):
    assert rules.to_katakana(typed) == kana
    assert rules.is_katakana(kana) is valid


@pytest.mark.parametrize(
    "typed, phone, valid",
    [
        ("025-000-0000", "0250000000", True),
        ("０９０ー１２３４ー５６７８", "09012345678", True),
        ("+81 25 000 0000", "0250000000", True),
        ("(025) 000-0000", "0250000000", True),
        ("12345", "12345", False),
    ],
)
def test_phone_numbers_become_domestic_digits_and_are_checked(typed, phone, valid):
    assert rules.normalize_phone(typed) == phone
    assert rules.is_phone(phone) is valid


def test_codes_are_eight_crockford_characters_and_read_back_forgivingly():
    code = rules.generate_code()
    assert len(code) == 8 and set(code) <= set(rules.CODE_ALPHABET)
    assert not set("ILOU") & set(rules.CODE_ALPHABET)
    assert rules.format_code("7QX2M9KD") == "7QX2-M9KD"
    for typed in ["7QX2-M9KD", "7qx2m9kd", " 7QX2 M9KD ", "７ＱＸ２－Ｍ９ＫＤ"]:
        assert rules.parse_code(typed) == "7QX2M9KD"
    assert rules.parse_code("0O1I-L000") == "00111000"
    assert rules.parse_code("7QX2-M9K") is None
    assert rules.parse_code("7QX2-M9KU") is None


def test_codes_have_forty_bits():
    assert len(rules.CODE_ALPHABET) ** rules.CODE_LENGTH == 2**40
    assert len({rules.generate_code() for _ in range(2000)}) == 2000


# --- Names in Latin letters (R-B4) ------------------------------------------------------


@pytest.mark.parametrize(
    "name, latin",
    [
        ("GARCIA MARIA", True),
        ("García María", True),  # accented Latin letters
        ("ＧＡＲＣＩＡ　ＭＡＲＩＡ", True),  # full-width, read after NFKC
        ("O'BRIEN SEAN", True),
        ("O’Brien Seán", True),
        ("NGUYEN VAN A.", True),
        ("SMITH-JONES, ANNE", True),
        ("ØSTERGÅRD SØREN", True),
        ("Straße", True),
        ("新潟 太郎", False),
        ("ニイガタ タロウ", False),
        ("GARCIA 花子", False),  # mixed scripts are not "written in Latin letters"
        ("Иван", False),  # Cyrillic is not Latin
        ("R2D2", False),
        ("JOHN_SMITH", False),
        ("- '.", False),  # marks without a letter
        ("", False),
        (None, False),
    ],
)
def test_a_name_is_written_in_latin_letters_when_it_has_only_latin_letters_and_name_marks(name, latin):
    assert rules.inputs.is_latin_name(name) is latin


@pytest.mark.parametrize(
    "typed, reading",
    [
        ("garcia  maria ", "GARCIA MARIA"),
        ("ｇａｒｃｉａ　ｍａｒｉａ", "GARCIA MARIA"),
        ("García-María", "GARCÍA-MARÍA"),
        ("にいがた　たろう", "ニイガタ タロウ"),
        ("ﾆｲｶﾞﾀ ﾀﾛｳ", "ニイガタ タロウ"),
        ("新潟 太郎", "新潟 太郎"),  # neither: left as typed, and refused by reading_problem()
    ],
)
def test_a_reading_is_stored_in_katakana_or_in_upper_case_latin_letters(typed, reading):
    assert rules.inputs.to_reading(typed) == reading


@pytest.mark.parametrize(
    "name, typed, problem",
    [
        # R-B4: a name in Latin letters may give its reading in the same Latin letters ...
        ("GARCIA MARIA", "GARCIA MARIA", None),
        ("GARCIA MARIA", "garcia maria", None),
        ("García María", "GARCIA MARIA", None),  # accents left out in the comparison
        ("GARCIA MARIA", "GARCÍA MARÍA", None),
        ("O'BRIEN SEAN", "OBRIEN SEAN", None),  # punctuation and spacing left out
        ("SMITH-JONES, ANNE", "SMITH JONES ANNE", None),
        ("ＧＡＲＣＩＡ　ＭＡＲＩＡ", "GARCIA MARIA", None),
        # ... or in katakana, as every name may.
        ("GARCIA MARIA", "ガルシア マリア", None),
        ("新潟 太郎", "にいがた たろう", None),
        # The same letters: not other letters, not another order, not a part.
        ("GARCIA MARIA", "GARSIA MARIA", "latin_mismatch"),
        ("GARCIA MARIA", "MARIA GARCIA", "latin_mismatch"),
        ("GARCIA MARIA", "GARCIA", "latin_mismatch"),
        # Latin letters only for a name in Latin letters.
        ("新潟 太郎", "NIIGATA TARO", "latin_for_non_latin_name"),
        ("GARCIA 花子", "GARCIA HANAKO", "latin_for_non_latin_name"),
        # Neither katakana nor Latin letters.
        ("新潟 太郎", "新潟 太郎", "not_katakana"),
        ("GARCIA MARIA", "ガルシア MARIA", "not_katakana"),
        ("GARCIA MARIA", "", "not_katakana"),
        # The name unknown (its own field refused): only the form of the reading counts.
        (None, "GARCIA MARIA", None),
        (None, "新潟", "not_katakana"),
    ],
)
def test_the_reading_of_a_name_is_katakana_or_the_same_latin_letters(name, typed, problem):
    assert rules.inputs.reading_problem(name, rules.inputs.to_reading(typed)) == problem
