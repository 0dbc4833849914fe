"""
Who may see and do what at the counter (R-S1, R-S2). One helper for every
staff view: a booking or window outside the user's reach is a 404, so its
existence is not revealed.
"""

from django.http import Http404

from reservations.models import Booking, Window

CLERK, OPERATOR, CITY_ADMIN = "clerk", "operator", "city_admin"


def roles(user):
    if not (user.is_authenticated and user.is_active):
        return set()
    names = {group.name for group in user.groups.all()}
    if user.is_superuser:
        names.add(CITY_ADMIN)
    return names & {CLERK, OPERATOR, CITY_ADMIN}


def is_staff_user(user):
    return bool(roles(user))


def visible_windows(user):
    """Return the windows whose day lists ``user`` may see: admins and operators all, clerks theirs."""
    user_roles = roles(user)
    if user_roles & {CITY_ADMIN, OPERATOR}:
        return Window.objects.all()
    if CLERK in user_roles:
        return Window.objects.filter(staff_assignments__user=user)
    return Window.objects.none()


def can_work_counter(user, window):
    """Check-in, issued and no-show: the window's own clerks and admins."""
    user_roles = roles(user)
    if CITY_ADMIN in user_roles:
        return True
    return CLERK in user_roles and window.staff_assignments.filter(user=user).exists()


def can_book_for(user, window):
    """Phone bookings, moves and cancellations: operators anywhere, clerks at their windows, admins."""
    user_roles = roles(user)
    return bool(user_roles & {CITY_ADMIN, OPERATOR}) or can_work_counter(user, window)


def get_window_for_staff(user, code):
    window = visible_windows(user).with_rules().filter(code=code).first()
    if window is None:
        raise Http404("no such window")
    return window


def get_booking_for_staff(user, code):
    from reservations import rules

    stored = rules.parse_code(code or "")
    booking = (
        Booking.objects.select_related("window", "made_by")
        .filter(code=stored, window__in=visible_windows(user))
        .first()
        if stored
        else None
    )
    if booking is None:
        raise Http404("no such booking")
    return booking
