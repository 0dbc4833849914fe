"""A booking's life at the counter (R-B10) and the figures of a day or month."""

import datetime as dt
from collections.abc import Iterable, Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from reservations.rules.services import Service

# --- A booking's life (R-B10) -------------------------------------------------

STAFF_ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    # action: (statuses it may start from, the status it leads to)
    "check_in": (("booked",), "checked_in"),
    "issue": (("checked_in",), "issued"),
    "no_show": (("booked",), "no_show"),
    "cancel": (("booked", "checked_in", "affected"), "cancelled"),
}

# The one table of words for what happens to a booking (R-B10, R-S4): the
# staff pages' buttons, confirmations and messages, the history of a booking
# and the admin's audit trail all read it. Keys are the codes stored in
# BookingEvent.action; a staff action is recorded under its own code, except
# "cancel", which is recorded as "cancelled" (by staff or by the resident).
# The statuses a booking passes through have their own table:
# Booking.Status.
ACTION_LABELS: dict[str, Promise] = {
    "booked": _("Booked"),
    "rescheduled": _("Moved"),
    "check_in": _("Check in (来庁)"),
    "issue": _("Card issued (交付済)"),
    "no_show": _("Did not come (不来庁)"),
    "cancelled": _("Cancellation"),
    "affected": _("Affected by a closure"),
    "undone": _("Undone (元に戻す)"),
}
RECORDED_AS: dict[str, str] = {"cancel": "cancelled"}

# Application support (§8) ends with the application made, not a card handed
# over (R-A1): its last step and status have their own words. The stored
# codes stay the same for both services ("issue", "issued"), so the life of a
# booking, its counts and the API are one; only the words differ.
SERVICE_ACTION_LABELS: dict[str, dict[str, Promise]] = {
    Service.APPLICATION_SUPPORT: {"issue": _("Application done (申請完了)")},
}
SERVICE_STATUS_LABELS: dict[str, dict[str, Promise]] = {
    Service.APPLICATION_SUPPORT: {"issued": _("Application done")},
}


def action_label(action: str, service: str = Service.PICKUP) -> str:
    """Return the words for a staff ``action`` or a recorded action code of ``service``; an unknown code as it is."""
    code = RECORDED_AS.get(action, action)
    own = SERVICE_ACTION_LABELS.get(service, {})
    if action in own or code in own:
        return str(own.get(action) or own[code])
    return str(ACTION_LABELS[code]) if code in ACTION_LABELS else action


def service_status_label(status: str, service: str) -> str | None:
    """Return the words of ``status`` proper to ``service``, or None where Booking.Status's label holds."""
    words = SERVICE_STATUS_LABELS.get(service, {}).get(status)
    return None if words is None else str(words)


def transition_problem(
    action: str, status: str, *, booking_date: dt.date, today: dt.date,
    slot_end: dt.datetime | None = None, now: dt.datetime | None = None,
) -> str | None:
    """
    Return why a staff ``action`` cannot be done on a booking in ``status``
    for ``booking_date``, or None: "unknown_action", "not_from_status"
    (issuing a cancelled booking, …), "not_today" (check-in and issuing
    happen on the day), "not_yet" (no-show only once the slot has ended:
    ``now`` at or after ``slot_end``; a 13:15–13:30 booking from 13:30 on).
    """
    if action not in STAFF_ACTIONS:
        return "unknown_action"
    sources, _target = STAFF_ACTIONS[action]
    if status not in sources:
        return "not_from_status"
    if action in ("check_in", "issue") and booking_date != today:
        return "not_today"
    if action == "no_show" and (slot_end is None or now is None or now < slot_end):
        return "not_yet"
    return None


# The routine steps at the counter (no reason asked) and the status an undo
# returns to: a mistaken click is put right the same day, and the audit
# trail keeps both the step and its "undone" event (R-S4).
ROUTINE_ACTIONS: dict[str, str] = {"check_in": "booked", "issue": "checked_in", "no_show": "booked"}


def undo_problem(last_action: str | None, status: str, *, done_on: dt.date | None, today: dt.date) -> str | None:
    """
    Return why the last event of a booking, ``last_action`` done on
    ``done_on`` (Japan time), cannot be undone ``today`` while the booking
    is in ``status``, or None: "nothing_to_undo" (the last event is not a
    routine step: a booking, a move, a cancellation, an undo), "not_today"
    (only the same day), "not_from_status" (the booking has moved on since).
    """
    if last_action not in ROUTINE_ACTIONS:
        return "nothing_to_undo"
    if done_on != today:
        return "not_today"
    if status != STAFF_ACTIONS[last_action][1]:
        return "not_from_status"
    return None


def undone_status(action: str) -> str:
    """Return the status that undoing the routine ``action`` returns a booking to."""
    return ROUTINE_ACTIONS[action]


def day_counts(bookings: Iterable[tuple[str, int]], seats_offered: int) -> dict[str, int]:
    """
    Return the counts at the top of a day list: people booked, checked in,
    issued, no-show, cancelled, affected, and free seats. ``bookings`` are
    (status, party_size) pairs.
    """
    counts = {"booked": 0, "checked_in": 0, "issued": 0, "no_show": 0, "cancelled": 0, "affected": 0}
    for status, party in bookings:
        counts[status] = counts.get(status, 0) + party
    holding = counts["booked"] + counts["checked_in"] + counts["issued"] + counts["no_show"]
    counts["free"] = max(seats_offered - holding, 0)
    counts["holding"] = holding
    return counts


def month_statistics(seats_offered: int, bookings: Iterable[tuple[str, int]]) -> dict[str, int | float]:
    """
    Return a month's figures for one window: seats offered, seats booked
    (people in bookings that held a seat), issued, no-shows, utilisation
    (booked / offered) and no-show rate (no-shows / bookings that reached
    their day: issued + no-show + checked in).
    """
    counts = day_counts(bookings, seats_offered)
    booked = counts["holding"]
    reached = counts["issued"] + counts["no_show"] + counts["checked_in"]
    return {
        "offered": seats_offered,
        "booked": booked,
        "issued": counts["issued"],
        "no_show": counts["no_show"],
        "cancelled": counts["cancelled"],
        "utilisation": (booked / seats_offered) if seats_offered else 0.0,
        "no_show_rate": (counts["no_show"] / reached) if reached else 0.0,
    }


def figures_by_service(
    per_service: Mapping[str, tuple[int, Iterable[tuple[str, int]]]],
) -> tuple[dict[str, dict[str, int | float]], dict[str, int | float]]:
    """
    Return the month_statistics of each service and of all of them together
    (R-A7: statistics per service and in total). ``per_service`` maps a
    service to (seats offered, (status, party_size) pairs).
    """
    listed = {service: (seats, list(bookings)) for service, (seats, bookings) in per_service.items()}
    each = {service: month_statistics(seats, bookings) for service, (seats, bookings) in listed.items()}
    seats = sum(seats for seats, _bookings in listed.values())
    every = [pair for _seats, bookings in listed.values() for pair in bookings]
    return each, month_statistics(seats, every)


# --- Figures per day (issue #15: statistics people can see) -------------------

# The columns of a day's figures, in the order of the CSV export.
DAY_FIGURES = ("offered", "booked", "checked_in", "issued", "no_show", "cancelled")


def statistics_period(today: dt.date, days: int = 30) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    """Return (first, last) of the last ``days`` days before ``today`` and of the ``days`` days from ``today`` on."""
    past = (today - dt.timedelta(days=days), today - dt.timedelta(days=1))
    coming = (today, today + dt.timedelta(days=days - 1))
    return past, coming


def utilisation(booked: int, offered: int) -> float:
    """Return seats booked / seats offered, 0 when nothing was offered."""
    return booked / offered if offered else 0.0


def day_figures(seats_offered: int, bookings: Iterable[tuple[str, int]]) -> dict[str, int | float]:
    """
    Return the figures of one day of one service: seats offered, seats
    booked (people in bookings that hold a seat), checked in, issued,
    no-shows, cancelled (people) and utilisation. ``bookings`` are
    (status, people) pairs, several bookings of a status summed or not.
    """
    counts = day_counts(bookings, seats_offered)
    figures: dict[str, int | float] = {name: counts[name] for name in DAY_FIGURES if name in counts}
    figures.update(offered=seats_offered, booked=counts["holding"])
    figures["utilisation"] = utilisation(counts["holding"], seats_offered)
    return figures


def add_figures(many: Iterable[Mapping[str, int | float]]) -> dict[str, int | float]:
    """
    Return the sum of several day_figures (days, services), its utilisation
    and no-show rate (no-shows / bookings that reached their day) recomputed
    from the sums.
    """
    total: dict[str, int | float] = dict.fromkeys(DAY_FIGURES, 0)
    for figures in many:
        for name in DAY_FIGURES:
            total[name] += figures[name]
    total["utilisation"] = utilisation(int(total["booked"]), int(total["offered"]))
    reached = total["issued"] + total["no_show"] + total["checked_in"]
    total["no_show_rate"] = total["no_show"] / reached if reached else 0.0
    return total


def daily_figures(
    days: Iterable[dt.date],
    services: Iterable[str],
    seats_offered: Mapping[tuple[dt.date, str], int],
    counted: Iterable[tuple[dt.date, str, str, int]],
) -> list[dict]:
    """
    Return, for every day of ``days``, its date, the day_figures of each of
    ``services`` and their sum: ``seats_offered`` maps (date, service) to
    the seats of that day (missing: none); ``counted`` holds (date,
    service, status, people) rows as the database groups them.
    """
    services = list(services)
    pairs: dict[tuple[dt.date, str], list[tuple[str, int]]] = {}
    for day, service, status, people in counted:
        pairs.setdefault((day, service), []).append((status, people))
    rows = []
    for day in days:
        each = {
            service: day_figures(seats_offered.get((day, service), 0), pairs.get((day, service), []))
            for service in services
        }
        rows.append({"date": day, "services": each, "total": add_figures(each.values())})
    return rows
