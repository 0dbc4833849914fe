"""
A booking a closure made impossible (R-B9), seen by its resident: the closure
mail's link, the manage page's banner with the reason, the nearest times for
the whole party in one tap, and no calendar file for a time taken away.
"""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from reservations.admin import closure_reason, in_language
from reservations.booking import services
from reservations.messaging import outbox
from reservations.models import Booking, Message, Window
from reservations.schedule import calendars

from .booking_steps import BIRTH, look_up
from .factories import NOW, booking_data, closure_with_notes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]

DAY = dt.date(2026, 11, 26)  # Thursday; "today" is Wednesday 25 November (booking_day)
AT = dt.time(10, 15)


def affected(*, language="en", party=2):
    """A booking of ``party`` at Kita on DAY at 10:15, then that quarter of an hour closed (R-B9)."""
    booking = services.booking_create(
        data=booking_data("kita", date=DAY, start=AT, party=party, language=language), now=NOW
    )
    closure = closure_with_notes(DAY, window=booking.window, start_time=AT)
    services.bookings_mark_affected([booking], actor=None, reason=in_language(lambda: closure_reason(closure)))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.AFFECTED
    return booking


def fill_up_to_one_seat(start):
    """Book Kita's seats on DAY at ``start`` until one is left, as other residents would."""
    window = Window.objects.with_rules().get(code="kita")
    slot = next(s for s in calendars.window_availability(window, DAY, DAY, today=timezone.localdate())[0].slots
                if s.start == start)
    left = slot.remaining - 1
    while left:
        party = min(left, 4)
        services.booking_create(data=booking_data(window, date=DAY, start=start, party=party), now=NOW)
        left -= party


def rebook_buttons(html):
    """Return the (date, start) of each one-tap rebooking form of a manage page."""
    section = html.split('class="rebook"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'name="date" value="([\d-]+)"><input type="hidden" name="start" value="([\d:]+)"', section)


def test_affected_booking_says_why_with_the_dates_in_words(client):
    look_up(client, affected(language="en"))
    html = client.get("/en/booking/manage/").content.decode()
    banner = html.split('class="alert alert-warning affected-panel" role="alert"', 1)[1].split("</div>", 1)[0]
    assert "Your time can no longer be kept" in banner
    assert "Power cut in the building." in banner and "Nov. 26 (Thu)" in banner and "2026-11-26" not in banner


def test_affected_booking_speaks_japanese_with_japanese_dates(client):
    look_up(client, affected(language="ja"))
    html = client.get("/booking/manage/").content.decode()
    assert "ご予約の日時にはお渡しできなくなりました" in html
    assert "停電のため臨時休業します。" in html and "11月26日（木）" in html


def test_affected_booking_offers_the_nearest_times_for_the_whole_party(client):
    fill_up_to_one_seat(dt.time(10, 0))  # one seat left: not enough for a party of two
    booking = affected(party=2)
    look_up(client, booking)
    offered = rebook_buttons(client.get("/en/booking/manage/").content.decode())
    assert 1 <= len(offered) <= 5
    assert ("2026-11-26", "10:30") in offered  # the nearest time after the closed quarter
    assert ("2026-11-26", "10:00") not in offered and ("2026-11-26", "10:15") not in offered


def test_one_tap_moves_the_affected_booking_and_keeps_the_party(client):
    booking = affected(party=2)
    look_up(client, booking)
    day, start = rebook_buttons(client.get("/en/booking/manage/").content.decode())[0]
    response = client.post("/en/booking/manage/move/", {"window": "kita", "date": day, "start": start})
    assert response["Location"] == "/en/booking/manage/"
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED and booking.party_size == 2
    assert (booking.date.isoformat(), booking.start.strftime("%H:%M")) == (day, start)
    # Booked again: the calendar file is back.
    assert client.get("/en/booking/manage/calendar.ics").status_code == 200


def test_affected_booking_has_no_calendar_file(client):
    look_up(client, affected())
    html = client.get("/en/booking/manage/").content.decode()
    assert "/booking/manage/calendar.ics" not in html and ".ics" not in html
    assert client.get("/en/booking/manage/calendar.ics").status_code == 404


def test_a_booking_made_then_affected_has_no_calendar_file_on_its_confirmation_page_either(client):
    booking = affected()
    session = client.session
    session["booking_done"] = booking.pk
    session.save()
    assert client.get("/en/book/done/calendar.ics").status_code == 404


def test_closure_mail_links_to_the_lookup_with_the_code_and_writes_dates_in_words(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = affected(language="ja")
    notice = Message.objects.get(booking=booking, kind="closure_notice")
    _subject, text, html, _attachments = outbox.render(notice)
    link = f"/booking/?code={booking.display_code}"
    assert link in text and f'{link}"' in html.replace("&amp;", "&")
    assert "11月26日（木）" in text and "2026-11-26" not in text and "2026-11-26" not in html
    assert "新潟 太郎 様" in text and "人数: 2人" in text
    assert BIRTH["birth_year"] not in link  # no personal data in the address
    assert any("停電" in sent.body for sent in mail.outbox)


def test_the_lookup_page_fills_in_the_code_of_the_link(client):
    html = client.get("/en/booking/?code=7QX2-M9KD").content.decode()
    assert re.search(r'name="code" value="7QX2-M9KD"', html)
