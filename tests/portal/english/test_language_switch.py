"""The language switch keeps the page, its query string and the answers kept in the session."""

import pytest

from reservations.models import Booking
from tests.reservations.booking_steps import look_up, person_fields, review_token
from tests.reservations.factories import booking_in_state

from .checks import INFO_PAGES, assert_switch_keeps_the_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("city_windows", "booking_day")]


def test_language_switch_keeps_the_page_and_its_query(client, clerk_kita):
    pages = [
        "/", "/windows/", "/windows/kita/", "/windows/cityhall/?month=2026-11", "/guide/",
        *(f"/guide/{page}" for page in INFO_PAGES),
        "/what-to-bring/",
        "/what-to-bring/documents/?role=applicant_in_person&documents=student_id&documents=pension_book",
        "/what-to-bring/proxy/?proxy_reason=4&applicant_age=8", "/what-to-bring/pin/",
        "/fees/?reason=lost&old_card_returned=no&with_certificates=yes&noto_earthquake=no",
        "/book/", "/booking/", "/staff/login/",
    ]
    for path in pages:
        assert_switch_keeps_the_page(client, path)

    # The wizard and the booking path keep their answers in the session, so both languages show the same step.
    client.post("/what-to-bring/questions/who/", {"attendance": "in_person"})
    assert_switch_keeps_the_page(client, "/what-to-bring/questions/age/")
    client.post("/book/", {"ward": "kita", "attendance": "in_person", "party_size": "1", "proxy_reason": ""})
    for path in ["/book/window/", "/book/kita/", "/book/kita/?date=2026-12-01", "/book/kita/2026-12-01/0900/"]:
        assert_switch_keeps_the_page(client, path)
    client.post("/book/kita/2026-12-01/0900/", {"email": "taro@example.jp", "phone": "", **person_fields(0)})
    review = client.get("/book/review/")
    assert_switch_keeps_the_page(client, "/book/review/")
    client.post("/book/review/", {"token": review_token(review.content.decode())})
    assert_switch_keeps_the_page(client, "/book/done/")
    look_up(client, Booking.objects.get())
    for path in ["/booking/manage/", "/booking/manage/move/?date=2026-12-03", "/booking/manage/cancel/"]:
        assert_switch_keeps_the_page(client, path)

    booking = booking_in_state("booked")
    client.force_login(clerk_kita)
    for path in ["/staff/", "/staff/affected/", f"/staff/windows/kita/?date={booking.date}",
                 "/staff/windows/kita/stats/?month=2026-11", f"/staff/booking/{booking.code}/",
                 f"/staff/booking/{booking.code}/cancel/", f"/staff/booking/{booking.code}/move/?date=2026-12-01"]:
        assert_switch_keeps_the_page(client, path)
