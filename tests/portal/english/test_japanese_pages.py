"""The other way round: Japanese pages (and their form errors) show no untranslated English."""

import pytest

from tests.reservations.factories import booking_in_state

from .checks import INFO_PAGES, assert_no_english, english_runs, visible_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("city_windows", "booking_day")]


def test_japanese_pages_show_no_untranslated_english(client, clerk_kita):
    pages = ["/", "/guide/", *(f"/guide/{page}" for page in INFO_PAGES), "/windows/", "/windows/kita/",
             "/windows/cityhall/?month=2026-11", "/what-to-bring/", "/what-to-bring/questions/who/",
             "/what-to-bring/documents/?role=applicant_in_person&documents=student_id", "/what-to-bring/proxy/",
             "/what-to-bring/proxy/?proxy_reason=4&applicant_age=8", "/what-to-bring/pin/", "/fees/",
             "/fees/?reason=lost&old_card_returned=no&with_certificates=yes&noto_earthquake=no", "/book/", "/booking/",
             "/no-such-page/", "/staff/login/"]
    found = []
    for path in pages:
        response = client.get(path)
        assert '<html lang="ja"' in response.content.decode(), path
        found += [(path, run) for run in english_runs(visible_text(response.content.decode()))]
    booking = booking_in_state("booked")
    client.force_login(clerk_kita)
    for path in ["/staff/", f"/staff/windows/kita/?date={booking.date}", f"/staff/booking/{booking.code}/",
                 f"/staff/booking/{booking.code}/cancel/", "/staff/windows/kita/stats/?month=2026-11"]:
        found += [(path, run) for run in english_runs(visible_text(client.get(path).content.decode()))]
    assert_no_english(found)


def test_japanese_form_errors_show_no_untranslated_english(client):
    found = []
    for path, data in [("/book/", {}), ("/booking/", {"code": ""}), ("/staff/login/", {"username": "x"}),
                       ("/guide/card-expiry/", {"birth_year": "1975"}), ("/what-to-bring/questions/who/", {})]:
        response = client.post(path, data)
        found += [(f"POST {path}", run) for run in english_runs(visible_text(response.content.decode()))]
    assert_no_english(found)
