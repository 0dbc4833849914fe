"""A booking's life at the counter (R-B10) and the figures of a day or month."""

# --- A booking's life (R-B10) -------------------------------------------------

STAFF_ACTIONS = {
    # action: (statuses it may start from, the status it leads to)
    "check_in": (("booked",), "checked_in"),
    "issue": (("checked_in",), "issued"),
    "no_show": (("booked",), "no_show"),
    "cancel": (("booked", "checked_in", "affected"), "cancelled"),
}


def transition_problem(action, status, *, booking_date, today):
    """
    Return why a staff ``action`` cannot be done on a booking in ``status``
    for ``booking_date``, or None: "unknown_action", "not_from_status"
    (issuing a cancelled booking, …), "not_today" (check-in and issuing
    happen on the day), "not_yet" (no-show only from the day on).
    """
    if action not in STAFF_ACTIONS:
        return "unknown_action"
    sources, _target = STAFF_ACTIONS[action]
    if status not in sources:
        return "not_from_status"
    if action in ("check_in", "issue") and booking_date != today:
        return "not_today"
    if action == "no_show" and booking_date > today:
        return "not_yet"
    return None


def day_counts(bookings, seats_offered):
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


def month_statistics(seats_offered, bookings):
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


# --- Bookings a closure or a capacity cut makes impossible (R-B9) ------------

# Statuses of bookings that hold a seat of their slot (affected and cancelled
# bookings hold none). Only ``booked`` bookings can be made affected: a
