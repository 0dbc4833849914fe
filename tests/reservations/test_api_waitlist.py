"""
The waiting list's JSON API (API.md "Waiting list", SPEC §9, R-L1 … R-L3):
join, look up, accept, decline, cancel — each answer and the database
afterwards, on the seeded windows and the frozen booking day.
"""

import datetime as dt
import json

import pytest
from django.test import TestCase
import time_machine

from reservations.models import Booking, Message, SlotCounter, WaitlistEntry, WaitlistOffer, WaitlistPerson, Window
from reservations.schedule import calendars

from .factories import NOW, api_body, api_person
from .test_waitlist_services import fill

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]

DAY = dt.date(2026, 12, 1)  # a Tuesday: the ward offices are open, City Hall is not
THURSDAY = dt.date(2026, 12, 3)  # ward offices and City Hall both open
BORN = "1990-04-01"  # api_person's and the factories' date of birth


def post(client, url, body, language=None):
    headers = {"Accept-Language": language} if language else {}
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(url, data, content_type="application/json", headers=headers)


def join_body(window="kita", start=DAY, end=DAY, party=1, **overrides):
    body = {
        "window": window, "from": start.isoformat(), "to": end.isoformat(), "ward": "kita",
        "attendance": "in_person", "proxy_reason": None, "email": "hanako@example.jp", "phone": "",
        "language": "ja", "people": [api_person() for _ in range(party)],
    }
    body.update(overrides)
    return body


def join(client, language=None, **overrides):
    return post(client, "/api/v1/waitlist", join_body(**overrides), language)


def lookup(client, code, born=BORN):
    return post(client, "/api/v1/waitlist/lookup", {"code": code, "birth_date": born})


def act(client, code, action, born=BORN, language=None):
    return post(client, f"/api/v1/waitlist/{code}/{action}", {"birth_date": born}, language)


def cancel_booking(client, booking):
    response = post(client, f"/api/v1/bookings/{booking.display_code}/cancel", {"birth_date": BORN})
    assert response.status_code == 200
    return response


def full(window_code, day, service="pickup"):
    """Every slot of ``day`` full through the counters alone (no bookings to cancel)."""
    window = Window.objects.with_rules().get(code=window_code)
    availability = calendars.window_availability(window, day, day, today=NOW.date(), service=service, now=NOW)[0]
    assert availability.slots
    for slot in availability.slots:
        SlotCounter.objects.update_or_create(
            window=window, service=service, date=day, start=slot.start,
            defaults={"capacity": slot.capacity, "booked": slot.capacity},
        )
    with TestCase.captureOnCommitCallbacks(execute=True):  # as outside the test's transaction: at once
        calendars.invalidate_availability()


def entry(code):
    return WaitlistEntry.objects.get(code=code.replace("-", ""))


# --- Join --------------------------------------------------------------------------------------------


def test_join_a_full_day_is_201_with_the_code_and_the_place_in_the_queue(client):
    fill()
    response = join(client)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"code", "status", "position"}
    assert (body["status"], body["position"]) == ("waiting", 1)
    saved = entry(body["code"])
    assert (saved.window.code, saved.date_from, saved.date_to, saved.party_size) == ("kita", DAY, DAY, 1)
    assert (saved.service, saved.email, saved.status) == ("pickup", "hanako@example.jp", "waiting")
    assert saved.people.get().name == "新潟 太郎"
    assert Message.objects.filter(entry=saved, kind="waitlist_joined").count() == 1
    second = join(client)
    assert (second.status_code, second.json()["position"]) == (201, 2)


def test_join_while_a_fitting_slot_is_free_is_409_with_those_slots(client):
    response = join(client)
    assert response.status_code == 409
    body = response.json()
    assert set(body) == {"error", "alternatives"} and body["error"] == "seats_available"
    assert 1 <= len(body["alternatives"]) <= 5
    assert all(a == {"window": "kita", "date": "2026-12-01", "start": a["start"]} for a in body["alternatives"])
    assert body["alternatives"][0]["start"] == "09:00"
    assert not WaitlistEntry.objects.exists() and not WaitlistPerson.objects.exists()


@pytest.mark.parametrize(("overrides", "field"), [
    ({"email": None}, "email"),
    ({"email": ""}, "email"),
    ({"email": "not-an-address"}, "email"),
    ({"start": DAY, "end": DAY - dt.timedelta(days=1)}, "to"),  # R-L1: the last day before the first
    ({"start": NOW.date()}, "from"),  # today: not bookable (R-B2)
    ({"end": DAY + dt.timedelta(days=60)}, "to"),  # past the horizon
    ({"window": "nowhere"}, "window"),
    ({"window": 5}, "window"),
    ({"window": "chuo"}, "window"),  # R-W4: Chuo's office does not serve Kita's residents
    ({"service": "support"}, "service"),
    ({"ward": "outside"}, "ward"),
    ({"attendance": "proxy"}, "proxy_reason"),  # R-E5: a proxy needs a reason
    ({"proxy_reason": 3}, "proxy_reason"),  # and only a proxy gives one
    ({"party": 5}, "people"),
    ({"people": "x"}, "people"),
    ({"people": [{"notice_number": "123", "name": "新潟 太郎", "kana": "ニイガタ タロウ", "birth_date": BORN}]},
     "people.0.notice_number"),
    ({"people": [api_person(kana="新潟 太郎")]}, "people.0.kana"),
    ({"from": "2026-02-30"}, "from"),
    ({"to": 20261201}, "to"),
])
def test_join_breaking_a_rule_is_422_on_its_field_and_writes_nothing(client, overrides, field):
    fill()
    before = WaitlistEntry.objects.count()
    response = join(client, **overrides)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"], response.json()
    assert WaitlistEntry.objects.count() == before


def test_join_leaving_out_from_or_to_is_422(client):
    body = join_body()
    del body["from"], body["to"]
    response = post(client, "/api/v1/waitlist", body)
    assert response.status_code == 422 and {"from", "to"} <= set(response.json()["errors"])


@pytest.mark.parametrize("raw", ["{", "[]", '"x"', "null", "1e999999", b"\xff\xfe{}"])
def test_join_with_a_body_that_is_no_json_object_is_422(client, raw):
    response = post(client, "/api/v1/waitlist", raw)
    assert response.status_code == 422 and "__all__" in response.json()["errors"]
    assert not WaitlistEntry.objects.exists()


def test_a_second_active_entry_of_the_same_notice_number_is_422(client):
    fill()
    someone = api_person()
    assert join(client, people=[someone]).status_code == 201
    response = join(client, people=[someone])
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["people.0.notice_number"]
    assert "すでにキャンセル待ちに登録" in response.json()["errors"]["people.0.notice_number"][0]
    assert WaitlistEntry.objects.count() == 1


def test_a_notice_number_booked_already_cannot_join(client):
    bookings = fill()
    number = bookings[0].people.get().notice_number
    response = join(client, people=[api_person(notice_number=number)])
    assert response.status_code == 422 and "people.0.notice_number" in response.json()["errors"]
    assert not WaitlistEntry.objects.exists()


def test_messages_are_in_english_with_accept_language_en(client):
    fill()
    someone = api_person()
    join(client, people=[someone])
    response = join(client, language="en", people=[someone])
    assert response.json()["errors"]["people.0.notice_number"] == [
        "This person is on the waiting list already. To change the entry, look it up with its code."
    ]
    response = join(client, language="en", start=DAY, end=DAY - dt.timedelta(days=1))
    assert response.json()["errors"]["to"] == ["The last day comes before the first day. Choose the days again."]
    response = join(client, language="en", email=None)
    assert response.json()["errors"]["email"] == ["This field is required."]


# --- Application support (SPEC §8): no notice number, one entry per person -----------------------------


def support_person(**overrides):
    values = {"name": "新潟 花子", "kana": "ニイガタ ハナコ", "birth_date": "1985-06-01"}
    values.update(overrides)
    return values


def test_support_entries_need_no_notice_number_and_are_one_per_name_and_birth_date(client):
    full("chuo", DAY, "application_support")
    body = {"window": "chuo", "ward": "chuo", "service": "application_support"}
    response = join(client, people=[support_person()], **body)
    assert response.status_code == 201, response.content
    saved = entry(response.json()["code"])
    assert saved.service == "application_support" and saved.people.get().notice_number == ""
    # The same person, written with a full-width space: still the same person (R-L1).
    again = join(client, people=[support_person(name="新潟　花子", notice_number="123456789012345")], **body)
    assert again.status_code == 422 and list(again.json()["errors"]) == ["people.0.name"]
    # Born on another day: another person.
    assert join(client, people=[support_person(birth_date="1985-06-02")], **body).status_code == 201
    assert WaitlistEntry.objects.filter(service="application_support").count() == 2


def test_support_refuses_a_proxy_and_a_walk_in_window(client):
    proxy = join(client, window="chuo", ward="chuo", service="application_support", people=[support_person()],
                 attendance="proxy", proxy_reason=1)
    assert proxy.status_code == 422 and "attendance" in proxy.json()["errors"]
    walk_in = join(client, window="kita", service="application_support", people=[support_person()])
    assert walk_in.status_code == 422 and "window" in walk_in.json()["errors"]
    assert not WaitlistEntry.objects.exists()


# --- Any window the ward may use (window: null) -----------------------------------------------------


def test_any_window_means_the_ward_office_and_city_hall_for_pickup(client):
    full("kita", THURSDAY)
    free = join(client, window=None, start=THURSDAY, end=THURSDAY)
    assert free.status_code == 409
    assert {a["window"] for a in free.json()["alternatives"]} == {"cityhall"}
    bookings = fill("cityhall", THURSDAY, keep=dt.time(9, 30))
    body = join_body(start=THURSDAY, end=THURSDAY)
    del body["window"]  # left out: null
    joined = post(client, "/api/v1/waitlist", body)
    assert joined.status_code == 201
    code = joined.json()["code"]
    assert entry(code).window is None
    cancel_booking(client, bookings[0])
    offer = lookup(client, code).json()["offer"]
    assert (offer["window"], offer["date"], offer["start"]) == ("cityhall", "2026-12-03", "09:30")


# --- Look up, accept: the whole path --------------------------------------------------------------------


def test_join_cancel_a_booking_look_up_the_offer_accept_and_find_both(client):
    bookings = fill()
    code = join(client).json()["code"]
    waiting = lookup(client, code)
    assert waiting.status_code == 200
    assert waiting.json() == {"code": code, "service": "pickup", "status": "waiting", "position": 1, "offer": None,
                              "booking": None}

    cancel_booking(client, bookings[0])  # the hold is made before this call answers (R-L2)
    offered = lookup(client, code.replace("-", "").lower()).json()
    assert offered["status"] == "offered" and offered["position"] == 1 and offered["booking"] is None
    assert offered["offer"] == {"window": "kita", "date": "2026-12-01", "start": "09:00",
                                "expires_at": "2026-11-25T10:30:00+09:00"}

    accepted = act(client, code, "accept")
    assert accepted.status_code == 201
    body = accepted.json()
    assert set(body) == {"code", "status", "window", "date", "start", "end", "party_size", "service"}
    assert (body["status"], body["window"], body["date"], body["start"]) == ("booked", "kita", "2026-12-01", "09:00")
    booking = Booking.objects.get(code=body["code"].replace("-", ""))
    assert booking.people.get().birth_date == dt.date(1990, 4, 1)
    assert WaitlistOffer.objects.get(entry=entry(code)).outcome == "accepted"
    found = post(client, "/api/v1/bookings/lookup", {"code": body["code"], "birth_date": BORN})
    assert found.status_code == 200 and found.json()["code"] == body["code"]

    booked = lookup(client, code).json()
    assert booked == {"code": code, "service": "pickup", "status": "booked", "position": None, "offer": None,
                      "booking": body["code"]}
    assert entry(code).booking == booking
    assert act(client, code, "accept").json() == {"error": "no_offer"}


def test_accept_without_an_offer_is_409_no_offer_and_changes_nothing(client):
    bookings = fill()
    code = join(client).json()["code"]
    response = act(client, code, "accept")
    assert (response.status_code, response.json()) == (409, {"error": "no_offer"})
    assert entry(code).status == "waiting" and Booking.objects.count() == len(bookings)
    assert not WaitlistOffer.objects.exists()


def test_accept_after_the_offer_ended_is_409_and_the_entry_has_ended(client):
    bookings = fill()
    code = join(client).json()["code"]
    cancel_booking(client, bookings[0])
    with time_machine.travel(NOW + dt.timedelta(minutes=31), tick=False):
        response = act(client, code, "accept")
        assert (response.status_code, response.json()) == (409, {"error": "no_offer"})
        ended = lookup(client, code).json()
    assert (ended["status"], ended["position"], ended["offer"]) == ("expired", None, None)
    assert WaitlistOffer.objects.get().outcome == "expired"


def test_accept_for_a_person_who_has_booked_meanwhile_is_422_and_keeps_the_offer(client):
    bookings = fill()
    someone = api_person()
    code = join(client, people=[someone]).json()["code"]
    elsewhere = post(client, "/api/v1/bookings", api_body(date="2026-12-02", people=[someone]))
    assert elsewhere.status_code == 201
    cancel_booking(client, bookings[0])
    response = act(client, code, "accept", language="en")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["people.0.notice_number"]
    assert entry(code).status == "offered" and WaitlistOffer.objects.get().outcome == "open"
    assert Booking.objects.filter(people__notice_number=someone["notice_number"]).count() == 1


# --- Decline ---------------------------------------------------------------------------------------------


def test_decline_keeps_the_entry_waiting_and_passes_the_seat_to_the_next(client):
    bookings = fill()
    first, second = join(client).json()["code"], join(client).json()["code"]
    cancel_booking(client, bookings[0])
    assert lookup(client, first).json()["status"] == "offered"
    assert lookup(client, second).json() | {"code": None} == {
        "code": None, "service": "pickup", "status": "waiting", "position": 2, "offer": None, "booking": None}
    response = act(client, first, "decline")
    assert (response.status_code, response.json()) == (200, {"status": "waiting"})
    assert entry(first).status == "waiting" and entry(second).status == "offered"
    assert WaitlistOffer.objects.get(entry=entry(first)).outcome == "declined"
    assert lookup(client, second).json()["offer"]["start"] == "09:00"
    assert lookup(client, first).json()["offer"] is None


def test_decline_with_nothing_offered_is_409_no_offer(client):
    fill()
    code = join(client).json()["code"]
    response = act(client, code, "decline")
    assert (response.status_code, response.json()) == (409, {"error": "no_offer"})
    assert entry(code).status == "waiting"


# --- Cancel ----------------------------------------------------------------------------------------------


def test_cancel_leaves_the_list_and_again_is_still_cancelled(client):
    fill()
    code = join(client).json()["code"]
    response = act(client, code, "cancel")
    assert (response.status_code, response.json()) == (200, {"status": "cancelled"})
    saved = entry(code)
    assert saved.status == "cancelled" and saved.ended_at is not None
    assert not WaitlistPerson.objects.exclude(key="").exists()  # the person may join again
    assert act(client, code, "cancel").json() == {"status": "cancelled"}
    assert lookup(client, code).json()["status"] == "cancelled"


def test_cancelling_an_offered_entry_gives_the_seat_to_the_next(client):
    bookings = fill()
    first, second = join(client).json()["code"], join(client).json()["code"]
    cancel_booking(client, bookings[0])
    assert act(client, first, "cancel").json() == {"status": "cancelled"}
    assert WaitlistOffer.objects.get(entry=entry(first)).outcome == "withdrawn"
    assert entry(second).status == "offered"


def test_cancel_of_a_booked_or_ended_entry_is_409_not_cancellable(client):
    bookings = fill()
    code = join(client).json()["code"]
    cancel_booking(client, bookings[0])
    assert act(client, code, "accept").status_code == 201
    response = act(client, code, "cancel")
    assert (response.status_code, response.json()) == (409, {"error": "not_cancellable"})
    assert entry(code).status == "booked"


# --- Not found, rate limits, junk --------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["lookup", "accept", "decline", "cancel"])
def test_a_wrong_code_and_a_wrong_birth_date_are_404_alike(client, action):
    fill()
    code = join(client).json()["code"]

    def call(code, born):
        return lookup(client, code, born) if action == "lookup" else act(client, code, action, born)

    for wrong in (call(code, "1990-04-02"), call("ZZZZ-ZZZZ", BORN)):
        assert (wrong.status_code, wrong.json()) == (404, {"error": "not_found"})
    assert entry(code).status == "waiting"


def test_lookups_and_their_failures_are_rate_limited_per_address(client, settings):
    fill()
    code = join(client).json()["code"]
    for _ in range(settings.LOOKUP_FAILURE_LIMIT):
        assert lookup(client, "ZZZZ-ZZZZ").status_code == 404
    assert lookup(client, code).status_code == 429
    for action in ("accept", "decline", "cancel"):
        assert act(client, code, action).status_code == 429
    assert entry(code).status == "waiting"
    other = client.__class__(REMOTE_ADDR="10.0.0.2")
    assert lookup(other, code).status_code == 200


def test_a_found_entry_does_not_count_towards_the_limit(client, settings):
    fill()
    code = join(client).json()["code"]
    for _ in range(settings.LOOKUP_FAILURE_LIMIT + 2):
        assert lookup(client, code).status_code == 200


def test_joining_counts_as_a_booking_attempt(client, settings):
    settings.BOOKING_RATE_LIMIT = 2
    fill()
    assert [join(client).status_code for _ in range(3)] == [201, 201, 429]
    assert WaitlistEntry.objects.count() == 2


@pytest.mark.parametrize("body", [{}, [], "x", {"code": 5, "birth_date": BORN}, {"code": "ZZZZ-ZZZZ"},
                                  {"code": "", "birth_date": BORN}, {"code": "ZZZZ-ZZZZ", "birth_date": "2026-02-30"}])
def test_lookup_with_junk_is_422(client, body):
    response = post(client, "/api/v1/waitlist/lookup", body)
    assert response.status_code == 422 and response.json()["errors"]


@pytest.mark.parametrize("path", ["x" * 300, "%00", "ZZZZ%20ZZZZ", "%E3%81%82"])
@pytest.mark.parametrize("action", ["accept", "decline", "cancel"])
def test_junk_codes_in_the_path_are_404(client, path, action):
    response = act(client, path, action)
    assert (response.status_code, response.json()) == (404, {"error": "not_found"})


# --- Query counts, the document -------------------------------------------------------------------------


@pytest.mark.parametrize(("window", "queries"), [("kita", 4), (None, 7)])
def test_lookup_query_count_stays_flat(client, django_assert_max_num_queries, window, queries):
    bookings = fill("kita", THURSDAY)
    full("cityhall", THURSDAY)
    codes = [join(client, window=window, start=THURSDAY, end=THURSDAY, party=2 if n == 5 else 1).json()["code"]
             for n in range(6)]
    cancel_booking(client, bookings[0])
    for code, status, position in ((codes[0], "offered", 1), (codes[-1], "waiting", 6)):
        with django_assert_max_num_queries(queries):
            body = lookup(client, code).json()
        assert (body["status"], body["position"]) == (status, position)


def test_openapi_describes_the_waiting_list(client):
    document = client.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    expected = {
        "/api/v1/waitlist": {"201", "409", "422", "429"},
        "/api/v1/waitlist/lookup": {"200", "404", "422", "429"},
        "/api/v1/waitlist/{code}/accept": {"201", "404", "409", "422", "429"},
        "/api/v1/waitlist/{code}/decline": {"200", "404", "409", "422", "429"},
        "/api/v1/waitlist/{code}/cancel": {"200", "404", "409", "422", "429"},
    }
    for path, statuses in expected.items():
        operation = paths[path]["post"]
        assert set(operation["responses"]) == statuses, path
        assert "requestBody" in operation, path
    schemas = document["components"]["schemas"]
    body = schemas["WaitlistIn"]
    assert set(body["required"]) == {"from", "to", "ward", "attendance", "email", "people"}
    assert {"window", "from", "to", "service", "phone", "language", "proxy_reason"} <= set(body["properties"])
    assert body["properties"]["from"]["format"] == "date"
    assert {"type": "null"} in body["properties"]["window"]["anyOf"]
    assert set(schemas["EntryOut"]["properties"]) == {"code", "service", "status", "position", "offer", "booking"}
    assert set(schemas["OfferOut"]["properties"]) == {"window", "date", "start", "expires_at"}
