"""
The production shape scales (docs/scaling.md): `docker compose up --scale
web=N` needs web containers without a fixed host port or local state, behind
the proxy, sharing PostgreSQL and Redis.
"""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_web_and_worker_can_be_scaled():
    services = compose()["services"]
    for name in ("web", "worker"):
        service = services[name]
        assert "ports" not in service, f"{name}: a fixed host port stops --scale {name}=N"
        assert "container_name" not in service
        assert not service.get("volumes"), f"{name}: no local state"
        env = service["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and env["REDIS_URL"].startswith("redis://")
    assert services["web"]["expose"] == ["8000"]


def test_the_proxy_balances_and_sets_the_client_address():
    services = compose()["services"]
    assert services["proxy"]["ports"] == ["8000:8000"]
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "resolver 127.0.0.11" in config and "set $web http://web:8000;" in config
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in config  # overwritten, never appended
    # Behind the city's TLS load balancer: its X-Forwarded-For and X-Forwarded-Proto count, and only its.
    assert "real_ip_header X-Forwarded-For;" in config and "set_real_ip_from 10.0.0.0/8;" in config
    assert "proxy_set_header X-Forwarded-Proto $forwarded_proto;" in config
    assert services["web"]["environment"]["TRUST_X_FORWARDED_FOR"] == "1"


def test_one_beat():
    beat = compose()["services"]["beat"]
    assert beat.get("deploy", {}).get("replicas", 1) == 1
