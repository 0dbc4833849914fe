"""/healthz (the process answers) and /readyz (database, Redis, outbox lag): docs/operations.md."""

import datetime as dt
import shutil
import time

import pytest
from django.db import connection
from django.utils import timezone

from reservations.booking.services import booking_create
from reservations.models import Message
from tests.redis_server import OwnRedis, free_port
from tests.reservations.factories import booking_data

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_asking_anything(client, django_assert_num_queries, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nobody listens there
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_200_with_each_check_when_all_is_well(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "redis", "outbox"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["outbox"]["lag_seconds"] == 0
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_503_within_a_second_when_redis_is_down(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    started = time.perf_counter()
    response = client.get("/readyz")
    assert time.perf_counter() - started < 1
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not_ready"
    assert body["checks"]["redis"] == {"ok": False, "error": "ConnectionError", "ms": body["checks"]["redis"]["ms"]}
    assert body["checks"]["database"]["ok"]


@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")
def test_readyz_follows_a_real_redis_that_hangs_and_comes_back(client, settings):
    server = OwnRedis()
    server.start()
    try:
        settings.REDIS_URL = server.url
        assert client.get("/readyz").status_code == 200
        server.hang()
        started = time.perf_counter()
        response = client.get("/readyz")
        assert time.perf_counter() - started < 2  # connect, then PING: two short timeouts at most
        assert response.status_code == 503
        assert response.json()["checks"]["redis"]["error"] == "TimeoutError"
        server.resume()
        assert client.get("/readyz").status_code == 200
    finally:
        server.stop()


def test_readyz_is_503_when_the_outbox_falls_behind(client, settings, city_windows, booking_day):
    settings.REDIS_URL = ""
    settings.READY_OUTBOX_LAG_SECONDS = 300
    booking = booking_create(data=booking_data())
    message = Message.objects.get(booking=booking, kind=Message.Kind.CONFIRMATION)

    Message.objects.filter(pk=message.pk).update(due_at=timezone.now() - dt.timedelta(seconds=60))
    assert client.get("/readyz").status_code == 200  # a minute late: the sweep's own rhythm
    Message.objects.filter(pk=message.pk).update(due_at=timezone.now() - dt.timedelta(seconds=900))
    response = client.get("/readyz")
    assert response.status_code == 503
    outbox = response.json()["checks"]["outbox"]
    assert not outbox["ok"] and outbox["lag_seconds"] >= 900 and outbox["limit_seconds"] == 300
    Message.objects.filter(pk=message.pk).update(state=Message.State.SENT)
    assert client.get("/readyz").status_code == 200


def test_readyz_names_a_database_failure_without_details(client, settings, monkeypatch):
    settings.REDIS_URL = ""

    def broken_cursor(*args, **kwargs):
        raise RuntimeError("password=secret")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"]["error"] == "RuntimeError"
    assert checks["outbox"] == {"ok": False, "error": "database unavailable"}
    assert b"secret" not in response.content

