import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from reservations import rules
from reservations.booking.request import BookingData, PersonData
from reservations.booking.services import BookingRefused, SlotFull, booking_create
from reservations.models import Booking, Service, Window
from reservations.schedule import calendars

DEMO_EMAIL = "demo-resident@example.jp"
# (service, window, name, kana, born, notice number): a few bookings of each service (issue #14).
DEMO_BOOKINGS = [
    (Service.PICKUP, "chuo", "新潟 花子", "ニイガタ ハナコ", dt.date(1985, 6, 1), "900000000000001"),
    (Service.PICKUP, "cityhall", "古町 一郎", "フルマチ イチロウ", dt.date(1960, 2, 3), "900000000000002"),
    (Service.APPLICATION_SUPPORT, "chuo", "万代 次郎", "バンダイ ジロウ", dt.date(1992, 9, 9), ""),
    (Service.APPLICATION_SUPPORT, "higashi", "山の下 三郎", "ヤマノシタ サブロウ", dt.date(1978, 12, 12), ""),
]


class Command(BaseCommand):
    help = "Book a few demo appointments of each service once (for make run's counter pages); never on production data."

    def handle(self, *args, **options):
        if Booking.objects.filter(email=DEMO_EMAIL).exists():
            self.stdout.write("Demo bookings exist already.")
            return
        now = timezone.now()
        made = [code for entry in DEMO_BOOKINGS if (code := self._book(entry, now))]
        self.stdout.write(self.style.SUCCESS(f"Demo bookings (both services): {', '.join(made) or 'none'}"))

    def _book(self, entry, now):
        """Book ``entry`` at the first free slot of its window and service; return its code, or None."""
        service, code, name, kana, born, number = entry
        window = Window.objects.with_rules().get(code=code)
        first, last = calendars.booking_window(timezone.localdate(now), window, service)
        days = calendars.window_availability(window, first, last, today=timezone.localdate(now), service=service, now=now)
        slot = next(((day.date, slot) for day in days for slot in rules.slots_for_party(day, 1)), None)
        if slot is None:
            return None
        data = BookingData(
            window=window, date=slot[0], start=slot[1].start, ward=window.ward or "chuo", attendance="in_person",
            proxy_reason=None, email=DEMO_EMAIL, phone="025-000-0000", language="ja",
            people=(PersonData(number, name, kana, born),), service=service,
        )
        try:
            return booking_create(data=data, now=now).display_code
        except (BookingRefused, SlotFull):
            return None
