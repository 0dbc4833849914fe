"""What one client is counted as (portal.ratelimit)."""

import pytest
from django.test import RequestFactory

from portal import ratelimit


@pytest.mark.parametrize(
    "address, bucket",
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("not an address", "not an address"),
        ("", ""),
    ],
)
def test_bucket(address, bucket):
    assert ratelimit._bucket(RequestFactory().get("/", REMOTE_ADDR=address)) == bucket


def test_the_forwarded_address_counts_only_behind_a_trusted_proxy(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    settings.TRUST_X_FORWARDED_FOR = False
    assert ratelimit.client_address(request) == "10.0.0.1"
    settings.TRUST_X_FORWARDED_FOR = True
    assert ratelimit.client_address(request) == "203.0.113.9"  # the last hop, the one the proxy wrote


def test_wait_minutes_follow_the_settings(settings):
    settings.BOOKING_RATE_WINDOW_SECONDS = 90
    assert ratelimit.wait_minutes(ratelimit.BOOKING) == 2
    settings.LOOKUP_FAILURE_WINDOW_SECONDS = 600
    assert ratelimit.wait_minutes(ratelimit.LOOKUP) == 10
