"""The prod-check runs the one deploy/nginx.conf, rendered for loopback (no processes started here)."""

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy"))

import prod_check  # noqa: E402


@pytest.fixture
def check():
    instance = prod_check.ProdCheck(argparse.Namespace(keep=False, only=None))
    yield instance
    shutil.rmtree(instance.tmp, ignore_errors=True)


def test_the_rendered_configuration_keeps_the_production_rules(check):
    config = check.render_nginx().read_text()
    production = (ROOT / "deploy" / "nginx.conf").read_text()
    for line in ("proxy_set_header X-Forwarded-For $remote_addr;", "real_ip_header X-Forwarded-For;",
                 "real_ip_recursive on;", "gzip_proxied any;", "proxy_next_upstream error timeout;",
                 "proxy_set_header X-Forwarded-Proto $forwarded_proto;"):
        assert line in production and line in config
    assert "resolver 127.0.0.11" not in config and "http://web:8000" not in config
    for port in check.web_ports:
        assert f"server 127.0.0.1:{port}" in config
    assert f"listen 127.0.0.1:{check.nginx_port};" in config
    assert f"set_real_ip_from {prod_check.LB}/32;" in config


def test_a_changed_configuration_is_named_not_silently_ignored(check, monkeypatch, tmp_path):
    (tmp_path / "deploy").mkdir()
    text = (ROOT / "deploy" / "nginx.conf").read_text().replace("        listen 8000;\n", "        listen 8080;\n")
    (tmp_path / "deploy" / "nginx.conf").write_text(text)
    monkeypatch.setattr(prod_check, "ROOT", tmp_path)
    with pytest.raises(prod_check.CheckError, match="listen 8000"):
        check.render_nginx()


@pytest.mark.skipif(not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()), reason="needs nginx (make nginx)")
def test_nginx_accepts_the_rendered_configuration(check):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    result = subprocess.run([nginx, "-t", "-q", "-c", str(check.render_nginx()), "-p", str(check.tmp)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
