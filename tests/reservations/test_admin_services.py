"""
The admin with two services (R-S3, R-A3, R-A4, R-A7, R-B9): each service's
opening rules, seats and slot length per window; capacity overrides per
service; closures and rule changes previewed across both services.
"""

import datetime as dt
from datetime import date, time

import pytest
from django.conf import settings
from django.utils import translation

from reservations.booking.services import booking_create
from reservations.models import Booking, CapacityOverride, Service, Window, WindowService
from reservations.schedule import calendars, impact

from . import factories
from .test_impact import change_form_data, closure_form, confirmed

ADMIN = "/" + settings.ADMIN_PATH
MONDAY, TUESDAY = date(2026, 11, 30), date(2026, 12, 1)
SUPPORT, PICKUP = "application_support", "pickup"


@pytest.fixture
def today(db, frozen_now):
    frozen_now(date(2026, 11, 25))


def book(service=PICKUP, day=TUESDAY, start=time(9), window="chuo"):
    overrides = {}
    if service == SUPPORT:
        overrides = {"service": SUPPORT, "people": (factories.person(notice_number=""),)}
    return booking_create(
        data=factories.booking_data(window=window, date=day, start=start, **overrides), now=factories.NOW
    )


def label(service):
    """The service's words in the admin's language (Japanese)."""
    with translation.override("ja"):
        return str(Service(service).label)


def window_page(admin_client, code="chuo"):
    window = Window.objects.get(code=code)
    url = f"{ADMIN}reservations/window/{window.pk}/change/"
    return window, url, change_form_data(admin_client.get(url))


def prefix_of(data, service, **match):
    """Return the form prefix of the inline row of ``service`` whose other fields match ``match``."""
    return next(
        key.rsplit("-", 1)[0] for key, value in data.items()
        if key.endswith("-service") and value == service
        and all(data.get(key.replace("-service", f"-{name}")) == wanted for name, wanted in match.items())
    )


def offer_prefix(data, service):
    return next(key.rsplit("-", 1)[0] for key, value in data.items()
                if key.startswith("offers-") and key.endswith("-service") and value == service)


def test_window_page_shows_each_service_with_its_settings(admin_client, today):
    response = admin_client.get(f"{ADMIN}reservations/window/{Window.objects.get(code='chuo').pk}/change/")
    offers = response.context["inline_admin_formsets"][0].formset
    assert {form.instance.service for form in offers.forms} == {PICKUP, SUPPORT}
    assert set(offers.forms[0].fields) >= {"service", "booking", "capacity", "slot_minutes", "open_on_holidays",
                                           "lead_days", "lead_minutes", "horizon_days"}
    rules = response.context["inline_admin_formsets"][1].formset
    assert {form.instance.service for form in rules.forms} == {PICKUP, SUPPORT}


def test_admin_edits_the_support_hours_of_one_window(admin_client, today):
    """R-A3: each ward office's support hours are its own opening rules; pickup's stay."""
    chuo, url, data = window_page(admin_client)
    monday = prefix_of(data, SUPPORT, weekday=0)
    data[f"{monday}-closes_at"] = "12:00"
    assert admin_client.post(url, data).status_code == 302
    support_day = calendars.window_schedule(Window.objects.with_rules().get(code="chuo"), MONDAY, MONDAY, SUPPORT)[0]
    assert support_day.slots[-1].start == time(11, 30)
    pickup_day = calendars.window_schedule(Window.objects.with_rules().get(code="chuo"), MONDAY, MONDAY)[0]
    assert pickup_day.slots[-1].end > time(12)
    higashi = Window.objects.with_rules().get(code="higashi")
    assert calendars.window_schedule(higashi, MONDAY, MONDAY, SUPPORT)[0].slots[-1].start == time(15, 30)


def test_admin_edits_support_seats_and_slot_length_per_window(admin_client, today):
    chuo, url, data = window_page(admin_client)
    offer = offer_prefix(data, SUPPORT)
    data[f"{offer}-capacity"] = 3
    data[f"{offer}-slot_minutes"] = 60
    data[f"{offer}-lead_minutes"] = 60
    assert admin_client.post(url, data).status_code == 302
    fresh = Window.objects.with_rules().get(code="chuo")
    assert calendars.capacity_on(fresh, TUESDAY, service=SUPPORT) == 3
    assert calendars.capacity_on(fresh, TUESDAY) == 2  # pickup unchanged
    starts = [slot.start for slot in calendars.window_schedule(fresh, TUESDAY, TUESDAY, SUPPORT)[0].slots]
    assert starts[:2] == [time(9), time(10)]
    assert calendars.booking_terms(fresh, SUPPORT)[1] == 60


def test_support_capacity_override_previews_only_support_bookings(admin_client, today):
    pickups = [book(PICKUP), book(PICKUP)]
    first, second = book(SUPPORT), book(SUPPORT)
    chuo = Window.objects.get(code="chuo")
    data = {"window": chuo.pk, "service": SUPPORT, "date": TUESDAY.isoformat(), "capacity": 1, "note": "研修"}
    preview = admin_client.post(f"{ADMIN}reservations/capacityoverride/add/", data)
    assert [b.pk for b in preview.context["bookings"]] == [second.pk]
    assert f"<td>{label(SUPPORT)}</td>" in preview.content.decode()  # the page says each booking's service
    assert not CapacityOverride.objects.exists()
    assert admin_client.post(f"{ADMIN}reservations/capacityoverride/add/", confirmed(preview)).status_code == 302
    statuses = dict(Booking.objects.values_list("pk", "status"))
    assert statuses == {pickups[0].pk: "booked", pickups[1].pk: "booked", first.pk: "booked", second.pk: "affected"}
    assert CapacityOverride.objects.get().service == SUPPORT


def test_pickup_capacity_override_leaves_support_alone(admin_client, today):
    book(SUPPORT), book(SUPPORT)
    chuo = Window.objects.get(code="chuo")
    data = {"window": chuo.pk, "service": PICKUP, "date": TUESDAY.isoformat(), "capacity": 1, "note": ""}
    assert admin_client.post(f"{ADMIN}reservations/capacityoverride/add/", data).status_code == 302
    assert set(Booking.objects.values_list("status", flat=True)) == {"booked"}


def test_closure_preview_counts_both_services(admin_client, today):
    """R-A7, R-B9: a closure of a window hits the bookings of every service there."""
    card, helped = book(PICKUP), book(SUPPORT, start=time(10, 30))
    chuo = Window.objects.get(code="chuo")
    preview = admin_client.post(f"{ADMIN}reservations/closure/add/", closure_form(chuo, TUESDAY))
    assert preview.context["count"] == 2
    assert {b.pk for b in preview.context["bookings"]} == {card.pk, helped.pk}
    html = preview.content.decode()
    assert f"<td>{label(PICKUP)}</td>" in html and f"<td>{label(SUPPORT)}</td>" in html
    admin_client.post(f"{ADMIN}reservations/closure/add/", confirmed(preview))
    assert set(Booking.objects.values_list("status", flat=True)) == {"affected"}


def test_support_slot_length_change_marks_the_bookings_it_makes_impossible(admin_client, today):
    nine, half_past, card = book(SUPPORT), book(SUPPORT, start=time(9, 30)), book(PICKUP, start=time(9, 30))
    chuo, url, data = window_page(admin_client)
    data[f"{offer_prefix(data, SUPPORT)}-slot_minutes"] = 60
    preview = admin_client.post(url, data)
    assert [b.pk for b in preview.context["bookings"]] == [half_past.pk]
    assert chuo.offers.get(service=SUPPORT).slot_minutes == 30
    admin_client.post(url, confirmed(preview))
    assert dict(Booking.objects.values_list("pk", "status")) == {
        nine.pk: "booked", half_past.pk: "affected", card.pk: "booked"
    }


def test_switching_support_to_walk_in_is_previewed_and_marks_its_bookings(admin_client, today):
    """R-A4, R-B9: a walk-in service holds no bookings: its booked ones become affected; pickup's stay."""
    helped, later, card = book(SUPPORT), book(SUPPORT, day=date(2026, 12, 4)), book(PICKUP)
    chuo, url, data = window_page(admin_client)
    data[f"{offer_prefix(data, SUPPORT)}-booking"] = "walk_in"
    preview = admin_client.post(url, data)
    assert preview.status_code == 200 and preview.context["marks"] is True
    assert [b.pk for b in preview.context["bookings"]] == [helped.pk, later.pk]
    assert not chuo.offers.get(service=SUPPORT).walk_in
    assert admin_client.post(url, confirmed(preview)).status_code == 302
    assert chuo.offers.get(service=SUPPORT).walk_in
    assert dict(Booking.objects.values_list("pk", "status")) == {
        helped.pk: "affected", later.pk: "affected", card.pk: "booked"
    }


def test_affected_bookings_of_an_unsaved_walk_in_offer(today):
    helped = book(SUPPORT)
    book(PICKUP)
    chuo = Window.objects.get(code="chuo")
    offer = WindowService.objects.get(window=chuo, service=SUPPORT)
    offer.booking = "walk_in"
    assert [b.pk for b in impact.affected_bookings(chuo, TUESDAY, None, offer=offer)] == [helped.pk]
    offer.booking = "required"
    assert impact.affected_bookings(chuo, TUESDAY, None, offer=offer) == []


def test_support_booking_block_lists_only_support_bookings(admin_client, today):
    helped = book(SUPPORT)
    book(PICKUP)
    data = {"window": "all", "service": SUPPORT, "start_date": TUESDAY.isoformat(),
            "end_date": (TUESDAY + dt.timedelta(days=2)).isoformat(), "note_ja": "点検"}
    preview = admin_client.post(f"{ADMIN}reservations/bookingblock/add/", data)
    assert [b.pk for b in preview.context["bookings"]] == [helped.pk]
    everything = dict(data, service="")
    assert len(admin_client.post(f"{ADMIN}reservations/bookingblock/add/", everything).context["bookings"]) == 2
