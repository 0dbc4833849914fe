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


def _settings_in(env):
    """Import portal.settings afresh in a child process with ``env`` added; return its stdout or stderr."""
    import os
    import subprocess
    import sys

    code = (
        "from portal import settings as s; "
        "print(s.CACHES['default'].get('OPTIONS'), [str(n) for n in s.RATE_LIMIT_EXEMPT])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, **env}, cwd=str(portal_settings.BASE_DIR))
    return result.returncode, result.stdout.strip() or result.stderr.strip().splitlines()[-1]


def test_a_hanging_redis_cannot_hang_requests_and_partners_parse():
    code, out = _settings_in({"REDIS_URL": "redis://127.0.0.1:6379/15", "RATE_LIMIT_EXEMPT": "192.0.2.5, 2001:db8::/48"})
    assert code == 0
    assert out == "{'socket_connect_timeout': 0.5, 'socket_timeout': 0.5} ['192.0.2.5/32', '2001:db8::/48']"
    code, out = _settings_in({"RATE_LIMIT_EXEMPT": "not-a-network"})
    assert code != 0 and "RATE_LIMIT_EXEMPT" in out


def test_sessions_are_cached_only_where_every_process_shares_the_cache():
    import os
    import subprocess
    import sys

    def engine(env):
        result = subprocess.run([sys.executable, "-c", "from portal import settings as s; print(s.SESSION_ENGINE)"],
                                capture_output=True, text=True, cwd=str(portal_settings.BASE_DIR),
                                env={**{k: v for k, v in os.environ.items() if k != "REDIS_URL"}, **env})
        return result.stdout.strip()

    assert engine({"REDIS_URL": "redis://127.0.0.1:6379/15"}) == "portal.sessions"  # Redis: shared by every process
    assert engine({}) == "django.contrib.sessions.backends.db"  # embedded: each process's own memory
