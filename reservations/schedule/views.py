from dateutil.relativedelta import relativedelta
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.dates import CALENDAR_EARLIEST, CALENDAR_LATEST, parse_month
from reservations import rules
from reservations.models import RecurringClosure, Service, Window
from reservations.schedule import calendars


def _services_of(window: Window) -> list[dict]:
    """
    Return what ``window`` offers besides pickup, with its hours and whether
    it takes it without bookings (R-A4: application support at Kita and Nishi).
    """
    return [
        {"code": offer.service, "label": offer.get_service_display(), "walk_in": offer.walk_in,
         "hours_lines": rules.describe_hours(window.calendar(offer.service))}
        for offer in window.offers.all() if offer.service != Service.PICKUP
    ]


def window_list(request):
    windows = list(Window.objects.with_rules())
    for window in windows:
        window.hours_lines = rules.describe_hours(window.calendar())
        window.other_services = _services_of(window)
    recurring = [closure.as_rule() for closure in RecurringClosure.objects.filter(window__isnull=True)]
    return render(
        request,
        "reservations/window_list.html",
        {
            "ward_offices": [w for w in windows if w.kind == Window.Kind.WARD],
            "cityhall_windows": [w for w in windows if w.kind == Window.Kind.CITYHALL],
            "recurring_notes": [closure.note for closure in recurring if closure.note],
        },
    )


def window_detail(request, code):
    window = get_object_or_404(Window.objects.with_rules(), code=code)
    today = timezone.localdate()
    requested = request.GET.get("month")
    month = parse_month(requested) if requested else None
    month_error = bool(requested) and month is None
    month = month or today.replace(day=1)
    last = month + relativedelta(day=31)
    days = {day.date: day for day in calendars.window_schedule(window, month, last)}
    weeks = [[days.get(day) for day in week] for week in rules.month_grid(month)]
    closed = [day for day in days.values() if not day.open]
    special = [day for day in days.values() if day.open and day.notes]
    previous_month = month - relativedelta(months=1)
    next_month = month + relativedelta(months=1)
    context = {
        "window": window,
        "month": month,
        "weeks": weeks,
        "weekday_headers": [rules.weekday_short_name(d) for d in (6, 0, 1, 2, 3, 4, 5)],
        "closed_days": [(day, rules.closed_reason_label(day.reason)) for day in closed],
        "special_days": special,
        "hours_lines": rules.describe_hours(window.calendar()),
        "other_services": _services_of(window),
        "previous_month": previous_month if previous_month >= CALENDAR_EARLIEST else None,
        "next_month": next_month if next_month <= CALENDAR_LATEST else None,
        "today": today,
        "month_error": _("That month could not be read; showing this month instead.") if month_error else "",
    }
    return render(request, "reservations/window_detail.html", context)
