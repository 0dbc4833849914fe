"""Pure rules of booking input (R-B3 … R-B7). No database."""

from datetime import date, datetime, time

import pytest

from reservations import rules


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
def test_is_my_number(number, expected):
    assert rules.is_my_number(number) is expected


def test_every_eleven_digits_have_exactly_one_check_digit():
    for body in ["12345678901", "98765432109", "00000000001", "55555555555"]:
        valid = [d for d in "0123456789" if rules.is_my_number(body + d)]
        assert valid == [rules.my_number_check_digit(body)]


@pytest.mark.parametrize(
    "typed, normalised",
    [
        ("１２３－４５６ ７８９", "123456789"),
        ("123-456-789", "123456789"),
        ("ab12 cd34", "AB12CD34"),
        ("１２３ー４５６", "123456"),
    ],
)
def test_normalize_number(typed, normalised):
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
def test_notice_number_problem(typed, problem):
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
def test_to_katakana_and_is_katakana(typed, kana, valid):
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
def test_phone(typed, phone, valid):
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


def _day(remaining, capacity=2, reason=None, bookable=True):
    slots = tuple(rules.SlotAvailability(time(9, 15 * i), time(9, 15 * i + 15) if i < 3 else time(10), capacity, r)
                  for i, r in enumerate(remaining))
    return rules.DayAvailability(date(2026, 12, 1), bookable, reason, slots)


@pytest.mark.parametrize(
    "day, start, party, problem",
    [
        (_day([2, 1]), time(9), 1, None),
        (_day([2, 1]), time(9, 15), 2, "full"),
        (_day([2, 1]), time(9), 3, "party_too_large"),
        (_day([2, 1]), time(9, 5), 1, "unknown_slot"),
        (_day([0, 0], reason="full", bookable=False), time(9), 1, "full"),
        (rules.DayAvailability(date(2026, 12, 1), False, "too_soon"), time(9), 1, "too_soon"),
        (rules.DayAvailability(date(2026, 12, 1), False, "holiday"), time(9), 1, "holiday"),
        (rules.DayAvailability(date(2026, 12, 1), False, "blocked"), time(9), 1, "blocked"),
    ],
)
def test_slot_problem(day, start, party, problem):
    assert rules.slot_problem(day, start, party) == problem


def test_nearest_free_slots_prefer_the_closest_time_with_enough_seats():
    days = [
        _day([0, 1, 2, 2]),
        rules.DayAvailability(date(2026, 12, 2), False, "weekly_closed"),
        rules.DayAvailability(
            date(2026, 12, 3), True, None, (rules.SlotAvailability(time(9), time(9, 15), 2, 2),)
        ),
    ]
    wanted = datetime(2026, 12, 1, 9, 0)
    found = rules.nearest_free_slots(wanted, days, party_size=2)
    assert [(d, s.start) for d, s in found] == [
        (date(2026, 12, 1), time(9, 30)), (date(2026, 12, 1), time(9, 45)), (date(2026, 12, 3), time(9)),
    ]
    assert [(d, s.start) for d, s in rules.nearest_free_slots(wanted, days, 1, limit=1)] == [(date(2026, 12, 1), time(9, 15))]


@pytest.mark.parametrize(
    "status, when, expected",
    [
        ("booked", datetime(2026, 12, 1, 9), True),
        ("affected", datetime(2026, 12, 1, 9), True),
        ("affected", datetime(2026, 11, 1, 9), True),  # its time was taken away: rebook any time
        ("booked", datetime(2026, 11, 1, 9), False),
        ("checked_in", datetime(2026, 12, 1, 9), False),
        ("issued", datetime(2026, 12, 1, 9), False),
        ("cancelled", datetime(2026, 12, 1, 9), False),
    ],
)
def test_cancellable(status, when, expected):
    assert rules.cancellable(status, when, datetime(2026, 11, 25, 10)) is expected


@pytest.mark.parametrize(
    "numbers, repeated",
    [([], []), (["1"], []), (["1", "2"], []), (["1", "1"], [1]), (["1", "2", "1", "1"], [2, 3]), (["2", "1", "2"], [2])],
)
def test_repeated_notice_numbers_are_the_later_positions(numbers, repeated):
    assert rules.repeated_positions(numbers) == repeated


@pytest.mark.parametrize("party, starts", [(1, [time(9), time(9, 15)]), (2, [time(9)]), (3, [])])
def test_slots_for_party_keep_those_with_seats_for_everyone(party, starts):
    day = rules.DayAvailability(
        date(2026, 12, 3), True, None,
        (rules.SlotAvailability(time(9), time(9, 15), 2, 2), rules.SlotAvailability(time(9, 15), time(9, 30), 2, 1),
         rules.SlotAvailability(time(9, 30), time(9, 45), 2, 0)),
    )
    assert [slot.start for slot in rules.slots_for_party(day, party)] == starts
