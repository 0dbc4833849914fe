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


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """
    ``with commit(): …`` runs what the block's transactions queued for their
    commit (the cache invalidation, the messages' hand-over), as the commit
    does outside tests: a test's own transaction never commits (issue #17).
    """
    return lambda: django_capture_on_commit_callbacks(execute=True)
