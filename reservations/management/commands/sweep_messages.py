import time

from django.core.management.base import BaseCommand

from reservations.messaging import outbox


class Command(BaseCommand):
    help = "Send every due or orphaned message once, or every N seconds with --every (embedded mode's beat)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="repeat every N seconds until stopped")

    def handle(self, *args, every, **options):
        while True:
            count = outbox.sweep()
            if count:
                self.stdout.write(f"handed {count} message(s) to the workers")
            if not every:
                return
            time.sleep(every)
