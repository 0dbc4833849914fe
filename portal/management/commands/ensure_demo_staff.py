import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from reservations.models import StaffAssignment, Window


class Command(BaseCommand):
    help = "Create demo staff once (a clerk per window, an operator) with random passwords, and print them."

    def handle(self, *args, **options):
        User = get_user_model()
        login_url = f"{settings.SITE_URL.rstrip('/')}/staff/login/"
        accounts = [(f"clerk-{w.code}", "clerk", w) for w in Window.objects.all()] + [("operator", "operator", None)]
        created = []
        for username, group, window in accounts:
            if User.objects.filter(username=username).exists():
                continue
            password = secrets.token_urlsafe(9)
            user = User.objects.create_user(username=username, password=password)
            user.groups.add(Group.objects.get(name=group))
            if window is not None:
                StaffAssignment.objects.create(user=user, window=window)
            created.append((username, password))
        if not created:
            self.stdout.write(f"Demo staff exist already; log in at {login_url} (reset: manage.py changepassword NAME).")
            return
        self.stdout.write(self.style.SUCCESS(f"Demo staff (shown only this once), log in at {login_url}:"))
        for username, password in created:
            self.stdout.write(f"  {username:<18} {password}")
