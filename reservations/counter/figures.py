"""
The statistics of a window per day and service (issue #15, R-A7): seats
offered from the calendars, bookings counted in the database, the figures
from the rules, and the charts and CSV rows drawn from them. A fixed number
of queries whatever the number of days and bookings: one for the bookings
(grouped by date, service and status), and per service the calendar rows
that ``calendars`` reads once for a whole range.
"""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Sum
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.charts import COLOURS, Bar, bar_chart
from reservations.models import Booking, Service, Window
from reservations.rules.lifecycle import add_figures, daily_figures, service_status_label
from reservations.schedule import calendars


def seats_offered(window: Window, service: str, first: dt.date, last: dt.date) -> dict[tuple[dt.date, str], int]:
    """Return {(date, service): seats} of ``service`` at ``window`` from ``first`` to ``last`` (none when walk-in)."""
    offer = window.offer(service)
    if offer is None or offer.walk_in:
        return {}
    overrides = calendars.capacity_overrides(window, first, last, service)
    return {
        (day.date, service): calendars.capacity_on(window, day.date, overrides, service=service) * len(day.slots)
        for day in calendars.window_schedule(window, first, last, service)
    }


def counted_bookings(window: Window, services: list[str], first: dt.date, last: dt.date) -> list[tuple]:
    """Return (date, service, status, people) of the bookings at ``window`` from ``first`` to ``last`` (one query)."""
    rows = (
        Booking.objects.filter(window=window, date__range=(first, last), service__in=services)
        .order_by()
        .values_list("date", "service", "status")
        .annotate(people=Sum("party_size"))
    )
    return list(rows)


def window_days(window: Window, services: list[str], first: dt.date, last: dt.date) -> list[dict]:
    """Return the rules' daily_figures of ``services`` at ``window`` for every day from ``first`` to ``last``."""
    offered: dict[tuple[dt.date, str], int] = {}
    for service in services:
        offered.update(seats_offered(window, service, first, last))
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    return daily_figures(days, services, offered, counted_bookings(window, services, first, last))


def _day_label(day: dt.date) -> str:
    return date_format(day, _("N j (D)"))


# The figures drawn as charts: (key, in percent, colour); their titles in chart_titles.
CHARTS = (("utilisation", True, COLOURS[0]), ("no_show", False, COLOURS[1]), ("cancelled", False, COLOURS[2]))


def chart_titles() -> dict[str, str]:
    """The titles of the charts in the active language."""
    return {"utilisation": _("Utilisation"), "no_show": _("No-shows (people)"),
            "cancelled": _("Cancellations (people)")}


def _value(figures: dict, key: str, percent: bool) -> float:
    return round(figures[key] * 100, 1) if percent else figures[key]


def period_charts(rows: list[dict], services: list[str], *, past: bool) -> list[dict]:
    """
    Return the charts of a period: per figure its SVG (the shown services
    together) and its table (a row per day; a column per service and the
    total). No-shows only for days gone by (a coming day has none yet).
    """
    titles = chart_titles()
    charts = []
    for key, percent, colour in CHARTS:
        if key == "no_show" and not past:
            continue
        bars = [Bar(_day_label(row["date"]), _value(row["total"], key, percent)) for row in rows]
        charts.append({
            "key": key, "title": titles[key], "percent": percent,
            "svg": bar_chart(bars, title=titles[key], maximum=100 if percent else None, colour=colour, label_every=7),
            "rows": [
                {"label": _day_label(row["date"]),
                 "values": [_value(row["services"][s], key, percent) for s in services] if len(services) > 1 else [],
                 "total": _value(row["total"], key, percent)}
                for row in rows
            ],
        })
    return charts


def summary(rows: Iterable[dict], services: list[str]) -> tuple[list[dict], dict]:
    """Return the figures of each of ``services`` over ``rows`` (label and figures) and of all together."""
    rows = list(rows)
    each = [
        {"service": service, "label": Service(service).label,
         "figures": add_figures(row["services"][service] for row in rows),
         "done_label": _("Applications done") if service == Service.APPLICATION_SUPPORT else _("Cards issued")}
        for service in services
    ]
    return each, add_figures(row["total"] for row in rows)


def csv_header() -> list[str]:
    """The columns of the statistics CSV."""
    return [_("Window"), _("Date"), _("Service"), _("Seats offered"), _("Seats booked"), _("Checked in"),
            _("Issued / application done"), _("Did not come"), _("Cancelled"), _("Utilisation (%)")]


def csv_rows(window: Window, rows: Iterable[dict], services: list[str]) -> Iterable[list[object]]:
    """One CSV row per day and service (values as they are; the view neutralises formulas)."""
    for row in rows:
        for service in services:
            figures = row["services"][service]
            yield [
                window.name, row["date"].isoformat(), Service(service).label, figures["offered"], figures["booked"],
                figures["checked_in"], figures["issued"], figures["no_show"], figures["cancelled"],
                f"{figures['utilisation'] * 100:.1f}",
            ]


def done_label(services: list[str]) -> str:
    """The words of the last step for the services shown (cards issued, applications done, or both)."""
    if len(services) == 1:
        return service_status_label("issued", services[0]) or str(Booking.Status.ISSUED.label)
    return _("Cards issued / applications done")
