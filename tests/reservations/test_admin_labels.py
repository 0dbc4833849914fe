"""The admin in Japanese (issue #15): names of every model and field, the explicit 全窓口, names and dates in words."""

import datetime as dt

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.utils import translation

from reservations.admin import _dates, closure_reason
from reservations.models import (
    BookingEvent,
    CapacityOverride,
    Closure,
    OpeningRule,
    SlotCounter,
    Window,
    forget_window_names,
)
from tests.reservations.factories import BookingFactory

pytestmark = pytest.mark.django_db

ADMIN = "/" + settings.ADMIN_PATH


def _reservations_models():
    """The models of the reservations app: those registered in the admin and the inlines' (every one)."""
    registered = {model for model in admin.site._registry if model._meta.app_label == "reservations"}
    return sorted(registered | set(apps.get_app_config("reservations").get_models()), key=lambda m: m.__name__)


def _japanese_differs(label):
    with translation.override("en"):
        english = str(label)
    with translation.override("ja"):
        return str(label) != english


@pytest.mark.parametrize("model", _reservations_models(), ids=lambda model: model.__name__)
def test_every_model_and_field_has_a_japanese_name(model):
    assert _japanese_differs(model._meta.verbose_name), model
    assert _japanese_differs(model._meta.verbose_name_plural), model
    for field in model._meta.get_fields():
        if not field.concrete or field.auto_created or field.name == "id":
            continue
        assert _japanese_differs(field.verbose_name), f"{model.__name__}.{field.name}"


def test_the_list_filters_say_window_in_japanese(admin_client):
    page = admin_client.get(f"{ADMIN}reservations/closure/").content.decode()
    assert "受取窓口 で絞り込む" in page or "受取窓口で絞り込む" in page
    assert "window で絞り込む" not in page
    events = admin_client.get(f"{ADMIN}reservations/bookingevent/").content.decode()
    assert "予約の履歴" in events and "Booking events" not in events


@pytest.mark.parametrize("model", ["closure", "recurringclosure", "bookingblock"])
def test_the_add_form_has_no_preselected_window_and_offers_all_windows(admin_client, model):
    form = admin_client.get(f"{ADMIN}reservations/{model}/add/").context["adminform"].form
    field = form["window"]
    assert field.value() in (None, "")
    assert field.field.required
    choices = dict(field.field.choices)
    assert choices["all"] == "全窓口"
    assert "全窓口" in admin_client.get(f"{ADMIN}reservations/{model}/add/").content.decode()


def test_a_closure_without_a_window_choice_is_refused(admin_client):
    response = admin_client.post(f"{ADMIN}reservations/closure/add/", {
        "kind": "temporary", "start_date": "2027-03-03", "end_date": "2027-03-03"})
    assert response.status_code == 200 and "window" in response.context["adminform"].form.errors
    assert not Closure.objects.exists()


def test_saving_all_windows_stores_no_window_and_shows_all_windows_again(admin_client):
    response = admin_client.post(f"{ADMIN}reservations/closure/add/", {
        "window": "all", "kind": "temporary", "start_date": "2027-03-03", "end_date": "2027-03-03"})
    assert response.status_code == 302
    closure = Closure.objects.get()
    assert closure.window is None
    change = admin_client.get(f"{ADMIN}reservations/closure/{closure.pk}/change/")
    assert change.context["adminform"].form["window"].value() == "all"


def test_capacity_override_and_opening_rule_read_in_names_and_dates():
    chuo = Window.objects.get(code="chuo")
    override = CapacityOverride(window=chuo, service="pickup", date=dt.date(2026, 12, 10), capacity=4)
    with translation.override("ja"):
        text = str(override)
        assert text == "中央区役所 12月10日（木）（窓口受取）：4席" or ("中央区役所 12月10日（木）" in text and "4席" in text)
        assert "chuo" not in text and "2026-12-10" not in text
        rule = OpeningRule(window=chuo, weekday=0, opens_at=dt.time(8, 30), closes_at=dt.time(17, 15))
        assert "中央区役所" in str(rule) and "8:30" in str(rule)
        counter = SlotCounter(window=chuo, date=dt.date(2026, 12, 10), start=dt.time(9), capacity=2, booked=1)
        assert str(counter).startswith("中央区役所") and "12月10日（木） 9:00: 1/2" in str(counter)
    with translation.override("en"):
        assert str(override).startswith("Chuo Ward Office Dec. 10 (Thu)")


def test_admin_messages_write_dates_in_words():
    with translation.override("ja"):
        assert _dates(dt.date(2026, 12, 10), dt.date(2026, 12, 10)) == "12月10日（木）"
        closure = Closure(kind="temporary", start_date=dt.date(2026, 12, 10), end_date=dt.date(2026, 12, 11))
        assert "12月10日（木）–12月11日（金）" in closure_reason(closure)
        assert "2026-12-10" not in closure_reason(closure)


def test_the_audit_trail_reads_a_move_in_names_and_dates(django_assert_max_num_queries):
    forget_window_names()
    booking = BookingFactory(window=Window.objects.get(code="kita"))
    event = BookingEvent.objects.create(booking=booking, action="rescheduled", before="kita 2026-11-26 09:00",
                                        after="chuo 2026-11-27 13:30")
    with translation.override("ja"):
        assert event.before_label == "北区役所 11月26日（木） 9:00"
        assert event.after_label == "中央区役所 11月27日（金） 13:30"
        with django_assert_max_num_queries(0):  # the names are read once, not per row
            assert [e.before_label for e in [event] * 20] == ["北区役所 11月26日（木） 9:00"] * 20
    with translation.override("en"):
        assert event.before_label == "Kita Ward Office Nov. 26 (Thu) 9:00"
    assert BookingEvent(before="booked").before_label in ("Booked", "予約済")
    assert BookingEvent(before="something else").before_label == "something else"


def test_the_admin_history_shows_the_move_in_words(admin_client):
    forget_window_names()
    booking = BookingFactory(window=Window.objects.get(code="kita"))
    BookingEvent.objects.create(booking=booking, action="rescheduled", before="kita 2026-11-26 09:00",
                                after="chuo 2026-11-27 13:30")
    page = admin_client.get(f"{ADMIN}reservations/bookingevent/").content.decode()
    assert "北区役所 11月26日（木） 9:00" in page and "kita 2026-11-26" not in page


def test_the_confirmation_page_writes_the_dates_in_words(admin_client):
    kita = Window.objects.get(code="kita")
    BookingFactory(window=kita, date=dt.date(2027, 3, 3))
    preview = admin_client.post(f"{ADMIN}reservations/closure/add/", {
        "window": str(kita.pk), "kind": "temporary", "start_date": "2027-03-03", "end_date": "2027-03-03"})
    html = preview.content.decode()
    assert preview.context["count"] == 1
    assert "<td>3月3日（水）</td>" in html and "<td>北区役所</td>" in html
