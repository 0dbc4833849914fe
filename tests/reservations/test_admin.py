"""The Django admin for windows and calendars, as a city admin uses it."""

from datetime import date

import pytest
from django.conf import settings

from reservations.models import Closure, RecurringClosure, Window

pytestmark = pytest.mark.django_db

ADMIN = "/" + settings.ADMIN_PATH


@pytest.mark.parametrize(
    "model", ["window", "closure", "recurringclosure", "capacityoverride", "bookingblock"]
)
def test_changelist_and_add_pages_render(admin_client, model):
    assert admin_client.get(f"{ADMIN}reservations/{model}/").status_code == 200
    assert admin_client.get(f"{ADMIN}reservations/{model}/add/").status_code == 200


def test_window_change_page_shows_its_opening_rules(admin_client):
    window = Window.objects.get(code="cityhall")
    response = admin_client.get(f"{ADMIN}reservations/window/{window.pk}/change/")
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][1].formset.queryset.count() == 8


def test_closure_list_filters_by_window_and_date(admin_client):
    kita = Window.objects.get(code="kita")
    Closure.objects.create(window=kita, start_date=date(2026, 12, 3), end_date=date(2026, 12, 3), note_ja="A")
    Closure.objects.create(window=None, start_date=date(2027, 2, 3), end_date=date(2027, 2, 3), note_ja="B")
    response = admin_client.get(f"{ADMIN}reservations/closure/", {"window__id__exact": kita.pk})
    assert [c.note_ja for c in response.context["cl"].result_list] == ["A"]
    response = admin_client.get(f"{ADMIN}reservations/closure/", {"start_date__year": 2027})
    assert [c.note_ja for c in response.context["cl"].result_list] == ["B"]


def test_admin_adds_a_partial_closure_that_the_api_shows(admin_client, client):
    kita = Window.objects.get(code="kita")
    response = admin_client.post(
        f"{ADMIN}reservations/closure/add/",
        {"window": kita.pk, "kind": "temporary", "start_date": "2026-12-03", "end_date": "2026-12-03",
         "start_time": "13:00", "end_time": "14:00", "note_ja": "研修", "note_en": "Training"},
    )
    assert response.status_code == 302
    closure = Closure.objects.get()
    assert (closure.start_time.hour, closure.end_time.hour) == (13, 14)
    body = client.get("/api/v1/windows/kita/availability", {"from": "2026-12-03", "to": "2026-12-03"}).json()
    day = body["days"][0]
    assert day["reason"] in ("too_soon", "beyond_horizon") or {
        s["start"]: s["remaining"] for s in day["slots"]
    }["13:00"] == 0


def test_admin_refuses_a_closure_that_ends_before_it_starts(admin_client):
    response = admin_client.post(
        f"{ADMIN}reservations/closure/add/",
        {"kind": "temporary", "start_date": "2026-12-03", "end_date": "2026-12-01"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not Closure.objects.exists()


def test_admin_refuses_a_yearly_closure_on_a_day_the_month_lacks(admin_client):
    response = admin_client.post(
        f"{ADMIN}reservations/recurringclosure/add/",
        {"kind": "year_end", "pattern": "yearly", "start_month": 2, "start_day": 30, "end_month": 3,
         "end_day": 1, "days_after": 0},
    )
    assert response.status_code == 200
    assert "start_day" in response.context["adminform"].form.errors
    assert RecurringClosure.objects.count() == 2


def test_admin_edits_the_year_end_period(admin_client, client):
    year_end = RecurringClosure.objects.get(kind="year_end")
    response = admin_client.post(
        f"{ADMIN}reservations/recurringclosure/{year_end.pk}/change/",
        {"window": "all", "kind": "year_end", "pattern": "yearly", "start_month": 12, "start_day": 28, "end_month": 1,
         "end_day": 4, "days_after": 0, "note_ja": "年末年始", "note_en": "Year end"},
    )
    assert response.status_code == 302
    days = client.get("/api/v1/windows/kita/schedule", {"from": "2026-12-28", "to": "2027-01-05"}).json()["days"]
    assert days[0]["reason"] == "year_end"
    assert days[7]["reason"] == "year_end"  # 4 January
    assert days[8]["open"] is True


def test_admin_is_not_at_the_default_path(client):
    assert settings.ADMIN_PATH != "admin/"
    assert client.get("/admin/").status_code == 404
