"""
Anti-hoarding (issue #18, item 6): the pure rules (reservations.rules.hoarding),
the daily limits counted in the booking's transaction (booking.limits), and
their 429 on the pages and the API.
"""

import dataclasses
import datetime as dt
import ipaddress
import json
import logging
import zoneinfo

import pytest
import time_machine

from reservations.booking import limits
from reservations.booking.services import SlotFull, booking_create
from reservations.messaging import retention
from reservations.models import Booking, BookingQuota
from reservations.rules import hoarding

from .booking_steps import confirm, fill_details, start
from .factories import api_body, booking_data
from .test_concurrency import kinds, run_together

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=TOKYO)


# --- Pure rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, counted",
    [
        ("Taro@Example.JP", "taro@example.jp"),
        (" taro+kita@example.jp ", "taro@example.jp"),
        ("t.a.r.o+1@gmail.com", "taro@gmail.com"),
        ("taro@googlemail.com", "taro@gmail.com"),
        ("t.aro@example.jp", "t.aro@example.jp"),  # dots matter elsewhere
        ("", ""),
    ],
)
def test_email_identity_counts_variants_of_one_mailbox_as_one(typed, counted):
    assert hoarding.email_identity(typed) == counted


@pytest.mark.parametrize("typed, counted", [("0250000000", "0250000000"), ("025-000-0000", "0250000000"), ("", "")])
def test_phone_identity_is_its_digits(typed, counted):
    assert hoarding.phone_identity(typed) == counted


@pytest.mark.parametrize(
    "used_up, told",
    [(["phone", "email", "address"], "address"), (["phone", "email"], "email"), (["phone"], "phone"), ([], None)],
)
def test_a_refusal_names_the_address_first_then_the_email_then_the_phone(used_up, told):
    assert hoarding.first_refused(used_up) == told


def test_limits_reset_at_midnight_in_japan():
    assert hoarding.seconds_until_tomorrow(dt.datetime(2026, 11, 25, 23, 59, 30, tzinfo=TOKYO)) == 30


def _at(minutes):
    return NOW + dt.timedelta(minutes=minutes)


@pytest.mark.parametrize(
    "minutes, largest",
    [([], 0), ([0], 1), ([0, 5, 10], 3), ([0, 11, 22], 1), ([0, 1, 30, 31, 32], 3)],
)
def test_burst_size_is_the_most_within_one_window(minutes, largest):
    assert hoarding.burst_size([_at(m) for m in minutes], dt.timedelta(minutes=10)) == largest


def test_clusters_group_by_each_key_and_put_bursts_first():
    traces = [
        hoarding.BookingTrace(1, _at(0), "a@example.jp", "", "net1"),
        hoarding.BookingTrace(2, _at(1), "A+x@example.jp", "", "net1"),
        hoarding.BookingTrace(3, _at(2), "b@example.jp", "", "net1"),
        hoarding.BookingTrace(4, _at(3000), "a@example.jp", "0250000000", ""),
        hoarding.BookingTrace(5, _at(6000), "c@example.jp", "0250000000", ""),
    ]
    found = hoarding.clusters(traces, min_size=3, burst_window=dt.timedelta(minutes=10), min_burst=3)
    assert [(c.kind, c.key, c.pks, c.burst) for c in found] == [
        ("address", "net1", (1, 2, 3), 3),
        ("email", "a@example.jp", (1, 2, 4), 2),
    ]  # two bookings with one phone on different days are no cluster


# --- The limits in the service -------------------------------------------------------------

def _book(client="net-a", email="taro@example.jp", phone="", start=dt.time(9), actor=None, **overrides):
    data = booking_data(start=start, email=email, phone=phone, **overrides)
    return booking_create(data=dataclasses.replace(data, client=client), now=NOW, actor=actor)


def _times():
    """Kita's slot starts of a day, in order: 09:00, 09:15, …"""
    return (dt.time(9 + i // 4, 15 * (i % 4)) for i in range(20))


@pytest.mark.django_db
@pytest.mark.usefixtures("booking_day")
def test_a_client_address_books_three_times_a_day():
    times = _times()
    for number in range(3):
        _book(email=f"p{number}@example.jp", start=next(times))
    with pytest.raises(limits.TooManyBookings) as refused:
        _book(email="p4@example.jp", start=next(times))
    assert (refused.value.kind, refused.value.limit) == ("address", 3)
    assert refused.value.retry_after == 14 * 3600  # until midnight in Niigata
    assert Booking.objects.count() == 3
    _book(client="net-b", email="p5@example.jp", start=next(times))  # another network is another count


@pytest.mark.django_db
@pytest.mark.usefixtures("booking_day")
@pytest.mark.parametrize("field, kind", [("email", "email"), ("phone", "phone")])
def test_an_email_or_phone_books_twice_a_day(field, kind):
    times = _times()
    contact = {"email": "taro@example.jp", "phone": ""} if field == "email" else {"email": "", "phone": "0250000000"}
    _book(client="net-1", start=next(times), **contact)
    _book(client="net-2", start=next(times), **contact)
    with pytest.raises(limits.TooManyBookings) as refused:
        _book(client="net-3", start=next(times), **contact)
    assert refused.value.kind == kind
    assert Booking.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.usefixtures("booking_day")
def test_a_refused_limit_takes_nothing_and_a_failed_booking_counts_nothing():
    times = _times()
    first = next(times)
    _book(email="a@example.jp", start=first, party=2)  # the slot's two seats
    for _attempt in range(5):
        with pytest.raises(SlotFull):
            _book(email="b@example.jp", start=first)
    # The failed attempts rolled their counts back: b@ still has its two bookings today.
    _book(email="b@example.jp", start=next(times))
    _book(email="b@example.jp", start=next(times))
    assert BookingQuota.objects.filter(key__startswith="a:").get().count == 3


@pytest.mark.django_db
@pytest.mark.usefixtures("booking_day")
def test_the_next_day_starts_a_new_count():
    times = _times()
    _book(start=next(times))
    _book(start=next(times))
    with pytest.raises(limits.TooManyBookings):
        _book(start=next(times))
    data = dataclasses.replace(booking_data(start=next(times)), client="net-a")
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        booking_create(data=data, now=NOW + dt.timedelta(days=1))
    assert Booking.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.usefixtures("booking_day")
def test_staff_and_requests_without_a_client_are_not_limited(operator):
    times = _times()
    for _number in range(3):
        _book(client="net-a", actor=operator, start=next(times))
        _book(client="", start=next(times))
    assert Booking.objects.count() == 6
    assert not BookingQuota.objects.exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("booking_day")
def test_retention_erases_the_network_hash_and_old_counts():
    booking = _book()
    assert booking.client_hash == "net-a" and BookingQuota.objects.count() == 2
    assert retention.anonymise_past_bookings(today=dt.date(2027, 3, 2)) == 1
    booking.refresh_from_db()
    assert booking.client_hash is None
    assert not BookingQuota.objects.exists()


# --- Pages and API --------------------------------------------------------------------------


def _page_booking(client, email, slot="0900"):
    start(client)
    fill_details(client, url=f"/en/book/kita/2026-12-01/{slot}/", email=email)
    response, _token = confirm(client)
    return response


@pytest.mark.django_db
@pytest.mark.usefixtures("booking_day")
def test_the_pages_refuse_the_fourth_booking_of_an_address_with_a_429_page(client):
    for number, slot in enumerate(("0900", "0915", "0930")):
        assert _page_booking(client, f"p{number}@example.jp", slot)["Location"] == "/en/book/done/"
    response = _page_booking(client, "p4@example.jp", "0945")
    assert response.status_code == 429
    page = response.content.decode()
    assert "reached the limit of 3 a day" in page and "025-245-0300" in page
    assert int(response["Retry-After"]) > 0
    assert Booking.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.usefixtures("booking_day")
def test_the_429_page_speaks_japanese_by_default(client, settings):
    settings.BOOKING_DAILY_LIMIT_PER_ADDRESS = 1
    start(client)
    fill_details(client)
    confirm(client)
    client.post("/book/", {"ward": "kita", "attendance": "in_person", "party_size": "1", "proxy_reason": ""})
    fill_details(client, url="/book/kita/2026-12-01/0915/", email="other@example.jp")
    review = client.get("/book/review/").content.decode()
    token = review.split('name="token" value="')[1].split('"')[0]
    response = client.post("/book/review/", {"token": token})
    assert response.status_code == 429
    assert "予約センター" in response.content.decode()


def _api(client, **overrides):
    return client.post("/api/v1/bookings", json.dumps(api_body(**overrides)), content_type="application/json",
                       headers={"Accept-Language": "en"})


@pytest.mark.django_db
@pytest.mark.usefixtures("booking_day")
def test_the_api_answers_429_too_many_bookings_per_email(client):
    assert _api(client, start="09:00", phone="").status_code == 201
    other = client.__class__(REMOTE_ADDR="10.0.0.2")
    assert _api(other, start="09:15", phone="").status_code == 201
    third = client.__class__(REMOTE_ADDR="10.0.0.3")
    response = _api(third, start="09:30", phone="")
    assert response.status_code == 429
    body = response.json()
    assert (body["error"], body["limit"]) == ("too_many_bookings", "email")
    assert "e-mail address has been used for 2 bookings today" in body["message"]
    assert int(response["Retry-After"]) == 14 * 3600
    assert Booking.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.usefixtures("booking_day")
def test_the_api_records_a_hash_of_the_network_never_the_address(client):
    assert _api(client, start="09:00").status_code == 201
    booking = Booking.objects.get()
    assert booking.client_hash and len(booking.client_hash) == 32
    assert "127.0.0.1" not in booking.client_hash
    assert not BookingQuota.objects.filter(key__contains="127.0.0.1").exists()
    assert not BookingQuota.objects.filter(key__contains="example.jp").exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("booking_day")
def test_partner_addresses_are_not_limited(client, settings):
    settings.RATE_LIMIT_EXEMPT = [ipaddress.ip_network("127.0.0.0/8")]
    statuses = [_api(client, start=f"{9 + i // 4:02d}:{15 * (i % 4):02d}").status_code for i in range(5)]
    assert statuses == [201] * 5
    assert not Booking.objects.exclude(client_hash=None).exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("booking_day")
def test_a_refusal_logs_no_address_email_or_phone(client, caplog):
    caplog.set_level(logging.DEBUG)
    for number in range(4):
        _api(client, start=f"09:{15 * number:02d}", email=f"p{number}@example.jp", phone="")
    assert "daily booking limit reached: address" in caplog.text
    for secret in ("127.0.0.1", "@example.jp", "025"):
        assert secret not in caplog.text


# --- Under concurrency (PostgreSQL) ------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twelve_bookings_at_once_from_one_address_get_exactly_three(city_windows):
    starts = list(_times())[:12]

    def one(number):
        data = dataclasses.replace(booking_data(start=starts[number], email=f"p{number}@example.jp"), client="net-a")
        return lambda: booking_create(data=data, now=NOW)

    outcomes = run_together([one(number) for number in range(12)])
    assert kinds(outcomes) == {"ok": 3, "TooManyBookings": 9}
    assert BookingQuota.objects.get(key="a:net-a").count == 3
