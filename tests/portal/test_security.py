"""Security headers, the deploy checks, and no personal data in logs or URLs."""

import logging
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_deploy_checks_pass_with_production_variables():
    env = {
        **{key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-" + "y" * 20,
        "REQUIRE_SECRET_KEY": "1",
        "SECURE_SSL": "1",
        "ALLOWED_HOSTS": "mynumber.city.niigata.example",
        "ADMIN_PATH": "kanri-7f3a/",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("path", ["/", "/book/", "/windows/kita/", "/api/v1/windows", "/staff/login/"])
def test_security_headers(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_carry_no_inline_script_or_style(client):
    for path in ["/", "/en/book/", "/windows/cityhall/", "/what-to-bring/", "/guide/"]:
        html = client.get(path).content.decode()
        assert "<style" not in html, path
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert " style=" not in html, path


def test_a_full_booking_flow_logs_no_personal_data(client, caplog, booking_day):
    from tests.reservations.booking_steps import confirm, fill_details, start

    caplog.set_level(logging.DEBUG)
    start(client)
    fill_details(client, phone="025-987-6543", email="hanako.secret@example.jp")
    response, _token = confirm(client)
    from reservations.models import Booking

    booking = Booking.objects.get()
    person = booking.people.get()
    client.post("/en/booking/", {"code": booking.code, "birth_year": "1990", "birth_month": "4", "birth_day": "1"})
    client.post("/api/v1/bookings/lookup", {"code": "ZZZZZZZZ", "birth_date": "1990-04-01"}, content_type="application/json")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in [person.name, person.kana, person.notice_number, "0259876543", "025-987-6543", "hanako.secret"]:
        assert secret not in logged
        assert secret not in response["Location"]


@pytest.mark.django_db
def test_every_cookie_is_http_only_and_same_site(client, city_windows):
    client.get("/book/")  # sets the CSRF cookie
    client.post("/book/", {"ward": "kita", "attendance": "in_person", "party_size": "1", "proxy_reason": ""})
    cookies = client.cookies
    assert {"csrftoken", "sessionid"} <= set(cookies)
    for name, morsel in cookies.items():
        assert morsel["httponly"], name
        assert morsel["samesite"] == "Lax", name
