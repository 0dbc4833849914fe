"""The waiting list for ward-office staff (issue #16): per window and service, in queue order; its figures."""


import pytest

from reservations.booking import waitlist
from reservations.booking.services import booking_cancel
from django.urls import reverse

from reservations.models import SlotCounter, WaitlistEntry, Window
from reservations.schedule import calendars
from tests.reservations.factories import NOW
from tests.reservations.test_waitlist_services import DAY, fill, join

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]


def full_day_at(code, day=DAY):
    window = Window.objects.with_rules().get(code=code)
    for slot in calendars.window_availability(window, day, day, today=NOW.date(), now=NOW)[0].slots:
        SlotCounter.objects.update_or_create(window=window, service="pickup", date=day, start=slot.start,
                                             defaults={"capacity": slot.capacity, "booked": slot.capacity})
    calendars.invalidate_availability()


def test_the_waiting_list_in_queue_order_with_its_offer(client, clerk_kita):
    bookings = fill()
    full_day_at("cityhall")
    first, second = join(), join(window=None)
    booking_cancel(booking=bookings[0], now=NOW)
    client.force_login(clerk_kita)
    html = client.get("/en/staff/windows/kita/waitlist/").content.decode()
    assert html.index(first.display_code) < html.index(second.display_code)
    assert "Offered a time" in html and "until 10:30" in html
    assert "Any window" in html  # the second waits for any window of its ward
    # City Hall serves every ward, so the "any window" entry waits there too; not the first.
    html = client.get("/staff/windows/kita/waitlist/").content.decode()
    assert "キャンセル待ち" in html


def test_staff_see_only_their_windows(client, clerk_chuo):
    client.force_login(clerk_chuo)
    assert client.get("/en/staff/windows/kita/waitlist/").status_code in (403, 404)


def test_the_page_costs_a_fixed_number_of_queries(client, clerk_kita, django_assert_max_num_queries):
    fill()
    for _ in range(3):
        join()
    client.force_login(clerk_kita)
    client.get("/en/staff/windows/kita/waitlist/")
    with django_assert_max_num_queries(12):
        client.get("/en/staff/windows/kita/waitlist/")
    for _ in range(5):
        join()
    with django_assert_max_num_queries(12):
        client.get("/en/staff/windows/kita/waitlist/")


def test_statistics_count_the_waiting_list(client, clerk_kita):
    bookings = fill()
    first, second, third = join(), join(), join()
    booking_cancel(booking=bookings[0], now=NOW)
    waitlist.waitlist_decline(entry=first, now=NOW)
    waitlist.waitlist_accept(entry=second, now=NOW)
    client.force_login(clerk_kita)
    response = client.get("/en/staff/windows/kita/stats/?service=pickup")
    rows = {row["label"]: row for row in response.context["waitlist_rows"]}
    pickup = next(iter(rows.values()))
    assert (pickup["joined"], pickup["offers"], pickup["declined"], pickup["accepted"]) == (3, 2, 1, 1)
    assert pickup["open"] == 0 and pickup["waiting"] == 2  # the first waits again, and the third
    assert WaitlistEntry.objects.get(pk=third.pk).status == "waiting"
    assert "Entries joined" in response.content.decode()


def test_the_admin_lists_entries_read_only(admin_client):
    fill()
    entry = join()
    page = admin_client.get(reverse("admin:reservations_waitlistentry_changelist"))
    assert page.status_code == 200 and entry.display_code in page.content.decode()
    assert admin_client.get(reverse("admin:reservations_waitlistentry_change", args=[entry.pk])).status_code == 200
