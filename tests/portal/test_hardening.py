"""
Issue #18 (items 2, 3, 7a, 7b, 7d): the login throttle counts the name
authentication looks up and never locks a name across addresses; the API
reads only JSON sent as JSON; pages and answers with personal data are not
stored by any cache; the resident's session key changes at a lookup.
"""

import datetime as dt
import time
import json
from unittest import mock

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from portal import auth
from portal.api import api
from reservations.booking.services import booking_create
from reservations.models import Booking
from tests.reservations.booking_steps import BIRTH, confirm, fill_details, start
from tests.reservations.factories import NOW, api_body, booking_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]

PASSWORD = "Counter-Pass-2026!"  # clerk_kita's
ATTACKER = "203.0.113.66"


def log_in(client, username, password, url="/en/staff/login/"):
    return client.post(url, {"username": username, "password": password})


def fail(times, username="clerk-kita", address=ATTACKER):
    attacker = Client(REMOTE_ADDR=address)
    return [log_in(attacker, username, "wrong").status_code for _ in range(times)]


# --- 2. The name counted is the one authentication looks up ------------------------------------


VARIANTS = ["ｃｌｅｒｋ－ｋｉｔａ", "CLERK-KITA", "Clerk-Kita", " clerk-kita "]


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_locked_name_stays_locked_under_any_spelling_of_it(clerk_kita, variant, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 100  # only the name's own lock applies
    fail(5, address="127.0.0.1")
    response = log_in(Client(), variant, PASSWORD)
    assert response.status_code == 429 and "_auth_user_id" not in response.client.session


@pytest.mark.parametrize("variant", VARIANTS[:2])
def test_a_slowed_down_name_is_slowed_down_under_any_spelling_of_it(clerk_kita, variant, settings):
    settings.LOGIN_NAME_SLOWDOWN_AFTER = 5
    assert fail(5) + fail(1, address="198.51.100.2") == [200] * 6  # the 6th is checked, then one a second
    response = log_in(Client(REMOTE_ADDR="198.51.100.3"), variant, PASSWORD)
    assert response.status_code == 429 and "_auth_user_id" not in response.client.session


def test_failures_under_a_full_width_spelling_count_for_the_name(clerk_kita, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 100
    assert fail(5, username="ｃｌｅｒｋ－ｋｉｔａ", address="127.0.0.1") == [200] * 5
    assert log_in(Client(), "clerk-kita", PASSWORD).status_code == 429


def test_the_full_width_spelling_logs_in_as_the_name_when_not_locked(clerk_kita):
    client = Client()
    assert log_in(client, "ｃｌｅｒｋ－ｋｉｔａ", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(clerk_kita.pk)


# --- 3. Nobody can lock staff out from another address --------------------------------------------


def test_a_name_attacked_from_another_address_still_logs_in_from_its_own(clerk_kita):
    assert fail(6) == [200] * 5 + [429]
    assert log_in(Client(REMOTE_ADDR=ATTACKER), "clerk-kita", PASSWORD).status_code == 429  # that pair stays locked
    own = Client(REMOTE_ADDR="192.0.2.10")
    assert log_in(own, "clerk-kita", PASSWORD).status_code == 302


def test_an_address_is_locked_after_failures_for_many_names(clerk_kita, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    assert fail(4, username="operator") + fail(4, username="clerk-chuo") == [200] * 8
    assert log_in(Client(REMOTE_ADDR=ATTACKER), "clerk-kita", PASSWORD).status_code == 429
    assert log_in(Client(REMOTE_ADDR="192.0.2.10"), "clerk-kita", PASSWORD).status_code == 302


def test_a_name_attacked_from_many_addresses_is_slowed_down_never_locked(clerk_kita, settings):
    settings.LOGIN_NAME_SLOWDOWN_AFTER, settings.LOGIN_NAME_MAX_DELAY_SECONDS = 10, 30
    with time_machine.travel(dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.timezone.utc), tick=False) as clock:
        assert fail(5, address="198.51.100.1") + fail(5, address="198.51.100.2") == [200] * 10
        assert fail(1, address="198.51.100.3") == [200]  # the 11th is checked, then one a second
        response = log_in(Client(REMOTE_ADDR="198.51.100.4"), "clerk-kita", "wrong")
        assert response.status_code == 429 and "Wait 2 seconds" in response.content.decode()
        own = Client(REMOTE_ADDR="192.0.2.10")
        assert log_in(own, "clerk-kita", PASSWORD).status_code == 429  # the name waits, for everyone
        clock.shift(2)
        time.sleep(2.05)  # Redis expires the gate by its own clock, which time_machine does not move
        assert log_in(own, "clerk-kita", PASSWORD).status_code == 302


@pytest.mark.parametrize("over, seconds", [(1, 1), (2, 2), (3, 4), (5, 16), (6, 30), (50, 30)])
def test_the_wait_for_a_name_grows_to_at_most_the_maximum(over, seconds, settings):
    settings.LOGIN_NAME_MAX_DELAY_SECONDS = 30
    assert auth.name_delay(over) == seconds


def test_a_successful_login_counts_as_no_failure(clerk_kita, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    client = Client()
    for _ in range(3):
        assert log_in(client, "clerk-kita", PASSWORD).status_code == 302
        client.logout()
    assert fail(2, address="127.0.0.1") == [200, 200]
    assert log_in(client, "clerk-kita", PASSWORD).status_code == 429


def test_the_login_works_when_the_cache_is_down(clerk_kita):
    with mock.patch("django.core.cache.cache.add", side_effect=ConnectionError("cache down")):
        assert log_in(Client(), "clerk-kita", PASSWORD).status_code == 302


def test_the_slowed_down_message_is_japanese_by_default(clerk_kita, settings):
    settings.LOGIN_NAME_SLOWDOWN_AFTER = 1
    fail(2)
    response = log_in(Client(), "clerk-kita", PASSWORD, url="/staff/login/")
    assert response.status_code == 429 and "2秒待って" in response.content.decode()


# --- 7a. The API reads JSON only when it is sent as JSON --------------------------------------------


def _post_paths():
    for path, operations in api.get_openapi_schema()["paths"].items():
        if "post" in operations:
            yield path.replace("{code}", "ZZZZ-ZZZZ")


@pytest.mark.parametrize("content_type", ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded"])
def test_a_booking_sent_as_text_is_refused_and_books_nothing(client, content_type):
    response = client.post("/api/v1/bookings", json.dumps(api_body()), content_type=content_type,
                           headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert response.json() == {"errors": {"__all__": [
        "Send the request body as JSON, with the header Content-Type: application/json."]}}
    assert not Booking.objects.exists()


def test_the_content_type_message_is_japanese_by_default(client):
    response = client.post("/api/v1/bookings", json.dumps(api_body()), content_type="text/plain")
    assert response.status_code == 422 and "Content-Type: application/json" in response.json()["errors"]["__all__"][0]
    assert "JSON" in response.json()["errors"]["__all__"][0] and "送" in response.json()["errors"]["__all__"][0]


@pytest.mark.parametrize("path", list(_post_paths()))
def test_every_api_post_refuses_a_body_not_sent_as_json(client, path):
    response = client.post(path, json.dumps({"birth_date": "1990-04-01"}), content_type="text/plain")
    assert response.status_code == 422, path
    assert list(response.json()["errors"]) == ["__all__"], path


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8", "Application/JSON"])
def test_json_with_or_without_a_charset_is_read(client, content_type):
    response = client.post("/api/v1/bookings", json.dumps(api_body()), content_type=content_type)
    assert response.status_code == 201


# --- 7b. Personal data is never stored by a cache ---------------------------------------------------


def no_store(response):
    return "no-store" in response.get("Cache-Control", "")


@pytest.fixture
def kita_booking():
    return booking_create(data=booking_data("kita", date=dt.date(2026, 11, 26)), now=NOW)


def test_staff_pages_with_personal_data_are_not_stored(client, clerk_kita, kita_booking):
    client.force_login(clerk_kita)
    code = kita_booking.code
    for url in ["/staff/", "/staff/search/", f"/staff/booking/{code}/", "/staff/windows/kita/?date=2026-11-26",
                "/staff/windows/kita/print/?date=2026-11-26", "/staff/windows/kita/export.csv?date=2026-11-26"]:
        response = client.get(url)
        assert response.status_code == 200 and no_store(response), url


def test_the_resident_pages_with_personal_data_are_not_stored(client):
    start(client)
    assert no_store(client.get("/en/book/kita/2026-12-01/0900/"))
    fill_details(client)
    assert no_store(client.get("/en/book/review/"))
    confirm(client)
    for url in ["/en/book/done/", "/en/book/done/calendar.ics", "/en/booking/"]:
        response = client.get(url)
        assert response.status_code == 200 and no_store(response), url
    booking = Booking.objects.get()
    lookup = client.post("/en/booking/", {"code": booking.display_code, **BIRTH})
    assert lookup.status_code == 302 and no_store(lookup)
    for url in ["/en/booking/manage/", "/en/booking/manage/cancel/", "/en/booking/manage/move/",
                "/en/booking/manage/calendar.ics"]:
        response = client.get(url)
        assert response.status_code == 200 and no_store(response), url


def test_the_api_booking_answers_are_not_stored(client):
    booked = client.post("/api/v1/bookings", json.dumps(api_body()), content_type="application/json")
    assert booked.status_code == 201 and no_store(booked)
    body = {"code": booked.json()["code"], "birth_date": "1990-04-01"}
    lookup = client.post("/api/v1/bookings/lookup", json.dumps(body), content_type="application/json")
    assert lookup.status_code == 200 and no_store(lookup)
    missing = client.post("/api/v1/bookings/lookup", json.dumps({**body, "code": "ZZZZ-ZZZZ"}), content_type="application/json")
    assert missing.status_code == 404 and no_store(missing)


def test_pages_without_personal_data_stay_cacheable(client):
    for url in ["/", "/windows/kita/", "/api/v1/windows"]:
        assert not no_store(client.get(url)), url


# --- 7d. The session key changes when a resident looks a booking up --------------------------------


def test_a_lookup_gives_the_session_a_new_key(client):
    start(client)
    fill_details(client)
    confirm(client)
    before = client.cookies["sessionid"].value
    booking = Booking.objects.get()
    assert client.post("/en/booking/", {"code": booking.display_code, **BIRTH}).status_code == 302
    after = client.cookies["sessionid"].value
    assert after != before and not SessionStore(session_key=before).exists(before)
    assert booking.display_code in client.get("/en/booking/manage/").content.decode()


def test_a_session_fixed_by_someone_else_does_not_see_the_booking(client):
    start(client)
    fill_details(client)
    confirm(client)
    booking = Booking.objects.get()
    attacker = Client()
    start(attacker)
    victim = Client()
    victim.cookies["sessionid"] = attacker.cookies["sessionid"].value  # planted by the attacker
    assert victim.post("/en/booking/", {"code": booking.display_code, **BIRTH}).status_code == 302
    assert victim.get("/en/booking/manage/").status_code == 200
    assert attacker.get("/en/booking/manage/").status_code == 302  # back to the lookup


# --- 7c. Only failed lookups stay counted -------------------------------------------------------


def test_lookups_that_find_the_booking_do_not_use_up_the_limit(client, settings):
    settings.LOOKUP_FAILURE_LIMIT = 2
    booked = client.post("/api/v1/bookings", json.dumps(api_body()), content_type="application/json").json()
    body = json.dumps({"code": booked["code"], "birth_date": "1990-04-01"})
    lookups = [client.post("/api/v1/bookings/lookup", body, content_type="application/json") for _ in range(4)]
    assert [response.status_code for response in lookups] == [200] * 4
    wrong = json.dumps({"code": "ZZZZ-ZZZZ", "birth_date": "1990-04-01"})
    statuses = [client.post("/api/v1/bookings/lookup", wrong, content_type="application/json").status_code for _ in range(3)]
    assert statuses == [404, 404, 429]
