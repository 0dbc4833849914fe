"""
Offers of freed seats to the waiting list (SPEC §9, R-L2, R-L3).

``offer_freed`` runs inside the transaction that frees seats (a
cancellation, a move, a declined or expired offer, an admin's change): the
earliest fitting entries get the seats *held* — counted in the slot's
counter exactly like a booking, so nobody else can take them — and an
offer message through the outbox. An entry is moved from ``waiting`` to
``offered`` by a conditional UPDATE, so two transactions freeing seats at
the same time never offer one entry twice, and the counter's conditional
UPDATE (``SlotCounter.objects.take``) never sells a held seat (R-B6).
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from reservations import rules
from reservations.messaging import outbox
from reservations.models import Message, SlotCounter, WaitlistEntry, WaitlistOffer, Ward, Window
from reservations.schedule import calendars

SlotKey = tuple[int, str, dt.date, dt.time]  # (window id, service, date, start), as SlotCounter's


def offer_freed(keys: Iterable[SlotKey], *, now: dt.datetime) -> list[WaitlistOffer]:
    """
    Offer the free seats of the slots ``keys`` to the waiting list (R-L2),
    inside the caller's transaction; return the offers made. Costs one query
    when nobody waits for them; otherwise a fixed number per window and
    service, and a few writes per offer.
    """
    keys = sorted(set(keys))
    if not keys:
        return []
    days = [key[2] for key in keys]
    waiting = list(
        WaitlistEntry.objects.filter(
            status=WaitlistEntry.Status.WAITING, service__in={key[1] for key in keys},
            date_from__lte=max(days), date_to__gte=min(days),
        )
        .filter(Q(window__isnull=True) | Q(window_id__in={key[0] for key in keys}))
        .order_by("created_at", "pk")
    )
    if not waiting:
        return []
    queue = _waiting_values(waiting)
    windows = {window.pk: window for window in Window.objects.with_rules().filter(pk__in={key[0] for key in keys})}
    made = []
    for (window_id, service), group in _by_window(keys).items():
        entries = [entry for entry in waiting if entry.service == service]
        made += _offer_slots(windows[window_id], service, group, entries, queue, now)
    if made:
        calendars.invalidate_availability({windows[offer.window_id].code for offer in made})
    return made


def _by_window(keys: list[SlotKey]) -> dict[tuple[int, str], list[tuple[dt.date, dt.time]]]:
    groups: dict[tuple[int, str], list[tuple[dt.date, dt.time]]] = {}
    for window_id, service, day, start in keys:
        groups.setdefault((window_id, service), []).append((day, start))
    return groups


def _waiting_values(entries: list[WaitlistEntry]) -> dict[int, rules.Waiting]:
    """The entries as the rule sees them, with the slots each has declined (one query)."""
    declined: dict[int, set] = {}
    for entry_id, window_id, day, start in WaitlistOffer.objects.filter(
        entry__in=entries, outcome=WaitlistOffer.Outcome.DECLINED
    ).values_list("entry_id", "window_id", "date", "start"):
        declined.setdefault(entry_id, set()).add((window_id, day, start))
    return {
        entry.pk: rules.Waiting(
            pk=entry.pk, window_id=entry.window_id, ward=entry.ward, date_from=entry.date_from,
            date_to=entry.date_to, party_size=entry.party_size, declined=frozenset(declined.get(entry.pk, ())),
        )
        for entry in entries
    }


def _offer_slots(
    window: Window, service: str, slots: list[tuple[dt.date, dt.time]], entries: list[WaitlistEntry],
    queue: dict[int, rules.Waiting], now: dt.datetime,
) -> list[WaitlistOffer]:
    """Offer the free seats of ``slots`` of one window and service, earliest slot first (R-L2)."""
    if window.offer(service) is None:
        return []
    first, last = min(day for day, _start in slots), max(day for day, _start in slots)
    availability = {
        day.date: day
        for day in calendars.window_availability(window, first, last, today=timezone.localdate(now), service=service,
                                                 now=now)
    }
    wards = [ward for ward in Ward.values if window.serves(ward, service)]
    made = []
    for day, start in slots:
        slot = _offerable(availability.get(day), start)
        if slot is not None:
            made += _offer_seats(window, service, day, slot, entries, queue, wards, now)
    return made


def _offer_seats(
    window: Window, service: str, day: dt.date, slot: rules.SlotAvailability, entries: list[WaitlistEntry],
    queue: dict[int, rules.Waiting], wards: list[str], now: dt.datetime,
) -> list[WaitlistOffer]:
    """Offer the ``slot.remaining`` seats to the first fitting entries, one at a time (FIFO, R-L2)."""
    made, remaining = [], slot.remaining
    while remaining > 0:
        fitting = rules.entries_to_offer(
            [queue[entry.pk] for entry in entries if entry.pk in queue], window_id=window.pk, wards_served=wards,
            day=day, start=slot.start, remaining=remaining,
        )
        if not fitting:
            break
        entry = next(entry for entry in entries if entry.pk == fitting[0].pk)
        queue.pop(entry.pk)  # offered now, or offered something by another transaction meanwhile
        offer = _hold(entry, window, service, day, slot, now)
        if offer is not None:
            made.append(offer)
            remaining -= entry.party_size
    return made


def _offerable(day: rules.DayAvailability | None, start: dt.time) -> rules.SlotAvailability | None:
    """The slot of ``day`` at ``start`` when it could be booked now and has seats left, else None."""
    if day is None:
        return None
    problem = rules.slot_problem(day, start, 1)
    if problem:
        return None
    return next(slot for slot in day.slots if slot.start == start)


def _hold(
    entry: WaitlistEntry, window: Window, service: str, day: dt.date, slot: rules.SlotAvailability, now: dt.datetime
) -> WaitlistOffer | None:
    """
    Hold the seats of ``slot`` for ``entry`` and queue its offer mail; None
    when another transaction offered the entry something first, or the
    seats went (both leave everything as it was).
    """
    offered = WaitlistEntry.objects.filter(pk=entry.pk, status=WaitlistEntry.Status.WAITING).update(
        status=WaitlistEntry.Status.OFFERED
    )
    if offered != 1:
        return None
    if not SlotCounter.objects.take(
        window=window, date=day, start=slot.start, capacity=slot.capacity, seats=entry.party_size, service=service
    ):
        WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistEntry.Status.WAITING)
        return None
    entry.status = WaitlistEntry.Status.OFFERED
    offer = WaitlistOffer.objects.create(
        entry=entry, window=window, service=service, date=day, start=slot.start, end=slot.end,
        party_size=entry.party_size, made_at=now, expires_at=rules.offer_ends(now, settings.WAITLIST_OFFER_MINUTES),
    )
    outbox.message_for_entry(entry, Message.Kind.WAITLIST_OFFER, now)
    return offer


def release(offers: list[WaitlistOffer], outcome: str, *, now: dt.datetime) -> list[WaitlistOffer]:
    """
    End the open ``offers`` with ``outcome`` (declined, expired, withdrawn),
    give their seats back and offer them to the next fitting entries, in the
    caller's transaction (R-L2: to the list first, only then to everyone).
    Return the new offers.
    """
    if not offers:
        return []
    WaitlistOffer.objects.filter(pk__in=[offer.pk for offer in offers]).update(outcome=outcome, ended_at=now)
    SlotCounter.objects.free(offers=offers)
    calendars.invalidate_availability({offer.window.code for offer in offers})
    return offer_freed([(offer.window_id, offer.service, offer.date, offer.start) for offer in offers], now=now)


def offer_window(window: Window, service: str, *, now: dt.datetime) -> list[WaitlistOffer]:
    """
    Offer every free seat of ``service`` at ``window`` inside its horizon to
    the waiting list (R-L2), after an admin raised a capacity or removed a
    closure or block, in the admin's transaction. One query when nobody waits.
    """
    waiting = WaitlistEntry.objects.filter(status=WaitlistEntry.Status.WAITING, service=service).filter(
        Q(window__isnull=True) | Q(window=window)
    )
    if not waiting.exists():
        return []
    window = Window.objects.with_rules().get(pk=window.pk)  # the rows as this transaction now sees them
    if window.offer(service) is None:
        return []
    today = timezone.localdate(now)
    first, last = calendars.booking_window(today, window, service)
    keys = [
        (window.pk, service, day.date, slot.start)
        for day in calendars.window_availability(window, first, last, today=today, service=service, now=now)
        if day.bookable
        for slot in day.slots
        if slot.remaining > 0
    ]
    return offer_freed(keys, now=now)
