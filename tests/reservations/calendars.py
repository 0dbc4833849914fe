"""The calendars of R-W2 and R-W3 written out by hand, for the pure rule tests."""

from datetime import time

from reservations import rules
from reservations.rules import FRIDAY, MONDAY, SATURDAY, SUNDAY, THURSDAY, TUESDAY, WEDNESDAY

WARD_OFFICE = rules.WindowCalendar(
    opening_rules=tuple(
        rules.OpeningRule(weekday=d, opens_at=time(9), closes_at=time(17))
        for d in (MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY)
    ),
    open_on_holidays=False,
)

CITY_HALL = rules.WindowCalendar(
    opening_rules=tuple(
        rules.OpeningRule(weekday=d, opens_at=time(9, 30), closes_at=time(16, 45))
        for d in (THURSDAY, FRIDAY, SATURDAY, SUNDAY, MONDAY)
    )
    + (
        rules.OpeningRule(weekday=SATURDAY, nth=2, opens_at=time(9, 30), closes_at=time(17, 45)),
        rules.OpeningRule(weekday=SATURDAY, nth=4, opens_at=time(9, 30), closes_at=time(17, 45)),
        rules.OpeningRule(weekday=SUNDAY, nth=3),
    ),
    open_on_holidays=True,
)

RECURRING = (
    rules.RecurringClosure(reason=rules.ClosedReason.MAINTENANCE, weekday=SATURDAY, nth=3, days_after=1),
    rules.RecurringClosure(reason=rules.ClosedReason.YEAR_END, start=(12, 29), end=(1, 3)),
)
