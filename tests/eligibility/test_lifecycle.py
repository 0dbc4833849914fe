"""Card and certificate validity and the move-in deadlines (SPEC §5, R-V1 … R-V4); no database."""

import datetime as dt

import pytest

from eligibility import lifecycle

D = dt.date


@pytest.mark.parametrize(
    "born, issued, applied, card, minor",
    [
        # SPEC's example.
        (D(1975, 8, 20), D(2018, 2, 1), None, D(2027, 8, 20), False),
        # A birthday on the issue day does not count.
        (D(1975, 2, 1), D(2018, 2, 1), None, D(2028, 2, 1), False),
        # The day before the birthday: that birthday is the 1st.
        (D(1975, 2, 2), D(2018, 2, 1), None, D(2027, 2, 2), False),
        # 18 rule (application from 2022-04-01): 17 on the issue day → 5th birthday.
        (D(2006, 6, 1), D(2024, 5, 31), None, D(2028, 6, 1), True),
        # 18 rule: 18th birthday on the issue day → adult, the birthday does not count.
        (D(2006, 6, 1), D(2024, 6, 1), None, D(2034, 6, 1), False),
        # 20 rule (application before 2022-04-01): 19 on the issue day → minor.
        (D(2002, 6, 1), D(2022, 5, 10), D(2022, 3, 31), D(2026, 6, 1), True),
        # Same person, application accepted on 2022-04-01 → 18 rule → adult.
        (D(2002, 6, 1), D(2022, 5, 10), D(2022, 4, 1), D(2031, 6, 1), False),
        # 20 rule: 20th birthday the day before issue → adult.
        (D(1999, 5, 9), D(2019, 5, 10), None, D(2029, 5, 9), False),
        # Application date defaults to the issue date (before 2022-04-01: 20 rule).
        (D(2002, 6, 1), D(2022, 3, 1), None, D(2026, 6, 1), True),
        # 29 February: 28 February in common years.
        (D(2000, 2, 29), D(2022, 3, 1), None, D(2032, 2, 29), False),
        (D(2000, 2, 29), D(2023, 3, 1), None, D(2033, 2, 28), False),
        # 29 February born, a minor under the 20 rule: 5th birthday in a leap year.
        (D(2000, 2, 29), D(2019, 3, 1), None, D(2024, 2, 29), True),
        # 29 February born, issued on 28 February of a common year: that birthday does not count.
        (D(2000, 2, 29), D(2023, 2, 28), None, D(2033, 2, 28), False),
        (D(2000, 2, 29), D(2023, 2, 27), None, D(2032, 2, 29), False),
        # A baby: issued on the day of birth.
        (D(2024, 1, 10), D(2024, 1, 10), None, D(2029, 1, 10), True),
    ],
)
def test_card_expiry(born, issued, applied, card, minor):
    validity = lifecycle.card_validity(born, issued, application_date=applied)
    assert validity.card_expires_on == card
    assert validity.minor_at_issue is minor


@pytest.mark.parametrize(
    "born, issued, certificates_issued, expected",
    [
        (D(1975, 8, 20), D(2018, 2, 1), None, D(2022, 8, 20)),  # SPEC's example
        (D(1975, 2, 1), D(2018, 2, 1), None, D(2023, 2, 1)),  # birthday on the issue day
        # Renewed certificates: 5th birthday after renewal, capped at the card.
        (D(1975, 8, 20), D(2018, 2, 1), D(2022, 6, 1), D(2026, 8, 20)),
        (D(1975, 8, 20), D(2018, 2, 1), D(2022, 8, 20), D(2027, 8, 20)),  # renewed on the birthday
        (D(1975, 8, 20), D(2018, 2, 1), D(2024, 1, 1), D(2027, 8, 20)),  # capped at the card
        # A minor's card: the certificates end with the card.
        (D(2010, 4, 1), D(2020, 4, 2), None, D(2025, 4, 1)),
    ],
)
def test_certificate_expiry(born, issued, certificates_issued, expected):
    validity = lifecycle.card_validity(born, issued, certificate_issue_date=certificates_issued)
    assert validity.certificates_expire_on == expected
    assert validity.certificates_expire_on <= validity.card_expires_on


@pytest.mark.parametrize(
    "expiry, opens",
    [
        (D(2030, 5, 10), D(2030, 2, 10)),  # SPEC's example
        (D(2030, 5, 31), D(2030, 2, 28)),  # clipped to the end of February
        (D(2032, 5, 31), D(2032, 2, 29)),  # leap year
        (D(2030, 7, 31), D(2030, 4, 30)),  # 30-day month
        (D(2030, 2, 15), D(2029, 11, 15)),  # over the year end
        (D(2027, 8, 20), D(2027, 5, 20)),
    ],
)
def test_renewal_opens_three_calendar_months_before(expiry, opens):
    assert lifecycle.renewal_opens_on(expiry) == opens


def test_card_validity_reports_renewal_of_the_card():
    assert lifecycle.card_validity(D(1975, 8, 20), D(2018, 2, 1)).renewal_opens_on == D(2027, 5, 20)


@pytest.mark.parametrize(
    "born, issued, applied, certificates, problems",
    [
        (D(2000, 1, 2), D(2000, 1, 1), D(2000, 1, 1), D(2000, 1, 1), {"issue_date": "before_birth"}),
        (D(2000, 1, 2), D(2020, 1, 1), D(1999, 1, 1), D(2020, 1, 1), {"application_date": "before_birth"}),
        (D(2000, 1, 2), D(2020, 1, 1), D(2020, 1, 2), D(2020, 1, 1), {"application_date": "after_issue"}),
        (D(2000, 1, 2), D(2020, 1, 1), D(2020, 1, 1), D(2019, 12, 31), {"certificate_issue_date": "before_issue"}),
        # 19 under the 20 rule: the card ends on 2024-01-02.
        (D(2000, 1, 2), D(2020, 1, 1), D(2020, 1, 1), D(2024, 1, 3), {"certificate_issue_date": "after_card_expiry"}),
        (D(2000, 1, 2), D(2020, 1, 1), D(2020, 1, 1), D(2024, 1, 2), {}),
    ],
)
def test_validity_problems(born, issued, applied, certificates, problems):
    assert lifecycle.validity_problems(born, issued, applied, certificates) == problems


def test_card_validity_refuses_an_issue_before_birth():
    with pytest.raises(ValueError):
        lifecycle.card_validity(D(2000, 1, 2), D(2000, 1, 1))


# --- Moving in (R-V4) -------------------------------------------------------------------

MOVED_OUT = D(2026, 3, 1)  # planned move-out date at the previous municipality
STARTED = D(2026, 3, 10)  # started living in Niigata


def check(**kwargs):
    values = dict(
        planned_move_out_date=MOVED_OUT, started_living_on=STARTED, move_in_notified_on=STARTED,
        card_presented_at_move_in=True, card_face_change_notified_on=None, moved_out_again_on=None,
        today=D(2026, 12, 31),
    )
    values.update(kwargs)
    result = lifecycle.move_in_check(**values)
    return result.card_valid, result.reason, result.card_face_change_due_by


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        # 14 days after starting to live: on the day valid, the day after late.
        ({"planned_move_out_date": None, "move_in_notified_on": D(2026, 3, 24)}, (True, None, None)),
        ({"planned_move_out_date": None, "move_in_notified_on": D(2026, 3, 25)},
         (False, "late_move_in_notification", None)),
        # 30 days after the planned move-out date: on the day valid, the day after late.
        ({"planned_move_out_date": D(2026, 2, 22), "move_in_notified_on": D(2026, 3, 24)}, (True, None, None)),
        ({"planned_move_out_date": D(2026, 2, 22), "move_in_notified_on": D(2026, 3, 25)},
         (False, "late_after_planned_move_out", None)),
        # Both late: the planned move-out reason is reported first.
        ({"planned_move_out_date": D(2026, 1, 1), "move_in_notified_on": D(2026, 4, 1)},
         (False, "late_after_planned_move_out", None)),
        # Card presented: nothing more is due.
        ({}, (True, None, None)),
    ],
)
def test_move_in_notification_deadlines(kwargs, expected):
    assert check(**kwargs) == expected


DUE = D(2026, 6, 8)  # STARTED + 90 days


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        # Not filed yet: valid up to and including the 90th day, invalid from the 91st.
        ({"today": D(2026, 3, 10)}, (True, None, DUE)),
        ({"today": DUE}, (True, None, DUE)),
        ({"today": DUE + dt.timedelta(days=1)}, (False, "no_card_face_change_within_90_days", DUE)),
        # Filed on the 90th day: valid; the day after: invalid (even if today is earlier in the story).
        ({"card_face_change_notified_on": DUE}, (True, None, DUE)),
        ({"card_face_change_notified_on": DUE + dt.timedelta(days=1)},
         (False, "no_card_face_change_within_90_days", DUE)),
        # Moving out again before filing the notification.
        ({"moved_out_again_on": D(2026, 5, 1), "today": D(2026, 5, 1)},
         (False, "moved_out_without_card_face_change", DUE)),
        ({"moved_out_again_on": DUE, "today": DUE}, (False, "moved_out_without_card_face_change", DUE)),
        # Filed the notification first (even the same day), then moved out: valid.
        ({"card_face_change_notified_on": D(2026, 5, 1), "moved_out_again_on": D(2026, 5, 1)}, (True, None, DUE)),
        ({"card_face_change_notified_on": D(2026, 4, 1), "moved_out_again_on": D(2026, 5, 1)}, (True, None, DUE)),
        # Moved out after the 90 days without filing: the 90 days ended it first.
        ({"moved_out_again_on": DUE + dt.timedelta(days=1), "today": DUE + dt.timedelta(days=1)},
         (False, "no_card_face_change_within_90_days", DUE)),
    ],
)
def test_card_face_change_deadlines(kwargs, expected):
    assert check(card_presented_at_move_in=False, **kwargs) == expected


def test_late_move_in_gives_no_card_face_change_date():
    assert check(card_presented_at_move_in=False, move_in_notified_on=D(2026, 3, 25), planned_move_out_date=None) == (
        False, "late_move_in_notification", None)


@pytest.mark.parametrize(
    "kwargs, problems",
    [
        ({"move_in_notified_on": D(2026, 3, 9)}, {"move_in_notified_on": "before_started_living"}),
        ({"card_face_change_notified_on": D(2026, 3, 9)}, {"card_face_change_notified_on": "before_move_in"}),
        ({"moved_out_again_on": D(2026, 3, 9)}, {"moved_out_again_on": "before_move_in"}),
        ({}, {}),
    ],
)
def test_move_in_problems(kwargs, problems):
    values = dict(started_living_on=STARTED, move_in_notified_on=STARTED, card_face_change_notified_on=None,
                  moved_out_again_on=None)
    values.update(kwargs)
    assert lifecycle.move_in_problems(**values) == problems
