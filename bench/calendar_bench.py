"""
Benchmark the schedule engine and the availability endpoint.

Prints numbers; asserts nothing. Run with `make bench` (embedded SQLite) or
with DATABASE_URL set.
"""

import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.db import connection  # noqa: E402

from reservations import rules  # noqa: E402
from reservations.models import Window  # noqa: E402


def timed(function, repeat):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000, max(samples) * 1000


def main():
    setup_test_environment()
    window = Window.objects.with_rules().get(code="cityhall")
    calendar = window.calendar()
    recurring = tuple(r.as_rule() for r in window.recurring_closures.model.objects.filter(window__isnull=True))
    start = date(2026, 1, 1)
    end = start + timedelta(days=364)
    holidays = rules.japanese_holidays(start, end)
    median, worst = timed(lambda: rules.schedule(start, end, calendar, recurring=recurring, holidays=holidays), 20)
    print(f"rules.schedule, 365 days, City Hall: median {median:.2f} ms, max {worst:.2f} ms")

    client = Client()
    for days in (1, 31, 93):
        url = f"/api/v1/windows/kita/availability?from=2026-12-01&to={(date(2026, 12, 1) + timedelta(days=days - 1)).isoformat()}"
        response = client.get(url)  # warm up
        assert response.status_code == 200, response.content[:200]
        queries = []
        with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
            client.get(url)
        median, worst = timed(lambda: client.get(url), 20)
        print(f"GET availability {days:>2} days: median {median:.2f} ms, max {worst:.2f} ms, {len(queries)} queries")


if __name__ == "__main__":
    main()
