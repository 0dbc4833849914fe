"""The real engines: PostgreSQL and the Celery broker on Redis (run in CI)."""

import os
import threading
from datetime import date

import pytest
from django.db import IntegrityError, connection, connections

from reservations.models import CapacityOverride, Window


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_cannot_both_win_a_unique_row(city_windows):
    """Two connections racing to insert the same day's capacity: the database lets one through."""
    assert connection.vendor == "postgresql"
    window_id = Window.objects.get(code="kita").pk
    barrier = threading.Barrier(2)
    outcomes = []

    def insert():
        try:
            barrier.wait(timeout=5)
            CapacityOverride.objects.create(window_id=window_id, date=date(2026, 12, 1), capacity=3)
            outcomes.append("ok")
        except IntegrityError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=insert) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(outcomes) == ["ok", "refused"]
    assert CapacityOverride.objects.count() == 1


@pytest.mark.redis
def test_a_task_goes_through_the_real_broker_and_back():
    from celery.contrib.testing.worker import start_worker

    from portal.celery import app
    from portal.tasks import ping

    assert app.conf.broker_url.startswith("redis://")
    previous = (app.conf.task_always_eager, app.conf.result_backend)

    def forget_backend():
        app._backend_cache = None
        app._local.__dict__.pop("backend", None)

    app.conf.task_always_eager = False
    app.conf.result_backend = os.environ["REDIS_URL"]
    forget_backend()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            assert ping.delay().get(timeout=20) == "pong"
    finally:
        app.conf.task_always_eager, app.conf.result_backend = previous
        forget_backend()
