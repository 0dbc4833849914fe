"""
Property tests of the JSON API (API.md) with random and half-valid input.

Whatever a client sends: never a 5xx, every 4xx is a JSON body of the
contract's shape, and a booking request that does not answer 201 leaves no
Booking, no BookingPerson and no taken seat behind (never a partial booking).
The number of examples is bounded so the whole file stays well under a minute.
"""

import datetime as dt
import json
import urllib.parse

import pytest
from django.core.cache import cache
from django.db.models import Sum
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from reservations.models import Booking, BookingPerson, BookingQuota, SlotCounter, WaitlistEntry, WaitlistPerson

from .reservations.factories import api_body, api_person, notice_number
from .reservations.test_api_waitlist import full, join_body

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day", "clear_cache")]

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)

WINDOWS = ["kita", "higashi", "chuo", "konan", "akiha", "minami", "nishi", "nishikan", "cityhall"]
SERVICES = ["pickup", "application_support"]  # API.md "Services"; left out, a call means pickup
WARDS = WINDOWS[:-1] + ["outside"]

# --- Strategies -----------------------------------------------------------------------------

HUGE = st.sampled_from([
    "x" * 100_000,
    "1" * 100_000,
    "ア" * 100_000,
    "2026-12-01" + "0" * 100_000,
    "09:00" * 20_000,
    "\x00" * 100_000,
])
IMPOSSIBLE_DATES = st.sampled_from([
    "2026-02-30", "2026-13-01", "2026-00-10", "2026-11-31", "0000-00-00", "0001-01-01", "9999-12-31",
    "10000-01-01", "-2026-12-01", "+2026-12-01", "2026-12-1", "20261201", "2026/12/01", "２０２６-１２-０１",
    "2026-12-01T09:00", "2026-12-01 ", " 2026-12-01", "2026-W49-2", "1900-02-29", "2100-02-29", "",
])
IMPOSSIBLE_TIMES = st.sampled_from([
    "24:00", "25:00", "09:60", "9:00", "09:00:00", "09:00:00.5", "0900", "-09:00", "09:07", "０９:００", "",
    "23:59", "00:00", "09:00+09:00", "09:00Z",
])
# Any real date, as text: the far past and future push date arithmetic to its limits.
ANY_DATE = st.dates().map(dt.date.isoformat)
NEAR_DATE = st.dates(dt.date(2026, 11, 20), dt.date(2027, 1, 10)).map(dt.date.isoformat)
BOOKABLE_DATE = st.dates(dt.date(2026, 11, 26), dt.date(2026, 12, 24)).map(dt.date.isoformat)  # the horizon
SLOT_TIME = st.sampled_from([f"{h:02d}:{m:02d}" for h in range(8, 18) for m in (0, 15, 30, 45)])
# Text that JSON can carry, lone surrogates included (json.dumps escapes them).
# Strings that trip encoders and databases: NUL (PostgreSQL text refuses it), lone surrogates
# (valid in JSON as "\ud800", not encodable as UTF-8), BOM, bidi override, astral characters.
NASTY = st.sampled_from([
    "\x00", "kita\x00", "a\x00b", "\ud800", "\udfff", "kita\ud800", "\ufeff", "\u202e", "🙂", "𠮷", "\n", " ",
    "'; DROP TABLE reservations_booking; --", "<script>alert(1)</script>", "%00", "..", "NaN", "null", "０",
])
ANY_TEXT = st.one_of(st.text(max_size=40), NASTY)
SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),  # NaN and ±Infinity too: Python's json reads them
    ANY_TEXT,
)
JUNK = st.recursive(
    SCALAR,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(ANY_TEXT, children, max_size=4),
    max_leaves=12,
)
WRONG_TYPE = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.lists(SCALAR, max_size=3),
    st.dictionaries(ANY_TEXT, SCALAR, max_size=3),
)


@st.composite
def mutated(draw, good, bad, max_changes=2):
    """
    A body built from ``good`` (name → strategy of plausible values) in which
    up to ``max_changes`` fields take a value of ``bad`` (name → strategy) or
    are left out, and sometimes an unknown key is added: semi-valid input.
    """
    body = draw(st.fixed_dictionaries(good))
    for name in draw(st.lists(st.sampled_from(sorted(good)), max_size=max_changes, unique=True)):
        if draw(st.integers(0, 4)) == 0:
            body.pop(name)
        else:
            body[name] = draw(bad[name])
    if draw(st.integers(0, 6)) == 0:
        body.update(draw(st.dictionaries(ANY_TEXT, JUNK, min_size=1, max_size=2)))
    return body


def broken(specific=st.nothing()):
    return st.one_of(specific, NASTY, ANY_TEXT, HUGE, WRONG_TYPE, JUNK)


BROKEN_DATE = broken(st.one_of(IMPOSSIBLE_DATES, ANY_DATE))
BROKEN_TIME = broken(IMPOSSIBLE_TIMES)
BROKEN_BOOL = broken(st.sampled_from(["true", "false", 0, 1, "yes"]))
BIRTH_DATE = st.dates(dt.date(1900, 1, 1), dt.date(2026, 11, 25)).map(dt.date.isoformat)

PERSON_GOOD = {
    "notice_number": st.integers(10**14, 10**15 - 1).map(str),
    "name": st.sampled_from(["新潟 太郎", "Niigata Taro", "𠮷田 花子", "新潟　花子"]),
    "kana": st.sampled_from(["ニイガタ タロウ", "にいがた たろう", "ヴァ ー", "ﾆｲｶﾞﾀ ﾀﾛｳ"]),
    "birth_date": BIRTH_DATE,
}
PERSON_BAD = {
    "notice_number": broken(st.sampled_from(["123456789018", "1234-5678-9018", "1" * 16, "１２３"])),
    "name": broken(st.just("")),
    "kana": broken(st.sampled_from(["新潟 太郎", "abc", ""])),
    "birth_date": BROKEN_DATE,
}
PERSON = mutated(PERSON_GOOD, PERSON_BAD, max_changes=1)
BOOKING_GOOD = {
    "window": st.sampled_from(WINDOWS),
    "date": BOOKABLE_DATE | NEAR_DATE,
    "start": SLOT_TIME,
    "ward": st.sampled_from(WARDS),
    "attendance": st.sampled_from(["in_person", "in_person", "with_legal_representative", "proxy"]),
    "proxy_reason": st.none() | st.integers(1, 11),
    "email": st.sampled_from(["", "taro@example.jp", "太郎@例え.jp"]),
    "phone": st.sampled_from(["", "025-000-0000", "０２５－０００－００００"]),
    "language": st.sampled_from(["ja", "en"]),
    "people": st.lists(PERSON, min_size=1, max_size=2),
    "service": st.sampled_from(["pickup", *SERVICES]),
}
BOOKING_BAD = {
    "window": broken(st.sampled_from(["KITA", "nowhere", ""])),
    "date": BROKEN_DATE,
    "start": BROKEN_TIME,
    "ward": broken(st.sampled_from(["shinjuku", "KITA", ""])),
    "attendance": broken(st.just("somebody")),
    "proxy_reason": broken(st.integers() | st.sampled_from(["3", 3.0, 3.5, True])),
    "email": broken(st.sampled_from(["not-an-address", "a@b", "@", "x" * 300 + "@example.jp"])),
    "phone": broken(st.sampled_from(["12", "+81-25-000-0000", "0" * 30])),
    "language": broken(st.just("fr")),
    "people": broken(st.lists(PERSON, min_size=3, max_size=6) | st.just([]) | st.lists(JUNK, max_size=3)),
    "service": broken(st.sampled_from(["PICKUP", "support", "application-support"])),
}


@st.composite
def booking_bodies(draw):
    """A valid booking with some fields broken or removed, or plain junk."""
    kind = draw(st.sampled_from(["semi", "semi", "valid", "valid", "nasty", "nasty", "junk"]))
    if kind == "junk":
        return draw(JUNK)
    if kind == "nasty":  # a valid request with one odd string in one text field
        body = api_body()
        field = draw(st.sampled_from([*sorted(set(body) - {"people", "proxy_reason"}), *PERSON_GOOD]))
        target = body if field in body else body["people"][0]
        odd = draw(st.sampled_from(["\ud800", "\udfff", "\x00"]) | NASTY)
        target[field] = draw(st.sampled_from([odd, target[field] + odd]))
        return body
    body = draw(mutated(BOOKING_GOOD, BOOKING_BAD, max_changes=0 if kind == "valid" else 2))
    if kind == "valid":  # a request that can succeed: 201, 409 or a calendar rule's 422
        body["ward"] = body["window"] if body["window"] != "cityhall" else draw(st.sampled_from(WARDS[:-1]))
        body["attendance"], body["proxy_reason"] = draw(st.sampled_from(
            [("in_person", None), ("with_legal_representative", None), ("proxy", 6)]))
        body["email"], body["date"] = "taro@example.jp", draw(BOOKABLE_DATE)
        body["start"] = draw(st.sampled_from([f"{h:02d}:{m:02d}" for h in (9, 10, 11) for m in (0, 15, 30, 45)]))
        # A few notice numbers come back, so the same person books twice (refused inside the transaction).
        # (Fresh numbers come from the factories' counter: hypothesis would draw the same few again and again.)
        repeated = st.sampled_from(["100000000000777", "100000000000778"])
        body["people"] = [dict(PERSON_GOOD_FIXED, notice_number=n or notice_number())
                          for n in draw(st.lists(st.none() | st.none() | repeated, min_size=1, max_size=2))]
        if body["service"] == "application_support" and draw(st.booleans()):
            for person in body["people"]:  # not asked for support (R-A5); sent anyway, it is ignored
                del person["notice_number"]
    return body


PERSON_GOOD_FIXED = {"name": "新潟 太郎", "kana": "ニイガタ タロウ", "birth_date": "1990-04-01"}


RAW_BODIES = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.sampled_from([b"", b"null", b"[]", b"{", b'{"a":', b"\xff\xfe{}", b"NaN", b"1e999999", b"1" * 5000,
                     b'{"people": [' * 2000, b"[" * 100_000, ("{" + '"a":' * 50_000).encode()]),
    HUGE.map(str.encode),
)


def body_bytes(draw, bodies):
    """Encode a drawn body as JSON, or draw raw bytes instead."""
    if draw(st.integers(0, 5)) == 0:
        return draw(RAW_BODIES)
    return json.dumps(draw(bodies)).encode()


# --- Checks -------------------------------------------------------------------------------------


def check_contract(response, *, allowed=None):
    """Never 5xx; 4xx bodies are JSON in API.md's shape."""
    status = response.status_code
    _note(f"HTTP {status}")
    assert status < 500, (status, response.content[:2000])
    if allowed is not None:
        assert status in allowed, (status, response.content[:2000])
    if 400 <= status < 500:
        assert response["Content-Type"].startswith("application/json"), (status, response["Content-Type"],
                                                                          response.content[:500])
        body = json.loads(response.content)
        assert isinstance(body, dict), body
        if status == 422:
            errors = body.get("errors")
            assert set(body) == {"errors"} and isinstance(errors, dict) and errors, body
            for field, messages in errors.items():
                assert isinstance(field, str) and field, body
                assert isinstance(messages, list) and messages and all(isinstance(m, str) and m for m in messages), body
        else:
            assert isinstance(body.get("error"), str) and body["error"], body
            if status == 409 and body["error"] in ("slot_full", "seats_available"):  # a booking; joining the list
                assert set(body) == {"error", "alternatives"} and len(body["alternatives"]) <= 5, body
                for alternative in body["alternatives"]:
                    assert set(alternative) == {"window", "date", "start"}, body
            else:
                assert set(body) == {"error"}, body
    return status


def has_surrogate(value):
    return isinstance(value, str) and any("\ud800" <= c <= "\udfff" for c in value)


def decoded(raw):
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def _note(text):
    """Record a hypothesis event when running under hypothesis; plain tests call the same checks."""
    try:
        event(text)
    except InvalidArgument:
        pass


def snapshot():
    seats = SlotCounter.objects.aggregate(total=Sum("booked"))["total"] or 0
    return Booking.objects.count(), BookingPerson.objects.count(), seats


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def path_code(code):
    return urllib.parse.quote(code, safe="") or "%20"


# --- Bookings --------------------------------------------------------------------------------


@settings(FUZZ, max_examples=200)
@given(data=st.data())
def test_booking_is_whole_or_nothing(client, data):
    from django.core.cache import cache

    cache.clear()  # the booking attempts of earlier examples must not make every answer a 429
    BookingQuota.objects.all().delete()  # nor their bookings use up the daily limits (issue #18)
    before = snapshot()
    raw = body_bytes(data.draw, booking_bodies())
    response = post(client, "/api/v1/bookings", raw)
    status = check_contract(response, allowed={201, 409, 422})
    if status == 422:
        _note(f"422 on {sorted(response.json()['errors'])[:3]}")
    after = snapshot()
    if status == 201:
        size = response.json()["party_size"]
        assert after == (before[0] + 1, before[1] + size, before[2] + size), (before, after)
        assert Booking.objects.filter(code=response.json()["code"].replace("-", "")).exists()
    else:
        assert after == before, (status, response.content[:500], before, after)


@pytest.fixture(params=SERVICES)
def booked(client, request):
    """One real booking of each service to look up, cancel and move: (code, birth date)."""
    body = api_body() if request.param == "pickup" else api_body(window="chuo", service=request.param)
    response = post(client, "/api/v1/bookings", json.dumps(body))
    assert response.status_code == 201
    return response.json()["code"], body["people"][0]["birth_date"]


def code_value(real):
    return st.one_of(
        st.just(real), st.just(real.lower()), st.just(real.replace("-", "")), st.just("ZZZZ-ZZZZ"),
        st.from_regex(r"\A[0-9A-Za-z-]{0,12}\Z"), ANY_TEXT, HUGE,
    )


def path_code_value(real):
    # No "/": Django decodes %2F before routing, so such a path matches no API route at all
    # (see test_an_unrouted_api_path_answers_json below).
    return code_value(real).filter(lambda code: "/" not in code and not has_surrogate(code))


@FUZZ
@given(data=st.data())
def test_lookup_answers_within_the_contract(client, booked, data):
    code, born = booked
    cache.clear()  # the failures of earlier examples must not make every answer a 429
    good = {"code": code_value(code), "birth_date": st.just(born) | BIRTH_DATE}
    bad = {"code": broken(), "birth_date": BROKEN_DATE}
    raw = body_bytes(data.draw, mutated(good, bad) | JUNK)
    before = snapshot()
    check_contract(post(client, "/api/v1/bookings/lookup", raw), allowed={200, 404, 422, 429})
    assert snapshot() == before


@FUZZ
@given(data=st.data())
def test_cancel_answers_within_the_contract(client, booked, data):
    code, born = booked
    cache.clear()
    path = path_code(data.draw(path_code_value(code)))
    good, bad = {"birth_date": st.just(born) | BIRTH_DATE}, {"birth_date": BROKEN_DATE}
    raw = body_bytes(data.draw, mutated(good, bad) | JUNK)
    was_booked = Booking.objects.get(code=code.replace("-", "")).status == "booked"
    before = snapshot()
    status = check_contract(post(client, f"/api/v1/bookings/{path}/cancel", raw), allowed={200, 404, 409, 422, 429})
    after = snapshot()
    if status == 200:  # cancelling frees the seat once; cancelling again changes nothing
        assert Booking.objects.get(code=code.replace("-", "")).status == "cancelled"
        assert after == (before[0], before[1], before[2] - (1 if was_booked else 0)), (before, after)
    else:
        assert after == before, (status, before, after)


@FUZZ
@given(data=st.data())
def test_reschedule_moves_the_seat_or_nothing(client, booked, data):
    code, born = booked
    cache.clear()
    path = path_code(data.draw(st.just(code) | st.just(code) | path_code_value(code)))
    good = {"birth_date": st.just(born), "window": st.sampled_from(WINDOWS), "date": BOOKABLE_DATE,
            "start": SLOT_TIME}
    bad = {"birth_date": BIRTH_DATE | BROKEN_DATE, "window": BOOKING_BAD["window"], "date": BROKEN_DATE,
           "start": BROKEN_TIME}
    raw = body_bytes(data.draw, mutated(good, bad) | JUNK)
    before_slot = Booking.objects.values_list("window__code", "date", "start").get(code=code.replace("-", ""))
    before = snapshot()
    status = check_contract(post(client, f"/api/v1/bookings/{path}/reschedule", raw),
                            allowed={200, 404, 409, 422, 429})
    after_slot = Booking.objects.values_list("window__code", "date", "start").get(code=code.replace("-", ""))
    assert snapshot() == before  # a move takes a seat and frees one
    if status != 200:
        assert after_slot == before_slot, (status, before_slot, after_slot)


# --- The waiting list (API.md "Waiting list", SPEC §9) ----------------------------------------------

WAITLIST_DAY = dt.date(2026, 12, 1)
WAITLIST_GOOD = {
    **{name: value for name, value in BOOKING_GOOD.items() if name not in ("date", "start")},
    "window": st.none() | st.sampled_from(WINDOWS),
    "from": BOOKABLE_DATE | NEAR_DATE,
    "to": BOOKABLE_DATE | NEAR_DATE,
}
WAITLIST_BAD = {
    **{name: value for name, value in BOOKING_BAD.items() if name not in ("date", "start")},
    "from": BROKEN_DATE,
    "to": BROKEN_DATE,
}


@st.composite
def waitlist_bodies(draw):
    """A request to join with some fields broken or removed, plain junk, or one that can succeed on the full day."""
    kind = draw(st.sampled_from(["semi", "semi", "valid", "valid", "junk"]))
    if kind == "junk":
        return draw(JUNK)
    if kind == "valid":  # the full day at Kita (201), or a day with seats (409), or a rule's 422
        body = join_body(window=draw(st.sampled_from(["kita", "kita", None, "cityhall"])))
        body["to"] = draw(st.sampled_from([body["to"], body["to"], "2026-12-02", "2026-12-24"]))
        repeated = st.sampled_from(["100000000000777", "100000000000778"])
        body["people"] = [api_person(notice_number=n or notice_number())
                          for n in draw(st.lists(st.none() | repeated, min_size=1, max_size=2))]
        return body
    return draw(mutated(WAITLIST_GOOD, WAITLIST_BAD, max_changes=2))


def waitlist_snapshot():
    return WaitlistEntry.objects.count(), WaitlistPerson.objects.count(), snapshot()


@pytest.fixture
def full_day(db):
    full("kita", WAITLIST_DAY)


@settings(FUZZ, max_examples=120)
@given(data=st.data())
def test_joining_the_waiting_list_is_whole_or_nothing(client, full_day, data):
    cache.clear()  # the attempts of earlier examples must not make every answer a 429
    before = waitlist_snapshot()
    response = post(client, "/api/v1/waitlist", body_bytes(data.draw, waitlist_bodies()))
    status = check_contract(response, allowed={201, 409, 422})
    after = waitlist_snapshot()
    if status == 201:
        saved = WaitlistEntry.objects.get(code=response.json()["code"].replace("-", ""))
        assert after == (before[0] + 1, before[1] + saved.party_size, before[2]), (before, after)
    else:
        assert after == before, (status, response.content[:500], before, after)
        if status == 422:
            _note(f"422 on {sorted(response.json()['errors'])[:3]}")


@pytest.fixture(params=SERVICES)
def waiting(client, full_day, request):
    """One waiting-list entry of each service to look up, accept, decline and cancel: (code, birth date)."""
    if request.param == "pickup":
        body = join_body()
    else:
        full("chuo", WAITLIST_DAY, request.param)
        body = join_body(window="chuo", ward="chuo", service=request.param)
    response = post(client, "/api/v1/waitlist", json.dumps(body))
    assert response.status_code == 201, response.content
    return response.json()["code"], body["people"][0]["birth_date"]


@FUZZ
@given(data=st.data())
def test_waitlist_lookup_and_actions_answer_within_the_contract(client, waiting, data):
    code, born = waiting
    cache.clear()
    action = data.draw(st.sampled_from(["lookup", "accept", "decline", "cancel"]))
    good, bad = {"birth_date": st.just(born) | BIRTH_DATE}, {"birth_date": BROKEN_DATE}
    if action == "lookup":
        url = "/api/v1/waitlist/lookup"
        good, bad = {**good, "code": code_value(code)}, {**bad, "code": broken()}
        allowed = {200, 404, 422, 429}
    else:
        url = f"/api/v1/waitlist/{path_code(data.draw(path_code_value(code)))}/{action}"
        allowed = {200, 404, 409, 422, 429} if action == "cancel" else {404, 409, 422, 429}  # nothing is offered
    before = waitlist_snapshot()
    status = check_contract(post(client, url, body_bytes(data.draw, mutated(good, bad) | JUNK)), allowed=allowed)
    assert waitlist_snapshot() == before  # nothing is written or taken; a cancel only ends the entry
    stored = WaitlistEntry.objects.get(code=code.replace("-", "")).status
    if action == "cancel" and status == 200:
        assert stored == "cancelled"
    assert stored in ("waiting", "cancelled")  # cancelled by an earlier example, or still waiting


# --- Eligibility and fees ---------------------------------------------------------------------------

DOCUMENT_TYPES = [
    "my_number_card", "drivers_license", "driving_history_certificate", "passport",
    "physical_disability_certificate", "mental_disability_certificate", "rehabilitation_certificate",
    "residence_card", "special_permanent_resident_certificate", "health_insurance_card",
    "medical_recipient_certificate", "pension_book", "care_insurance_card", "maternal_child_handbook",
    "employee_id", "student_id", "photo_certificate",
]
BOOL = st.booleans()
DOCUMENT = mutated(
    {"type": st.sampled_from(DOCUMENT_TYPES), "original": BOOL, "has_photo": BOOL,
     "issued_on": st.none() | ANY_DATE, "expires_on": st.none() | ANY_DATE,
     "shows_birth_date": BOOL, "shows_address": BOOL, "matches_resident_record": BOOL},
    {"type": broken(st.just("Passport")), "original": BROKEN_BOOL, "has_photo": BROKEN_BOOL,
     "issued_on": BROKEN_DATE, "expires_on": BROKEN_DATE, "shows_birth_date": BROKEN_BOOL,
     "shows_address": BROKEN_BOOL, "matches_resident_record": BROKEN_BOOL},
    max_changes=1,
).map(lambda doc: {k: v for k, v in doc.items() if v is not None or k not in ("issued_on", "expires_on")})

# url → (plausible values, broken values) of each body field
POST_ENDPOINTS = {
    "/api/v1/eligibility/identity": (
        {"role": st.sampled_from(["applicant_in_person", "applicant_by_proxy", "proxy"]),
         "pickup_date": ANY_DATE,
         "photo_certificate_basis": st.sampled_from(
             [None, "hospital_or_facility", "home_care", "minor_or_adult_ward", "social_withdrawal"]),
         "documents": st.lists(DOCUMENT, max_size=4)},
        {"role": broken(st.just("applicant")), "pickup_date": BROKEN_DATE,
         "photo_certificate_basis": broken(st.just("hospital")),
         "documents": broken(st.lists(DOCUMENT, min_size=31, max_size=35) | st.lists(JUNK, min_size=1, max_size=3))},
    ),
    "/api/v1/eligibility/checklist": (
        {"attendance": st.sampled_from(["in_person", "with_legal_representative", "proxy"]),
         "proxy_reason": st.none() | st.integers(1, 11), "applicant_age": st.none() | st.integers(0, 150),
         "adult_ward": BOOL, "replacing_card": BOOL, "has_notification_card": BOOL,
         "has_resident_register_card": BOOL, "sub_proxy": BOOL},
        {"attendance": broken(st.just("proxy ")), "proxy_reason": broken(st.integers() | st.just(True)),
         "applicant_age": broken(st.integers() | st.just(34.0) | st.just(-1)),
         "adult_ward": BROKEN_BOOL, "replacing_card": BROKEN_BOOL, "has_notification_card": BROKEN_BOOL,
         "has_resident_register_card": BROKEN_BOOL, "sub_proxy": BROKEN_BOOL},
    ),
    "/api/v1/eligibility/move-in": (
        {"planned_move_out_date": st.none() | ANY_DATE, "started_living_on": ANY_DATE,
         "move_in_notified_on": ANY_DATE, "card_presented_at_move_in": BOOL,
         "card_face_change_notified_on": st.none() | ANY_DATE, "moved_out_again_on": st.none() | ANY_DATE,
         "today": st.none() | ANY_DATE},
        {"planned_move_out_date": BROKEN_DATE, "started_living_on": BROKEN_DATE,
         "move_in_notified_on": BROKEN_DATE, "card_presented_at_move_in": BROKEN_BOOL,
         "card_face_change_notified_on": BROKEN_DATE, "moved_out_again_on": BROKEN_DATE, "today": BROKEN_DATE},
    ),
    "/api/v1/fees/quote": (
        {"reason": st.sampled_from(["first_issue", "renewal", "lost", "damaged", "invalidated_own_fault",
                                    "invalidated_not_own_fault", "card_full", "certificate_only"]),
         "old_card_returned": BOOL, "with_certificates": BOOL, "noto_earthquake": BOOL},
        {"reason": broken(st.just("theft")), "old_card_returned": BROKEN_BOOL, "with_certificates": BROKEN_BOOL,
         "noto_earthquake": BROKEN_BOOL},
    ),
}


@pytest.mark.parametrize("url", sorted(POST_ENDPOINTS))
@FUZZ
@given(data=st.data())
def test_eligibility_and_fee_posts_answer_within_the_contract(client, url, data):
    raw = body_bytes(data.draw, mutated(*POST_ENDPOINTS[url]) | JUNK)
    check_contract(post(client, url, raw), allowed={200, 422})


# --- GET endpoints with random query strings ---------------------------------------------------------

# The test client cannot put a lone surrogate into a URL (UTF-8), so queries and paths go without.
QUERY_TEXT = st.one_of(st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
                       NASTY.filter(lambda text: not any("\ud800" <= c <= "\udfff" for c in text)))
BROKEN_QUERY = st.one_of(IMPOSSIBLE_DATES, QUERY_TEXT, HUGE, st.integers().map(str),
                         st.lists(NEAR_DATE, min_size=2, max_size=3))


def sendable(value):
    """Whether the test client can put ``value`` into a query string (text, without lone surrogates)."""
    if isinstance(value, list):
        return all(sendable(item) for item in value)
    return isinstance(value, str) and not has_surrogate(value)


def query(good):
    """Plausible query parameters with up to two broken or left out, or unrelated keys."""
    return mutated(good, {name: BROKEN_QUERY for name in good}).map(
        lambda q: {k: v for k, v in q.items() if not has_surrogate(k) and sendable(v)}
    ) | st.dictionaries(QUERY_TEXT, QUERY_TEXT, max_size=3)


@FUZZ
@given(data=st.data())
def test_calendars_answer_within_the_contract(client, data):
    code = data.draw(st.one_of(st.sampled_from(WINDOWS), QUERY_TEXT, st.sampled_from(WINDOWS).map(lambda c: c + "\x00"))
                     .filter(lambda c: "/" not in c and c.strip()))
    kind = data.draw(st.sampled_from(["schedule", "availability"]))
    params = data.draw(query({"from": NEAR_DATE | ANY_DATE, "to": NEAR_DATE | ANY_DATE,
                              "service": st.sampled_from(["", *SERVICES])}))
    response = client.get(f"/api/v1/windows/{path_code(code)}/{kind}", params)
    status = check_contract(response, allowed={200, 404, 422})
    asked = params.get("service")
    asked = (asked[-1] if isinstance(asked, list) else asked) or "pickup"
    if status == 200:
        body = response.json()
        assert body["window"] == code and len(body["days"]) <= 93
        assert body["service"] == asked
    if code in WINDOWS and not (code == "cityhall" and asked == "application_support"):  # R-A2
        assert status != 404


@FUZZ
@given(params=query({"service": st.sampled_from(["", *SERVICES])}))
def test_windows_of_a_service_answer_within_the_contract(client, params):
    response = client.get("/api/v1/windows", params)
    if check_contract(response, allowed={200, 422}) == 200:
        assert {w["booking"] for w in response.json()["windows"]} <= {"required", "walk_in"}
    check_contract(client.get("/api/v1/services", params), allowed={200})


@FUZZ
@given(params=query({"birth_date": BIRTH_DATE, "issue_date": ANY_DATE, "application_date": ANY_DATE,
                     "certificate_issue_date": ANY_DATE}))
def test_card_validity_answers_within_the_contract(client, params):
    check_contract(client.get("/api/v1/eligibility/card-validity", params), allowed={200, 422})


@FUZZ
@given(params=st.dictionaries(QUERY_TEXT.filter(lambda key: key != "service"), QUERY_TEXT | HUGE, max_size=3))
def test_lists_ignore_junk_query_strings(client, params):
    for url in ("/api/v1/windows", "/api/v1/eligibility/proxy-reasons"):
        check_contract(client.get(url, params), allowed={200})


@pytest.mark.parametrize("url", ["/api/v1/bookings/AB%2FCD/cancel", "/api/v1/windows/a%2Fb/schedule"])
def test_an_unrouted_api_path_answers_json(client, url):
    response = client.post(url, "{}", content_type="application/json") if "cancel" in url else client.get(url)
    check_contract(response, allowed={404})


# --- Bugs found by the properties above (strict: they fail loudly once fixed) -------------------


@pytest.mark.parametrize("target", ["booking", "reschedule"])
def test_a_lone_surrogate_in_window_is_422(client, booked, target):
    code, born = booked
    if target == "booking":
        response = post(client, "/api/v1/bookings", json.dumps(api_body(window="\ud800")))
    else:
        body = {"birth_date": born, "window": "\ud800", "date": "2026-12-02", "start": "09:00"}
        response = post(client, f"/api/v1/bookings/{code}/reschedule", json.dumps(body))
    check_contract(response, allowed={422})


def test_a_lone_surrogate_in_a_name_is_422(client):
    body = api_body()
    body["people"][0]["name"] = "新潟\ud800"
    before = snapshot()
    try:
        check_contract(post(client, "/api/v1/bookings", json.dumps(body)), allowed={422})
    finally:
        assert snapshot() == before


@pytest.mark.postgres
@pytest.mark.parametrize("kind", ["schedule", "availability"])
def test_a_nul_in_the_window_code_is_404_on_postgresql(client, kind):
    from django.db.utils import DataError

    try:
        response = client.get(f"/api/v1/windows/kita%00/{kind}")
    except DataError as exc:
        pytest.fail(f"500: {exc}")
    check_contract(response, allowed={404})
