import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from reservations.booking import waitlist
from reservations.messaging import outbox, retention


class Command(BaseCommand):
    help = (
        "Send every due or orphaned message once, or every N seconds with --every (embedded mode's beat, "
        "which also ends waiting-list offers past their time, R-L2, and erases the personal data past retention once a day, R-B11)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="repeat every N seconds until stopped")

    def handle(self, *args, every, **options):
        erased_on = None
        while True:
            waitlist.expire_offers()  # R-L2: offers past their time go to the next entry (beat does it in production)
            count = outbox.sweep()
            if count:
                self.stdout.write(f"handed {count} message(s) to the workers")
            if not every:
                return
            today = timezone.localdate()
            if today != erased_on:
                # The embedded beat's daily retention job (Celery beat runs it at 03:15 in production).
                retention.erase_personal_data(today=today)
                erased_on = today
            time.sleep(every)
