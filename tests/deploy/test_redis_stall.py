"""
A Redis that hangs (SIGSTOP: connections are accepted, nothing is answered)
must not hang the web tier (issue #18). The booking is answered within 3 s,
its confirmation stays in the outbox, and once Redis answers again the sweep
hands it over and it is sent exactly once.

Runs against a redis-server of the test's own on a free port (CI; skipped
without REDIS_URL or redis-server).
"""

import datetime as dt
import json
import shutil
import time

import pytest
from django.core import mail

from reservations.messaging import outbox
from reservations.models import Booking, Message
from tests.redis_server import OwnRedis
from tests.reservations.factories import api_body

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
]


@pytest.fixture
def own_redis():
    server = OwnRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def everything_on(own_redis, settings):
    """Point the broker and the shared cache (rate limits, availability) of this process at the test's Redis."""
    from django.core.cache import caches

    from portal.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager)

    def reset():
        app._pool = None
        app.amqp._producer_pool = None

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": own_redis.url,
            "OPTIONS": {"socket_connect_timeout": settings.REDIS_SOCKET_TIMEOUT,
                        "socket_timeout": settings.REDIS_SOCKET_TIMEOUT},
        }
    }
    app.conf.broker_url = own_redis.url
    app.conf.task_always_eager = False
    reset()
    try:
        yield app
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        reset()
        caches.close_all()


def queued_message_ids(app):
    """Take every send_message task out of the broker's queue and return their message ids."""
    ids = []
    with app.connection_for_read() as connection:
        queue = connection.SimpleQueue("celery")
        try:
            while True:
                try:
                    task = queue.get(timeout=0.5)
                except queue.Empty:
                    return ids
                if task.headers.get("task") == outbox.SEND_MESSAGE_TASK:
                    ids.append(task.payload[0][0])
                task.ack()
        finally:
            queue.close()


def test_a_booking_while_redis_hangs_answers_quickly_and_its_mail_goes_once_redis_is_back(
    city_windows, frozen_now, everything_on, own_redis, client
):
    frozen_now(dt.date(2026, 11, 25))
    # A first booking opens the pooled connections a real web worker holds.
    warm = client.post("/api/v1/bookings", json.dumps(api_body(start="09:00")), content_type="application/json")
    assert warm.status_code == 201, warm.content
    for message_id in queued_message_ids(everything_on):  # the confirmation went through Redis
        outbox.deliver(message_id)
    assert len(mail.outbox) == 1
    mail.outbox.clear()

    own_redis.hang()
    try:
        started = time.perf_counter()
        response = client.post(
            "/api/v1/bookings", json.dumps(api_body(start="09:15")), content_type="application/json"
        )
        took = time.perf_counter() - started
    finally:
        own_redis.resume()
    assert response.status_code == 201, response.content
    assert took < 3, f"the booking took {took:.1f} s with Redis hung"

    booking = Booking.objects.get(code=response.json()["code"].replace("-", ""))
    confirmation = Message.objects.get(booking=booking, kind=Message.Kind.CONFIRMATION)
    assert confirmation.state == Message.State.PENDING

    # Redis answers again: the sweep hands the message over (a publish that
    # timed out may also have reached Redis); the claim lets one send win.
    assert outbox.sweep() >= 1
    handed = queued_message_ids(everything_on)
    assert confirmation.pk in handed
    for message_id in handed:
        outbox.deliver(message_id)
    confirmation.refresh_from_db()
    assert confirmation.state == Message.State.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["taro@example.jp"]
