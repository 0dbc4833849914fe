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
