"""
Keep the shared availability cache honest: any saved or deleted window,
opening rule, closure, capacity or booking block makes every cached
availability stale once its transaction commits (calendars.invalidate_availability),
and gives every window a new schedule version in that same transaction
(Window.objects.bump_schedule): the booking's own statements check it (issue #17).
"""

from django.db.models.signals import post_delete, post_save

from reservations.models import BookingBlock, CapacityOverride, Closure, OpeningRule, RecurringClosure, Window, WindowService
from reservations.schedule import calendars

CALENDAR_MODELS = (Window, WindowService, OpeningRule, RecurringClosure, Closure, CapacityOverride, BookingBlock)


def calendar_changed(sender, **kwargs):
    # Inside the change's transaction: each model's save() is atomic, and a deletion
    # sends post_delete inside the collector's transaction.
    Window.objects.bump_schedule()
    calendars.invalidate_availability()


# One receiver per model (not for every sender: a receiver for every model
# would cost Django's fast deletes everywhere, e.g. of expired sessions).
for model in CALENDAR_MODELS:
    post_save.connect(calendar_changed, sender=model, dispatch_uid=f"availability-{model.__name__}-save")
    post_delete.connect(calendar_changed, sender=model, dispatch_uid=f"availability-{model.__name__}-delete")
