"""Fixtures of the reservations tests."""

import pytest

from reservations.booking.services import booking_create

from .factories import NOW, booking_data


@pytest.fixture
def book(django_capture_on_commit_callbacks):
    def make(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return booking_create(data=booking_data(**kwargs), now=NOW)

    return make
