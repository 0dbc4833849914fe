"""
Shared fixtures. The nine windows and their rules come from the data
migration, so every test database holds the city's real calendar.
"""

import datetime as dt
import os
import zoneinfo

import pytest
import time_machine
from django.db import connection

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "redis" in item.keywords and not os.environ.get("REDIS_URL"):
            item.add_marker(pytest.mark.skip(reason="needs a real Redis broker: set REDIS_URL (CI does)"))


@pytest.fixture(autouse=True)
def _cache_circuit_closed():
    """A test that breaks Redis must not leave the cache's circuit breaker open for the next one."""
    from portal.cache import BreakerRedisCache

    BreakerRedisCache.open_until = 0.0
    yield
    BreakerRedisCache.open_until = 0.0


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hash test passwords cheaply: the login tests make hundreds of attempts (PBKDF2 stays in production)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_in_process():
    """
    Run Celery tasks in-process in every test, even when REDIS_URL points at
    a real broker (CI); the tests of the real broker switch it off themselves.
    """
    from portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _skip_postgres_only(request):
    if request.node.get_closest_marker("postgres"):
        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://… (CI does)")


@pytest.fixture
def frozen_now():
    """Freeze the clock at 10:00 Japan time on a date of the test's choosing."""
    travellers = []

    def freeze(day):
        traveller = time_machine.travel(dt.datetime.combine(day, dt.time(10, 0), tzinfo=TOKYO), tick=False)
        traveller.start()
        travellers.append(traveller)

    yield freeze
    for traveller in reversed(travellers):
        traveller.stop()


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser(username="city-admin", password="Str0ng-Admin-Pass!")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture(scope="session")
def seeded_windows(django_db_setup, django_db_blocker):
    """The windows, their services, opening rules and recurring closures as the migrations left them (JSON)."""
    from django.core import serializers

    from reservations.models import OpeningRule, RecurringClosure, Window, WindowService

    with django_db_blocker.unblock():
        rows = [*Window.objects.all(), *WindowService.objects.all(), *OpeningRule.objects.all(),
                *RecurringClosure.objects.all()]
        return serializers.serialize("json", rows)


@pytest.fixture
def city_windows(db, seeded_windows):
    """
    Make sure the nine windows (with their services) and the staff groups of
    the data migrations exist. Transactional tests (live server, real
    concurrency) flush every table when they end, so the next one loads them
    again as the migrations made them.
    """
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group
    from django.core import serializers

    from reservations.models import Window

    if not Window.objects.exists():
        for row in serializers.deserialize("json", seeded_windows):
            row.save()
    if not Group.objects.filter(name="clerk").exists():
        importlib.import_module("reservations.migrations.0005_staff_groups").create_groups(apps, None)
    return Window.objects.all()


@pytest.fixture
def clear_cache():
    """Start with empty rate-limit counters."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def booking_day(frozen_now, clear_cache):
    """Freeze "today" at Wednesday 2026-11-25, 10:00 in Niigata (the booking tests' day)."""
    frozen_now(dt.date(2026, 11, 25))


def _staff(django_user_model, username, group, windows=()):
    from tests.reservations.factories import StaffUserFactory

    return StaffUserFactory(username=username, groups=[group], windows=windows)


@pytest.fixture
def clerk_kita(django_user_model):
    """A clerk of the Kita ward office."""
    return _staff(django_user_model, "clerk-kita", "clerk", ["kita"])


@pytest.fixture
def clerk_chuo(django_user_model):
    """A clerk of the Chuo ward office (another ward)."""
    return _staff(django_user_model, "clerk-chuo", "clerk", ["chuo"])


@pytest.fixture
def operator(django_user_model):
    """A reservation-centre operator (books by phone for any window)."""
    return _staff(django_user_model, "operator", "operator")


@pytest.fixture
def resident(django_user_model):
    """A logged-in account with no staff role."""
    return django_user_model.objects.create_user(username="resident", password="Resident-Pass-2026!")
