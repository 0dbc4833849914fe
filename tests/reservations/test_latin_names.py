"""
Names in Latin letters (SPEC R-B4, API.md "Names in Latin letters"): a name
written in Latin letters, as on many foreign residents' records, may give its
reading (フリガナ) in the same Latin letters — on the pages, in the API and in
the staff phone booking; the day list, its CSV and the mails show the reading
as stored.
"""

import csv
import io
import json

import pytest
from django.core import mail

from reservations.models import Booking, BookingPerson

from .booking_steps import confirm, start
from .factories import api_body, api_person, notice_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]

DETAILS = "/en/book/kita/2026-12-01/0900/"


def details(client, name, kana, language="en"):
    start(client)
    data = {"email": "maria@example.jp", "phone": "", "p0-notice_number": notice_number(), "p0-name": name,
            "p0-kana": kana, "p0-birth_year": "1990", "p0-birth_month": "4", "p0-birth_day": "1"}
    return client.post(DETAILS if language == "en" else DETAILS.removeprefix("/en"), data)


def post(client, body, language=None):
    headers = {"Accept-Language": language} if language else {}
    return client.post("/api/v1/bookings", json.dumps(body), content_type="application/json", headers=headers)


# --- The pages ---------------------------------------------------------------------------


def test_details_page_says_a_latin_name_may_be_repeated_in_latin_letters(client):
    start(client)
    assert "may be repeated in the same Latin letters, e.g. GARCIA MARIA" in client.get(DETAILS).content.decode()
    assert "同じローマ字でも入力できます" in client.get(DETAILS.removeprefix("/en")).content.decode()


def test_a_foreign_resident_books_with_the_name_repeated_in_latin_letters(client, django_capture_on_commit_callbacks):
    response = details(client, "GARCIA MARIA", "garcia  maria")
    assert response.status_code == 302 and response["Location"] == "/en/book/review/"
    assert "GARCIA MARIA (GARCIA MARIA)" in client.get("/en/book/review/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response, _token = confirm(client)
    assert response["Location"] == "/en/book/done/"
    person = BookingPerson.objects.get()
    assert (person.name, person.kana) == ("GARCIA MARIA", "GARCIA MARIA")  # the reading in upper case
    assert len(mail.outbox) == 1 and Booking.objects.get().display_code in mail.outbox[0].body


def test_accented_name_and_plain_reading_spell_the_same_letters(client):
    assert details(client, "García María", "GARCIA MARIA").status_code == 302


@pytest.mark.parametrize(
    "name, kana, message",
    [
        ("GARCIA MARIA", "MARIA GARCIA", "repeat the name letter for letter"),
        ("GARCIA MARIA", "ガルシア MARIA", "or repeat the name in the same Latin letters"),
        ("新潟 太郎", "NIIGATA TARO", "Latin letters are accepted only for a name written in Latin letters"),
    ],
)
def test_details_page_refuses_a_latin_reading_that_is_not_the_latin_name(client, name, kana, message):
    response = details(client, name, kana)
    html = response.content.decode()
    assert response.status_code == 200 and message in html and 'href="#id_p0-kana"' in html
    assert "booking_details" not in client.session


def test_japanese_page_refuses_in_japanese(client):
    html = details(client, "新潟 太郎", "NIIGATA TARO", language="ja").content.decode()
    assert "ローマ字で入力できるのは、氏名をローマ字で書いた場合だけです。" in html


def test_a_latin_name_may_still_give_a_katakana_reading(client):
    assert details(client, "GARCIA MARIA", "がるしあ まりあ").status_code == 302
    assert client.session["booking_details"]["people"][0]["kana"] == "ガルシア マリア"


# --- The API -----------------------------------------------------------------------------


def test_api_books_a_latin_name_with_its_latin_reading(client):
    body = api_body(people=[api_person(name="O'Brien Seán", kana="obrien sean")])
    assert post(client, body).status_code == 201
    person = BookingPerson.objects.get()
    assert (person.name, person.kana) == ("O'Brien Seán", "OBRIEN SEAN")


@pytest.mark.parametrize(
    "person, words",
    [
        (api_person(name="GARCIA MARIA", kana="GARSIA MARIA"), "repeat the name letter for letter"),
        (api_person(name="新潟 太郎", kana="NIIGATA TARO"), "Latin letters are accepted only for a name written in Latin"),
        (api_person(name="GARCIA MARIA", kana="ガルシア マリア 1"), "or repeat the name in the same Latin letters"),
    ],
)
def test_api_refuses_a_latin_reading_that_is_not_the_latin_name_on_its_kana_field(client, person, words):
    body = api_body(people=[api_person(name="GARCIA JUAN", kana="GARCIA JUAN"), person])
    response = post(client, body, language="en")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert list(errors) == ["people.1.kana"] and words in errors["people.1.kana"][0]
    assert not Booking.objects.exists()


def test_api_refusal_of_a_latin_reading_is_in_japanese_by_default(client):
    body = api_body(people=[api_person(name="GARCIA MARIA", kana="MARIA GARCIA")])
    message = post(client, body).json()["errors"]["people.0.kana"][0]
    assert "氏名欄と同じつづり" in message


# --- The staff phone booking, the day list and its CSV --------------------------------------


def phone_booking(client, name, kana):
    return client.post("/staff/book/", {
        "window": "chuo", "date": "2026-12-01", "ward": "chuo", "attendance": "in_person", "start": "09:00",
        "p0-notice_number": notice_number(), "p0-name": name, "p0-kana": kana, "p0-birth_year": "1980",
        "p0-birth_month": "1", "p0-birth_day": "2", "phone": "025-111-2222", "email": "",
    })


def test_phone_booking_takes_a_latin_reading_and_the_csv_shows_it(client, operator, clerk_chuo):
    client.force_login(operator)
    assert phone_booking(client, "NGUYEN VAN AN", "Nguyen Van An").status_code == 302
    assert BookingPerson.objects.get().kana == "NGUYEN VAN AN"
    client.force_login(clerk_chuo)
    assert "NGUYEN VAN AN" in client.get("/staff/windows/chuo/", {"date": "2026-12-01"}).content.decode()
    raw = client.get("/staff/windows/chuo/export.csv", {"date": "2026-12-01"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))
    assert rows[0][2:4] == ["氏名", "フリガナ"] and rows[1][2:4] == ["NGUYEN VAN AN", "NGUYEN VAN AN"]


def test_phone_booking_refuses_a_latin_reading_of_a_japanese_name(client, operator):
    client.force_login(operator)
    response = phone_booking(client, "新潟 花子", "NIIGATA HANAKO")
    assert response.status_code == 200
    assert "ローマ字で入力できるのは" in response.content.decode()
    assert not Booking.objects.exists()


@pytest.mark.parametrize("control", ["\u202e", "\u202a", "\u2066", "\u2069"])
@pytest.mark.parametrize("field", ["name", "kana"])
def test_invisible_direction_characters_are_refused_in_names(client, control, field):
    """Issue #18: bidirectional controls would reorder what staff read on screen and in the CSV."""
    body = api_body()
    body["people"][0][field] = body["people"][0][field][:2] + control + body["people"][0][field][2:]
    response = client.post("/api/v1/bookings", json.dumps(body), content_type="application/json",
                           headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "invisible text-direction" in response.json()["errors"][f"people.0.{field}"][0]
    assert not Booking.objects.exists()
