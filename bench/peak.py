"""
The launch-morning benchmark (issue #8): gunicorn on PostgreSQL and Redis with
realistic data, measured from outside over HTTP.

    .venv/bin/python bench/peak.py [--duration 10] [--concurrency 64]

It makes a fresh database `portal_bench` on the local PostgreSQL, migrates it
and fills it with bench/seed.py (9 windows, half the seats of the next 30 days
booked, 50,000 past bookings), starts gunicorn (as docker-compose.yml's web)
with Redis database 14 as cache and broker, and runs, one after the other:

1. availability JSON per window: GET /api/v1/windows/<code>/availability,
   the window drawn at random per request;
2. the booking calendar page: GET /book/<code>/ (each client has gone
   through the start page first, so it has a session);
3. availability reads while 8 of the clients make bookings (each booking
   invalidates its window's cached answers);
4. bookings spread over the free slots of all windows (POST /api/v1/bookings,
   each request from its own client address through X-Forwarded-For, as
   behind the load balancer);
5. one hot slot: bench/booking_contention.py, N residents at once for a slot
   with M seats; and last, in-process, bench/cost.py: the web process's own
   CPU time per request;

each with C closed-loop clients for D seconds, and prints throughput, median
and p95 latency, the status counts, and the seats sold beyond capacity
(must be 0: exit code 1 otherwise). Then it stops gunicorn and drops the
database (--keep keeps both for a look). It talks only to 127.0.0.1.
"""

import argparse
import http.client
import json
import os
import platform
import random
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
DB = "portal_bench"
PG = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-v", "ON_ERROR_STOP=1"]


def bench_env(port):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB}",
        REDIS_URL="redis://127.0.0.1:6379/14",
        TRUST_X_FORWARDED_FOR="1",
        SECRET_KEY="bench-only-" + "k" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",  # testserver: bench/cost.py's in-process client
        LOG_LEVEL="WARNING",
        DEBUG="0",
    )
    return env


def sh(command, env=None, **kwargs):
    return subprocess.run(command, check=True, cwd=ROOT, env=env, **kwargs)


def request(port, method, path, body=None, headers=None):
    """One request on its own connection; return (status, headers, body)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def cookies_from(headers):
    jar = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            jar[key] = rest.split(";", 1)[0]
    return jar


def start_server(env, port, workers, threads):
    command = [str(Path(PYTHON).parent / "gunicorn"), "portal.wsgi:application", "--bind", f"{HOST}:{port}",
               "--workers", str(workers), "--log-level", "warning"]
    if threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(100):
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                return server, " ".join(command[1:])
        except OSError:
            pass
        time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def windows(port):
    body = json.loads(request(port, "GET", "/api/v1/windows")[2])
    return [(w["code"], w["ward"] or "chuo") for w in body["windows"]]


def free_slots(port, codes):
    slots = []
    for code, ward in codes:
        body = json.loads(request(port, "GET", f"/api/v1/windows/{code}/availability")[2])
        for day in body["days"]:
            for slot in day["slots"]:
                slots += [(code, ward, day["date"], slot["start"])] * slot["remaining"]
    return slots


def proc_table():
    """{pid: (parent pid, CPU seconds so far, command line)} of every process (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                command = handle.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        table[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / ticks, command)
    return table


def process_cpu():
    """CPU seconds used so far by PostgreSQL, Redis and gunicorn processes (Linux /proc), by name."""
    used = {"postgres": 0.0, "redis-server": 0.0, "gunicorn": 0.0}
    for _parent, seconds, command in proc_table().values():
        name = "gunicorn" if "gunicorn" in command else command.split(" ", 1)[0].rsplit("/", 1)[-1]
        name = "postgres" if name.startswith("postgres") else name
        if name in used:
            used[name] += seconds
    return used


def measured(run):
    """Run ``run()`` and return (its result, {process: share of all CPUs used meanwhile})."""
    before, started = process_cpu(), time.monotonic()
    result = run()
    after, seconds = process_cpu(), time.monotonic() - started
    capacity = seconds * (os.cpu_count() or 1)
    return result, {name: (after[name] - before[name]) / capacity for name in after}


def report(name, measurement, extra=""):
    result, shares = measurement
    statuses = ", ".join(f"{status}: {count}" for status, count in sorted(result.statuses.items(), key=str))
    share = result.client_cpu / (result.seconds * (os.cpu_count() or 1))
    cpu = ", ".join(f"{name} {value:.0%}" for name, value in shares.items())
    notes = "; ".join(part for part in (extra, f"CPU: {cpu}, load generator {share:.0%}") if part)
    print(f"| {name} | {result.rate():,.0f} | {result.median:,.1f} | {result.percentile(95):,.1f} | "
          f"{statuses} | {notes} |", flush=True)


def scenario_availability(port, codes, args):
    names = [code for code, _ward in codes]

    def make(state):
        # As a browser asks: the answer comes gzip-compressed, as kept in the cache.
        return "GET", f"/api/v1/windows/{random.choice(names)}/availability", None, {"Accept-Encoding": "gzip"}

    load.run(HOST, port, make, concurrency=args.concurrency, duration=min(2.0, args.duration))  # warm up
    return load.run(HOST, port, make, concurrency=args.concurrency, duration=args.duration)


def scenario_calendar(port, codes, args):
    def setup(conn, index):
        code, ward = codes[index % len(codes)]
        status, headers, html = request(port, "GET", "/book/")
        jar = cookies_from(headers)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1).decode()
        form = f"csrfmiddlewaretoken={token}&ward={ward}&attendance=in_person&party_size=1&proxy_reason="
        cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
        status, headers, _body = request(port, "POST", "/book/", form, {
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie, "Referer": f"http://{HOST}:{port}/book/"})
        jar.update(cookies_from(headers))
        assert status == 302, status
        return {"path": f"/book/{code}/", "headers": {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}}

    def make(state):
        return "GET", state["path"], None, state["headers"]

    load.run(HOST, port, make, concurrency=args.concurrency, duration=min(2.0, args.duration), setup=setup)
    return load.run(HOST, port, make, concurrency=args.concurrency, duration=args.duration, setup=setup)


def booking_request(state, slots, series):
    """A booking for a random free seat, from the client's own address, with a notice number of its own."""
    state["n"] += 1
    code, ward, day, start = state["rng"].choice(slots)
    body = json.dumps({
        "window": code, "date": day, "start": start, "ward": ward, "attendance": "in_person",
        # Each resident their own e-mail, as on a real morning (the daily limits count e-mails, issue #18).
        "email": f"bench{series}-{state['index']}-{state['n']}@example.jp",
        "people": [{"notice_number": f"{series}{state['index']:03d}{state['n']:05d}", "name": "新潟 太郎",
                    "kana": "ニイガタ タロウ", "birth_date": "1990-04-01"}],
    })
    address = f"10.{state['index']}.{state['n'] // 250 % 250}.{state['n'] % 250 + 1}"
    return "POST", "/api/v1/bookings", body, {"Content-Type": "application/json", "X-Forwarded-For": address}


def booking_client(index, label=None):
    return {"index": index, "n": 0, "rng": random.Random(index), "label": label}


def scenario_spread(port, codes, args):
    slots = free_slots(port, codes)
    series = f"7{random.randrange(10**6):06d}"  # 15-digit notice numbers, distinct on every run

    def make(state):
        return booking_request(state, slots, series)

    result = load.run(HOST, port, make, concurrency=args.concurrency, duration=args.duration,
                      setup=lambda conn, index: booking_client(index))
    return result, len(slots)


def scenario_mixed(port, codes, args, bookers=8):
    """Availability reads while bookings are made: every booking invalidates its window's entries."""
    names = [code for code, _ward in codes]
    slots = free_slots(port, codes)
    series = f"5{random.randrange(10**6):06d}"

    def setup(conn, index):
        return booking_client(index, "book" if index < bookers else "read")

    def make(state):
        if state["label"] == "read":
            return "GET", f"/api/v1/windows/{random.choice(names)}/availability", None, {"Accept-Encoding": "gzip"}
        return booking_request(state, slots, series)

    return load.run(HOST, port, make, concurrency=args.concurrency, duration=args.duration, setup=setup)


def oversold(env):
    """Seats sold beyond capacity, counted from the bookings themselves."""
    script = (
        "import datetime as dt\n"
        "from django.db.models import Sum\n"
        "from reservations.schedule import calendars\n"
        "from reservations.models import Booking, Window\n"
        "over = 0\n"
        "for window in Window.objects.with_rules():\n"
        "  for offer in window.offers.all():\n"
        "    rows = Booking.objects.active().filter(window=window, service=offer.service).values('date', 'start').annotate(seats=Sum('party_size'))\n"
        "    overrides = calendars.capacity_overrides(window, dt.date(2000, 1, 1), dt.date(2100, 1, 1), offer.service)\n"
        "    over += sum(max(0, r['seats'] - overrides.get(r['date'], offer.capacity)) for r in rows)\n"
        "print(over)\n"
    )
    output = sh([PYTHON, "manage.py", "shell", "-c", script], env=env, capture_output=True, text=True).stdout
    return int(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per scenario (default 10)")
    parser.add_argument("--concurrency", type=int, default=64, help="concurrent clients (default 64)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread when > 1)")
    parser.add_argument("--port", type=int, default=8057)
    parser.add_argument("--past", type=int, default=50_000, help="past bookings to seed (default 50,000)")
    parser.add_argument("--hot", type=int, default=500, help="residents rushing the hot slot (default 500)")
    parser.add_argument("--keep", action="store_true", help="keep the server and the database afterwards")
    parser.add_argument("--only", default="availability,calendar,mixed,spread,hot,cost",
                        help="comma-separated scenarios (default: all: availability,calendar,mixed,spread,hot,cost)")
    args = parser.parse_args()
    env = bench_env(args.port)

    sh(PG + ["-c", f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)", "-c", f"CREATE DATABASE {DB}"])
    sh(["redis-cli", "-n", "14", "flushdb"], stdout=subprocess.DEVNULL)
    sh([PYTHON, "manage.py", "migrate", "-v", "0"], env=env)
    sh([PYTHON, "manage.py", "compilemessages", "--ignore=.venv", "-v", "0"], env=env)
    sh([PYTHON, "bench/seed.py", "--past", str(args.past)], env=env)
    server, command = start_server(env, args.port, args.workers, args.threads)
    failed = False
    try:
        codes = windows(args.port)
        print(f"\nMachine: {os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), Python "
              f"{platform.python_version()}, {command}; {args.concurrency} clients, {args.duration:g} s each; "
              "client, server, PostgreSQL and Redis on this machine.\n")
        print("| Scenario | Requests/s | Median ms | p95 ms | Statuses | Notes |")
        print("| --- | --: | --: | --: | --- | --- |")
        only = set(args.only.split(","))
        if "availability" in only:
            report("Availability JSON, random window",
                   measured(lambda: scenario_availability(args.port, codes, args)))
        if "calendar" in only:
            report("Booking calendar page `/book/<code>/`",
                   measured(lambda: scenario_calendar(args.port, codes, args)))
        if "mixed" in only:
            result, shares = measured(lambda: scenario_mixed(args.port, codes, args))
            reads = result.only("read")
            report(f"Availability JSON while {8} clients book", (reads, shares),
                   f"{result.rate(201):,.0f} bookings/s meanwhile, each invalidating its window; "
                   f"statuses of all: {dict(sorted(result.statuses.items(), key=str))}")
        if "spread" in only:
            (result, free), shares = measured(lambda: scenario_spread(args.port, codes, args))
            report("Bookings spread over all free slots", (result, shares),
                   f"{result.rate(201):,.0f} bookings/s; {free:,} free seats before")
            over = oversold(env)
            print(f"\nSeats sold beyond capacity after the spread run: {over}")
            failed = over > 0
        if "hot" in only:
            print("\nHot slot (bench/booking_contention.py):", flush=True)
            hot = subprocess.run([PYTHON, "bench/booking_contention.py", f"http://{HOST}:{args.port}",
                                  "-n", str(args.hot), "--window", "kita", "-c", str(args.concurrency),
                                  "--forwarded-for"], cwd=ROOT, env=env)
            failed = failed or hot.returncode != 0
        over = oversold(env)
        print(f"Seats sold beyond capacity after all runs: {over}")
        failed = failed or over > 0
        if "cost" in only:
            print("\nCPU cost per request in the web process alone (bench/cost.py):\n", flush=True)
            sh([PYTHON, "bench/cost.py"], env=env)
    finally:
        if args.keep:
            print(f"server left running (pid {server.pid}) on port {args.port}; database {DB} kept")
        else:
            server.terminate()
            server.wait(timeout=30)
            sh(PG + ["-c", f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)"])
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
