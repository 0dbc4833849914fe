"""
Schemathesis against the app's own OpenAPI document (/api/v1/openapi.json),
in process through Django's WSGI handler (the pytest-django test database,
the frozen booking day). Every operation: no server error, and every answer
is one the document declares, in the declared shape.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, event, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day", "clear_cache", "_keep_test_connection")]

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


# Loaded when the module is collected (the document needs no database). Not through
# schemathesis.pytest.from_fixture: its lazy loader reads ``request.node._nodeid``, which
# pytest 9 no longer has (AttributeError).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())


@pytest.fixture
def _keep_test_connection():
    """
    The bare WSGI handler closes "old" connections when a request starts and
    finishes; inside the test's transaction (autocommit off) that closes the
    test connection on PostgreSQL. Django's own test client switches this off
    the same way.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_api_conforms_to_its_openapi_document(case):
    # Uncompressed answers: a gzip body (GZipMiddleware, when a generated case asks for it) is not
    # decoded by the WSGI transport, and its JSON would not be read.
    response = case.call_and_validate(checks=CHECKS, headers={"Accept-Encoding": "identity"})
    event(f"HTTP {response.status_code} ({case.meta.generation.mode.value if case.meta else '?'})")
