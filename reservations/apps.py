from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReservationsConfig(AppConfig):
    name = "reservations"
    verbose_name = _("Pickup windows and bookings")

    def ready(self):
        # Connect the cache invalidation and register the Celery tasks (the
        # outbox hands messages to them by name).
        from reservations.booking import signals as waitlist_signals  # noqa: F401
        from reservations.booking import tasks as booking_tasks  # noqa: F401
        from reservations.messaging import tasks  # noqa: F401
        from reservations.schedule import signals  # noqa: F401
