"""
The resident's side of application support (申請補助, SPEC §8, issue #14):
the choice of procedure, the booking path, the confirmation, look-up, move
and cancel, the window pages and the mails, posted as a browser without
JavaScript would. Today is Wednesday 2026-11-25, 10:00 in Niigata.
"""

import datetime as dt
import re

import pytest
from django.core import mail

from eligibility.rules import SUPPORT_CHECKLIST_CODES, application_support_checklist
from reservations.booking import services
from reservations.booking.services import booking_cancel, booking_create, booking_reschedule
from reservations.messaging import outbox
from reservations.models import Booking, Message

from .booking_steps import BIRTH, look_up, review_token
from .factories import NOW, booking_data, person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]

TODAY = dt.date(2026, 11, 25)
SUPPORT = "application_support"
# R-A1 in the words of the one explanation partial (templates/reservations/_support_explanation.*).
R_A1_EN = ("simple registered post (簡易書留)", "not your first one", "card face no longer matches",
           "came back undelivered", "incomplete documents", "When it arrives, book a time to pick up your card.")
R_A1_JA = ("簡易書留郵便", "紛失による再交付", "券面の記載が住民票", "返送された場合", "書類の不備", "受取予約")


def support_start(client, ward="chuo", attendance="in_person", party=1, prefix="/en"):
    return client.post(f"{prefix}/book/support/", {"ward": ward, "attendance": attendance, "party_size": str(party)})


def support_people(party=1, born=(1990, 4, 1)):
    data = {"email": "taro@example.jp", "phone": ""}
    for index in range(party):
        data.update({
            f"p{index}-name": "新潟 太郎", f"p{index}-kana": "にいがた たろう",
            f"p{index}-birth_year": str(born[0]), f"p{index}-birth_month": str(born[1]),
            f"p{index}-birth_day": str(born[2]),
        })
    return data


def book_support(client, day="2026-12-01", start="0900", prefix="/en", **kwargs):
    """Walk the support path to the confirmation; return the response of the confirming POST."""
    assert support_start(client, prefix=prefix, **kwargs).status_code == 302
    response = client.post(f"{prefix}/book/chuo/{day}/{start}/", support_people(kwargs.get("party", 1)))
    assert response.status_code == 302, response.content.decode()[:3000]
    review = client.get(f"{prefix}/book/review/").content.decode()
    return client.post(f"{prefix}/book/review/", {"token": review_token(review)})


def support_booking(**overrides):
    values = {"window": "chuo", "service": SUPPORT, "people": (person(notice_number=""),), "language": "en"}
    values.update(overrides)
    return booking_create(data=booking_data(**values), now=NOW)


# --- The choice of procedure ------------------------------------------------------------------


@pytest.mark.parametrize("prefix, pickup, support", [("", "カードを受け取る", "申請を手伝ってもらう"),
                                                     ("/en", "Pick up my card", "Get help applying")])
def test_home_and_book_pages_start_with_the_choice_of_procedure(client, prefix, pickup, support):
    for path in (f"{prefix}/", f"{prefix}/book/"):
        html = client.get(path).content.decode()
        assert pickup in html and support in html, path
        assert f'href="{prefix}/book/support/"' in html and f'href="{prefix}/book/"' in html
    # The pickup form stays on /book/ (its tests and bookmarks keep working).
    assert 'name="proxy_reason"' in client.get(f"{prefix}/book/").content.decode()


# --- The support path (R-A2, R-A4, R-A5) ---------------------------------------------------------


def test_whole_support_path_books_without_a_notice_number(client):
    start_page = client.get("/en/book/support/").content.decode()
    assert "Book application support" in start_page and "You need no issuance notice" in start_page
    assert "may be turned away" in start_page  # R-A4
    response = support_start(client, party=2)
    assert response.status_code == 302 and response["Location"] == "/en/book/window/"
    windows = client.get("/en/book/window/").content.decode()
    # R-A2: only the own ward office; never the City Hall window nor another ward's office.
    assert "Chuo Ward Office" in windows and 'href="/en/book/chuo/"' in windows
    assert "City Hall" not in windows and "Kita Ward Office" not in windows
    details = client.get("/en/book/chuo/2026-12-01/0900/").content.decode()
    assert "notice_number" not in details and "Issuance notice number" not in details  # R-A5
    response = client.post("/en/book/chuo/2026-12-01/0900/", support_people(2))
    assert response.status_code == 302 and response["Location"] == "/en/book/review/"
    review = client.get("/en/book/review/").content.decode()
    assert "Application support" in review and "Issuance notice number" not in review
    response = client.post("/en/book/review/", {"token": review_token(review)})
    assert response["Location"] == "/en/book/done/"
    booking = Booking.objects.get()
    assert booking.service == SUPPORT and booking.window.code == "chuo" and booking.party_size == 2
    assert booking.end == dt.time(9, 30)  # 30-minute slots (R-A3)
    assert list(booking.people.values_list("notice_number", flat=True)) == ["", ""]
    ics = client.get("/en/book/done/calendar.ics").content.decode()
    assert "DTSTART;TZID=Asia/Tokyo:20261201T090000" in ics and "DTEND;TZID=Asia/Tokyo:20261201T093000" in ics


def test_confirmation_shows_the_r_a6_checklist_and_explains_r_a1_in_english(client):
    book_support(client)
    done = client.get("/en/book/done/").content.decode()
    booking = Booking.objects.get()
    assert booking.display_code in done and "<svg" in done  # code and QR as for pickup
    for item in application_support_checklist("in_person"):  # R-A6
        assert str(item.label).replace("&", "&amp;") in done
    for words in R_A1_EN:
        assert words in done, words
    assert 'href="/en/book/"' in done  # the pickup that follows the issuance notice


def test_confirmation_in_japanese(client):
    response = book_support(client, prefix="")
    assert response["Location"] == "/book/done/"
    done = client.get("/book/done/").content.decode()
    # (The service's name comes from the model's label, translated with the models' strings.)
    assert "タブレットでの申請" in done and "本人確認書類2点以上" in done and "暗証番号設定依頼書" in done
    for words in R_A1_JA:
        assert words in done, words
    assert "交付通知書が届いた方" not in done


def test_support_start_page_in_japanese_offers_no_proxy(client):
    html = client.get("/book/support/").content.decode()
    assert "申請補助サービスを予約する" in html and "交付通知書は必要ありません" in html
    assert 'value="proxy"' not in html and 'name="proxy_reason"' not in html
    assert 'value="with_legal_representative"' in html


def test_proxy_is_not_offered_and_refused(client):
    # R-A5: the applicant in person or with a legal representative, never a proxy.
    html = client.get("/en/book/support/").content.decode()
    assert 'value="in_person"' in html and 'value="with_legal_representative"' in html
    assert 'value="proxy"' not in html and 'name="proxy_reason"' not in html
    response = support_start(client, attendance="proxy")
    assert response.status_code == 200
    assert "a proxy cannot apply" in response.content.decode()
    assert "booking_start" not in client.session


def test_legal_representative_is_accepted(client):
    response = book_support(client, attendance="with_legal_representative")
    assert response["Location"] == "/en/book/done/"
    booking = Booking.objects.get()
    assert booking.attendance == "with_legal_representative"
    codes = [item.code for item in booking.checklist()]
    assert codes[-1] == "legal_representative_id" and set(codes) <= set(SUPPORT_CHECKLIST_CODES)


def test_an_under_15_in_person_is_told_to_come_with_a_legal_representative(client):
    support_start(client)
    response = client.post("/en/book/chuo/2026-12-01/0900/", support_people(born=(2016, 4, 1)))
    assert response.status_code == 200 and "legal representative" in response.content.decode()
    assert not Booking.objects.exists()


@pytest.mark.parametrize("code", ["cityhall", "higashi"])
def test_only_the_own_ward_office_is_offered(client, code):
    # R-A2: the City Hall window and another ward's office send back to the own ward office.
    support_start(client)
    response = client.get(f"/en/book/{code}/", follow=True)
    assert response.redirect_chain[-1][0] == "/en/book/window/"
    assert "only at the ward office of the ward you are registered in" in response.content.decode()


@pytest.mark.parametrize("ward, name", [("kita", "Kita Ward Office"), ("nishi", "Nishi Ward Office")])
def test_walk_in_ward_office_says_so_with_its_hours_and_no_calendar(client, ward, name):
    # R-A4: Kita and Nishi take application support without bookings.
    support_start(client, ward=ward)
    html = client.get("/en/book/window/").content.decode()
    assert f"{name} takes no bookings for application support: it is walk-in only." in html
    assert "Hours of application support" in html and "9:00" in html and "16:00" in html
    assert "may be turned away when all the times are full" in html
    assert f'href="/en/book/{ward}/"' not in html
    response = client.get(f"/en/book/{ward}/", follow=True)
    assert response.redirect_chain[-1][0] == "/en/book/window/"
    assert "takes no bookings for application support" in response.content.decode()


def test_walk_in_page_in_japanese(client):
    support_start(client, ward="kita", prefix="")
    html = client.get("/book/window/").content.decode()
    assert "申請補助サービスの予約を受け付けていません" in html and "申請補助サービスの受付時間" in html
    assert "お受けできないことがあります" in html


def test_today_lists_times_from_30_minutes_ahead(client):
    # R-A4: same-day booking for slots starting at least 30 minutes from now (10:00).
    support_start(client)
    calendar = client.get("/en/book/chuo/").content.decode()
    assert "?date=2026-11-25" in calendar
    day = client.get("/en/book/chuo/?date=2026-11-25").content.decode()
    assert 'href="/en/book/chuo/2026-11-25/1030/"' in day
    assert 'href="/en/book/chuo/2026-11-25/1000/"' not in day and 'href="/en/book/chuo/2026-11-25/0930/"' not in day
    # With JavaScript, the calendar reads the times of the support service from the API.
    assert 'data-api="/api/v1/windows/chuo/availability?service=application_support"' in calendar


def test_same_day_slot_30_minutes_ahead_is_booked(client):
    response = book_support(client, day="2026-11-25", start="1030")
    assert response["Location"] == "/en/book/done/"
    assert Booking.objects.get().start == dt.time(10, 30)


def test_same_day_slot_sooner_than_30_minutes_is_refused(client):
    response = book_support(client, day="2026-11-25", start="1000")
    assert response.status_code == 422
    assert "at least 30 minutes from now" in response.content.decode()
    assert not Booking.objects.exists()


def test_pickup_start_after_support_forgets_the_service(client):
    support_start(client)
    client.post("/en/book/", {"ward": "chuo", "attendance": "in_person", "party_size": "1", "proxy_reason": ""})
    assert client.session["booking_start"]["service"] == "pickup"
    assert "City Hall" in client.get("/en/book/window/").content.decode()


# --- Look up, move, cancel (R-A7) --------------------------------------------------------------


def test_lookup_shows_the_checklist_and_the_explanation(client):
    booking = support_booking()
    look_up(client, booking)
    html = client.get("/en/booking/manage/").content.decode()
    assert booking.display_code in html and "Application support" in html
    assert "Two or more identity documents" in html and "PIN request form" in html  # R-A6
    for words in R_A1_EN:
        assert words in html, words
    assert "Person applying (1)" in html


def test_move_stays_at_the_own_ward_office_within_the_service(client):
    booking = support_booking()
    look_up(client, booking)
    page = client.get("/en/booking/manage/move/?date=2026-12-02").content.decode()
    assert "City Hall" not in page and "Kita Ward Office" not in page
    # The move calendar is application support's: 30-minute slots, today's later times too.
    assert 'start=09:30"' in page.replace("&amp;", "&") or "start=09:30" in page
    today = client.get("/en/booking/manage/move/?date=2026-11-25").content.decode()
    assert "start=10:30" in today and "start=10:00" not in today
    confirm = client.get("/en/booking/manage/move/?window=chuo&date=2026-12-02&start=09:30").content.decode()
    assert "9:30–10:00" in confirm
    response = client.post("/en/booking/manage/move/", {"window": "chuo", "date": "2026-12-02", "start": "09:30"})
    assert response["Location"] == "/en/booking/manage/"
    booking.refresh_from_db()
    assert (booking.service, booking.date, booking.start) == (SUPPORT, dt.date(2026, 12, 2), dt.time(9, 30))


@pytest.mark.parametrize("code", ["cityhall", "higashi"])
def test_a_move_cannot_leave_the_service(client, code):
    # R-A7 / R-A2: a support booking never moves to the City Hall window or another ward's office.
    booking = support_booking()
    look_up(client, booking)
    response = client.get(f"/en/booking/manage/move/?window={code}&date=2026-12-02&start=09:00", follow=True)
    assert "Move the booking?" not in response.content.decode()
    response = client.post("/en/booking/manage/move/", {"window": code, "date": "2026-12-02", "start": "09:00"},
                           follow=True)
    assert "only at the ward office of the ward you are registered in" in response.content.decode()
    booking.refresh_from_db()
    assert (booking.window.code, booking.date, booking.service) == ("chuo", dt.date(2026, 12, 1), SUPPORT)


def test_cancel_a_support_booking(client):
    booking = support_booking()
    look_up(client, booking)
    page = client.get("/en/booking/manage/cancel/").content.decode()
    assert booking.display_code in page
    response = client.post("/en/booking/manage/cancel/", follow=True)
    assert "Your booking has been cancelled." in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_lookup_with_the_wrong_birth_date_reveals_nothing(client):
    booking = support_booking()
    response = client.post("/en/booking/", {"code": booking.display_code, **{**BIRTH, "birth_day": "2"}})
    assert response.status_code == 200 and "No booking matches" in response.content.decode()


# --- Window pages -------------------------------------------------------------------------------


def test_window_list_says_kita_and_nishi_are_walk_in_for_application_support(client):
    html = client.get("/en/windows/").content.decode()
    assert html.count("takes no bookings for application support: it is walk-in only.") == 2
    assert "Kita Ward Office takes no bookings" in html and "Nishi Ward Office takes no bookings" in html
    assert html.count("may be turned away when all the times are full") == 2
    # The six other ward offices link to the support booking; the City Hall window offers none.
    assert html.count('href="/en/book/support/"') == 6
    assert "Services" in html and "Card pickup" in html


def test_window_page_of_kita_shows_the_support_hours_and_the_warning(client):
    html = client.get("/en/windows/kita/").content.decode()
    assert "Application support" in html and "walk-in only" in html
    assert "Hours of application support" in html and "may be turned away" in html
    assert 'href="/en/book/support/"' not in html


def test_window_page_of_chuo_links_to_book_support(client):
    html = client.get("/en/windows/chuo/").content.decode()
    assert 'href="/en/book/support/"' in html and "same-day booking is possible" in html
    main = client.get("/en/windows/cityhall/").content.decode().split("<main", 1)[1].split("</main>")[0]
    assert "/book/support/" not in main and "Application support" not in main  # R-A2: not at City Hall


# --- Mails (R-A6, R-A1) ----------------------------------------------------------------------------


def rendered(booking, kind):
    subject, text, html, _attachments = outbox.render(Message.objects.filter(booking=booking, kind=kind).latest("pk"))
    return subject, text, html


def test_support_confirmation_mail_carries_the_checklist_and_the_explanation(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = support_booking()
    email = mail.outbox[0]
    assert "application support" in email.subject and booking.display_code in email.subject
    assert "Procedure: Application support" in email.body
    assert "Two or more identity documents" in email.body and "PIN request form" in email.body  # R-A6
    for words in R_A1_EN:  # R-A1, in the text and the HTML parts
        assert words in email.body, words
        assert words in email.alternatives[0][0], words
    assert "http://" in email.body.split("Book a pickup time:")[1].split("\n")[0]
    assert "issuance notice (交付通知書)\n" not in email.body


def test_support_mails_in_japanese(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = support_booking(language="ja")
    subject, text, html = rendered(booking, "confirmation")
    assert "申請補助サービス" in subject and "申請補助サービスのご予約が確定しました" in text
    assert "本人確認書類2点以上" in text and "簡易書留郵便" in text and "簡易書留郵便" in html
    subject, text, _html = rendered(booking, "reminder")
    assert "申請補助サービス" in subject and "本人確認書類2点以上" in text and "簡易書留郵便" in text


def test_reminder_rescheduled_cancelled_and_closure_mails_say_application_support(
    admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = support_booking()
        booking_reschedule(booking=booking, window=booking.window, date=dt.date(2026, 12, 2), start=dt.time(9),
                           now=NOW)
    subject, text, _html = rendered(booking, "reminder")
    assert "application support" in subject and "for application support" in text and R_A1_EN[0] in text
    subject, text, _html = rendered(booking, "rescheduled")
    assert "for application support has been moved" in text and "Two or more identity documents" in text
    assert R_A1_EN[0] in text
    with django_capture_on_commit_callbacks(execute=True):
        services.bookings_mark_affected([booking], actor=admin_user, reason="closed")
    _subject, text, html = rendered(booking, "closure_notice")
    assert "application support booking" in text and "application support booking" in html
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=Booking.objects.get(pk=booking.pk), reason="resident", now=NOW)
    _subject, text, _html = rendered(booking, "cancelled")
    assert "Your booking for application support has been cancelled." in text
    assert re.search(r"http://\S+/en/book/support/", text)  # a new booking of the same service


def test_pickup_mails_are_unchanged(book):
    booking = book(language="en")
    subject, text, html = rendered(booking, "confirmation")
    assert subject.startswith("My Number Card pickup booked")
    assert "Procedure" not in text and "Procedure" not in html
    assert "簡易書留" not in text and "簡易書留" not in html
    assert "Your booking to pick up your My Number Card is confirmed." in text
