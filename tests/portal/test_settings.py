"""The environment helpers of portal/settings.py."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal import settings as portal_settings


@pytest.mark.parametrize("raw, expected", [("1", True), ("true", True), ("On", True), ("0", False), ("no", False), ("", False)])
def test_env_bool(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert portal_settings.env_bool("SOME_FLAG") is expected


def test_env_bool_refuses_nonsense(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        portal_settings.env_bool("SOME_FLAG")


def test_env_int(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "42")
    assert portal_settings.env_int("SOME_NUMBER", 1) == 42
    monkeypatch.setenv("SOME_NUMBER", "x")
    with pytest.raises(ImproperlyConfigured):
        portal_settings.env_int("SOME_NUMBER", 1)
    monkeypatch.setenv("SOME_NUMBER", "-1")
    with pytest.raises(ImproperlyConfigured):
        portal_settings.env_int("SOME_NUMBER", 1, minimum=0)
    monkeypatch.delenv("SOME_NUMBER")
    assert portal_settings.env_int("SOME_NUMBER", 7) == 7


def test_secrets_can_come_from_files(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("SOME_SECRET_FILE", str(secret))
    assert portal_settings.env_str("SOME_SECRET") == "from-a-file"
    monkeypatch.setenv("SOME_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured):
        portal_settings.env_str("SOME_SECRET")


def test_embedded_defaults(settings):
    assert settings.LANGUAGE_CODE == "ja"
    assert settings.TIME_ZONE == "Asia/Tokyo"
    assert (settings.BOOKING_LEAD_DAYS, settings.BOOKING_HORIZON_DAYS) == (1, 30)
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
