"""
Health endpoints for the load balancer, the containers and the operators
(docs/operations.md).

``/healthz`` says the process answers; it touches nothing else, so a
database or Redis outage does not make an orchestrator restart every web
container at once. ``/readyz`` says whether this process can serve bookings
now: the database answers, Redis answers within its short timeout, and the
outbox is not falling behind (the oldest message due is not older than
``READY_OUTBOX_LAG_SECONDS``: the worker or beat is missing). It answers 200
or 503 with a small JSON body of each check, and never any personal data.
"""

import datetime as dt
import time

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from redis.backoff import NoBackoff
from redis.retry import Retry

from reservations.models import Message


@never_cache
def healthz(request):
    """Answer 200 "ok" while the process serves requests (no dependency is asked)."""
    return HttpResponse("ok", content_type="text/plain")


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True}


def check_redis():
    """PING the broker and cache Redis with the short timeout of every Redis use (settings.REDIS_SOCKET_TIMEOUT)."""
    if not settings.REDIS_URL:
        return {"ok": True, "note": "not configured (embedded mode)"}
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
        socket_connect_timeout=settings.REDIS_SOCKET_TIMEOUT,
        retry=Retry(NoBackoff(), 0),
    )
    try:
        client.ping()
    finally:
        client.close()
    return {"ok": True}


def check_outbox(now=None):
    """Not ready when the oldest message due has waited longer than READY_OUTBOX_LAG_SECONDS."""
    now = now or timezone.now()
    oldest = (
        Message.objects.filter(state=Message.State.PENDING, due_at__lte=now)
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    lag = max(0, int((now - oldest).total_seconds())) if oldest else 0
    limit = settings.READY_OUTBOX_LAG_SECONDS
    return {"ok": lag <= limit, "lag_seconds": lag, "limit_seconds": limit}


def run_check(check):
    started = time.perf_counter()
    try:
        result = check()
    except Exception as exc:  # noqa: BLE001 - any failure is "not ready", named but not detailed
        result = {"ok": False, "error": type(exc).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


@never_cache
def readyz(request):
    """Answer 200 when the database, Redis and the outbox are fine, else 503; the body lists each check."""
    checks = {"database": run_check(check_database), "redis": run_check(check_redis)}
    if checks["database"]["ok"]:
        checks["outbox"] = run_check(check_outbox)
    else:
        checks["outbox"] = {"ok": False, "error": "database unavailable"}
    ready = all(check["ok"] for check in checks.values())
    body = {"status": "ready" if ready else "not_ready", "checks": checks,
            "time": timezone.now().astimezone(dt.timezone.utc).isoformat(timespec="seconds")}
    return JsonResponse(body, status=200 if ready else 503)
