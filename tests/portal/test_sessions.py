"""Sessions are refreshed while used, but not written on every request (portal.middleware)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("city_windows", "booking_day")]


def writes(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT")) and "django_session" in q["sql"]]


def test_a_page_view_in_a_booking_session_does_not_write_the_session(client):
    client.post("/en/book/", {"ward": "kita", "attendance": "in_person", "party_size": "1", "proxy_reason": ""})
    assert writes(client, "/en/book/kita/") == []  # written within the last minute: no write


def test_a_used_session_is_refreshed_at_most_once_a_minute(client, frozen_now):
    import datetime as dt

    import time_machine

    client.post("/en/book/", {"ward": "kita", "attendance": "in_person", "party_size": "1", "proxy_reason": ""})
    with time_machine.travel(dt.datetime(2026, 11, 25, 1, 2, tzinfo=dt.timezone.utc), tick=False):
        assert len(writes(client, "/en/book/kita/")) == 1
        assert writes(client, "/en/book/kita/") == []


def test_anonymous_visitors_get_no_session(client):
    response = client.get("/en/windows/")
    assert "sessionid" not in response.cookies


def test_a_request_that_does_not_use_the_session_does_not_read_it(client, django_assert_num_queries):
    client.post("/en/book/", {"ward": "kita", "attendance": "in_person", "party_size": "1", "proxy_reason": ""})
    client.get("/api/v1/windows/kita/availability")  # fills the cache
    with django_assert_num_queries(0):  # the browser sends its session cookie with the script's fetch
        assert client.get("/api/v1/windows/kita/availability").status_code == 200


# --- Sessions read from the shared cache (portal/sessions.py, issue #17) ---------------------

START = {"ward": "kita", "attendance": "in_person", "party_size": "1", "proxy_reason": ""}
DOWN = {"default": {"BACKEND": "portal.cache.BreakerRedisCache", "LOCATION": "redis://127.0.0.1:1/0",
                    "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}}


def session_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return [q["sql"] for q in queries if "django_session" in q["sql"]]


@pytest.fixture
def cached_sessions(settings):
    """The production engine (settings.py chooses it with REDIS_URL), over the test's cache."""
    settings.SESSION_ENGINE = "portal.sessions"
    return settings


def test_a_cached_session_is_read_without_a_query(client, cached_sessions):
    client.post("/en/book/", START)
    assert session_queries(client, "/en/book/window/") == []
    assert session_queries(client, "/en/book/kita/") == []


def test_the_database_keeps_the_session_the_cache_serves(client, cached_sessions):
    from django.contrib.sessions.models import Session
    from django.core.cache import cache

    client.post("/en/book/", START)
    key = client.cookies["sessionid"].value
    assert Session.objects.get(session_key=key).get_decoded()["booking_start"]["ward"] == "kita"
    cache.clear()  # an entry evicted or expired: read from the database, and cached again
    assert len(session_queries(client, "/en/book/window/")) == 1
    assert session_queries(client, "/en/book/kita/") == []


def test_a_session_entry_lives_no_longer_than_its_cache_lifetime(client, cached_sessions):
    from unittest import mock

    from django.core.cache import caches

    cached_sessions.SESSION_CACHE_SECONDS = 120
    cache = caches["default"]  # the test's cache: local memory, or Redis with REDIS_URL
    with mock.patch.object(cache, "set", wraps=cache.set) as stored:
        client.post("/en/book/", START)
    timeouts = [call.args[2] for call in stored.call_args_list if "sessions" in call.args[0]]
    assert timeouts and all(0 < timeout <= 120 for timeout in timeouts)


def test_with_redis_down_the_booking_path_reads_and_writes_the_database(client, cached_sessions):
    from django.test import override_settings

    from portal.cache import BreakerRedisCache

    with override_settings(CACHES=DOWN):  # nothing listens there: every cache call fails
        assert client.post("/en/book/", START).status_code == 302
        assert len(session_queries(client, "/en/book/window/")) == 1  # from the database, no error
        response = client.get("/en/book/kita/")
        assert response.status_code == 200 and b"2026" in response.content
    BreakerRedisCache.open_until = 0.0  # the test's own cache answers again


def test_a_write_the_cache_missed_moves_the_session_to_a_new_key(client, cached_sessions):
    """The cache may keep the state before the write: no later read may return it."""
    from unittest import mock

    from django.contrib.sessions.models import Session
    from django.core.cache import caches

    client.post("/en/book/", START)
    old_key = client.cookies["sessionid"].value
    with mock.patch.object(caches["default"], "set", side_effect=ConnectionError("down")):
        client.post("/en/book/", {**START, "party_size": "3"})
    new_key = client.cookies["sessionid"].value
    assert new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()
    # The cache is back and still holds the old state under the old key; the new key reads the new one.
    response = client.get("/en/book/")
    assert 'value="3" checked' in response.content.decode() or 'value="3" selected' in response.content.decode()


def test_a_new_session_is_not_looked_up_and_a_repeated_key_is_drawn_again(client, cached_sessions):
    from unittest import mock

    from django.contrib.sessions.models import Session

    from portal import sessions

    client.post("/en/book/", START)
    taken = client.cookies["sessionid"].value
    client.cookies.clear()
    keys = iter([taken, "b" * 32])
    with mock.patch.object(sessions, "get_random_string", side_effect=lambda *args: next(keys)):
        with CaptureQueriesContext(connection) as queries:
            client.post("/en/book/", START)
    assert client.cookies["sessionid"].value == "b" * 32
    assert not any(q["sql"].startswith("SELECT") and "django_session" in q["sql"] for q in queries)
    assert Session.objects.get(session_key=taken).get_decoded()["booking_start"]  # the first one untouched
