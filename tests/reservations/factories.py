"""Builders for booking data (plain values; the services do the writing)."""

import datetime as dt
import itertools
import zoneinfo

from reservations.booking.services import BookingData, PersonData
from reservations.models import Window

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
# 2026-11-25 (Wednesday) 10:00 in Niigata: tomorrow is bookable, 26 Dec is not.
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=TOKYO)
_numbers = itertools.count(100000000000001)


def notice_number():
    return str(next(_numbers))


def person(**overrides):
    values = {"notice_number": notice_number(), "name": "新潟 太郎", "kana": "ニイガタ タロウ",
              "birth_date": dt.date(1990, 4, 1)}
    values.update(overrides)
    return PersonData(**values)


def booking_data(window="kita", date=dt.date(2026, 12, 1), start=dt.time(9), party=1, **overrides):
    if isinstance(window, str):
        window = Window.objects.with_rules().get(code=window)
    values = {
        "window": window, "date": date, "start": start, "ward": window.ward or "chuo",
        "attendance": "in_person", "proxy_reason": None, "email": "taro@example.jp", "phone": "",
        "language": "ja", "people": tuple(person() for _ in range(party)),
    }
    values.update(overrides)
    return BookingData(**values)


def api_body(window="kita", date="2026-12-01", start="09:00", party=1, **overrides):
    body = {
        "window": window, "date": date, "start": start, "ward": window if window != "cityhall" else "chuo",
        "attendance": "in_person", "proxy_reason": None, "email": "taro@example.jp", "phone": "025-000-0000",
        "language": "ja",
        "people": [{"notice_number": notice_number(), "name": "新潟 太郎", "kana": "ニイガタ タロウ",
                    "birth_date": "1990-04-01"} for _ in range(party)],
    }
    body.update(overrides)
    return body
