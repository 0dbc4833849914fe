"""
R-L2: seats that an admin frees — a capacity raised, a closure, recurring
closure or booking block removed or shortened, opening hours widened — are
offered to the waiting list in the admin's own transaction (before it
commits), as a cancellation's are. One query when nobody waits.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from reservations.booking import offers
from reservations.models import (
    BookingBlock, CapacityOverride, Closure, OpeningRule, RecurringClosure, Service, WaitlistEntry, Window,
    WindowService,
)

FREEING_MODELS = (WindowService, OpeningRule, RecurringClosure, Closure, CapacityOverride, BookingBlock)


def seats_may_be_free(sender, instance, **kwargs):
    if not WaitlistEntry.objects.filter(status=WaitlistEntry.Status.WAITING).exists():
        return
    try:
        windows = [instance.window] if instance.window_id else list(Window.objects.all())
    except Window.DoesNotExist:  # the window itself is being deleted
        return
    service = getattr(instance, "service", "")
    now = timezone.now()
    with transaction.atomic():
        for window in windows:
            for code in [service] if service else Service.values:
                offers.offer_window(window, code, now=now)


for model in FREEING_MODELS:
    post_save.connect(seats_may_be_free, sender=model, dispatch_uid=f"waitlist-{model.__name__}-save")
    post_delete.connect(seats_may_be_free, sender=model, dispatch_uid=f"waitlist-{model.__name__}-delete")
