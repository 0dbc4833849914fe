"""
Who may see and do what at the counter (R-S1, R-S2). Every staff view asks
``can(user, booking_or_window, action)`` and fetches through the helpers
below: a booking or window outside the user's reach is a 404, so its
existence is not revealed.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from reservations import rules
from reservations.models import Booking, Window

CLERK, OPERATOR, CITY_ADMIN = "clerk", "operator", "city_admin"

# Who may do what (R-S1, R-S2): an action, the roles that may do it at any
# window, and whether a clerk may do it at the windows assigned to them.
# City admins may do everything.
VIEW, BOOK, MOVE = "view", "book", "move"
PERMISSIONS: dict[str, tuple[frozenset[str], bool]] = {
    # Day lists, search, a booking's page: operators everywhere, clerks at their windows.
    VIEW: (frozenset({OPERATOR}), True),
    # The counter itself (R-B10): only the window's own clerks.
    "check_in": (frozenset(), True),
    "issue": (frozenset(), True),
    "no_show": (frozenset(), True),
    # On behalf of a caller (R-S2): the reservation centre anywhere, clerks at their windows.
    "cancel": (frozenset({OPERATOR}), True),
    MOVE: (frozenset({OPERATOR}), True),
    BOOK: (frozenset({OPERATOR}), True),
}

User = AbstractBaseUser | AnonymousUser


def roles(user: User) -> frozenset[str]:
    """Return the staff roles of ``user`` (read once per user object)."""
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    if not hasattr(user, "_counter_roles"):
        names = {group.name for group in user.groups.all()}
        if user.is_superuser:
            names.add(CITY_ADMIN)
        user._counter_roles = frozenset(names & {CLERK, OPERATOR, CITY_ADMIN})
    return user._counter_roles


def is_staff_user(user: User) -> bool:
    return bool(roles(user))


def _assigned_window_ids(user: User) -> frozenset[int]:
    """Return the ids of the windows assigned to ``user`` as a clerk (read once per user object)."""
    if CLERK not in roles(user):
        return frozenset()
    if not hasattr(user, "_counter_window_ids"):
        user._counter_window_ids = frozenset(user.window_assignments.values_list("window_id", flat=True))
    return user._counter_window_ids


def can(user: User, target: Booking | Window, action: str) -> bool:
    """
    Return whether ``user`` may do ``action`` ("view", "check_in", "issue",
    "no_show", "cancel", "move", "book") on ``target``, a booking or a
    window. Only who may act is decided here; whether the booking's state
    allows it is the rules' (rules.transition_problem, rules.cancellable).
    """
    if action not in PERMISSIONS:
        return False
    user_roles = roles(user)
    if CITY_ADMIN in user_roles:
        return True
    anywhere, clerk_at_own_window = PERMISSIONS[action]
    if user_roles & anywhere:
        return True
    window_id = target.window_id if isinstance(target, Booking) else target.pk
    return clerk_at_own_window and window_id in _assigned_window_ids(user)


def visible_windows(user: User) -> QuerySet[Window]:
    """Return the windows whose day lists ``user`` may see: admins and operators all, clerks theirs."""
    user_roles = roles(user)
    if user_roles & {CITY_ADMIN, OPERATOR}:
        return Window.objects.all()
    if CLERK in user_roles:
        return Window.objects.filter(staff_assignments__user=user)
    return Window.objects.none()


def get_window_for_staff(user: User, code: str) -> Window:
    """Return the window ``code`` if ``user`` may see it (with its opening rules); else raise Http404."""
    window = visible_windows(user).with_rules().filter(code=code).first()
    if window is None:
        raise Http404("no such window")
    return window


def get_booking_for_staff(user: User, code: str) -> Booking:
    """Return the booking with ``code`` (as typed) if ``user`` may see it; else raise Http404."""
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
