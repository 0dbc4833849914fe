"""
Start the production topology as local processes and check it end to end
(`make prod-check`, run by .ci/run; what each check proves: docs/operations.md).

    nginx (deploy/nginx.conf, rendered for loopback) -> 2 gunicorn replicas
    celery worker + beat, PostgreSQL (a fresh database on the running server),
    a Redis of its own, an SMTP sink (aiosmtpd) that counts every mail.

Clients: 127.0.0.2 plays the city's TLS load balancer (a trusted hop: it sends
X-Forwarded-For and X-Forwarded-Proto: https); 127.0.0.1 plays a client that
connects directly and tries to spoof those headers.

Prints one line per check (PASS/FAIL and numbers) and a summary; exits 1 on
any failure. Every process it starts runs in its own process group and is
stopped, and its databases dropped, even on failure.
"""

import argparse
import concurrent.futures
import datetime as dt
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LB = "127.0.0.2"  # the trusted TLS load balancer in front of nginx
DIRECT = "127.0.0.1"  # a client that reaches nginx directly
HOST = "localhost"
TOKYO = dt.timezone(dt.timedelta(hours=9))
PG = {"host": os.environ.get("PGHOST", "127.0.0.1"), "port": os.environ.get("PGPORT", "5432"),
      "user": os.environ.get("PGUSER", "postgres")}


# --- Processes -----------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout, what, step=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    raise CheckError(f"timed out after {timeout} s waiting for {what}")


class CheckError(Exception):
    pass


class Processes:
    """Every process started here, each in its own process group, stopped in reverse order."""

    def __init__(self, logs):
        self.logs = logs
        self.running = {}

    def start(self, name, argv, env=None, cwd=ROOT):
        log = open(self.logs / f"{name}.log", "ab")
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        self.running[name] = process
        return process

    def send(self, name, sig):
        process = self.running[name]
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass

    def stop(self, name, sig=signal.SIGTERM, timeout=10):
        process = self.running.pop(name, None)
        if process is None:
            return
        for group_signal in (signal.SIGCONT, sig):
            try:
                os.killpg(process.pid, group_signal)
            except ProcessLookupError:
                break
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(process.pid, signal.SIGKILL)  # and any child left behind in the group
        except ProcessLookupError:
            pass
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            pass

    def stop_all(self):
        for name in reversed(list(self.running)):
            self.stop(name)


def run(argv, env=None, timeout=300):
    result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise CheckError(f"{' '.join(map(str, argv[:4]))}… failed: {(result.stderr or result.stdout)[-1500:]}")
    return result.stdout


def psql(database, sql):
    return run(["psql", "-h", PG["host"], "-p", PG["port"], "-U", PG["user"], "-d", database, "-v",
                "ON_ERROR_STOP=1", "-qAt", "-c", sql]).strip()


# --- deploy/nginx.conf for loopback ----------------------------------------------------


def render_nginx(tmp, logs, web_ports, nginx_port, *, worker_processes="1", trusted=LB):
    """
    Return deploy/nginx.conf with its upstream (``web_ports`` on loopback), listen
    port, paths (pid, logs, temporary files, the micro-cache: all under ``tmp``)
    and one more trusted hop (``trusted``) substituted line by line; raise
    CheckError when a line to substitute is gone. bench/wrk_bench.py renders it
    the same way.
    """
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    upstream = "".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;\n" for port in web_ports)
    replacements = [
        ("worker_processes auto;", f"worker_processes {worker_processes};\npid {tmp}/nginx.pid;\n"
                                   f"error_log {logs}/nginx-error.log warn;"
                                   + ("\nuser root;" if os.geteuid() == 0 else "")),
        ("    resolver 127.0.0.11 valid=10s ipv6=off;\n",
         f"    access_log {logs}/nginx-access.log;\n"
         + "".join(f"    {kind}_temp_path {tmp}/{kind};\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
         + f"    upstream portal_web {{\n{upstream}    }}\n"),
        ("    proxy_cache_path /var/cache/nginx/availability ", f"    proxy_cache_path {tmp}/availability-cache "),
        # The TLS load balancer of this check: 127.0.0.2.
        ("    set_real_ip_from 10.0.0.0/8;\n", f"    set_real_ip_from {trusted}/32;\n    set_real_ip_from 10.0.0.0/8;\n"),
        ("        default 0;\n        ~^(10", f"        default 0;\n        \"{trusted}\" 1;\n        ~^(10"),
        ("        listen 8000;\n", f"        listen 127.0.0.1:{nginx_port};\n"),
        ("        set $web http://web:8000;\n", "        set $web http://portal_web;\n"),
    ]
    for old, new in replacements:
        if old not in config:
            raise CheckError(f"deploy/nginx.conf no longer contains {old.strip()!r}: update deploy/prod_check.py")
        config = config.replace(old, new, 1)
    return config


# --- The SMTP sink ---------------------------------------------------------------


class Sink:
    """An SMTP server that records each mail it accepts, by Message-ID; ``delay`` holds DATA open."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.mails = []
        self.receiving = 0
        self.delay = 0.0
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        import asyncio
        from email import message_from_bytes, policy

        with self.lock:
            self.receiving += 1
        if self.delay:
            # A client that dies now cancels this coroutine: the mail is not accepted.
            await asyncio.sleep(self.delay)
        mail = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.mails.append({"id": mail["Message-ID"], "to": envelope.rcpt_tos[0], "subject": str(mail["Subject"])})
        return "250 OK"

    def to(self, address):
        with self.lock:
            return [mail for mail in self.mails if mail["to"] == address]


# --- HTTP through nginx ------------------------------------------------------------


class Client:
    """One browser: its cookies (set by hand: the TLS hop is outside), through a chosen source address."""

    def __init__(self, port, source=LB, forwarded_for="203.0.113.10", proto="https"):
        self.port, self.source, self.forwarded_for, self.proto = port, source, forwarded_for, proto
        self.cookies = {}

    def request(self, method, path, body=None, headers=None, timeout=15):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout,
                                                source_address=(self.source, 0))
        sent = {"Host": HOST, "User-Agent": "prod-check"}
        if self.forwarded_for:
            sent["X-Forwarded-For"] = self.forwarded_for
        if self.proto:
            sent["X-Forwarded-Proto"] = self.proto
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            sent["Origin"] = f"https://{HOST}"
            sent["Referer"] = f"https://{HOST}{path}"
        if isinstance(body, dict):
            body = json.dumps(body)
            sent["Content-Type"] = "application/json"
        elif isinstance(body, list):  # form fields
            from urllib.parse import urlencode

            body = urlencode(body)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent.update(headers or {})
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or ():
            cookie = SimpleCookie(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return response.status, {k.lower(): v for k, v in response.headers.items()}, data

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, body, **kwargs):
        return self.request("POST", path, body=body, **kwargs)


def form_token(html):
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise CheckError("no CSRF token in the form")
    return match.group(1)


# --- The checks ----------------------------------------------------------------------


class ProdCheck:
    def __init__(self, args):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="prod-check-"))
        os.chmod(self.tmp, 0o755)
        self.logs = self.tmp / "logs"
        self.logs.mkdir()
        self.procs = Processes(self.logs)
        self.results = []
        self.db = f"portal_prodcheck_{os.getpid()}"
        self.restored_db = f"{self.db}_restored"
        self.redis_port = free_port()
        self.web_ports = [free_port(), free_port()]
        self.nginx_port = free_port()
        self.sink = None
        self.slots = []
        self.bookings = {}
        self.addresses = iter(f"198.18.{n // 250}.{n % 250 + 1}" for n in range(10000))

    # Results

    def record(self, name, ok, detail):
        self.results.append((name, ok, detail))
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}", flush=True)

    def check(self, name, function):
        started = time.monotonic()
        try:
            ok, detail = function()
        except Exception as exc:  # noqa: BLE001 - a broken check is a failed check, and the run goes on
            ok, detail = False, f"{type(exc).__name__}: {exc}"
        self.record(name, ok, f"{detail} ({time.monotonic() - started:.1f} s)")

    # Topology

    def env(self, database=None):
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL"))},
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "PYTHONUNBUFFERED": "1",
            "DATABASE_URL": f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{database or self.db}",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "SECRET_KEY": self.secret,
            "REQUIRE_SECRET_KEY": "1",
            "ALLOWED_HOSTS": HOST,
            "SITE_URL": f"https://{HOST}",
            "ADMIN_PATH": "ops-admin/",
            "SECURE_SSL": "1",
            "STATIC_MANIFEST": "1",
            "TRUST_X_FORWARDED_FOR": "1",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.sink.port),
            "EMAIL_USE_TLS": "0",
            "EMAIL_TIMEOUT": "20",
            "MESSAGE_SWEEP_SECONDS": "3",
            "MESSAGE_CLAIM_TIMEOUT_SECONDS": "8",
            "LOOKUP_FAILURE_LIMIT": "3",
            "LOG_LEVEL": "INFO",
        }

    def start_redis(self):
        self.procs.start("redis", ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
                                   "--save", "", "--appendonly", "yes", "--dir", str(self.tmp)])

        def answers():
            try:
                with socket.create_connection(("127.0.0.1", self.redis_port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    return sock.recv(16).startswith(b"+PONG")
            except OSError:
                return False

        wait_for(answers, 15, "redis-server")

    def start_web(self, index, database=None, port=None):
        port = port or self.web_ports[index]
        name = f"web{index}"
        self.procs.start(name, [PYTHON, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
                                "--workers", "2", "--timeout", "30", "--graceful-timeout", "5",
                                "--access-logfile", "-", "--error-logfile", "-"], env=self.env(database))
        direct = Client(port, source=DIRECT, forwarded_for=None)
        wait_for(lambda: _quiet(lambda: direct.get("/healthz")[0] == 200), 60, f"gunicorn {name} on {port}")
        for _ in range(4):  # warm each worker up, so that timings measure the check, not the first request
            for path in ("/", "/book/", "/api/v1/windows/kita/availability"):
                _quiet(lambda: direct.get(path))

    def start_worker(self):
        self.procs.start("worker", [PYTHON, "-m", "celery", "-A", "portal", "worker", "-l", "INFO",
                                    "--concurrency=2", "-n", f"prodcheck{os.getpid()}@%h", "--without-mingle",
                                    "--without-gossip"], env=self.env())

    def start_beat(self):
        self.procs.start("beat", [PYTHON, "-m", "celery", "-A", "portal", "beat", "-l", "INFO",
                                  f"--schedule={self.tmp / 'celerybeat-schedule'}"], env=self.env())

    def render_nginx(self):
        """deploy/nginx.conf with its upstream, listen port and paths for loopback processes."""
        path = self.tmp / "nginx.conf"
        path.write_text(render_nginx(self.tmp, self.logs, self.web_ports, self.nginx_port))
        return path

    def start_nginx(self):
        config = self.render_nginx()
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        run([nginx, "-t", "-q", "-c", str(config), "-p", str(self.tmp)])
        self.procs.start("nginx", [nginx, "-c", str(config), "-p", str(self.tmp), "-g", "daemon off;"])
        client = Client(self.nginx_port)
        wait_for(lambda: _quiet(lambda: client.get("/healthz")[0] == 200), 20, "nginx")

    def set_up(self):
        self.secret = secrets.token_urlsafe(50)
        self.sink = Sink()
        self.sink.controller.start()
        psql("postgres", f"DROP DATABASE IF EXISTS {self.db} WITH (FORCE)")
        psql("postgres", f"CREATE DATABASE {self.db}")
        self.start_redis()
        run([PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], env=self.env())
        run([PYTHON, "manage.py", "collectstatic", "--no-input", "--clear", "-v", "0"], env=self.env())
        for index in range(2):
            self.start_web(index)
        self.start_worker()
        self.start_beat()
        self.start_nginx()

    def tear_down(self):
        self.procs.stop_all()
        if self.sink:
            self.sink.controller.stop()
        for database in (self.restored_db, self.db):
            try:
                psql("postgres", f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            except Exception as exc:  # noqa: BLE001
                print(f"note: could not drop {database}: {exc}")
        if self.args.keep:
            print(f"logs kept in {self.logs}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # Helpers of the checks

    def client(self, **kwargs):
        kwargs.setdefault("forwarded_for", next(self.addresses))
        return Client(self.nginx_port, **kwargs)

    def next_slot(self, days_ahead=1):
        """A free seat at Kita ward office at least ``days_ahead`` days ahead (2: its reminder is still to come)."""
        if not self.slots:
            status, _, body = self.client().get("/api/v1/windows/kita/availability")
            if status != 200:
                raise CheckError(f"availability answered {status}")
            self.slots = [(day["date"], slot["start"]) for day in json.loads(body)["days"]
                          for slot in day["slots"] for _ in range(slot["remaining"])]
        first = (dt.datetime.now(TOKYO).date() + dt.timedelta(days=days_ahead)).isoformat()
        slot = next((slot for slot in self.slots if slot[0] >= first), None)
        if slot is None:
            raise CheckError(f"no free seat from {first} on")
        self.slots.remove(slot)
        return slot

    def api_booking(self, label, timeout=15, days_ahead=1):
        date, start = self.next_slot(days_ahead)
        email = f"{label}-{secrets.token_hex(3)}@example.jp"
        body = {"window": "kita", "date": date, "start": start, "ward": "kita", "attendance": "in_person",
                "proxy_reason": None, "email": email, "phone": "", "language": "ja",
                "people": [{"notice_number": f"PC{secrets.randbelow(10**12):012d}", "name": "新潟 太郎",
                            "kana": "ニイガタ タロウ", "birth_date": "1990-04-01"}]}
        started = time.monotonic()
        status, _, answer = self.client().post("/api/v1/bookings", body, timeout=timeout)
        took = time.monotonic() - started
        if status != 201:
            raise CheckError(f"POST /api/v1/bookings answered {status}: {answer[:300]!r}")
        code = json.loads(answer)["code"]
        self.bookings[label] = {"code": code, "email": email}
        return code, email, took

    def mails_arrive(self, email, count, timeout=45, settle=4):
        """Wait until ``count`` mails reached ``email``, then a little longer for a duplicate; return them."""
        wait_for(lambda: len(self.sink.to(email)) >= count, timeout, f"{count} mail(s) to {email}")
        time.sleep(settle)
        return self.sink.to(email)

    def exactly_once(self, email, expected=1):
        mails = self.mails_arrive(email, expected)
        ids = [mail["id"] for mail in mails]
        return len(mails) == expected and len(set(ids)) == expected, f"{len(mails)} mail(s), {len(set(ids))} distinct"

    # The checks

    def check_health(self):
        client = self.client()
        healthz = client.get("/healthz")[0]
        status, _, body = client.get("/readyz")
        checks = json.loads(body)["checks"]
        return healthz == 200 and status == 200, (
            f"/healthz {healthz}, /readyz {status} "
            + ", ".join(f"{name} {'ok' if c['ok'] else 'FAIL'} {c['ms']} ms" for name, c in checks.items()))

    def check_html_booking(self):
        browser = self.client()
        steps = []
        status, _, page = browser.get("/book/")
        steps.append(status)
        status, headers, _ = browser.post("/book/", [("csrfmiddlewaretoken", form_token(page.decode())),
                                                   ("ward", "kita"), ("attendance", "in_person"),
                                                   ("party_size", "1"), ("proxy_reason", "")])
        steps.append(status)
        if status != 302:
            raise CheckError(f"POST /book/ answered {status}")
        steps.append(browser.get("/book/window/")[0])
        status, _, calendar = browser.get("/book/kita/")
        steps.append(status)
        day = re.search(r"\?date=(\d{4}-\d{2}-\d{2})", calendar.decode())
        if not day:
            raise CheckError("no bookable day on /book/kita/")
        status, _, times = browser.get(f"/book/kita/?date={day.group(1)}")
        steps.append(status)
        slot = re.search(r'href="(/book/kita/\d{4}-\d{2}-\d{2}/\d{4}/)"', times.decode())
        if not slot:
            raise CheckError(f"no free time on {day.group(1)}")
        status, _, details = browser.get(slot.group(1))
        steps.append(status)
        email = f"html-{secrets.token_hex(3)}@example.jp"
        fields = [("csrfmiddlewaretoken", form_token(details.decode())), ("email", email), ("phone", ""),
                  ("p0-notice_number", f"PC{secrets.randbelow(10**12):012d}"), ("p0-name", "新潟 花子"),
                  ("p0-kana", "にいがた はなこ"), ("p0-birth_year", "1985"), ("p0-birth_month", "7"),
                  ("p0-birth_day", "15")]
        status, headers, answer = browser.post(slot.group(1), fields)
        steps.append(status)
        if status != 302 or not headers.get("location", "").endswith("/book/review/"):
            raise CheckError(f"details answered {status} {headers.get('location')}: {answer[:200]!r}")
        status, _, review = browser.get("/book/review/")
        steps.append(status)
        token = re.search(r'name="token" value="([^"]+)"', review.decode()).group(1)
        status, headers, _ = browser.post("/book/review/", [("csrfmiddlewaretoken", form_token(review.decode())),
                                                          ("token", token)])
        steps.append(status)
        status, _, done = browser.get("/book/done/")
        steps.append(status)
        code = re.search(r"\b([0-9A-Z]{4}-[0-9A-Z]{4})\b", done.decode())
        if status != 200 or not code:
            raise CheckError(f"no reservation code on the confirmation page (steps {steps})")
        self.bookings["html"] = {"code": code.group(1), "email": email, "birth_date": "1985-07-15"}
        return True, f"{len(steps)} requests {steps}, code {code.group(1)}, slot {slot.group(1)}"

    def check_api_booking(self):
        code, _, took = self.api_booking("api", days_ahead=2)
        return True, f"201 code {code} in {took * 1000:.0f} ms"

    def check_confirmations(self):
        html_ok, html_detail = self.exactly_once(self.bookings["html"]["email"])
        api_ok, api_detail = self.exactly_once(self.bookings["api"]["email"])
        return html_ok and api_ok, f"HTML booking {html_detail}; API booking {api_detail}"

    def check_reminder(self):
        code = self.bookings["api"]["code"].replace("-", "")
        updated = psql(self.db, "UPDATE reservations_message SET due_at = now() - interval '1 second' "
                                "WHERE kind = 'reminder' AND state = 'pending' AND booking_id = "
                                f"(SELECT id FROM reservations_booking WHERE code = '{code}') RETURNING id")
        if not updated:
            raise CheckError("the booking has no pending reminder")
        ok, detail = self.exactly_once(self.bookings["api"]["email"], expected=2)
        subjects = [mail["subject"][:24] for mail in self.sink.to(self.bookings["api"]["email"])]
        return ok, f"reminder (message {updated}) made due: {detail} in all, confirmation + reminder {subjects}"

    def check_compression_and_caching(self):
        client = self.client()
        status, headers, page = client.get("/", headers={"Accept-Encoding": "gzip"})
        html_encoding = headers.get("content-encoding")
        status_plain, _, plain = client.get("/")
        css = re.search(r'href="(/static/[^"]+\.css)"', plain.decode())
        if not css:
            raise CheckError("no stylesheet on the home page")
        s_status, s_headers, s_body = client.get(css.group(1), headers={"Accept-Encoding": "gzip"})
        cache_control = s_headers.get("cache-control", "")
        max_age = int(re.search(r"max-age=(\d+)", cache_control).group(1)) if "max-age" in cache_control else 0
        ok = (status == 200 and html_encoding == "gzip" and s_status == 200
              and s_headers.get("content-encoding") == "gzip" and max_age >= 365 * 24 * 3600)
        return ok, (f"HTML {html_encoding} {len(page)}/{len(plain)} B; {css.group(1)} "
                    f"{s_headers.get('content-encoding')} {len(s_body)} B, Cache-Control: {cache_control}")

    def check_micro_cache(self):
        """
        The portal's own availability answers are kept by nginx for a second (deploy/nginx.conf):
        a repeat is a HIT with the same bytes; plain JSON for a client without gzip, English
        apart from Japanese; an unknown window's 404 is never kept.
        """
        client = self.client()
        path = "/api/v1/windows/kita/availability"
        first = client.get(path, headers={"Accept-Encoding": "gzip"})
        second = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
        plain = client.get(path)
        english = client.get(path, headers={"Accept-Encoding": "gzip", "Accept-Language": "en"})
        missing = [client.get("/api/v1/windows/nowhere/availability", headers={"Accept-Encoding": "gzip"})
                   for _ in range(2)]
        status = [answer[1].get("x-cache-status") for answer in (first, second, plain, english, *missing)]
        ok = (first[0] == second[0] == plain[0] == english[0] == 200 and second[1].get("x-cache-status") == "HIT"
              and second[2] == first[2] and first[1].get("content-encoding") == "gzip"
              and "content-encoding" not in plain[1] and json.loads(plain[2])["window"]
              and english[1].get("x-cache-status") in ("MISS", "EXPIRED")
              and [answer[0] for answer in missing] == [404, 404] and "HIT" not in status[4:])
        return ok, (f"cache status gzip, gzip again, plain, en, 404 twice: {status}; "
                    f"{len(first[2])} B gzip, {len(plain[2])} B plain")

    def check_https_headers(self):
        status, headers, _ = self.client().get("/")
        hsts = headers.get("strict-transport-security", "")
        spoof_status, spoof_headers, _ = Client(self.nginx_port, source=DIRECT, forwarded_for=None).get("/")
        status_http, http_headers, _ = self.client(proto="http").get("/book/")
        ok = (status == 200 and "max-age=31536000" in hsts and "includeSubDomains" in hsts
              and headers.get("x-content-type-options") == "nosniff" and headers.get("x-frame-options") == "DENY"
              and "content-security-policy" in headers and spoof_status == 301
              and spoof_headers.get("location", "").startswith("https://") and status_http == 301)
        return ok, (
            f"via the TLS hop: {status}, HSTS '{hsts}', CSP {'yes' if 'content-security-policy' in headers else 'no'};"
            f" direct client claiming https: {spoof_status} -> {spoof_headers.get('location')};"
            f" TLS hop saying http: {status_http}")

    def check_client_address(self):
        """
        Failed lookups (LOOKUP_FAILURE_LIMIT=3) are counted per client address as nginx establishes it:
        the TLS hop appends the address it saw to whatever X-Forwarded-For the client sent.
        """
        wrong = {"code": "ZZZZ-ZZZZ", "birth_date": "1990-04-01"}
        resident = next(self.addresses)
        spoofed = iter(f"192.0.2.{n}" for n in range(1, 20))
        statuses = [self.client(forwarded_for=f"{next(spoofed)}, {resident}").post("/api/v1/bookings/lookup", wrong)[0]
                    for _ in range(4)]
        neighbour = next(self.addresses)
        other = self.client(forwarded_for=f"{resident}, {neighbour}").post("/api/v1/bookings/lookup", wrong)[0]
        ok = statuses == [404, 404, 404, 429] and other == 404
        return ok, (f"resident {resident} sending a new X-Forwarded-For each time: {statuses}; "
                    f"another resident claiming to be {resident}: {other}")

    def check_replica_killed(self):
        """A burst of page requests; one replica SIGKILLed a third of the way in."""
        total, concurrency = 240, 8
        done = []
        lock = threading.Lock()

        def one(index):
            client = self.client()
            try:
                status = client.get("/windows/", timeout=20)[0]
            except Exception:  # noqa: BLE001
                status = 0
            with lock:
                done.append(status)
            return status

        served_before = [self.served(index) for index in range(2)]
        with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
            futures = [pool.submit(one, i) for i in range(total)]
            wait_for(lambda: len(done) >= total // 3, 60, "a third of the burst")
            self.procs.stop("web0", sig=signal.SIGKILL, timeout=5)
            statuses = [future.result() for future in futures]
        failed = sum(1 for status in statuses if status != 200)
        served = [self.served(index) - served_before[index] for index in range(2)]
        self.start_web(0)
        return failed <= concurrency and min(served) > 0, (
            f"{total - failed}/{total} answered 200, {failed} failed (in flight: ≤ {concurrency}); "
            f"served by the killed replica {served[0]}, by the other {served[1]}")

    def served(self, index):
        """How many burst requests replica ``index`` has logged (gunicorn's access log)."""
        log = self.logs / f"web{index}.log"
        return log.read_bytes().count(b'"GET /windows/ ') if log.exists() else 0

    def readiness(self):
        started = time.monotonic()
        status, _, body = self.client().get("/readyz", timeout=10)
        redis = json.loads(body)["checks"]["redis"]
        return status, time.monotonic() - started, redis.get("error", "ok")

    def check_redis_restarted(self):
        self.procs.stop("redis")
        ready, ready_took, error = self.readiness()
        code, email, took = self.api_booking("redis-down")
        time.sleep(1)
        self.start_redis()
        ok, detail = self.exactly_once(email)
        ready_after = self.readiness()[0]
        return ok and took < 3 and ready == 503 and ready_after == 200, (
            f"Redis down: /readyz {ready} ({error}) in {ready_took:.2f} s, a booking 201 in {took:.2f} s; "
            f"after the restart its confirmation {detail}, /readyz {ready_after}")

    def check_redis_hung(self):
        self.procs.send("redis", signal.SIGSTOP)
        try:
            ready, ready_took, error = self.readiness()
            code, email, took = self.api_booking("redis-hung", timeout=30)
        finally:
            time.sleep(1)
            self.procs.send("redis", signal.SIGCONT)
        ok, detail = self.exactly_once(email)
        return ok and took < 3 and ready == 503, (
            f"Redis hung: /readyz {ready} ({error}) in {ready_took:.2f} s, a booking 201 in {took:.2f} s; "
            f"once Redis answered its confirmation {detail}")

    def check_worker_killed_mid_send(self):
        self.sink.delay = 30.0
        receiving = self.sink.receiving
        try:
            code, email, _ = self.api_booking("worker-killed")
            wait_for(lambda: self.sink.receiving > receiving, 30, "the worker to start sending")
            self.procs.stop("worker", sig=signal.SIGKILL, timeout=5)
        finally:
            self.sink.delay = 0.0
        time.sleep(0.5)
        before = len(self.sink.to(email))
        self.start_worker()
        ok, detail = self.exactly_once(email)
        return ok and before == 0, f"killed during SMTP DATA ({before} accepted then); after the claim timeout {detail}"

    def check_backup_restore(self):
        dump = self.tmp / "portal.dump"
        pg = ["-h", PG["host"], "-p", PG["port"], "-U", PG["user"]]
        started = time.monotonic()
        run(["pg_dump", *pg, "--format=custom", "--no-owner", f"--file={dump}", self.db])
        psql("postgres", f"DROP DATABASE IF EXISTS {self.restored_db} WITH (FORCE)")
        psql("postgres", f"CREATE DATABASE {self.restored_db}")
        run(["pg_restore", *pg, "--no-owner", "--exit-on-error", f"--dbname={self.restored_db}", str(dump)])
        took = time.monotonic() - started
        tables = ["reservations_booking", "reservations_bookingperson", "reservations_message",
                  "reservations_slotcounter", "django_session"]
        count_sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in tables)
        before, after = psql(self.db, count_sql), psql(self.restored_db, count_sql)
        port = free_port()
        self.start_web(2, database=self.restored_db, port=port)
        booking = self.bookings["html"]
        status, _, body = Client(port, source=DIRECT, forwarded_for=next(self.addresses)).post(
            "/api/v1/bookings/lookup", {"code": booking["code"], "birth_date": booking["birth_date"]})
        self.procs.stop("web2")
        found = status == 200 and json.loads(body)["code"].replace("-", "") == booking["code"].replace("-", "")
        counts = dict(line.split("|") for line in after.splitlines())
        return before == after and found, (
            f"dump + restore {dump.stat().st_size // 1024} KiB in {took:.1f} s; lookup of {booking['code']} on the "
            f"restored database: {status}; counts equal: {before == after} "
            f"(bookings {counts.get('reservations_booking')}, messages {counts.get('reservations_message')})")

    def main(self):
        started = time.monotonic()
        try:
            self.set_up()
            print(f"topology up in {time.monotonic() - started:.0f} s: nginx :{self.nginx_port} -> gunicorn "
                  f":{self.web_ports[0]} :{self.web_ports[1]}, worker, beat, redis :{self.redis_port}, "
                  f"smtp sink :{self.sink.port}, database {self.db}", flush=True)
            for name, function in [
                ("health endpoints", self.check_health),
                ("booking on the HTML path", self.check_html_booking),
                ("booking through the API", self.check_api_booking),
                ("confirmation mails, exactly once", self.check_confirmations),
                ("reminder made due, exactly once", self.check_reminder),
                ("compression and cache headers", self.check_compression_and_caching),
                ("availability micro-cache in nginx", self.check_micro_cache),
                ("HTTPS headers behind the proxy (SECURE_SSL=1)", self.check_https_headers),
                ("client address for the rate limits", self.check_client_address),
                ("one replica SIGKILLed during a burst", self.check_replica_killed),
                ("Redis restarted: no message lost", self.check_redis_restarted),
                ("Redis hung: quick booking, no message lost", self.check_redis_hung),
                ("worker SIGKILLed mid-send: no duplicate", self.check_worker_killed_mid_send),
                ("backup and restore", self.check_backup_restore),
            ]:
                if self.args.only and not any(word in name for word in self.args.only):
                    continue
                if name.startswith(("confirmation", "reminder")) and not {"html", "api"} <= set(self.bookings):
                    self.record(name, False, "skipped: the bookings it needs failed")
                    continue
                self.check(name, function)
        except Exception as exc:  # noqa: BLE001
            self.record("topology", False, f"{type(exc).__name__}: {exc} (logs: {self.logs})")
            self.args.keep = True
        finally:
            self.tear_down()
        failed = [name for name, ok, _ in self.results if not ok]
        print(f"prod-check: {len(self.results) - len(failed)} passed, {len(failed)} failed "
              f"in {time.monotonic() - started:.0f} s" + (f" — FAILED: {', '.join(failed)}" if failed else ""))
        return 1 if failed else 0


def _quiet(function):
    try:
        return function()
    except Exception:  # noqa: BLE001
        return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the logs and the rendered configuration")
    parser.add_argument("--only", nargs="*", help="run only the checks whose name contains one of these words")
    args = parser.parse_args()
    for tool in ("nginx", "redis-server", "psql", "pg_dump", "pg_restore"):
        if not (shutil.which(tool) or Path(f"/usr/sbin/{tool}").exists()):
            print(f"FAIL  prerequisites: {tool} not found (make prod-check installs nginx-light)")
            return 1
    check = ProdCheck(args)

    def terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    return check.main()


if __name__ == "__main__":
    sys.exit(main())
