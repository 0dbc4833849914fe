from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reservations.messaging import retention


class Command(BaseCommand):
    help = (
        "Erase the personal data of bookings past their retention (R-B11, BOOKING_RETENTION_DAYS) and "
        "clear expired sessions; Celery beat runs the same every night, cron can run this command."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="retention in days (default: the setting)")

    def handle(self, *args, days, **options):
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1")
        count = retention.erase_personal_data(today=timezone.localdate(), days=days)
        self.stdout.write(f"anonymised {count} booking(s); expired sessions cleared")
