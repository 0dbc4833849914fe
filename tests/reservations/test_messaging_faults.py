"""
Messages under faults, on the real engines: PostgreSQL, a Redis server of
the test's own (on a free port, so stopping it disturbs nothing else), real
Celery worker processes, and a real SMTP sink (aiosmtpd) that counts what
arrives. Run by .ci/run; skipped without PostgreSQL or redis-server.
"""

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from reservations.booking.services import booking_create
from reservations.messaging import outbox
from reservations.models import Booking, BookingPerson, Message, Window
from tests.redis_server import OwnRedis, free_port

from .factories import booking_data

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
]

ROOT = Path(settings.BASE_DIR)
CLAIM_SECONDS = 3


def wait_for(predicate, timeout=60, step=0.2, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}")


class Sink:
    """An SMTP server that records the Message-ID of every mail it accepts."""

    def __init__(self, delay=0.0):
        from aiosmtpd.controller import Controller

        self.delay = delay
        self.ids = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        import asyncio
        from email import message_from_bytes

        if self.delay:
            await asyncio.sleep(self.delay)
        message_id = message_from_bytes(envelope.content)["Message-ID"]
        with self.lock:
            self.ids.append(message_id)
        return "250 OK"

    def count(self, message_id):
        with self.lock:
            return self.ids.count(message_id)


@pytest.fixture
def sink():
    server = Sink()
    server.controller.start()
    yield server
    server.controller.stop()


@pytest.fixture
def slow_sink():
    server = Sink(delay=1.5)
    server.controller.start()
    yield server
    server.controller.stop()


@pytest.fixture
def own_redis():
    server = OwnRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def celery_to(own_redis):
    """Point this process's Celery producer at the test's Redis (not eager) and back afterwards."""
    from portal.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager)

    def reset():
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.broker_url = own_redis.url
    app.conf.task_always_eager = False
    reset()
    yield app
    app.conf.broker_url, app.conf.task_always_eager = saved
    reset()


class Workers:
    def __init__(self, redis_url, smtp_port):
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "REDIS_URL": redis_url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_USE_TLS": "0",
            "MESSAGE_CLAIM_TIMEOUT_SECONDS": str(CLAIM_SECONDS),
        }
        self.processes = []

    def start(self, name):
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "-n", f"{name}@%h",
             "--without-mingle", "--without-gossip", "--without-heartbeat", "-l", "WARNING"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self.processes.append(process)
        return process

    def stop_all(self):
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def workers(own_redis, sink):
    pool = Workers(own_redis.url, sink.port)
    yield pool
    pool.stop_all()


def sent(message):
    message.refresh_from_db()
    return message.state == Message.State.SENT


def test_booking_while_redis_is_down_succeeds_and_its_confirmation_arrives_after_restart(
    city_windows, own_redis, celery_to, workers, sink, settings
):
    own_redis.stop()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    window = Window.objects.get(code="cityhall")
    day = next(d for d in (tomorrow + dt.timedelta(days=n) for n in range(14)) if _open_day(window, d))
    started = time.monotonic()
    booking = booking_create(data=booking_data("cityhall", date=day, start=dt.time(10), ward="kita"))
    assert time.monotonic() - started < 10  # the request does not hang on the broker
    confirmation = Message.objects.get(booking=booking, kind="confirmation")
    assert confirmation.state == Message.State.PENDING
    own_redis.start()
    workers.start("w1")
    outbox.sweep()
    wait_for(lambda: sent(confirmation), timeout=60, what="the confirmation")
    assert sink.count(outbox.message_id_header(confirmation)) == 1


def _open_day(window, day):
    from reservations.schedule import calendars

    return calendars.window_schedule(Window.objects.with_rules().get(pk=window.pk), day, day)[0].open


def _bookings_with_due_messages(count, kind=Message.Kind.REMINDER):
    """Insert ``count`` bookings with one message each, due now (fast, bypassing the slot rules)."""
    window = Window.objects.get(code="cityhall")
    day = timezone.localdate() + dt.timedelta(days=1)
    bookings = Booking.objects.bulk_create(
        Booking(code=f"T{index:07d}", window=window, date=day, start=dt.time(10), end=dt.time(10, 15),
                party_size=1, ward="kita", attendance="in_person", email=f"r{index}@example.jp", language="ja")
        for index in range(count)
    )
    BookingPerson.objects.bulk_create(
        BookingPerson(booking=b, position=0, notice_number=f"9{b.pk:014d}", name="新潟 太郎", kana="ニイガタ タロウ",
                      birth_date=dt.date(1990, 4, 1))
        for b in bookings
    )
    now = timezone.now() - dt.timedelta(minutes=1)
    return Message.objects.bulk_create(Message(booking=b, kind=kind, due_at=now) for b in bookings)


def test_a_worker_killed_while_holding_claimed_messages_loses_none(
    city_windows, own_redis, celery_to, slow_sink, settings
):
    settings.MESSAGE_CLAIM_TIMEOUT_SECONDS = CLAIM_SECONDS
    messages = _bookings_with_due_messages(6)
    pool = Workers(own_redis.url, slow_sink.port)
    try:
        victim = pool.start("victim")
        outbox.sweep()
        wait_for(lambda: Message.objects.filter(state=Message.State.SENDING).exists(), timeout=30, what="a claim")
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        assert Message.objects.exclude(state=Message.State.SENT).exists()
        pool.start("rescuer")
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and Message.objects.exclude(state=Message.State.SENT).exists():
            outbox.sweep()
            time.sleep(1)
    finally:
        pool.stop_all()
    assert not Message.objects.exclude(state=Message.State.SENT).exists()
    for message in messages:
        # Every message arrived; one killed mid-SMTP may arrive twice, with the same Message-ID.
        assert 1 <= slow_sink.count(outbox.message_id_header(message)) <= 2


def test_two_hundred_reminders_are_each_delivered_exactly_once(city_windows, own_redis, celery_to, workers, sink):
    messages = _bookings_with_due_messages(200)
    workers.start("w1")
    workers.start("w2")
    # The sweep runs again and again while the workers are busy: duplicates in
    # the queue must not become duplicate mails.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and Message.objects.exclude(state=Message.State.SENT).exists():
        outbox.sweep()
        time.sleep(0.5)
    assert not Message.objects.exclude(state=Message.State.SENT).exists()
    headers = [outbox.message_id_header(m) for m in messages]
    assert sorted(sink.ids) == sorted(headers)
