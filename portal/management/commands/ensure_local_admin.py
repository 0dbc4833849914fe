import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the local admin account once, with a random password, and print it (embedded mode)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        User = get_user_model()
        admin_url = f"{settings.SITE_URL.rstrip('/')}/{settings.ADMIN_PATH}"
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                f"An admin account exists already. Log in at {admin_url} "
                f"(forgotten password: .venv/bin/python manage.py changepassword {username})."
            )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(self.style.SUCCESS("Created the local admin account (shown only this once):"))
        self.stdout.write(f"  URL:      {admin_url}")
        self.stdout.write(f"  user:     {username}")
        self.stdout.write(f"  password: {password}")
