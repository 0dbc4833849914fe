"""The information pages (SPEC §7): the city's page rewritten for residents."""

from django.urls import path  # noqa: F401

app_name = "info"

urlpatterns = []
