"""
Keep the shared availability cache honest: any saved or deleted window,
opening rule, closure, capacity or booking block makes every cached
availability stale once its transaction commits (calendars.invalidate_availability).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import calendars
from .models import BookingBlock, CapacityOverride, Closure, OpeningRule, RecurringClosure, Window

CALENDAR_MODELS = (Window, OpeningRule, RecurringClosure, Closure, CapacityOverride, BookingBlock)


@receiver(post_save)
@receiver(post_delete)
def calendar_changed(sender, **kwargs):
    if sender in CALENDAR_MODELS:
        calendars.invalidate_availability()
