"""
The WSGI application is warmed at start and gunicorn preloads it (issue #17): a new worker
serves its first request without importing views or compiling templates, and the warm-up
opens no connection that forked workers would share.
"""

import os
import subprocess
import sys
from pathlib import Path

from django.template import engines

from portal import wsgi

ROOT = Path(__file__).resolve().parents[2]


def _run(code, **env):
    environ = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environ.update(env)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120)


def test_the_warm_up_opens_no_database_or_cache_connection():
    # Nothing listens on port 9: any connection attempt during the import would fail it or show.
    code = (
        "import portal.wsgi\n"
        "from django.db import connections\n"
        "from django.core.cache import caches\n"
        "assert all(connection.connection is None for connection in connections.all())\n"
        "assert not caches.all(initialized_only=True), caches.all(initialized_only=True)\n"
        "print('ok')\n"
    )
    result = _run(code, DATABASE_URL="postgres://nobody@127.0.0.1:9/none", REDIS_URL="redis://127.0.0.1:9/0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_the_warm_up_compiles_the_pages_templates():
    wsgi.warm()
    cache = engines["django"].engine.template_loaders[0].get_template_cache
    for name in ["base.html", "reservations/book_start.html", "reservations/book_review.html"]:
        assert name in cache, name


def test_gunicorn_reads_the_config_beside_the_project_with_side_by_sides_command_line():
    # As ../shared/peer-bench/side_by_side.sh starts it: the command line keeps its settings,
    # the file adds the preload and the heartbeat directory.
    result = subprocess.run(
        [str(Path(sys.executable).parent / "gunicorn"), "portal.wsgi:application", "--chdir", str(ROOT),
         "--workers", "4", "--worker-class", "sync", "--timeout", "60", "--print-config"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none", "REDIS_URL": "redis://127.0.0.1:9/0"},
    )
    assert result.returncode == 0, result.stderr
    config = dict(map(str.strip, line.split(" = ", 1)) for line in result.stdout.splitlines() if " = " in line)
    assert config["preload_app"] == "True"
    assert config["workers"] == "4" and config["timeout"] == "60"
    assert config["accesslog"] == "None"
    if os.path.isdir("/dev/shm"):
        assert config["worker_tmp_dir"] == "/dev/shm"
