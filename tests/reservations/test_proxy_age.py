"""
R-E5: proxy cases 4 (pre-school, elementary and junior high school children)
and 6 (aged 75 or over) are age-bound. A booking applies the rule of the
what-to-bring tools (eligibility.rules.proxy_reason_problem) to every person
whose card the proxy picks up, at their age on the pickup day — in the API,
on the pages, in the staff phone booking, and in booking_create() last.
"""

import datetime as dt
import json

import pytest

from reservations.booking.services import BookingRefused, booking_create, booking_reschedule
from reservations.models import Booking, SlotCounter

from .booking_steps import confirm, start
from .factories import NOW, api_body, api_person, booking_data, notice_number, person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]

PICKUP = "2026-12-01"
CASE_6 = "Case 6 is for applicants aged 75 or over."
CASE_4 = "Case 4 is for children up to junior high school (aged 15 at most)."


def book(client, reason, *born, language="en"):
    body = api_body(date=PICKUP, attendance="proxy", proxy_reason=reason,
                    people=[api_person(birth_date=day) for day in born])
    return client.post("/api/v1/bookings", json.dumps(body), content_type="application/json",
                       headers={"Accept-Language": language})


def nothing_written():
    return not Booking.objects.exists() and not SlotCounter.objects.filter(booked__gt=0).exists()


# --- The API -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reason, born, words",
    [
        (6, "1990-04-01", CASE_6),  # 36 on the pickup day
        (6, "1951-12-02", CASE_6),  # 74: the pickup day is the day before the 75th birthday
        (4, "2010-06-01", CASE_4),  # 16
    ],
)
def test_api_refuses_an_age_bound_proxy_case_the_applicant_does_not_fit(client, reason, born, words):
    response = book(client, reason, born)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert list(errors) == ["proxy_reason"] and errors["proxy_reason"][0].startswith(words)
    assert "on the day of the pickup" in errors["proxy_reason"][0]
    assert nothing_written()


@pytest.mark.parametrize(
    "reason, born",
    [
        (6, ["1951-12-01"]),  # 75 on the pickup day itself
        (6, ["1940-01-01", "1945-05-05"]),
        (4, ["2011-06-01"]),  # 15: junior high school
        (4, ["2020-06-01", "2015-01-01"]),
        (1, ["1990-04-01"]),  # not age-bound
    ],
)
def test_api_books_a_proxy_case_every_person_fits(client, reason, born):
    response = book(client, reason, *born)
    assert response.status_code == 201, response.content
    assert Booking.objects.get().proxy_reason == reason


def test_api_refuses_a_party_when_one_person_does_not_fit(client):
    response = book(client, 6, "1940-01-01", "1960-01-01")  # 86 and 66
    assert response.status_code == 422 and list(response.json()["errors"]) == ["proxy_reason"]
    assert nothing_written()


def test_api_refusal_is_in_japanese_by_default(client):
    message = book(client, 6, "1990-04-01", language="ja").json()["errors"]["proxy_reason"][0]
    assert message.startswith("ケース6は75歳以上の方が対象です。")


# --- The service, as the last line ---------------------------------------------------------


def test_booking_create_refuses_an_age_bound_case_on_proxy_reason():
    data = booking_data(date=dt.date(2026, 12, 1), attendance="proxy", proxy_reason=6,
                        people=(person(birth_date=dt.date(1990, 4, 1)),))
    with pytest.raises(BookingRefused) as refused:
        booking_create(data=data, now=NOW)
    assert list(refused.value.messages()) == ["proxy_reason"]
    assert nothing_written()


def test_a_move_keeps_an_age_bound_case_to_its_age():
    """R-E5 on a move: case 6 booked on the 75th birthday cannot move to the day before it."""
    born = dt.date(1951, 12, 2)  # 75 on Wednesday 2026-12-02, 74 on Tuesday 2026-12-01
    booking = booking_create(data=booking_data(date=dt.date(2026, 12, 2), attendance="proxy", proxy_reason=6,
                                               people=(person(birth_date=born),)), now=NOW)
    with pytest.raises(BookingRefused) as refused:
        booking_reschedule(booking=booking, window=booking.window, date=dt.date(2026, 12, 1), start=booking.start,
                           now=NOW)
    assert list(refused.value.messages()) == ["proxy_reason"]
    booking.refresh_from_db()
    assert booking.date == dt.date(2026, 12, 2)
    moved = booking_reschedule(booking=booking, window=booking.window, date=dt.date(2026, 12, 3),
                               start=booking.start, now=NOW)
    assert moved.date == dt.date(2026, 12, 3)


# --- The pages ---------------------------------------------------------------------------


def test_pages_refuse_the_booking_and_say_why(client):
    start(client, attendance="proxy", proxy_reason="4")
    data = {"email": "taro@example.jp", "phone": "", "p0-notice_number": notice_number(), "p0-name": "新潟 太郎",
            "p0-kana": "ニイガタ タロウ", "p0-birth_year": "2010", "p0-birth_month": "6", "p0-birth_day": "1"}
    # Said on the details page, where the dates of birth are typed, not first at the review.
    response = client.post(f"/en/book/kita/{PICKUP}/0900/", data)
    assert response.status_code == 200
    assert CASE_4 in response.content.decode()
    assert nothing_written()


def test_the_review_refuses_too_when_the_reason_changed_after_the_details(client):
    """The service is the last line: a reason changed on step 1 after the details is refused at the review."""
    start(client, attendance="proxy", proxy_reason="5")
    data = {"email": "taro@example.jp", "phone": "", "p0-notice_number": notice_number(), "p0-name": "新潟 太郎",
            "p0-kana": "ニイガタ タロウ", "p0-birth_year": "2010", "p0-birth_month": "6", "p0-birth_day": "1"}
    assert client.post(f"/en/book/kita/{PICKUP}/0900/", data).status_code == 302
    session = client.session
    session["booking_start"]["proxy_reason"] = 4
    session.save()
    response, _token = confirm(client)
    assert response.status_code == 422
    assert CASE_4 in response.content.decode()
    assert nothing_written()


# --- The staff phone booking -----------------------------------------------------------------


def phone_booking(client, reason, year):
    return client.post("/staff/book/", {
        "window": "chuo", "date": PICKUP, "ward": "chuo", "attendance": "proxy", "proxy_reason": str(reason),
        "start": "09:00", "p0-notice_number": notice_number(), "p0-name": "新潟 花子", "p0-kana": "ニイガタ ハナコ",
        "p0-birth_year": str(year), "p0-birth_month": "1", "p0-birth_day": "2", "phone": "025-111-2222", "email": "",
        "proxy_name": "新潟 次郎", "proxy_phone": "090-1234-5678",  # issue #15: who comes as the proxy
    })


def test_phone_booking_shows_the_refusal_on_the_proxy_reason_field(client, operator):
    client.force_login(operator)
    response = phone_booking(client, 6, 1980)
    assert response.status_code == 200
    assert response.context["form"].errors["proxy_reason"][0].startswith("ケース6は75歳以上の方が対象です。")
    assert 'href="#id_proxy_reason' in response.content.decode()
    assert nothing_written()
    assert phone_booking(client, 6, 1940).status_code == 302
    assert Booking.objects.get().proxy_reason == 6
