"""
One click per routine step at the counter (issue #15; R-B10, R-S2, R-S4):
check-in, issue and no-show are each one POST that comes back to the same
place, the last step of the day can be undone, no-show only once the slot
has ended, and a day list to work from (filters, date field, counts).
"""

import datetime as dt

import pytest
import time_machine

from reservations.booking.services import NotChangeable, booking_create, booking_transition, booking_undo
from reservations.models import BookingEvent, SlotCounter
from tests.reservations.factories import NOW, TOKYO, booking_data, person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]

DAY = dt.date(2026, 11, 26)  # a Thursday: Kita is open; "today" is 25 Nov until a test moves it
LIST = f"/staff/windows/kita/?date={DAY.isoformat()}"


def at(hour, minute=0, day=DAY):
    """Freeze the clock at ``hour``:``minute`` Japan time on ``day`` (a context manager)."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TOKYO), tick=False)


def book(start=dt.time(9), **overrides):
    return booking_create(data=booking_data("kita", date=DAY, start=start, **overrides), now=NOW)


def step(client, booking, action, back=LIST, language=""):
    return client.post(f"{language}/staff/booking/{booking.code}/{action}/", {"next": back})


def undo(client, booking, back=LIST, language=""):
    return client.post(f"{language}/staff/booking/{booking.code}/undo/", {"next": back})


@pytest.fixture
def booking():
    return book()


@pytest.fixture
def counter(client, clerk_kita, frozen_now):
    """The Kita clerk at the counter on the booking's day, 10:00."""
    frozen_now(DAY)
    client.force_login(clerk_kita)
    return client


# --- One click per step -------------------------------------------------------------------


@pytest.mark.parametrize(
    "steps, status",
    [(["check_in"], "checked_in"), (["check_in", "issue"], "issued"), (["no_show"], "no_show")],
)
def test_each_routine_step_is_one_post_back_to_the_list_at_the_row(counter, booking, steps, status):
    back = f"{LIST}&status=booked&slots=all"
    for action in steps:
        response = step(counter, booking, action, back=back)
        assert response.status_code == 302
        assert response["Location"] == f"{back}#booking-{booking.code}"  # the filters kept, the row in view
    booking.refresh_from_db()
    assert booking.status == status
    assert [e.action for e in booking.events.order_by("pk")][1:] == steps
    assert all(event.reason == "" for event in booking.events.filter(action__in=steps))  # no reason asked


def test_the_message_names_the_booking_and_the_row_is_highlighted(counter, booking):
    response = step(counter, booking, "check_in", back=f"/en{LIST}", language="/en")
    page = counter.get(response["Location"].split("#")[0])
    html = page.content.decode()
    assert f"{booking.display_code} — Done: Check in (来庁)." in html
    assert 'role="status"' in html.split(booking.display_code + " — Done")[0].rsplit("<div", 1)[1]
    assert f'<tr id="booking-{booking.code}" class="row-changed">' in html
    # The highlight is for the page the clerk returns to, once.
    assert 'class="row-changed"' not in counter.get(f"/en{LIST}").content.decode()


def test_the_message_is_in_japanese_by_default(counter, booking):
    page = counter.get(step(counter, booking, "check_in")["Location"].split("#")[0])
    assert f"{booking.display_code}：来庁受付を登録しました" in page.content.decode()


def test_support_s_last_step_is_application_done(client, clerk_chuo, frozen_now):
    helped = booking_create(data=booking_data(
        "chuo", date=DAY, start=dt.time(9), service="application_support", people=(person(notice_number=""),)
    ), now=NOW)
    frozen_now(DAY)
    client.force_login(clerk_chuo)
    back = "/staff/windows/chuo/?date=2026-11-26"
    step(client, helped, "check_in", back=back)
    html = client.get(back).content.decode()
    assert "申請完了" in html and "交付済<span" not in html
    page = client.get(step(client, helped, "issue", back=back)["Location"].split("#")[0])
    assert f"{helped.display_code}：申請完了を登録しました" in page.content.decode()


def test_the_day_list_rows_have_the_buttons(counter, booking):
    later = book(start=dt.time(13, 15))
    html = counter.get(LIST).content.decode()
    row = html.split(f'id="booking-{booking.code}"')[1].split("</tr>")[0]
    assert f'action="/staff/booking/{booking.code}/check_in/"' in row
    assert f'action="/staff/booking/{booking.code}/no_show/"' in row  # 9:00–9:15 is over at 10:00
    assert 'name="csrfmiddlewaretoken"' in row and f'name="next" value="{LIST}"' in row
    later_row = html.split(f'id="booking-{later.code}"')[1].split("</tr>")[0]
    assert "/check_in/" in later_row and "/no_show/" not in later_row  # 13:15 has not ended


def test_the_booking_page_takes_the_steps_and_comes_back_to_itself(counter, booking):
    page = f"/staff/booking/{booking.code}/"
    response = step(counter, booking, "check_in", back=page)
    assert response["Location"] == f"{page}#booking-{booking.code}"
    html = counter.get(page).content.decode()
    assert f'action="/staff/booking/{booking.code}/issue/"' in html
    assert f'action="/staff/booking/{booking.code}/undo/"' in html
    assert "row-changed" in html


@pytest.mark.parametrize("back", ["https://example.com/staff/", "//example.com/", "javascript:alert(1)", ""])
def test_a_foreign_or_missing_next_goes_to_the_booking_s_day_list(counter, booking, back):
    response = step(counter, booking, "check_in", back=back)
    assert response["Location"] == f"{LIST}#booking-{booking.code}"


def test_a_refused_step_says_why_and_changes_nothing(counter, booking):
    step(counter, booking, "check_in")
    response = step(counter, booking, "check_in")
    assert response["Location"] == f"{LIST}#booking-{booking.code}"
    assert BookingEvent.objects.filter(booking=booking, action="check_in").count() == 1


def test_cancellation_keeps_its_confirm_page_with_the_reason(counter, booking):
    html = counter.get(f"/en/staff/booking/{booking.code}/cancel/").content.decode()
    assert 'name="reason"' in html and "Internal reason" in html
    counter.post(f"/staff/booking/{booking.code}/cancel/", {"reason": ""})
    booking.refresh_from_db()
    assert booking.status == "booked"


# --- Undo ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "steps, before, after",
    [(["check_in"], "checked_in", "booked"), (["check_in", "issue"], "issued", "checked_in"),
     (["no_show"], "no_show", "booked")],
)
def test_undo_restores_the_status_and_the_trail_keeps_both(counter, clerk_kita, booking, steps, before, after):
    for action in steps:
        step(counter, booking, action)
    seats = SlotCounter.objects.get().booked
    response = undo(counter, booking)
    assert response.status_code == 302 and response["Location"] == f"{LIST}#booking-{booking.code}"
    booking.refresh_from_db()
    assert booking.status == after
    events = list(booking.events.order_by("pk").values_list("action", "before", "after", "actor"))
    assert events[-1] == ("undone", before, after, clerk_kita.pk)
    assert [event[0] for event in events[1:-1]] == steps  # the step itself stays in the trail
    assert SlotCounter.objects.get().booked == seats  # every status involved holds its seat


def test_undo_says_what_it_took_back(counter, booking):
    step(counter, booking, "check_in")
    page = counter.get(undo(counter, booking, back=f"/en{LIST}", language="/en")["Location"].split("#")[0])
    assert f"{booking.display_code} — Undone: Check in (来庁)." in page.content.decode()
    history = counter.get(f"/en/staff/booking/{booking.code}/").content.decode()
    assert "<td>Undone (元に戻す)</td><td>Checked in → Booked</td>" in history


def test_a_mistaken_no_show_is_undone_then_checked_in(counter, booking):
    step(counter, booking, "no_show")
    undo(counter, booking)
    step(counter, booking, "check_in")
    booking.refresh_from_db()
    assert booking.status == "checked_in"
    assert list(booking.events.values_list("action", flat=True)) == ["booked", "no_show", "undone", "check_in"]


def test_only_the_last_step_is_undone(counter, booking):
    step(counter, booking, "check_in")
    step(counter, booking, "issue")
    undo(counter, booking)
    undo(counter, booking)  # the last event is now the undo: nothing more to take back
    booking.refresh_from_db()
    assert booking.status == "checked_in"
    assert booking.events.filter(action="undone").count() == 1
    assert f"/staff/booking/{booking.code}/undo/" not in counter.get(LIST).content.decode()


def test_undo_only_the_same_day(client, clerk_kita, booking):
    with at(16, 0):
        client.force_login(clerk_kita)  # logged in at the time (sessions end after 30 idle minutes)
        step(client, booking, "check_in")
    with at(9, 0, DAY + dt.timedelta(days=1)):
        client.force_login(clerk_kita)
        assert f"/staff/booking/{booking.code}/undo/" not in client.get(LIST).content.decode()
        undo(client, booking)
    booking.refresh_from_db()
    assert booking.status == "checked_in" and not booking.events.filter(action="undone").exists()


def test_undo_near_midnight_counts_the_japanese_day(booking):
    with at(23, 50):  # 14:50 UTC: still the 26th in Niigata
        booking_transition(booking=booking, action="no_show", actor=None)
    with at(0, 5, DAY + dt.timedelta(days=1)):  # the 27th in Niigata, still the 26th in UTC
        with pytest.raises(NotChangeable) as info:
            booking_undo(booking=booking, actor=None)
    assert info.value.args == ("not_today",)


def test_nothing_to_undo_on_a_fresh_or_cancelled_booking(counter, booking):
    with pytest.raises(NotChangeable) as info:
        booking_undo(booking=booking, actor=None)
    assert info.value.args == ("nothing_to_undo",)
    counter.post(f"/staff/booking/{booking.code}/cancel/", {"reason": "電話で取消"})
    undo(counter, booking)
    booking.refresh_from_db()
    assert booking.status == "cancelled"


def test_undo_only_by_staff_who_may_take_that_step(client, operator, clerk_chuo, clerk_kita, booking, frozen_now):
    frozen_now(DAY)
    client.force_login(clerk_kita)
    step(client, booking, "check_in")
    client.force_login(operator)  # sees every window, does no counter work
    assert undo(client, booking).status_code == 404
    assert f"/staff/booking/{booking.code}/undo/" not in client.get(f"/staff/booking/{booking.code}/").content.decode()
    client.force_login(clerk_chuo)  # another window: the booking does not exist for them
    assert undo(client, booking).status_code == 404
    booking.refresh_from_db()
    assert booking.status == "checked_in"


def test_undo_is_post_only(counter, booking):
    step(counter, booking, "check_in")
    assert counter.get(f"/staff/booking/{booking.code}/undo/").status_code == 405


def test_a_clerk_of_another_window_gets_404_for_every_step(client, clerk_chuo, booking, frozen_now):
    frozen_now(DAY)
    client.force_login(clerk_chuo)
    for action in ("check_in", "issue", "no_show"):
        assert step(client, booking, action).status_code == 404
    booking.refresh_from_db()
    assert booking.status == "booked" and booking.events.count() == 1


# --- No-show only after the slot ------------------------------------------------------------


@pytest.mark.parametrize(
    "hour, minute, allowed",
    [(12, 3, False), (13, 15, False), (13, 29, False), (13, 30, True), (17, 0, True)],
)
def test_no_show_only_once_the_slot_has_ended(client, clerk_kita, hour, minute, allowed):
    booking = book(start=dt.time(13, 15))  # 13:15–13:30
    with at(hour, minute):
        client.force_login(clerk_kita)
        step(client, booking, "no_show")
        page = client.get(f"/staff/booking/{booking.code}/").context
    booking.refresh_from_db()
    assert (booking.status == "no_show") == allowed
    if not allowed:
        assert "no_show" not in [action for action, _label in page["steps"]]


def test_no_show_refused_says_when(client, clerk_kita):
    booking = book(start=dt.time(13, 15))
    with at(12, 3):
        client.force_login(clerk_kita)
        page = client.post(f"/en/staff/booking/{booking.code}/no_show/", {"next": f"/en{LIST}"}, follow=True)
    assert "A booking can be marked as not come only once its time has ended." in page.content.decode()


def test_no_show_a_day_later_is_still_possible(booking):
    with at(9, 0, DAY + dt.timedelta(days=1)):
        booking_transition(booking=booking, action="no_show", actor=None)
    booking.refresh_from_db()
    assert booking.status == "no_show"


# --- The day list to work from --------------------------------------------------------------


@pytest.fixture
def day_of_bookings(booking):
    """Three bookings at Kita on DAY: 9:00 booked, 10:00 checked in, 11:00 cancelled (one with phone only)."""
    checked = book(start=dt.time(10), party=2, email="", phone="0251234567")
    gone = book(start=dt.time(11))
    with at(10, 30):
        booking_transition(booking=checked, action="check_in", actor=None)
        booking_transition(booking=gone, action="cancel", actor=None, reason="電話で取消")
    return {"booked": booking, "checked_in": checked, "cancelled": gone}


def shown_starts(response, service="pickup"):
    section = next(s for s in response.context["sections"] if s["service"] == service)
    return [row["start"] for row in section["shown"]]


def test_booked_slots_only_by_default_every_slot_on_request(counter, day_of_bookings):
    assert shown_starts(counter.get(LIST)) == [dt.time(9), dt.time(10), dt.time(11)]
    every = counter.get(LIST, {"slots": "all"})
    assert len(shown_starts(every)) == 32
    assert "—</td>" in every.content.decode()


@pytest.mark.parametrize("status, codes", [("booked", ["booked"]), ("checked_in", ["checked_in"]),
                                           ("cancelled", ["cancelled"]), ("issued", []), ("", None)])
def test_the_status_filter(counter, day_of_bookings, status, codes):
    response = counter.get(LIST, {"status": status})
    html = response.content.decode()
    expected = list(day_of_bookings) if codes is None else codes
    for name, booking in day_of_bookings.items():
        assert (f'id="booking-{booking.code}"' in html) == (name in expected)
    if status:
        assert f'<option value="{status}" selected>' in html


def test_bogus_filters_fall_back_to_the_defaults(counter, day_of_bookings):
    response = counter.get(LIST, {"status": "bogus", "slots": "bogus"})
    assert response.status_code == 200 and shown_starts(response) == [dt.time(9), dt.time(10), dt.time(11)]
    assert counter.get("/staff/windows/kita/", {"date": "not-a-date"}).context["day"] == dt.date(2026, 11, 26)


def test_the_date_field_takes_the_clerk_to_a_day(counter, day_of_bookings):
    html = counter.get("/staff/windows/kita/").content.decode()  # today (26 Nov at the counter)
    assert '<label class="form-label" for="day-date">表示する日</label>' in html
    assert '<input type="date" class="form-control" name="date" id="day-date" value="2026-11-26">' in html
    other = counter.get("/staff/windows/kita/", {"date": "2026-12-01"})
    assert other.context["day"] == dt.date(2026, 12, 1)
    assert 'value="2026-12-01"' in other.content.decode()


def test_the_filters_stay_on_the_previous_next_and_print_links(counter, day_of_bookings):
    html = counter.get(LIST, {"status": "booked", "slots": "all"}).content.decode()
    assert "?date=2026-11-27&amp;slots=all&amp;status=booked" in html
    assert "print/?date=2026-11-26&amp;slots=all&amp;status=booked" in html


def test_counts_per_status_at_the_top(counter, day_of_bookings):
    response = counter.get("/en" + LIST)
    counts = response.context["counts"]
    assert (counts["booked"], counts["checked_in"], counts["cancelled"], counts["issued"]) == (1, 2, 1, 0)
    html = response.content.decode()
    for label, value in (("Booked", 1), ("Checked in", 2), ("Cancelled", 1), ("Affected by a closure", 0),
                         ("Did not come", 0), ("Free seats", 64 - 3)):
        assert f"<dt>{label}</dt><dd>{value}</dd>" in html


def test_phone_and_e_mail_are_shown_to_staff(counter, day_of_bookings):
    html = counter.get(LIST).content.decode()
    row = html.split(f'id="booking-{day_of_bookings["checked_in"].code}"')[1].split("</tr>")[0]
    assert "0251234567" in row
    booked = day_of_bookings["booked"]
    row = html.split(f'id="booking-{booked.code}"')[1].split("</tr>")[0]
    assert booked.email and booked.email in row


@pytest.mark.parametrize("bookings", [1, 12])
def test_the_day_list_with_its_buttons_has_a_flat_query_count(counter, django_assert_max_num_queries, bookings):
    for index in range(bookings):
        start = (dt.datetime.combine(DAY, dt.time(9)) + dt.timedelta(minutes=15 * index)).time()
        made = book(start=start, party=2)
        if index % 3 == 1:
            booking_transition(booking=made, action="check_in", actor=None)
    with django_assert_max_num_queries(16):
        assert counter.get(LIST).status_code == 200
    with django_assert_max_num_queries(16):
        assert counter.get(LIST.replace("/?", "/print/?")).status_code == 200


def test_the_search_button_does_not_wrap(counter):
    html = counter.get(LIST).content.decode()
    assert 'class="btn btn-primary text-nowrap flex-shrink-0">検索</button>' in html


# --- Print ------------------------------------------------------------------------------------


def test_print_view_has_tick_boxes_window_japanese_date_and_print_time(counter, day_of_bookings):
    html = counter.get(LIST.replace("/?", "/print/?")).content.decode()
    assert "北区役所 — 2026年11月26日（木）" in html
    assert "印刷日時：2026年11月26日 10:00" in html
    assert '<th scope="col" class="tick">来庁</th><th scope="col" class="tick">交付済</th>' in html
    assert html.count('<td class="tick" aria-hidden="true">☐</td>') == 2 * 3
    assert "<nav" not in html and "<form" not in html and "staff-nav" not in html


def test_print_view_follows_the_status_filter(counter, day_of_bookings):
    html = counter.get(LIST.replace("/?", "/print/?"), {"status": "checked_in"}).content.decode()
    assert day_of_bookings["checked_in"].display_code in html
    assert day_of_bookings["booked"].display_code not in html
