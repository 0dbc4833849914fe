"""Every page renders in both languages; the language switch works without JavaScript."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db

PAGES = ["/", "/windows/", "/windows/kita/", "/windows/cityhall/?month=2026-11"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_render_in_japanese_by_default(client, path):
    response = client.get(path, headers={"Accept-Language": "en-US,en;q=0.9"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert "マイナンバーカード" in html


@pytest.mark.parametrize("path", PAGES)
def test_language_switch_links_to_the_same_page_in_english(client, path):
    html = client.get(path).content.decode()
    english = "/en" + path
    assert f'href="{english}"'.replace("&", "&amp;") in html or f'href="{english}"' in html
    response = client.get(english)
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert 'href="' + path.replace("&", "&amp;") + '"' in response.content.decode()


def test_pages_have_one_h1_a_skip_link_and_a_main_landmark(client):
    for path in PAGES:
        html = client.get(path).content.decode()
        assert html.count("<h1") == 1, path
        assert 'href="#main"' in html and '<main id="main"' in html


def test_static_bootstrap_is_served_locally(client):
    html = client.get("/").content.decode()
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html
    assert "cdn" not in html.lower()


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_ensure_local_admin_creates_the_admin_once():
    out = io.StringIO()
    call_command("ensure_local_admin", stdout=out)
    assert "shown only this once" in out.getvalue()
    assert get_user_model().objects.filter(is_superuser=True).count() == 1
    again = io.StringIO()
    call_command("ensure_local_admin", stdout=again)
    assert "shown only this once" not in again.getvalue()
    assert get_user_model().objects.count() == 1
