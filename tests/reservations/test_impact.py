"""
What closures, capacity cuts and booking blocks do to existing bookings
(R-B9, R-S3) and the read-only audit trail in the admin (R-S4).
"""

import datetime as dt
from datetime import date, time

import pytest
from django.conf import settings

from reservations.admin import IMPACT_CONFIRMED
from reservations.booking import services
from reservations.booking.services import booking_create, booking_reschedule
from reservations.models import (
    Booking,
    BookingBlock,
    BookingEvent,
    CapacityOverride,
    Closure,
    Message,
    SlotCounter,
    Window,
)
from reservations.schedule import impact

from . import factories

ADMIN = "/" + settings.ADMIN_PATH
TUESDAY = date(2026, 12, 1)
WEDNESDAY = date(2026, 12, 2)
THURSDAY = date(2026, 12, 3)


# The pure rule is tested in tests/reservations/rules/test_impact.py.


def book(window="kita", day=TUESDAY, start=time(9), party=1):
    return booking_create(
        data=factories.booking_data(window=window, date=day, start=start, party=party), now=factories.NOW
    )


def counter(window, day, start):
    return SlotCounter.objects.get(window__code=window, date=day, start=start).booked


@pytest.fixture
def today(db, frozen_now):
    frozen_now(date(2026, 11, 25))


def whole_day(window, first, last=None):
    return Closure(window=window, start_date=first, end_date=last or first, kind="temporary", note_ja="停電")


@pytest.mark.parametrize("days", [1, 3])
def test_affected_bookings_takes_a_fixed_number_of_queries(today, django_assert_max_num_queries, days):
    for offset in range(days):
        for start in (time(9), time(9, 15), time(10)):
            book("kita", TUESDAY + dt.timedelta(days=offset), start)
            book("higashi", TUESDAY + dt.timedelta(days=offset), start)
    closure = whole_day(None, TUESDAY, THURSDAY)
    with django_assert_max_num_queries(7):  # +1: the windows' services (issue #14)
        found = impact.affected_bookings(None, TUESDAY, THURSDAY, extra_closure=closure)
    assert len(found) == 6 * days


def test_affected_bookings_keeps_to_the_window_and_dates(today):
    hit = book("kita", TUESDAY)
    book("kita", WEDNESDAY)
    book("higashi", TUESDAY)
    kita = Window.objects.get(code="kita")
    assert impact.affected_bookings(kita, TUESDAY, TUESDAY, extra_closure=whole_day(kita, TUESDAY)) == [hit]


def test_affected_bookings_leaves_past_days_alone(db, frozen_now):
    book("kita", TUESDAY)
    upcoming = book("kita", THURSDAY)
    frozen_now(WEDNESDAY)
    found = impact.affected_bookings(None, TUESDAY, THURSDAY, extra_closure=whole_day(None, TUESDAY, THURSDAY))
    assert found == [upcoming]


def test_affected_bookings_of_a_changed_closure_use_its_new_dates(today):
    book("kita", TUESDAY)
    moved = book("kita", WEDNESDAY)
    kita = Window.objects.get(code="kita")
    closure = Closure.objects.create(window=kita, start_date=date(2026, 12, 10), end_date=date(2026, 12, 10))
    closure.start_date = closure.end_date = WEDNESDAY
    assert impact.affected_bookings(kita, WEDNESDAY, WEDNESDAY, extra_closure=closure) == [moved]


def test_window_capacity_cut_spares_days_with_their_own_capacity(today):
    first = book("kita", TUESDAY)
    second = book("kita", TUESDAY)
    book("kita", WEDNESDAY)
    book("kita", WEDNESDAY)
    kita = Window.objects.get(code="kita")
    CapacityOverride.objects.create(window=kita, date=WEDNESDAY, capacity=2)
    offer = kita.offer("pickup")
    offer.capacity = 1  # unsaved
    assert impact.affected_bookings(kita, date(2026, 11, 25), None, offer=offer) == [second]
    assert first.pk != second.pk


@pytest.mark.parametrize("count", [1, 6])
def test_mark_affected_takes_a_fixed_number_of_queries(today, admin_user, django_assert_max_num_queries, count):
    bookings = [book("kita", TUESDAY + dt.timedelta(days=i % 3), time(9, 15 * (i // 3))) for i in range(count)]
    # Savepoint, lock the bookings, lock their counters, recount the seats the
    # other bookings hold (a drifted counter is repaired, never clamped),
    # write the counters, the statuses, the events, the notices, disarm the
    # reminders, release: the same ten for one booking or many.
    # 11: the seat recount also counts the waiting list's open holds (R-L3), one query.
    with django_assert_max_num_queries(11):
        marked = services.bookings_mark_affected(bookings, actor=admin_user, reason="停電")
    assert len(marked) == count
    assert set(Booking.objects.values_list("status", flat=True)) == {"affected"}
    assert not SlotCounter.objects.filter(booked__gt=0).exists()


def test_mark_affected_skips_bookings_no_longer_booked(today, admin_user):
    booking = book()
    Booking.objects.filter(pk=booking.pk).update(status="checked_in")
    assert services.bookings_mark_affected([booking], actor=admin_user, reason="x") == []
    assert not Message.objects.filter(kind="closure_notice").exists()


# --- The admin's two-step save ---------------------------------------------------


def closure_form(window, first, last=None, **extra):
    data = {"window": window.pk if window else "all", "kind": "temporary", "start_date": first.isoformat(),
            "end_date": (last or first).isoformat(), "start_time": "", "end_time": "", "note_ja": "停電",
            "note_en": "Power cut", "_save": "Save"}
    data.update(extra)
    return data


def confirmed(response):
    """Return the form data the confirmation page posts back: the hidden fields and the flag."""
    data = {}
    for name, value in response.context["hidden_fields"]:
        data.setdefault(name, []).append(value)
    data[response.context["confirm_field"]] = response.context["fingerprint"]
    return data


def test_closure_over_bookings_shows_them_and_saves_nothing(admin_client, today):
    nine = book("kita", TUESDAY, time(9))
    ten = book("kita", TUESDAY, time(10), party=2)
    book("kita", WEDNESDAY)
    book("higashi", TUESDAY)
    kita = Window.objects.get(code="kita")

    response = admin_client.post(f"{ADMIN}reservations/closure/add/", closure_form(kita, TUESDAY))

    assert response.status_code == 200
    assert "admin/reservations/impact_confirmation.html" in [t.name for t in response.templates]
    assert [b.pk for b in response.context["bookings"]] == [nine.pk, ten.pk]
    content = response.content.decode()
    assert nine.display_code in content and ten.display_code in content
    assert 'name="csrfmiddlewaretoken"' in content
    assert f'name="{IMPACT_CONFIRMED}"' in content
    assert not Closure.objects.exists()
    assert set(Booking.objects.values_list("status", flat=True)) == {"booked"}
    assert not BookingEvent.objects.exclude(action="booked").exists()
    assert not Message.objects.filter(kind="closure_notice").exists()


def test_confirmed_closure_marks_its_bookings_affected(admin_client, admin_user, today):
    nine = book("kita", TUESDAY, time(9))
    ten = book("kita", TUESDAY, time(10), party=2)
    other = book("kita", WEDNESDAY)
    kita = Window.objects.get(code="kita")
    preview = admin_client.post(f"{ADMIN}reservations/closure/add/", closure_form(kita, TUESDAY))

    response = admin_client.post(f"{ADMIN}reservations/closure/add/", confirmed(preview))

    assert response.status_code == 302
    closure = Closure.objects.get()
    assert (closure.window, closure.start_date, closure.note_ja) == (kita, TUESDAY, "停電")
    assert dict(Booking.objects.values_list("pk", "status")) == {
        nine.pk: "affected", ten.pk: "affected", other.pk: "booked"
    }
    assert counter("kita", TUESDAY, time(9)) == 0
    assert counter("kita", TUESDAY, time(10)) == 0
    assert counter("kita", WEDNESDAY, time(9)) == 1
    for booking in (nine, ten):
        event = BookingEvent.objects.get(booking=booking, action="affected")
        assert (event.before, event.after, event.actor, event.actor_label) == (
            "booked", "affected", admin_user, admin_user.username
        )
        assert "停電" in event.reason
        message = Message.objects.get(booking=booking, kind="closure_notice")
        assert (message.kind, message.state) == ("closure_notice", "pending")
        assert "停電" in message.note
    assert not BookingEvent.objects.filter(booking=other, action="affected").exists()


def test_bookings_are_marked_once_the_closure_has_committed(admin_client, today, monkeypatch):
    """Marking is a booking write with its own durable transaction, after the admin's save (R-B9)."""
    hit = book("kita", TUESDAY)
    kita = Window.objects.get(code="kita")
    preview = admin_client.post(f"{ADMIN}reservations/closure/add/", closure_form(kita, TUESDAY))
    seen = []

    def mark(bookings, **kwargs):
        seen.append((Closure.objects.count(), [b.pk for b in bookings]))
        return real_mark(bookings, **kwargs)

    real_mark = services.bookings_mark_affected
    monkeypatch.setattr(services, "bookings_mark_affected", mark)
    assert admin_client.post(f"{ADMIN}reservations/closure/add/", confirmed(preview)).status_code == 302
    assert seen == [(1, [hit.pk])]
    assert Booking.objects.get(pk=hit.pk).status == "affected"


def test_a_failed_marking_keeps_the_closure_and_tells_the_admin(admin_client, today, monkeypatch):
    from django.db import OperationalError

    hit = book("kita", TUESDAY)
    kita = Window.objects.get(code="kita")
    preview = admin_client.post(f"{ADMIN}reservations/closure/add/", closure_form(kita, TUESDAY))

    def fail(bookings, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "bookings_mark_affected", fail)
    response = admin_client.post(f"{ADMIN}reservations/closure/add/", confirmed(preview), follow=True)
    assert Closure.objects.count() == 1 and Booking.objects.get(pk=hit.pk).status == "booked"
    assert "もう一度保存して再試行してください" in response.content.decode()
    # Saving it again finds the same booking and, confirmed, marks it.
    closure = Closure.objects.get()
    url = f"{ADMIN}reservations/closure/{closure.pk}/change/"
    monkeypatch.undo()
    again = admin_client.post(url, closure_form(kita, TUESDAY))
    assert [b.pk for b in again.context["bookings"]] == [hit.pk]
    admin_client.post(url, confirmed(again))
    assert Booking.objects.get(pk=hit.pk).status == "affected"


def test_partial_closure_hits_only_the_slots_it_overlaps(admin_client, today):
    book("kita", TUESDAY, time(9))
    one_pm = book("kita", TUESDAY, time(13))
    kita = Window.objects.get(code="kita")
    data = closure_form(kita, TUESDAY, start_time="13:00", end_time="14:00")
    preview = admin_client.post(f"{ADMIN}reservations/closure/add/", data)
    assert [b.pk for b in preview.context["bookings"]] == [one_pm.pk]
    admin_client.post(f"{ADMIN}reservations/closure/add/", confirmed(preview))
    assert list(Booking.objects.filter(status="affected")) == [one_pm]


def test_closure_over_no_bookings_saves_at_once(admin_client, today):
    book("kita", WEDNESDAY)
    kita = Window.objects.get(code="kita")
    response = admin_client.post(f"{ADMIN}reservations/closure/add/", closure_form(kita, TUESDAY))
    assert response.status_code == 302
    assert Closure.objects.count() == 1
    assert not Booking.objects.filter(status="affected").exists()


def test_closure_whose_bookings_changed_is_shown_again(admin_client, today):
    book("kita", TUESDAY, time(9))
    kita = Window.objects.get(code="kita")
    preview = admin_client.post(f"{ADMIN}reservations/closure/add/", closure_form(kita, TUESDAY))
    late = book("kita", TUESDAY, time(11))

    response = admin_client.post(f"{ADMIN}reservations/closure/add/", confirmed(preview))

    assert response.status_code == 200
    assert response.context["changed"] is True
    assert late.pk in [b.pk for b in response.context["bookings"]]
    assert not Closure.objects.exists()


def test_changing_a_closure_previews_its_new_dates(admin_client, today):
    kita = Window.objects.get(code="kita")
    closure = Closure.objects.create(window=kita, start_date=date(2026, 12, 10), end_date=date(2026, 12, 10))
    hit = book("kita", WEDNESDAY)
    url = f"{ADMIN}reservations/closure/{closure.pk}/change/"
    preview = admin_client.post(url, closure_form(kita, WEDNESDAY))
    assert [b.pk for b in preview.context["bookings"]] == [hit.pk]
    closure.refresh_from_db()
    assert closure.start_date == date(2026, 12, 10)
    assert admin_client.post(url, confirmed(preview)).status_code == 302
    closure.refresh_from_db()
    assert closure.start_date == WEDNESDAY
    assert Booking.objects.get(pk=hit.pk).status == "affected"


def test_capacity_cut_marks_only_the_latest_bookings(admin_client, today):
    first = book("kita", TUESDAY, time(9))
    second = book("kita", TUESDAY, time(9))
    quarter = book("kita", TUESDAY, time(9, 15))
    kita = Window.objects.get(code="kita")
    data = {"window": kita.pk, "service": "pickup", "date": TUESDAY.isoformat(), "capacity": 1, "note": "研修"}

    preview = admin_client.post(f"{ADMIN}reservations/capacityoverride/add/", data)
    assert [b.pk for b in preview.context["bookings"]] == [second.pk]
    assert not CapacityOverride.objects.exists()
    response = admin_client.post(f"{ADMIN}reservations/capacityoverride/add/", confirmed(preview))

    assert response.status_code == 302
    assert CapacityOverride.objects.get().capacity == 1
    assert dict(Booking.objects.values_list("pk", "status")) == {
        first.pk: "booked", second.pk: "affected", quarter.pk: "booked"
    }
    assert counter("kita", TUESDAY, time(9)) == 1
    assert Message.objects.get(kind="closure_notice").booking_id == second.pk


def test_booking_block_lists_bookings_but_marks_nothing(admin_client, today):
    booking = book("kita", TUESDAY)
    data = {"window": "all", "start_date": TUESDAY.isoformat(), "end_date": THURSDAY.isoformat(), "note_ja": "点検"}

    preview = admin_client.post(f"{ADMIN}reservations/bookingblock/add/", data)
    assert preview.status_code == 200
    assert preview.context["marks"] is False
    assert [b.pk for b in preview.context["bookings"]] == [booking.pk]
    assert not BookingBlock.objects.exists()
    response = admin_client.post(f"{ADMIN}reservations/bookingblock/add/", confirmed(preview))

    assert response.status_code == 302
    assert BookingBlock.objects.count() == 1
    assert Booking.objects.get().status == "booked"
    assert counter("kita", TUESDAY, time(9)) == 1
    assert not Message.objects.filter(kind="closure_notice").exists()
    assert not BookingEvent.objects.exclude(action="booked").exists()


def change_form_data(response):
    """Return the POST data of an admin change page as it stands (the form and its inlines)."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def test_window_capacity_cut_is_confirmed_first(admin_client, today):
    first = book("kita", TUESDAY)
    second = book("kita", TUESDAY)
    kita = Window.objects.get(code="kita")
    url = f"{ADMIN}reservations/window/{kita.pk}/change/"
    data = change_form_data(admin_client.get(url))
    pickup = next(key.rsplit("-", 1)[0] for key, value in data.items() if key.endswith("-service") and value == "pickup")
    data[f"{pickup}-capacity"] = 1

    preview = admin_client.post(url, data)
    assert preview.status_code == 200
    assert [b.pk for b in preview.context["bookings"]] == [second.pk]
    assert kita.offers.get(service="pickup").capacity == 2
    response = admin_client.post(url, confirmed(preview))

    assert response.status_code == 302
    assert kita.offers.get(service="pickup").capacity == 1
    assert dict(Booking.objects.values_list("pk", "status")) == {first.pk: "booked", second.pk: "affected"}


def test_window_opening_rule_change_hits_the_slots_it_removes(admin_client, today):
    early = book("kita", TUESDAY, time(9))
    late = book("kita", TUESDAY, time(16, 30))
    kita = Window.objects.get(code="kita")
    url = f"{ADMIN}reservations/window/{kita.pk}/change/"
    data = change_form_data(admin_client.get(url))
    tuesday_rule = next(
        key.rsplit("-", 1)[0] for key, value in data.items()
        if key.endswith("-weekday") and value == 1 and data[key.replace("-weekday", "-service")] == "pickup"
    )
    data[f"{tuesday_rule}-closes_at"] = "16:00"

    preview = admin_client.post(url, data)
    assert [b.pk for b in preview.context["bookings"]] == [late.pk]
    assert kita.opening_rules.get(weekday=1, service="pickup").closes_at == time(17)
    admin_client.post(url, confirmed(preview))
    assert kita.opening_rules.get(weekday=1, service="pickup").closes_at == time(16)
    assert dict(Booking.objects.values_list("pk", "status")) == {early.pk: "booked", late.pk: "affected"}


def test_window_edit_that_hits_nothing_saves_at_once(admin_client, today):
    book("kita", TUESDAY)
    kita = Window.objects.get(code="kita")
    url = f"{ADMIN}reservations/window/{kita.pk}/change/"
    data = change_form_data(admin_client.get(url))
    data["phone"] = "025-387-0000"
    assert admin_client.post(url, data).status_code == 302
    kita.refresh_from_db()
    assert kita.phone == "025-387-0000"


def test_resident_can_rebook_an_affected_booking(admin_client, today):
    booking = book("kita", TUESDAY)
    kita = Window.objects.get(code="kita")
    preview = admin_client.post(f"{ADMIN}reservations/closure/add/", closure_form(kita, TUESDAY))
    admin_client.post(f"{ADMIN}reservations/closure/add/", confirmed(preview))
    booking.refresh_from_db()
    assert booking.status == "affected"

    moved = booking_reschedule(booking=booking, window=kita, date=WEDNESDAY, start=time(10), now=factories.NOW)

    assert (moved.status, moved.date, moved.start) == ("booked", WEDNESDAY, time(10))
    assert counter("kita", WEDNESDAY, time(10)) == 1
    assert counter("kita", TUESDAY, time(9)) == 0
    assert [e.action for e in BookingEvent.objects.filter(booking=booking)] == ["booked", "affected", "rescheduled"]


# --- Read-only lists: bookings, the audit trail, notices (R-S4) ---------------------


def test_audit_trail_is_read_only(admin_client, today):
    booking = book()
    event = BookingEvent.objects.get(booking=booking)
    assert admin_client.get(f"{ADMIN}reservations/bookingevent/").status_code == 200
    assert admin_client.get(f"{ADMIN}reservations/bookingevent/add/").status_code == 403
    response = admin_client.get(f"{ADMIN}reservations/bookingevent/{event.pk}/change/")
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert 'name="_save"' not in response.content.decode()
    post = admin_client.post(f"{ADMIN}reservations/bookingevent/{event.pk}/change/", {"action": "x"})
    assert post.status_code == 403
    assert admin_client.post(f"{ADMIN}reservations/bookingevent/{event.pk}/delete/").status_code == 403
    event.refresh_from_db()
    assert event.action == "booked"


def test_booking_list_filters_affected_and_finds_a_typed_code(admin_client, admin_user, today):
    hit = book("kita", TUESDAY)
    book("kita", WEDNESDAY)
    services.bookings_mark_affected([hit], actor=admin_user, reason="停電")
    response = admin_client.get(f"{ADMIN}reservations/booking/", {"status__exact": "affected"})
    assert [b.pk for b in response.context["cl"].result_list] == [hit.pk]
    typed = hit.display_code.lower()
    response = admin_client.get(f"{ADMIN}reservations/booking/", {"q": typed})
    assert [b.pk for b in response.context["cl"].result_list] == [hit.pk]
    assert admin_client.get(f"{ADMIN}reservations/booking/add/").status_code == 403
    assert admin_client.get(f"{ADMIN}reservations/booking/{hit.pk}/change/").status_code == 200


def test_pending_notices_are_listed(admin_client, admin_user, today):
    hit = book("kita", TUESDAY)
    services.bookings_mark_affected([hit], actor=admin_user, reason="停電")
    response = admin_client.get(f"{ADMIN}reservations/message/", {"state__exact": "pending", "kind__exact": "closure_notice"})
    assert [m.booking_id for m in response.context["cl"].result_list] == [hit.pk]
    assert admin_client.get(f"{ADMIN}reservations/message/add/").status_code == 403
