"""
CPU cost of one request, measured in-process (Django's test client, no HTTP):
the web container's share of the work, which is what the capacity arithmetic
of docs/scaling.md multiplies. Run by bench/peak.py on its seeded database, or
alone with DATABASE_URL (and REDIS_URL) set:

    .venv/bin/python bench/cost.py

Prints CPU milliseconds per request (this process only: PostgreSQL's and
Redis's own work is not included) and the queries each request makes. It
makes real bookings: run it on a benchmark database only.
"""

import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from reservations.models import Window  # noqa: E402


def measure(name, send, repeat, warm=1):
    for index in range(warm):
        send(index)
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        send(warm)
    wall, cpu = time.perf_counter(), time.process_time()
    for index in range(repeat):
        send(warm + 1 + index)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"| {name} | {cpu / repeat * 1000:.2f} | {wall / repeat * 1000:.2f} | {len(queries)} |", flush=True)


def main():
    windows = [(w.code, w.ward or "chuo") for w in Window.objects.all()]
    client = Client()
    print("| Request (in-process) | CPU ms | Wall ms | Queries |")
    print("| --- | --: | --: | --: |")

    def availability(index):
        code = windows[index % len(windows)][0]
        assert client.get(f"/api/v1/windows/{code}/availability", headers={"Accept-Encoding": "gzip"}).status_code == 200

    measure("availability JSON, from the shared cache", availability, 500, warm=len(windows))

    def availability_miss(index):
        cache.clear()
        availability(index)

    measure("availability JSON, computed (cache cleared)", availability_miss, 50)

    resident = Client()
    assert resident.post("/book/", {"ward": "kita", "attendance": "in_person", "party_size": "1",
                                    "proxy_reason": ""}).status_code == 302
    measure("booking calendar page /book/kita/", lambda index: resident.get("/book/kita/"), 100)

    slots = []
    for code, ward in windows:
        body = client.get(f"/api/v1/windows/{code}/availability").json()
        slots += [(code, ward, d["date"], s["start"]) for d in body["days"] for s in d["slots"] if s["remaining"] > 1]
    rng, run = random.Random(1), random.randrange(10**6)

    def book(index):
        code, ward, day, start = rng.choice(slots)
        body = {"window": code, "date": day, "start": start, "ward": ward, "attendance": "in_person",
                "email": f"bench{run}-{index}@example.jp", "people": [{"notice_number": f"6{run:06d}{index:08d}",
                                                         "name": "新潟 太郎", "kana": "ニイガタ タロウ",
                                                         "birth_date": "1990-04-01"}]}
        response = client.post("/api/v1/bookings", json.dumps(body), content_type="application/json",
                               REMOTE_ADDR=f"10.9.{index // 250 % 250}.{index % 250 + 1}")
        assert response.status_code in (201, 409), response.content[:300]

    measure("booking (POST /api/v1/bookings)", book, 100)


if __name__ == "__main__":
    main()
