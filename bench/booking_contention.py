"""
Booking contention benchmark: N residents press "book" for the same slot at
the same moment (R-B6). Run it against a running server on this machine:

    .venv/bin/python bench/booking_contention.py http://127.0.0.1:8055 -n 200

It finds the first bookable slot of the window (or takes --date/--start),
reads its remaining seats M, fires N concurrent POST /api/v1/bookings at it
and prints bookings/s, p50/p95 latency, the status codes and the oversold
seats, max(0, successes - M), which must be 0 (exit code 1 if not).

Then it does the same for an application support slot (SPEC §8, R-A7: the
seats of each service are counted apart) at --support-window, the first
support slot with a seat left from today on, and prints the same lines
prefixed with "support"; --no-support leaves that part out.

Standard library only. It sends at most N bookings, gives up after
--timeout seconds, and talks only to 127.0.0.1 / localhost / ::1: it makes
real bookings, so never point it at a shared server. See docs/performance.md.
"""

import argparse
import concurrent.futures
import datetime as dt
import http.client
import json
import math
import os
import random
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
MAX_REQUESTS = 10_000
MAX_THREADS = 1_000


def fail(message):
    """Stop before or after the run (exit code 2; 1 is kept for an oversold slot)."""
    print(message, file=sys.stderr)
    raise SystemExit(2)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """Never follow a redirect: it could lead away from this machine."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


# No proxies (an http_proxy variable must not send local traffic elsewhere), no redirects.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirects())


def local_base_url(url):
    """Return ``url`` without a trailing slash, or exit unless it is http(s) on this machine."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.hostname not in LOCAL_HOSTS:
        fail(f"refusing {url!r}: this benchmark makes real bookings and only targets "
             f"http(s)://127.0.0.1, localhost or [::1]")
    if parts.query or parts.fragment:
        fail(f"refusing {url!r}: give the server's base URL, e.g. http://127.0.0.1:8000")
    return url.rstrip("/")


def call(method, url, body=None, timeout=30.0, forwarded_for=None):
    """Return (status, parsed JSON body or None); HTTP errors are statuses, not exceptions."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Accept", "application/json")
    if forwarded_for:
        request.add_header("X-Forwarded-For", forwarded_for)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with OPENER.open(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        return status, json.loads(raw or b"null")
    except ValueError:
        return status, None


def get_json(url, timeout):
    try:
        status, body = call("GET", url, timeout=timeout)
    except OSError as exc:
        fail(f"GET {url} failed: {exc}; is the server running?")
    if status != 200 or body is None:
        fail(f"GET {url} answered {status}")
    return body


PICKUP, SUPPORT = "pickup", "application_support"


def window_ward(base, window, timeout, service=PICKUP):
    """Return a ward the window serves: its own, or chuo for the City Hall window."""
    url = f"{base}/api/v1/windows" + ("" if service == PICKUP else "?" + urllib.parse.urlencode({"service": service}))
    for row in get_json(url, timeout)["windows"]:
        if row["code"] == window:
            if row.get("booking", "required") != "required":
                fail(f"{window} takes no bookings for {service} (walk-in only)")
            return row["ward"] or "chuo"
    fail(f"there is no window {window!r}" + ("" if service == PICKUP else f" offering {service}"))


def find_slot(base, window, day, start, timeout, service=PICKUP):
    """Return (date, start, remaining) of the wanted slot, or of the first one with a seat left."""
    url = f"{base}/api/v1/windows/{urllib.parse.quote(window)}/availability"
    query = {"from": day, "to": day} if day else {}
    if service != PICKUP:
        query["service"] = service
    if query:
        url += "?" + urllib.parse.urlencode(query)
    for row in get_json(url, timeout)["days"]:
        for slot in row["slots"]:
            if day and start:
                if slot["start"] == start:
                    return row["date"], slot["start"], slot["remaining"]
            elif row["bookable"] and slot["remaining"] > 0:
                return row["date"], slot["start"], slot["remaining"]
    if day and start:
        fail(f"{window} has no slot at {day} {start}")
    fail(f"{window} has no bookable slot with a seat left in the booking horizon")


def payloads(count, window, ward, day, start, service=PICKUP, first=0):
    """
    One booking request per resident, each with its own 15-digit notice
    number; for application support no notice number (R-A5), the service, and
    residents (addresses, e-mails) numbered from ``first``.
    """
    run = random.SystemRandom().randrange(10**7, 10**8)  # distinct numbers on every run
    for index in range(count):
        person = {"notice_number": f"9{run}{index:06d}", "name": f"ベンチ 太郎{index}", "kana": "ベンチ タロウ",
                  "birth_date": "1980-04-01"}
        body = {
            "_n": first + index,
            "window": window,
            "date": day,
            "start": start,
            "ward": ward,
            "attendance": "in_person",
            "proxy_reason": None,
            "email": f"bench{index}@example.com",
            "language": "ja",
            "people": [person],
        }
        if service != PICKUP:
            del person["notice_number"]
            body.update(service=service, email=f"bench-{service}{index}@example.com")
        yield body


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an ascending list (None when empty)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0].strip(), formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("url", nargs="?", default=os.environ.get("BENCH_URL", "http://127.0.0.1:8000"),
                        help="base URL of a running server (env BENCH_URL; default http://127.0.0.1:8000)")
    parser.add_argument("-n", "--requests", type=int, default=200, help="concurrent bookings to send (N, default 200)")
    parser.add_argument("-c", "--concurrency", type=int, default=None,
                        help="client threads (default N: every request at once)")
    parser.add_argument("--window", default="kita", help="window code (default kita)")
    parser.add_argument("--ward", default=None, help="ward of the residents (default: the window's own, or chuo)")
    parser.add_argument("--date", default=None, help="YYYY-MM-DD (default: first bookable slot)")
    parser.add_argument("--start", default=None, help="HH:MM (with --date)")
    parser.add_argument("--seats", type=int, default=None, help="seats M of the slot (default: its 'remaining')")
    parser.add_argument("--support-window", default="higashi",
                        help="window of the application support slot (default higashi; kita and nishi are\n"
                             "walk-in only for that service)")
    parser.add_argument("--no-support", action="store_true", help="leave out the application support slot")
    parser.add_argument("--forwarded-for", action="store_true",
                        help="send each resident from their own address in X-Forwarded-For, as behind the\n"
                             "load balancer (the server must run with TRUST_X_FORWARDED_FOR=1); without it\n"
                             "every request comes from this machine and meets the per-address booking limit")
    parser.add_argument("--timeout", type=float, default=120.0, help="total time limit in seconds (default 120)")
    parser.add_argument("--request-timeout", type=float, default=30.0, help="per request, seconds (default 30)")
    args = parser.parse_args(argv)
    if not 1 <= args.requests <= MAX_REQUESTS:
        parser.error(f"--requests must be 1 … {MAX_REQUESTS}")
    args.concurrency = args.concurrency or min(args.requests, MAX_THREADS)
    if not 1 <= args.concurrency <= min(args.requests, MAX_THREADS):
        parser.error(f"--concurrency must be 1 … min(N, {MAX_THREADS})")
    if bool(args.date) != bool(args.start):
        parser.error("give --date and --start together")
    if args.date:
        dt.date.fromisoformat(args.date)
        dt.time.fromisoformat(args.start)
    if args.timeout <= 0 or args.request_timeout <= 0:
        parser.error("timeouts must be positive")
    return args


def burst(args, base, window, ward, day, start, service=PICKUP, first=0):
    """Fire the N bookings at one slot at once; return (outcomes, elapsed s): (status, ms, ms after the start)."""
    go = threading.Event()
    began = None
    deadline = time.monotonic() + args.timeout
    url = f"{base}/api/v1/bookings"

    def book(body):
        """Return (status, latency in ms or None, ms from the start of the burst to the answer)."""
        go.wait()
        left = deadline - time.monotonic()
        if left <= 0:
            return "timeout", None, None
        sent = time.perf_counter()
        try:
            address = f"10.{body['_n'] // 62500 % 250}.{body['_n'] // 250 % 250}.{body['_n'] % 250 + 1}"
            status, _body = call("POST", url, {k: v for k, v in body.items() if k != "_n"},
                                 timeout=min(args.request_timeout, left),
                                 forwarded_for=address if args.forwarded_for else None)
        except (OSError, http.client.HTTPException) as exc:  # refused, reset, timed out, cut short
            return f"error:{type(exc).__name__}", None, None
        answered = time.perf_counter()
        return status, (answered - sent) * 1000, (answered - began) * 1000

    pool = concurrent.futures.ThreadPoolExecutor(max_workers=args.concurrency)
    bodies = payloads(args.requests, window, ward, day, start, service, first)
    futures = [pool.submit(book, body) for body in bodies]
    time.sleep(0.2)  # let the threads start and wait on the event
    began = time.perf_counter()  # read by book() only after go is set
    go.set()
    done, not_done = concurrent.futures.wait(futures, timeout=max(0.0, deadline - time.monotonic()))
    elapsed = time.perf_counter() - began
    pool.shutdown(wait=False, cancel_futures=True)
    return [f.result() for f in done] + [("unfinished", None, None)] * len(not_done), elapsed


def report(outcomes, elapsed, seats, after, requests, prefix=""):
    """Print the lines of one burst (each after ``prefix``); return the seats oversold."""
    statuses = {}
    for status, _ms, _at in outcomes:
        statuses[status] = statuses.get(status, 0) + 1
    latencies = sorted(ms for _status, ms, _at in outcomes if ms is not None)
    sold_at = [at for status, _ms, at in outcomes if status == 201]
    successes = statuses.get(201, 0)
    full = statuses.get(409, 0)
    others = {str(k): v for k, v in statuses.items() if k not in (201, 409)}
    oversold = max(0, successes - seats)

    print(f"{prefix}elapsed  {elapsed:.2f} s  ({len(outcomes) / elapsed:.1f} requests/s, "
          f"{successes / elapsed:.2f} bookings/s)")
    if latencies:
        print(f"{prefix}latency  p50 {percentile(latencies, 0.50):.1f} ms  p95 {percentile(latencies, 0.95):.1f} ms  "
              f"max {latencies[-1]:.1f} ms  mean {statistics.fmean(latencies):.1f} ms")
    print(f"{prefix}status   201: {successes}  409: {full}  other: {sum(others.values())}"
          + (f"  {json.dumps(others, sort_keys=True)}" if others else ""))
    print(f"{prefix}seats    remaining after the run: {after}"
          + (f"; last seat sold {max(sold_at):.0f} ms after the burst began" if sold_at else ""))
    print(f"{prefix}oversold {oversold}")
    if successes < min(seats, requests) and not others:
        print(f"{prefix}warning  fewer bookings than seats although no request failed: someone else booked meanwhile?")
    if others:
        print(f"{prefix}warning  some requests got neither 201 nor 409")
    if oversold:
        print(f"{prefix}FAIL     the slot was oversold")
    return oversold


def remaining_after(base, window, day, start, timeout, service=PICKUP):
    try:
        return find_slot(base, window, day, start, timeout, service)[2]
    except SystemExit:
        return "?"


def run_support(args, base, setup_timeout):
    """The application support slot (R-A7): the same burst and lines, prefixed "support"; return the oversold seats."""
    window = args.support_window
    ward = window_ward(base, window, setup_timeout, SUPPORT)
    day, start, seats = find_slot(base, window, None, None, setup_timeout, SUPPORT)
    print(f"support  target {base}  window {window}  slot {day} {start}  seats M={seats}  "
          f"requests N={args.requests}  threads {args.concurrency}")
    outcomes, elapsed = burst(args, base, window, ward, day, start, SUPPORT, first=args.requests)
    after = remaining_after(base, window, day, start, setup_timeout, SUPPORT)
    return report(outcomes, elapsed, seats, after, args.requests, prefix="support  ")


def main(argv=None):
    args = parse_args(argv)
    base = local_base_url(args.url)
    setup_timeout = min(args.request_timeout, args.timeout)
    ward = args.ward or window_ward(base, args.window, setup_timeout)
    day, start, remaining = find_slot(base, args.window, args.date, args.start, setup_timeout)
    seats = args.seats if args.seats is not None else remaining
    print(f"target   {base}  window {args.window}  slot {day} {start}  seats M={seats}  "
          f"requests N={args.requests}  threads {args.concurrency}")
    outcomes, elapsed = burst(args, base, args.window, ward, day, start)
    after = remaining_after(base, args.window, day, start, setup_timeout)
    oversold = report(outcomes, elapsed, seats, after, args.requests)
    if not args.no_support:
        oversold += run_support(args, base, setup_timeout)
    return 1 if oversold else 0


if __name__ == "__main__":
    sys.exit(main())
