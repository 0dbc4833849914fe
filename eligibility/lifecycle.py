"""
Card and certificate validity, and the move-in deadlines (SPEC §5, R-V1 … R-V4).

Pure functions of plain dates, no ORM. Anniversaries come from
``dateutil.relativedelta``, so a 29 February birthday falls on 28 February in
common years, and "three calendar months before" clips to the end of a shorter
month.
"""

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

# R-V1: the age of adulthood is 18 for applications accepted from this date, 20 before.
ADULT_AGE_18_FROM = dt.date(2022, 4, 1)
CARD_BIRTHDAYS = 10
CARD_BIRTHDAYS_MINOR = 5
CERTIFICATE_BIRTHDAYS = 5
RENEWAL_OPENS_MONTHS_BEFORE = 3

# R-V4: deadlines in days ("more than N days after X" is late from X + N + 1 on).
DAYS_AFTER_PLANNED_MOVE_OUT = 30
DAYS_AFTER_STARTING_TO_LIVE = 14
DAYS_FOR_CARD_FACE_CHANGE = 90

LATE_AFTER_PLANNED_MOVE_OUT = "late_after_planned_move_out"
LATE_MOVE_IN_NOTIFICATION = "late_move_in_notification"
NO_CARD_FACE_CHANGE_WITHIN_90_DAYS = "no_card_face_change_within_90_days"
MOVED_OUT_WITHOUT_CARD_FACE_CHANGE = "moved_out_without_card_face_change"


def birthday_in(birth_date: dt.date, years: int) -> dt.date:
    """Return the ``years``-th birthday (28 February for 29 February in a common year)."""
    return birth_date + relativedelta(years=years)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Return the age in whole years on ``day`` (one year more from the birthday on)."""
    return relativedelta(day, birth_date).years


def nth_birthday_after(birth_date: dt.date, day: dt.date, n: int) -> dt.date:
    """
    Return the ``n``-th birthday strictly after ``day``: a birthday that falls
    on ``day`` itself does not count (R-V1).
    """
    years = max(age_on(birth_date, day), 0)
    while birthday_in(birth_date, years) <= day:
        years += 1
    return birthday_in(birth_date, years + n - 1)


def adult_age(application_date: dt.date) -> int:
    """Return the age of adulthood for an application accepted on ``application_date`` (R-V1)."""
    return 18 if application_date >= ADULT_AGE_18_FROM else 20


def minor_at_issue(birth_date: dt.date, issue_date: dt.date, application_date: dt.date | None = None) -> bool:
    """Return whether the holder was not yet adult on the issue date (R-V1)."""
    application_date = application_date or issue_date
    return age_on(birth_date, issue_date) < adult_age(application_date)


def card_expires_on(birth_date: dt.date, issue_date: dt.date, application_date: dt.date | None = None) -> dt.date:
    """Return the card's last valid day: the 10th birthday after issue, the 5th for a minor (R-V1)."""
    minor = minor_at_issue(birth_date, issue_date, application_date)
    return nth_birthday_after(birth_date, issue_date, CARD_BIRTHDAYS_MINOR if minor else CARD_BIRTHDAYS)


def certificates_expire_on(birth_date: dt.date, certificate_issue_date: dt.date, card_expiry: dt.date) -> dt.date:
    """Return the certificates' last valid day: the 5th birthday after their issue, capped at the card (R-V2)."""
    return min(nth_birthday_after(birth_date, certificate_issue_date, CERTIFICATE_BIRTHDAYS), card_expiry)


def renewal_opens_on(expiry: dt.date) -> dt.date:
    """Return the first day a renewal may be applied for: three calendar months before expiry (R-V3)."""
    return expiry - relativedelta(months=RENEWAL_OPENS_MONTHS_BEFORE)


@dataclass(frozen=True)
class Validity:
    card_expires_on: dt.date
    certificates_expire_on: dt.date
    renewal_opens_on: dt.date
    certificates_renewal_opens_on: dt.date
    minor_at_issue: bool
    adult_age: int


def card_validity(
    birth_date: dt.date,
    issue_date: dt.date,
    *,
    application_date: dt.date | None = None,
    certificate_issue_date: dt.date | None = None,
) -> Validity:
    """
    Return the Validity of a card issued on ``issue_date`` (R-V1 … R-V3).

    ``application_date`` (default: the issue date) decides the age of
    adulthood; ``certificate_issue_date`` (default: the issue date) is the day
    the certificates were issued or last renewed. Raise ValueError when the
    dates cannot belong together (see ``validity_problems``).
    """
    application_date = application_date or issue_date
    certificate_issue_date = certificate_issue_date or issue_date
    problems = validity_problems(birth_date, issue_date, application_date, certificate_issue_date)
    if problems:
        raise ValueError(problems)
    minor = minor_at_issue(birth_date, issue_date, application_date)
    card_expiry = card_expires_on(birth_date, issue_date, application_date)
    certificates_expiry = certificates_expire_on(birth_date, certificate_issue_date, card_expiry)
    return Validity(
        card_expires_on=card_expiry,
        certificates_expire_on=certificates_expiry,
        renewal_opens_on=renewal_opens_on(card_expiry),
        certificates_renewal_opens_on=renewal_opens_on(certificates_expiry),
        minor_at_issue=minor,
        adult_age=adult_age(application_date),
    )


def validity_problems(
    birth_date: dt.date, issue_date: dt.date, application_date: dt.date, certificate_issue_date: dt.date
) -> dict[str, str]:
    """
    Return {field: code} for dates that cannot belong together: a card issued
    before its holder was born, applied for before birth or after issue, or
    certificates issued before the card or after it expired.
    """
    problems = {}
    if issue_date < birth_date:
        problems["issue_date"] = "before_birth"
        return problems
    if application_date < birth_date:
        problems["application_date"] = "before_birth"
    elif application_date > issue_date:
        problems["application_date"] = "after_issue"
    if certificate_issue_date < issue_date:
        problems["certificate_issue_date"] = "before_issue"
    elif "application_date" not in problems:
        if certificate_issue_date > card_expires_on(birth_date, issue_date, application_date):
            problems["certificate_issue_date"] = "after_card_expiry"
    return problems


# --- Moving in to Niigata (R-V4) ------------------------------------------------------


@dataclass(frozen=True)
class MoveInResult:
    card_valid: bool
    reason: str | None
    card_face_change_due_by: dt.date | None
    invalid_from: dt.date | None = None


def move_in_check(
    *,
    planned_move_out_date: dt.date | None,
    started_living_on: dt.date,
    move_in_notified_on: dt.date,
    card_presented_at_move_in: bool,
    card_face_change_notified_on: dt.date | None = None,
    moved_out_again_on: dt.date | None = None,
    today: dt.date,
) -> MoveInResult:
    """
    Return whether a card survives a move in to Niigata (R-V4), why not, and
    the day by which the card-face change notification (券面記載事項変更届) is due.

    The card is lost when the move-in is notified more than 30 days after the
    planned move-out date filed at the previous municipality (none for a move
    from abroad) or more than 14 days after starting to live at the new address.
    When the card was not presented at the move-in, the card-face change is due
    within 90 days of the move-in notification; the card is lost when the
    holder moves out again before filing it, or when the 90 days pass (a late
    filing does not save it). ``card_face_change_due_by`` is given whenever the
    card was not presented and the move-in itself did not end the card.
    """
    if planned_move_out_date is not None and move_in_notified_on > planned_move_out_date + dt.timedelta(
        days=DAYS_AFTER_PLANNED_MOVE_OUT
    ):
        return MoveInResult(False, LATE_AFTER_PLANNED_MOVE_OUT, None, move_in_notified_on)
    if move_in_notified_on > started_living_on + dt.timedelta(days=DAYS_AFTER_STARTING_TO_LIVE):
        return MoveInResult(False, LATE_MOVE_IN_NOTIFICATION, None, move_in_notified_on)
    if card_presented_at_move_in:
        return MoveInResult(True, None, None)
    due_by = move_in_notified_on + dt.timedelta(days=DAYS_FOR_CARD_FACE_CHANGE)
    filed = card_face_change_notified_on
    filed_in_time = filed is not None and filed <= due_by
    if moved_out_again_on is not None and moved_out_again_on <= due_by and (filed is None or filed > moved_out_again_on):
        return MoveInResult(False, MOVED_OUT_WITHOUT_CARD_FACE_CHANGE, due_by, moved_out_again_on)
    if not filed_in_time and (filed is not None or moved_out_again_on is not None or today > due_by):
        return MoveInResult(False, NO_CARD_FACE_CHANGE_WITHIN_90_DAYS, due_by, due_by + dt.timedelta(days=1))
    return MoveInResult(True, None, due_by)


def move_in_problems(
    *,
    started_living_on: dt.date,
    move_in_notified_on: dt.date,
    card_face_change_notified_on: dt.date | None,
    moved_out_again_on: dt.date | None,
) -> dict[str, str]:
    """Return {field: code} for move-in dates that cannot belong together."""
    problems = {}
    if move_in_notified_on < started_living_on:
        problems["move_in_notified_on"] = "before_started_living"
    if card_face_change_notified_on is not None and card_face_change_notified_on < move_in_notified_on:
        problems["card_face_change_notified_on"] = "before_move_in"
    if moved_out_again_on is not None and moved_out_again_on < move_in_notified_on:
        problems["moved_out_again_on"] = "before_move_in"
    return problems
