"""The error pages in English: 404 and the 403 of a form without its CSRF token."""

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("city_windows", "booking_day")]


def test_error_pages_have_no_japanese_in_english(client, leaks):
    leaks.html("/en/no-such-page/", client.get("/en/no-such-page/"), 404)
    leaks.html("/en/windows/nowhere/", client.get("/en/windows/nowhere/"), 404)
    leaks.html("/en/what-to-bring/questions/nonsense/", client.get("/en/what-to-bring/questions/nonsense/"), 404)
    # A form posted without its CSRF token is the 403 a resident can meet.
    strict = Client(enforce_csrf_checks=True)
    leaks.html("POST /en/book/ without CSRF token (403)", strict.post("/en/book/", {"ward": "kita"}), 403)
    leaks.assert_none()
