"""
The resident's waiting-list pages (SPEC §9, R-L1 … R-L2): join from a full
calendar, a "slot full" page or the window choice; look an entry up; accept,
decline and leave, posted as a browser without JavaScript would, in Japanese
(the default) and English. Wednesday 2026-11-25, 10:00 in Niigata.
"""

import datetime as dt
import re

import pytest
import time_machine

from reservations.booking import views, waitlist
from reservations.booking.services import booking_cancel
from reservations.models import Booking, Message, WaitlistEntry, WaitlistOffer

from .booking_steps import BIRTH, confirm, fill_details, person_fields, start
from .factories import NOW, api_body
from .waitlist_steps import fill_horizon

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]

DAY = dt.date(2026, 12, 1)
NINE = dt.time(9)
FIRST, LAST = "2026-11-26", "2026-12-25"  # the horizon of 25 November (R-B2)
PREFIXES = pytest.mark.parametrize("prefix", ["", "/en"], ids=["ja", "en"])


def join_fields(window="kita", date_from=FIRST, date_to=LAST, party=1, email="hanako@example.jp", numbers=()):
    data = {"window": window, "date_from": date_from, "date_to": date_to, "email": email, "phone": ""}
    for index in range(party):
        data.update(person_fields(index, number=numbers[index] if index < len(numbers) else None))
    return data


def join(client, prefix="/en", **fields):
    return client.post(f"{prefix}/waitlist/join/", join_fields(**fields))


def joined_entry(client, prefix="/en", **fields):
    response = join(client, prefix, **fields)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == f"{prefix}/waitlist/joined/"
    return WaitlistEntry.objects.latest("pk")


def look_up(client, entry, prefix="/en"):
    response = client.post(f"{prefix}/waitlist/", {"code": entry.display_code, **BIRTH})
    assert response.status_code == 302 and response["Location"] == f"{prefix}/waitlist/entry/"


@pytest.fixture
def full():
    """Every seat of Kita's horizon taken; real one-person bookings hold 1 December 9:00."""
    return fill_horizon(now=NOW)


def offered(client, full, prefix="/en"):
    """Join, then a cancellation offers the freed seat (R-L2); return the entry with its offer open."""
    start(client)
    entry = joined_entry(client, prefix)
    booking_cancel(booking=full[0], now=NOW)
    entry.refresh_from_db()
    assert entry.status == "offered"
    return entry


# --- The ways to the join page ------------------------------------------------------------


@PREFIXES
def test_a_full_calendar_invites_to_the_waiting_list_for_its_window(client, full, prefix):
    start(client)
    html = client.get(f"{prefix}/book/kita/").content.decode()
    assert f'href="{prefix}/waitlist/join/?window=kita"' in html
    assert ("No free day for your party?" in html) == (prefix == "/en")
    assert ("空いている日がありませんか？" in html) == (prefix == "")


def test_a_calendar_with_free_days_does_not_invite(client):
    start(client)
    assert "/waitlist/join/" not in client.get("/en/book/kita/").content.decode()


def test_the_move_calendar_never_invites(client, full):
    start(client)
    html = client.get("/en/book/kita/").content.decode()
    assert "/waitlist/join/" in html
    # The manage move calendar renders the same tables with a window parameter: no invitation there.
    context = views._calendar_context(full[0].window, 1, NOW.date(), window_param="kita")
    assert "/waitlist/join/" not in context["calendar_html"]


def test_the_window_choice_invites_for_a_window_without_a_free_day(client, full):
    start(client)
    html = client.get("/en/book/window/").content.decode()
    assert 'href="/en/waitlist/join/?window=kita"' in html
    assert "?window=cityhall" not in html  # City Hall still has free days


def test_the_slot_full_page_invites_to_the_waiting_list(client):
    start(client)
    fill_details(client)
    client.post("/api/v1/bookings", api_body(party=2), content_type="application/json")
    response, _token = confirm(client)
    assert response.status_code == 409
    assert 'href="/en/waitlist/join/?window=kita"' in response.content.decode()


def test_the_join_page_needs_the_first_step(client):
    response = client.get("/en/waitlist/join/")
    assert response.status_code == 302 and response["Location"] == "/en/book/"


@PREFIXES
def test_the_join_page_asks_where_when_who_and_an_email(client, full, prefix):
    start(client, party=2)
    response = client.get(f"{prefix}/waitlist/join/?window=kita")
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'name="window" value="kita"[^>]*checked', html)
    assert 'value="any"' in html and 'value="cityhall"' in html
    assert re.search(rf'<option value="{FIRST}" selected>', html) and re.search(rf'<option value="{LAST}" selected>', html)
    assert 'name="p1-notice_number"' in html and 'name="email"' in html
    assert re.search(r'<label for="id_email"', html) or 'for="id_email"' in html
    if prefix:
        assert "held for you for 30 minutes" in html and "Any window I may use" in html
    else:
        assert "30分間お取り置き" in html and "利用できるどの窓口でもよい" in html


def test_the_join_page_fills_in_the_details_typed_on_the_booking_path(client, full):
    start(client)
    fill_details(client, url="/en/book/kita/2026-12-01/0900/")
    html = client.get("/en/waitlist/join/?window=kita").content.decode()
    assert 'value="新潟 太郎"' in html and 'value="taro@example.jp"' in html


# --- Join ---------------------------------------------------------------------------------


@PREFIXES
def test_joining_shows_the_code_the_place_and_how_offers_work(client, full, prefix, django_capture_on_commit_callbacks):
    start(client)
    with django_capture_on_commit_callbacks(execute=True):
        entry = joined_entry(client, prefix)
    assert (entry.status, entry.service, entry.window.code, entry.party_size) == ("waiting", "pickup", "kita", 1)
    assert (entry.date_from, entry.date_to) == (dt.date(2026, 11, 26), dt.date(2026, 12, 25))
    assert entry.language == ("en" if prefix else "ja") and entry.email == "hanako@example.jp"
    assert Message.objects.get(entry=entry).kind == "waitlist_joined"
    html = client.get(f"{prefix}/waitlist/joined/").content.decode()
    assert entry.display_code in html and re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", entry.display_code)
    if prefix:
        assert "Your place in the queue: 1" in html and "held for you for 30 minutes" in html
    else:
        assert "現在の順番：1番目" in html and "30分間お取り置き" in html


def test_any_window_and_a_shorter_range(client, full):
    start(client)
    entry = joined_entry(client, window="any", date_from="2026-12-01", date_to="2026-12-01")
    assert entry.window is None and entry.date_from == entry.date_to == DAY


def test_the_place_in_the_queue_counts_earlier_entries(client, full):
    start(client)
    joined_entry(client)
    client.cookies.clear()
    start(client)
    second = joined_entry(client)
    assert "Your place in the queue: 2" in client.get("/en/waitlist/joined/").content.decode()
    assert waitlist.entry_position(second) == 2


def test_joining_while_times_are_free_shows_them_to_book_instead(client):
    start(client)
    response = join(client)
    html = response.content.decode()
    assert response.status_code == 409
    assert "so you cannot join the waiting list now" in html
    assert 'href="/en/book/kita/2026-11-26/0830/"' in html or 'href="/en/book/kita/2026-11-26/' in html
    assert not WaitlistEntry.objects.exists()
    # The details typed go with them: the booking's details page is filled in.
    assert client.session["booking_details"]["email"] == "hanako@example.jp"


def test_a_second_entry_of_the_same_person_is_a_field_error(client, full):
    start(client)
    joined_entry(client, numbers=["123456789012345"])
    response = join(client, numbers=["123456789012345"])
    html = response.content.decode()
    assert response.status_code == 422
    assert 'href="#id_p0-notice_number"' in html and "on the waiting list already" in html
    assert WaitlistEntry.objects.count() == 1


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"email": ""}, "id_email", "offers are sent by e-mail"),
        ({"date_from": "2026-12-10", "date_to": "2026-12-01"}, "id_date_to", "The last day comes before the first day"),
        ({"date_from": "2026-12-30"}, "id_date_from", "Select a valid choice"),
        ({"window": "chuo"}, "id_window_0", "Select a valid choice"),
    ],
    ids=["no-email", "range-order", "outside-horizon", "window-not-serving"],
)
def test_bad_input_is_a_field_error_in_the_summary(client, full, fields, field, message):
    start(client)
    response = join(client, **fields)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="#{field}"' in html and message in html
    assert not WaitlistEntry.objects.exists()


def test_a_my_number_is_refused_and_not_shown_back(client, full):
    start(client)
    data = join_fields()
    data["p0-notice_number"] = "123456789018"
    html = client.post("/en/waitlist/join/", data).content.decode()
    assert "My Number" in html and "123456789018" not in html
    assert not WaitlistEntry.objects.exists()


def test_application_support_joins_without_a_notice_number(client):
    fill_horizon("chuo", keep=(dt.date(2026, 12, 1), NINE), service="application_support", now=NOW)
    client.post("/en/book/support/", {"ward": "chuo", "attendance": "in_person", "party_size": "1"})
    html = client.get("/en/waitlist/join/?window=chuo").content.decode()
    assert "notice_number" not in html and "cityhall" not in html
    data = join_fields(window="chuo")
    del data["p0-notice_number"]
    response = client.post("/en/waitlist/join/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = WaitlistEntry.objects.get()
    assert entry.service == "application_support" and entry.people.get().notice_number == ""
    # R-L1: one entry per person (name and date of birth) for application support.
    again = client.post("/en/waitlist/join/", data)
    assert again.status_code == 422 and 'href="#id_p0-name"' in again.content.decode()


def test_no_personal_data_in_any_url(client, full):
    start(client)
    response = join(client)
    entry = WaitlistEntry.objects.get()
    look_up(client, entry)
    locations = [response["Location"], "/en/waitlist/entry/"]
    html = client.get("/en/waitlist/entry/").content.decode()
    locations += re.findall(r'(?:href|action)="([^"]+)"', html)
    for url in locations:
        assert not re.search(r"1990|hanako|%40|@|新潟|ニイガタ|\d{15}", url), url


# --- Look up ------------------------------------------------------------------------------


@PREFIXES
def test_the_lookup_page_prefills_the_code_only(client, prefix):
    html = client.get(f"{prefix}/waitlist/?code=7QX2-M9KD&birth_year=1990").content.decode()
    assert 'value="7QX2-M9KD"' in html and 'value="1990"' not in html
    assert 'id="id_birth_year"' in html


def test_a_wrong_date_of_birth_finds_nothing(client, full):
    start(client)
    entry = joined_entry(client)
    response = client.post("/en/waitlist/", {"code": entry.display_code, "birth_year": "1991", "birth_month": "4",
                                             "birth_day": "1"})
    assert response.status_code == 200 and "No waiting-list entry matches" in response.content.decode()


def test_lookups_are_rate_limited_as_the_bookings_are(client, settings):
    settings.LOOKUP_FAILURE_LIMIT = 2
    for _attempt in range(2):
        assert client.post("/en/waitlist/", {"code": "AAAA-BBBB", **BIRTH}).status_code == 200
    assert client.post("/en/waitlist/", {"code": "AAAA-BBBB", **BIRTH}).status_code == 429


@PREFIXES
def test_the_entry_page_says_status_and_place(client, full, prefix):
    start(client)
    entry = joined_entry(client, prefix)
    client.cookies.clear()
    look_up(client, entry, prefix)
    html = client.get(f"{prefix}/waitlist/entry/").content.decode()
    assert entry.display_code in html
    assert ("Your place in the queue: 1" in html) == bool(prefix)
    assert ("現在の順番：1番目" in html) == (not prefix)
    assert f'href="{prefix}/waitlist/entry/cancel/"' in html


def test_the_entry_page_without_a_lookup_goes_to_the_lookup(client):
    for path in ("entry/", "joined/", "entry/cancel/"):
        response = client.get(f"/en/waitlist/{path}")
        assert response.status_code == 302 and response["Location"] == "/en/waitlist/"
    response = client.post("/en/waitlist/entry/accept/")
    assert response.status_code == 302 and response["Location"] == "/en/waitlist/"


# --- Offers: accept, decline; leave ---------------------------------------------------------


@PREFIXES
def test_an_offer_shows_the_time_the_deadline_and_the_time_left(client, full, prefix):
    entry = offered(client, full, prefix)
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        html = client.get(f"{prefix}/waitlist/entry/").content.decode()
    assert f'action="{prefix}/waitlist/entry/accept/"' in html and f'action="{prefix}/waitlist/entry/decline/"' in html
    if prefix:
        assert "Dec. 1 (Tue) 9:00–9:15" in html and "by Nov. 25 (Wed) 10:30" in html and "25 minutes left" in html
    else:
        assert "12月1日（火） 9:00–9:15" in html and "11月25日（水）10:30まで" in html and "あと25分" in html
    assert entry.offers.get().outcome == "open"


def test_accepting_books_the_time_and_shows_the_confirmation(client, full):
    entry = offered(client, full)
    response = client.post("/en/waitlist/entry/accept/")
    assert response.status_code == 302 and response["Location"] == "/en/book/done/"
    entry.refresh_from_db()
    booking = entry.booking
    assert entry.status == "booked" and booking.status == "booked"
    assert (booking.window.code, booking.date, booking.start, booking.language) == ("kita", DAY, NINE, "en")
    assert entry.offers.get().outcome == "accepted"
    done = client.get("/en/book/done/").content.decode()
    assert booking.display_code in done and "What to bring" in done and "/en/book/done/calendar.ics" in done
    assert client.get("/en/book/done/calendar.ics")["Content-Type"].startswith("text/calendar")
    assert Message.objects.filter(booking=booking, kind="confirmation").exists()
    page = client.get("/en/waitlist/entry/").content.decode()
    assert "your entry has become a booking" in page and booking.display_code in page


def test_declining_keeps_the_entry_waiting(client, full):
    entry = offered(client, full)
    response = client.post("/en/waitlist/entry/decline/", follow=True)
    assert "Your entry keeps waiting for other times" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == "waiting" and entry.offers.get().outcome == "declined"
    assert not Booking.objects.filter(waitlist_entry=entry).exists()
    # Nothing left to answer.
    again = client.post("/en/waitlist/entry/decline/", follow=True).content.decode()
    assert "Nothing is offered to this entry now" in again


def test_an_offer_past_its_time_cannot_be_accepted(client, full):
    entry = offered(client, full)
    with time_machine.travel(NOW + dt.timedelta(minutes=31), tick=False):
        look_up(client, entry)  # the session of half an hour ago has ended
        page = client.get("/en/waitlist/entry/").content.decode()
        assert "The time to accept has ended" in page and "/waitlist/entry/accept/" not in page
        response = client.post("/en/waitlist/entry/accept/", follow=True)
    assert "Nothing is offered to this entry now" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == "expired" and entry.booking is None


def test_leaving_asks_first_then_ends_the_entry_and_passes_the_offer_on(client, full):
    entry = offered(client, full)
    confirm_page = client.get("/en/waitlist/entry/cancel/").content.decode()
    assert "Leave the waiting list?" in confirm_page and entry.display_code in confirm_page
    entry.refresh_from_db()
    assert entry.status == "offered"  # a GET changes nothing
    response = client.post("/en/waitlist/entry/cancel/", follow=True)
    html = response.content.decode()
    assert "You have left the waiting list." in html and "This entry has ended" in html
    entry.refresh_from_db()
    assert entry.status == "cancelled" and entry.offers.get().outcome == "withdrawn"
    assert "/waitlist/entry/cancel/" not in html


@PREFIXES
@pytest.mark.parametrize("status, english, japanese", [
    ("expired", "This entry has ended", "このキャンセル待ちは終了しました"),
    ("cancelled", "You left the waiting list", "キャンセル待ちを取り消しました"),
])
def test_status_texts_of_ended_entries(client, full, prefix, status, english, japanese):
    start(client)
    entry = joined_entry(client, prefix)
    WaitlistEntry.objects.filter(pk=entry.pk).update(status=status)
    html = client.get(f"{prefix}/waitlist/entry/").content.decode()
    assert (english if prefix else japanese) in html
    assert "/waitlist/entry/cancel/" not in html and f'href="{prefix}/book/"' in html


def test_the_entry_page_reads_a_flat_number_of_queries(client, full, django_assert_max_num_queries):
    entry = offered(client, full)
    for number in range(8):
        client.cookies.clear()
        start(client)
        joined_entry(client, numbers=[f"55555555555{number:04d}"])
    client.cookies.clear()
    look_up(client, entry)
    with django_assert_max_num_queries(8):
        assert client.get("/en/waitlist/entry/").status_code == 200


def test_the_join_page_reads_a_flat_number_of_queries(client, full, django_assert_max_num_queries):
    start(client, party=4)
    with django_assert_max_num_queries(8):
        assert client.get("/en/waitlist/join/?window=kita").status_code == 200


def test_forget_closes_the_entry(client, full):
    start(client)
    joined_entry(client)
    response = client.post("/en/waitlist/forget/")
    assert response["Location"] == "/en/waitlist/"
    assert client.get("/en/waitlist/entry/")["Location"] == "/en/waitlist/"


def test_offers_are_unchanged_by_a_get_of_accept(client, full):
    offered(client, full)
    assert client.get("/en/waitlist/entry/accept/").status_code == 405
    assert WaitlistOffer.objects.get().outcome == "open"
