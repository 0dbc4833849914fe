"""
The waiting list as ward-office staff see it (issue #16): per window and
service, the active entries in the order the window's freed seats would be
offered to them, and the list's figures for the statistics. Reads only, in a
fixed number of queries whatever the number of entries.
"""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Prefetch, Q

from reservations.models import Service, WaitlistEntry, WaitlistOffer, Ward, Window

OUTCOMES = ("open", "accepted", "declined", "expired", "withdrawn")


def _for_window(window: Window, service: str) -> Q:
    """The entries that wait for ``window``: its own, and "any window" ones of a ward it serves (R-L1)."""
    wards = [ward for ward in Ward.values if window.serves(ward, service)]
    return Q(service=service) & (Q(window=window) | Q(window__isnull=True, ward__in=wards))


def window_queues(window: Window, services: Iterable[str]) -> list[dict]:
    """
    Return, per service of ``services``, the active entries waiting for
    ``window`` in queue order (first come, first served: R-L2), each with its
    position in this window's queue, its open offer and the offers made so
    far. Two queries per service.
    """
    queues = []
    for service in services:
        entries = list(
            WaitlistEntry.objects.filter(_for_window(window, service), status__in=WaitlistEntry.ACTIVE_STATUSES)
            .select_related("window")
            .annotate(offers_made=Count("offers"))
            .prefetch_related(Prefetch("offers", queryset=WaitlistOffer.objects.open().select_related("window"),
                                       to_attr="open_offers"))
            .order_by("created_at", "pk")
        )
        for position, entry in enumerate(entries, start=1):
            entry.position = position
            entry.open_offer = entry.open_offers[0] if entry.open_offers else None
        queues.append({"service": service, "label": Service(service).label, "entries": entries})
    return queues


def window_figures(window: Window, services: Iterable[str], first: dt.date, last: dt.date) -> list[dict]:
    """
    Return, per service, the waiting list's figures at ``window`` for the
    days ``first`` … ``last``: entries joined, offers made and their outcomes
    (offers of that window), and the entries waiting now. Three queries.
    """
    services = list(services)
    joined_q = Q(pk__in=[])
    waiting_q = Q(pk__in=[])
    for service in services:
        joined_q |= _for_window(window, service)
    joined = dict(
        WaitlistEntry.objects.filter(joined_q, created_at__date__gte=first, created_at__date__lte=last)
        .values_list("service").annotate(n=Count("pk")).order_by()
    )
    waiting_q = joined_q & Q(status__in=WaitlistEntry.ACTIVE_STATUSES)
    waiting = dict(WaitlistEntry.objects.filter(waiting_q).values_list("service").annotate(n=Count("pk")).order_by())
    outcomes: dict[tuple[str, str], int] = {}
    for service, outcome, count in (
        WaitlistOffer.objects.filter(window=window, service__in=services, made_at__date__gte=first,
                                     made_at__date__lte=last)
        .values_list("service", "outcome").annotate(n=Count("pk")).order_by()
    ):
        outcomes[(service, outcome)] = count
    rows = []
    for service in services:
        made = {outcome: outcomes.get((service, outcome), 0) for outcome in OUTCOMES}
        rows.append({"service": service, "label": Service(service).label, "joined": joined.get(service, 0),
                     "offers": sum(made.values()), **made, "waiting": waiting.get(service, 0)})
    return rows
