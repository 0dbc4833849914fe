"""
Marks of the booking calendar (templates/reservations/_booking_calendar.html).

A bookable day shows ○ (seats available) or △ (few seats left, 残りわずか);
a fully booked day ×; a day without opening its closed mark (休, "Closed").
"""

from django import template

register = template.Library()

# 残りわずか: the open slots of the day have a fifth or less of their seats left.
FEW_LEFT_SHARE = (1, 5)


def few_seats_left(slots):
    """
    Return True when ``slots`` (a day's SlotAvailability) still have seats
    but no more than FEW_LEFT_SHARE of the seats of their open slots.
    """
    open_slots = [slot for slot in slots if not slot.closed]
    capacity = sum(slot.capacity for slot in open_slots)
    remaining = sum(max(slot.remaining, 0) for slot in open_slots)
    numerator, denominator = FEW_LEFT_SHARE
    return 0 < remaining and remaining * denominator <= capacity * numerator


@register.filter
def few_left(day):
    """Return True when the day (a DayAvailability, or None) has few seats left."""
    return bool(day) and few_seats_left(day.slots)
