"""
The pure rules of the reservations app: plain values in, plain values out, no
database (STYLE.md). Each concern has its module; this package re-exports their
public names so that callers write ``rules.day_schedule`` whatever the module.

- ``schedule``: the calendar engine (R-W2 … R-W7) and the booking horizon (R-B2);
- ``words``: weekday, ordinal, hour and closed-reason words for people;
- ``inputs``: typed input made canonical (R-B3 … R-B5, R-B7);
- ``booking``: what a party may book (R-B4, R-B6) and when it may still change;
- ``lifecycle``: staff actions at the counter (R-B10), the words for every action,
  and day/month figures;
- ``impact``: bookings a closure or capacity cut makes impossible (R-B9);
- ``services``: what differs between pickup (§2) and application support (§8);
- ``waitlist``: who is offered freed seats, in which order, for how long (§9).
"""

from reservations.rules.booking import (  # noqa: F401
    attendance_problem,
    cancellable,
    few_seats_left,
    nearest_free_slots,
    repeated_positions,
    slot_problem,
    slots_for_party,
)
from reservations.rules.impact import (  # noqa: F401
    SEAT_HOLDING_STATUSES,
    HeldBooking,
    bookings_made_impossible,
)
from reservations.rules.inputs import (  # noqa: F401
    BIDI_CONTROLS,
    has_bidi_controls,
    CODE_ALPHABET,
    CODE_LENGTH,
    MAX_PARTY,
    format_code,
    generate_code,
    is_katakana,
    is_my_number,
    is_phone,
    my_number_check_digit,
    normalize_number,
    normalize_phone,
    normalize_width,
    notice_number_problem,
    parse_code,
    to_katakana,
)
from reservations.rules.lifecycle import (  # noqa: F401
    ACTION_LABELS,
    RECORDED_AS,
    ROUTINE_ACTIONS,
    STAFF_ACTIONS,
    action_label,
    day_counts,
    month_statistics,
    transition_problem,
    undo_problem,
    undone_status,
)
from reservations.rules.schedule import (  # noqa: F401
    CLOSED_REASON_ORDER,
    EVERY_WEEK,
    FRIDAY,
    LAST,
    MONDAY,
    SATURDAY,
    SUNDAY,
    THURSDAY,
    TUESDAY,
    WEDNESDAY,
    ClosedReason,
    Closure,
    DayAvailability,
    DaySchedule,
    OpeningRule,
    RecurringClosure,
    Slot,
    SlotAvailability,
    UnbookableReason,
    WindowCalendar,
    booking_window,
    date_range,
    day_availability,
    day_schedule,
    iter_months,
    japanese_holidays,
    month_grid,
    nth_weekday_of_month,
    opening_hours,
    schedule,
    slots_between,
    slots_closed_by,
    window_serves_ward,
)
from reservations.rules.services import (  # noqa: F401
    BookingMode,
    Service,
    ServiceRules,
    earliest_start,
    first_bookable_day,
    service_rules,
    service_window_serves,
)
from reservations.rules.words import (  # noqa: F401
    closed_reason_label,
    code_reading,
    describe_hours,
    format_hours,
    format_time,
    ordinal_name,
    weekday_name,
    weekday_short_name,
)
from reservations.rules.waitlist import (  # noqa: F401
    Waiting,
    entries_to_offer,
    entry_fits,
    first_fitting_slots,
    minutes_left,
    offer_ends,
    person_key,
    range_problem,
    time_left_words,
)
