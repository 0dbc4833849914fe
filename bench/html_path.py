"""
CPU cost and queries of the resident's public HTML booking path, in-process
(Django's test client, no HTTP), page by page (issue #17): the 10 requests a
browser without JavaScript sends for one booking, as
../shared/peer-bench/portal_load.py drives them over HTTP:

     1 GET  /book/                     start form
     2 POST /book/                     ward, attendance, party size -> /book/window/
     3 GET  /book/window/              the windows serving the ward
     4 GET  /book/<code>/              month calendar
     5 GET  /book/<code>/?date=D       the day's times
     6 GET  /book/<code>/<D>/<HHMM>/   details form
     7 POST same                       the person and the contact -> /book/review/
     8 GET  /book/review/              check page, one-time token
     9 POST /book/review/              the booking -> /book/done/
    10 GET  /book/done/                confirmation (code, QR)

Each booking has its own cookie jar and its own free slot (read from the
availability API first, untimed), and every POST carries the CSRF token of
its page (the client enforces CSRF as a browser's would). Run on a seeded
benchmark database (bench/seed.py), with DATABASE_URL and REDIS_URL set:

    .venv/bin/python bench/html_path.py [--bookings 60]

Prints, per page, the median and p90 CPU milliseconds of this process
(PostgreSQL's and Redis's own work not included), the median wall
milliseconds and the queries of the last booking; then the whole booking.
It makes real bookings: run it on a benchmark database only.
"""

import argparse
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# One client address books all: exempt from the per-address limits (as the load runs are).
os.environ.setdefault("RATE_LIMIT_EXEMPT", "127.0.0.1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from reservations.models import Window  # noqa: E402

CSRF_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN_RE = re.compile(rb'name="token" value="([^"]+)"')
STEPS = (
    "01 GET /book/", "02 POST /book/", "03 GET /book/window/", "04 GET /book/<code>/",
    "05 GET /book/<code>/?date=D", "06 GET details", "07 POST details", "08 GET /book/review/",
    "09 POST confirm", "10 GET /book/done/",
)


def free_slots(client):
    slots = []
    for window in Window.objects.all():
        body = client.get(f"/api/v1/windows/{window.code}/availability").json()
        slots += [(window.code, window.ward or "chuo", day["date"], slot["start"])
                  for day in body["days"] for slot in day["slots"] if slot["remaining"] > 0]
    return slots


class Recorder:
    def __init__(self):
        self.cpu = {step: [] for step in STEPS}
        self.wall = {step: [] for step in STEPS}
        self.queries = {}
        self.totals = []

    def send(self, step, call, *args, **kwargs):
        queries = []

        def count(execute, sql, *rest):
            queries.append(sql)
            return execute(sql, *rest)

        with connection.execute_wrapper(count):
            wall, cpu = time.perf_counter(), time.process_time()
            response = call(*args, **kwargs)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        self.cpu[step].append(cpu)
        self.wall[step].append(wall)
        self.queries[step] = queries
        return response


def token(pattern, response):
    found = pattern.search(response.content)
    assert found, response.content[:500]
    return found.group(1).decode()


CLIENT = None


def book(record, slot, number):
    """One booking through the 10 pages, with a fresh cookie jar (one handler: middleware loaded once, as in a server)."""
    global CLIENT
    code, ward, day, start = slot
    if CLIENT is None:
        CLIENT = Client(enforce_csrf_checks=True)
    client = CLIENT
    client.cookies.clear()
    page = record.send(STEPS[0], client.get, "/book/")
    response = record.send(STEPS[1], client.post, "/book/", {
        "csrfmiddlewaretoken": token(CSRF_RE, page), "ward": ward, "attendance": "in_person", "party_size": "1",
        "proxy_reason": ""})
    assert response.status_code == 302 and response.url.endswith("/book/window/"), response.status_code
    assert f"/book/{code}/".encode() in record.send(STEPS[2], client.get, "/book/window/").content
    assert record.send(STEPS[3], client.get, f"/book/{code}/").status_code == 200
    details = f"/book/{code}/{day}/{start.replace(':', '')}/"
    assert details.encode() in record.send(STEPS[4], client.get, f"/book/{code}/", {"date": day}).content
    page = record.send(STEPS[5], client.get, details)
    response = record.send(STEPS[6], client.post, details, {
        "csrfmiddlewaretoken": token(CSRF_RE, page), "p0-notice_number": number, "p0-name": "新潟 太郎",
        "p0-kana": "ニイガタ タロウ", "p0-birth_year": "1990", "p0-birth_month": "4", "p0-birth_day": "1",
        "email": "bench@example.jp", "phone": "025-000-0000"})
    assert response.status_code == 302 and response.url.endswith("/book/review/"), response.content[:2000]
    page = record.send(STEPS[7], client.get, "/book/review/")
    response = record.send(STEPS[8], client.post, "/book/review/", {
        "csrfmiddlewaretoken": token(CSRF_RE, page), "token": token(TOKEN_RE, page)})
    assert response.status_code == 302 and response.url.endswith("/book/done/"), response.status_code
    assert record.send(STEPS[9], client.get, "/book/done/").status_code == 200


def ms(seconds):
    return f"{seconds * 1000:.2f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--bookings", type=int, default=60, help="bookings to time (default 60, after 5 warm-up)")
    parser.add_argument("--warm", type=int, default=5)
    parser.add_argument("--queries", action="store_true", help="print the SQL of each page of the last booking")
    args = parser.parse_args()
    # The shared cache may hold a previous seed's windows and days under the same versions: start
    # from an empty one (this runs on a benchmark database and its own Redis database only).
    cache.clear()
    slots = free_slots(Client())
    random.Random(17).shuffle(slots)
    assert len(slots) >= args.bookings + args.warm, "not enough free slots"
    run = random.randrange(10**6)
    warm = Recorder()
    for index in range(args.warm):
        book(warm, slots.pop(), f"7{run:06d}{index:08d}")
    record = Recorder()
    for index in range(args.bookings):
        book(record, slots.pop(), f"8{run:06d}{index:08d}")
    print("| Page (in-process) | CPU ms median | CPU ms p90 | Wall ms median | Queries |")
    print("| --- | --: | --: | --: | --: |")
    for step in STEPS:
        cpu = sorted(record.cpu[step])
        print(f"| {step} | {ms(statistics.median(cpu))} | {ms(cpu[int(len(cpu) * 0.9) - 1])} | "
              f"{ms(statistics.median(record.wall[step]))} | {len(record.queries[step])} |")
    totals = [sum(record.cpu[step][index] for step in STEPS) for index in range(args.bookings)]
    walls = [sum(record.wall[step][index] for step in STEPS) for index in range(args.bookings)]
    queries = sum(len(found) for found in record.queries.values())
    print(f"| **whole booking ({len(STEPS)} requests)** | **{ms(statistics.median(totals))}** | "
          f"{ms(sorted(totals)[int(len(totals) * 0.9) - 1])} | {ms(statistics.median(walls))} | **{queries}** |")
    if args.queries:
        for step in STEPS:
            print(f"\n{step}:")
            for sql in record.queries[step]:
                print("   ", sql[:200])


if __name__ == "__main__":
    main()
