"""`make run` (issue #13): mail links follow HOST and PORT in every process it starts."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FAKE_PYTHON = """#!/bin/sh
# Stands in for the venv's python: records the command and SITE_URL, starts nothing.
echo "$* | SITE_URL=$SITE_URL" >> "$(dirname "$0")/../calls.log"
# "runserver" waits a moment: the sweeper started beside it is killed when it ends.
if [ "$2" = runserver ]; then sleep 1; fi
"""


@pytest.fixture
def fake_venv(tmp_path):
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text(FAKE_PYTHON)
    python.chmod(0o755)
    (venv / ".installed").touch()  # newer than pyproject.toml: no install
    return venv


def run_make(venv, *arguments):
    environment = {key: value for key, value in os.environ.items() if key not in ("SITE_URL", "HOST", "PORT")}
    subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), "run", f"VENV={venv}", *arguments],
        check=True, capture_output=True, env=environment, timeout=60,
    )
    return dict(
        line.split(" | ") for line in (venv / "calls.log").read_text().splitlines()
    )


def test_make_run_on_another_port_gives_every_process_that_address(fake_venv):
    calls = run_make(fake_venv, "PORT=8020")
    assert calls["manage.py runserver 127.0.0.1:8020"] == "SITE_URL=http://127.0.0.1:8020"
    assert calls["manage.py sweep_messages --every 60"] == "SITE_URL=http://127.0.0.1:8020"
    assert calls["manage.py ensure_local_admin"] == "SITE_URL=http://127.0.0.1:8020"


def test_make_run_on_another_host(fake_venv):
    calls = run_make(fake_venv, "HOST=0.0.0.0", "PORT=9000")
    assert calls["manage.py runserver 0.0.0.0:9000"] == "SITE_URL=http://0.0.0.0:9000"
    assert calls["manage.py sweep_messages --every 60"] == "SITE_URL=http://0.0.0.0:9000"


def test_an_explicit_site_url_wins(fake_venv):
    calls = run_make(fake_venv, "PORT=8020", "SITE_URL=https://portal.example.jp")
    assert calls["manage.py runserver 127.0.0.1:8020"] == "SITE_URL=https://portal.example.jp"
    assert calls["manage.py sweep_messages --every 60"] == "SITE_URL=https://portal.example.jp"
