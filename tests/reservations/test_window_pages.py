"""reservations/schedule/views.py: the windows pages and the month view (server-rendered, no JavaScript)."""

from datetime import date, time

import pytest

from reservations.models import Window

from .factories import ClosureFactory

pytestmark = pytest.mark.django_db


def test_window_list_shows_every_window_with_who_may_use_it(client):
    response = client.get("/windows/")
    assert response.status_code == 200
    html = response.content.decode()
    for window in Window.objects.all():
        assert window.name_ja in html
        assert window.phone in html
        assert window.address_ja in html
        assert window.get_absolute_url() in html
    assert 'lang="ja"' in html
    # R-W4 in words.
    assert "北区に住民登録されている方" in html
    assert "新潟市内に住民登録されている方" in html


def test_window_list_in_english(client):
    html = client.get("/en/windows/").content.decode()
    assert 'lang="en"' in html
    assert "Kita Ward Office" in html
    assert "Monday to Friday 9:00–17:00" in html
    assert "Thursday to Monday 9:30–16:45" in html
    assert "Residents registered in Kita ward" in html
    assert 'href="/en/windows/kita/"' in html


def test_window_list_query_count_is_flat(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert client.get("/windows/").status_code == 200


def test_month_view_shows_open_days_and_closed_days_with_reasons(client):
    response = client.get("/en/windows/cityhall/", {"month": "2026-11"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "November 2026" in html
    assert "9:30–17:45" in html  # 2nd/4th Saturday
    assert "No issuing: system maintenance" in html  # 22 November
    assert "Closed on this day of the week" in html  # Tuesdays, Wednesdays, 3rd Sunday
    assert "Labor Thanksgiving Day" in html  # 23 November, open at City Hall
    closed_days = response.context["closed_days"]
    assert [(day.date.day, str(day.reason)) for day, _ in closed_days if day.date.weekday() == 6] == [
        (15, "weekly_closed"),
        (22, "maintenance"),
    ]


def test_month_view_of_a_ward_office_in_japanese(client):
    html = client.get("/windows/kita/", {"month": "2026-11"}).content.decode()
    assert "2026年11月" in html
    assert "祝日" in html
    assert "システムメンテナンス" in html


def test_month_view_shows_a_closure_note(client):
    ClosureFactory(window=Window.objects.get(code="akiha"), start_date=date(2026, 12, 3),
                   note_ja="庁舎点検のため", note_en="Building inspection")
    ClosureFactory(start_date=date(2026, 12, 4), start_time=time(9), end_time=time(12),
                   note_ja="午前は休み", note_en="Closed in the morning")
    html = client.get("/en/windows/akiha/", {"month": "2026-12"}).content.decode()
    assert "Building inspection" in html
    assert "Closed in the morning" in html
    assert "Temporarily closed" in html


def test_month_view_defaults_to_this_month_and_links_its_neighbours(client, frozen_now):
    frozen_now(date(2026, 11, 25))
    response = client.get("/windows/kita/")
    assert response.context["month"] == date(2026, 11, 1)
    html = response.content.decode()
    assert '?month=2026-10' in html and '?month=2026-12' in html


@pytest.mark.parametrize("month", ["2026-13", "abc", "0001-01", "2026-1-1", "99999-01"])
def test_month_view_with_a_bad_month_explains_and_shows_this_month(client, frozen_now, month):
    frozen_now(date(2026, 11, 25))
    response = client.get("/en/windows/kita/", {"month": month})
    assert response.status_code == 200
    assert response.context["month"] == date(2026, 11, 1)
    assert "could not be read" in response.content.decode()


def test_unknown_window_page_is_404(client):
    assert client.get("/windows/shinjuku/").status_code == 404


@pytest.mark.parametrize("month", ["2026-02", "2026-11", "2026-12"])
def test_month_view_query_count_is_flat(client, django_assert_max_num_queries, month):
    with django_assert_max_num_queries(5):
        assert client.get("/windows/cityhall/", {"month": month}).status_code == 200
