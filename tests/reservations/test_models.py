"""reservations/models.py: the seeded windows (data migration), model rules and the database's own checks."""

from datetime import date, time

import pytest
from django.db import IntegrityError, transaction

from eligibility.rules import booking_checklist
from reservations import rules
from reservations.models import Booking, CapacityOverride, Closure, OpeningRule, RecurringClosure, Window

from .calendars import CITY_HALL, RECURRING, WARD_OFFICE
from .factories import BookingFactory, BookingPersonFactory, WindowFactory

pytestmark = pytest.mark.django_db


def test_migration_creates_the_nine_windows_of_r_w1():
    assert list(Window.objects.values_list("code", flat=True)) == [
        "kita", "higashi", "chuo", "konan", "akiha", "minami", "nishi", "nishikan", "cityhall",
    ]
    for window in Window.objects.exclude(code="cityhall"):
        assert (window.kind, window.ward) == ("ward", window.code)
    assert Window.objects.get(code="chuo").unit_ja == "窓口サービス課"


def test_seeded_rules_are_the_calendars_of_r_w2_and_r_w3():
    windows = Window.objects.with_rules()
    for window in windows:
        expected = CITY_HALL if window.kind == "cityhall" else WARD_OFFICE
        calendar = window.calendar()
        assert set(calendar.opening_rules) == set(expected.opening_rules), window.code
        assert calendar.open_on_holidays == expected.open_on_holidays
        assert calendar.slot_minutes == 15


def test_seeded_recurring_closures_are_those_of_r_w5():
    seeded = {closure.as_rule() for closure in RecurringClosure.objects.filter(window__isnull=True)}
    assert {(r.reason, r.weekday, r.nth, r.days_after, r.start, r.end) for r in seeded} == {
        (r.reason, r.weekday, r.nth, r.days_after, r.start, r.end) for r in RECURRING
    }


@pytest.mark.parametrize(
    "ward, served_by",
    [("kita", {"kita", "cityhall"}), ("nishikan", {"nishikan", "cityhall"}), ("", set())],
)
def test_window_serves(ward, served_by):
    assert {w.code for w in Window.objects.all() if w.serves(ward)} == served_by


def test_window_names_follow_the_language():
    from django.utils import translation

    window = Window.objects.get(code="kita")
    with translation.override("en"):
        assert window.name == "Kita Ward Office"
    with translation.override("ja"):
        assert window.name == "北区役所"


def test_closure_maps_its_kind_to_a_reason():
    closure = Closure(start_date=date(2026, 12, 1), end_date=date(2026, 12, 1), kind=Closure.Kind.TEMPORARY)
    assert closure.as_rule().reason == rules.ClosedReason.CLOSURE
    closure.kind = Closure.Kind.MAINTENANCE
    assert closure.as_rule().reason == rules.ClosedReason.MAINTENANCE


@pytest.mark.parametrize(
    "make",
    [
        lambda w: Closure.objects.create(window=w, start_date=date(2026, 12, 2), end_date=date(2026, 12, 1)),
        lambda w: Closure.objects.create(window=w, start_date=date(2026, 12, 1), end_date=date(2026, 12, 1),
                                         start_time=time(14)),
        lambda w: Closure.objects.create(window=w, start_date=date(2026, 12, 1), end_date=date(2026, 12, 1),
                                         start_time=time(14), end_time=time(13)),
        lambda w: OpeningRule.objects.create(window=w, weekday=0, nth=0, opens_at=time(9), closes_at=time(17)),
        lambda w: OpeningRule.objects.create(window=w, weekday=5, nth=2, opens_at=time(17), closes_at=time(9)),
        lambda w: Window.objects.filter(pk=w.pk).update(ward=""),
        lambda w: RecurringClosure.objects.create(kind="maintenance", pattern="monthly"),
        lambda w: [CapacityOverride.objects.create(window=w, date=date(2026, 12, 1), capacity=1) for _ in range(2)],
        lambda w: BookingFactory(window=w, email="", phone=""),
        lambda w: BookingFactory(window=w, party_size=5, people=[]),
        lambda w: [BookingFactory(window=w, people=[{"notice_number": "123456789012345"}]) for _ in range(2)],
    ],
    ids=["closure-dates", "closure-one-time", "closure-times", "duplicate-rule", "rule-times",
         "ward-office-without-ward", "recurring-without-pattern", "duplicate-override",
         "booking-without-contact", "party-of-five", "notice-number-in-two-active-bookings"],
)
def test_database_refuses_inconsistent_rows(make):
    window = Window.objects.get(code="kita")
    with pytest.raises(IntegrityError), transaction.atomic():
        make(window)


def test_booking_shows_its_code_in_two_groups_of_four():
    booking = BookingFactory.build(window=WindowFactory.build(), code="7QX2M9KD")
    assert booking.display_code == str(booking) == "7QX2-M9KD"


@pytest.mark.parametrize("status, active", [
    ("booked", True), ("checked_in", True), ("affected", True),
    ("issued", False), ("no_show", False), ("cancelled", False),
])
def test_booking_is_active_until_it_is_issued_missed_or_cancelled(status, active):
    assert BookingFactory.build(window=WindowFactory.build(), status=status).is_active is active
    assert (status in Booking.ACTIVE_STATUSES) is active


def test_booking_checklist_is_for_the_youngest_person_on_the_day():
    booking = BookingFactory.build(window=WindowFactory.build(), date=date(2026, 12, 1), attendance="proxy",
                                   proxy_reason=4)
    people = [BookingPersonFactory.build(booking=booking, birth_date=date(1990, 4, 1)),
              BookingPersonFactory.build(booking=booking, birth_date=date(2012, 12, 2))]  # 13 on the day, 14 the next
    assert booking.checklist(people) == booking_checklist("proxy", proxy_reason=4, applicant_age=13)


def test_booking_checklist_reads_the_saved_people_in_one_query(django_assert_num_queries):
    booking = BookingFactory(party_size=2, people=[{}, {"birth_date": date(2012, 12, 2)}])
    with django_assert_num_queries(1):
        items = booking.checklist()
    assert items == booking_checklist("in_person", applicant_age=13)
