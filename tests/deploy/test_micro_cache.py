"""
The proxy's one-second micro-cache of the availability JSON (deploy/nginx.conf,
issue #17): which answers it keeps, under which key, and that it keeps nothing
else. The configuration is read as text; with nginx installed (make nginx) the
rendered file also runs in front of a stub upstream that counts what reaches it.
"""

import gzip
import http.client
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from reservations.schedule.api import _accepts_gzip

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy"))

import prod_check  # noqa: E402

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
CONFIG = (ROOT / "deploy" / "nginx.conf").read_text()


def block(text, opening):
    """The body of the {…} block that starts with ``opening``."""
    start = text.index(opening)
    depth, index = 0, text.index("{", start)
    for end in range(index, len(text)):
        depth += {"{": 1, "}": -1}.get(text[end], 0)
        if depth == 0:
            return text[index + 1:end]
    raise AssertionError(f"unclosed block {opening}")


def map_rules(name):
    """The regex lines of ``map … $name`` as (pattern, value), in the order nginx tries them."""
    body = block(CONFIG, f"map $http_accept_encoding ${name}")
    return [(re.compile(pattern, re.IGNORECASE), value)
            for pattern, value in re.findall(r'"~\*(.+)"\s+(\S+);', body)]


def encoding_key(header):
    for pattern, value in map_rules("availability_encoding"):
        if pattern.search(header):
            return value
    return ""


AVAILABILITY = "location ~ ^/api/v1/windows/[A-Za-z0-9_-]+/availability$"


def test_only_the_availability_json_is_kept():
    assert CONFIG.count("proxy_cache availability;") == 1
    assert "proxy_cache " not in block(CONFIG, "location / ")
    location = block(CONFIG, AVAILABILITY)
    assert "proxy_cache availability;" in location
    # 200 answers for one second and nothing else, whatever the answer's own headers say.
    assert re.findall(r"proxy_cache_valid[^;]*;", location) == ["proxy_cache_valid 200 1s;"]
    assert "proxy_ignore_headers Cache-Control Expires X-Accel-Expires Vary;" in location
    assert "Set-Cookie" not in location.split("proxy_ignore_headers", 1)[1].split(";", 1)[0]
    no_cache = re.search(r"proxy_no_cache([^;]*);", location).group(1).split()
    assert {"$http_authorization", "$upstream_http_set_cookie", "$availability_private",
            "$availability_varies", "$availability_mismatch"} <= set(no_cache)


def test_the_key_keeps_every_variant_apart():
    key = re.search(r'proxy_cache_key "([^"]+)";', block(CONFIG, AVAILABILITY)).group(1)
    for part in ("$request_method", "$host", "$request_uri", "$availability_encoding", "$http_accept_language"):
        assert part in key.split("|")


@pytest.mark.parametrize("header", [
    "", "gzip", "GZIP", "gzip, deflate, br", "br, gzip", "deflate, gzip;q=0.5", "gzip;q=1", "gzip; q=1.0",
    "gzip;q=0", "gzip; q=0.0", "gzip;q=0.000", "br, gzip;q=0", "x-gzip", "gzipx", "identity", "*",
    "gzip;q=0.001", "gzip;q=2", "gzip;q=abc", "deflate;q=0, gzip",
])
def test_the_encoding_key_never_promises_gzip_the_portal_would_not_send(header):
    # Where the map says "gzip" the portal compresses; where it is unsure it says "" (and an
    # answer that comes compressed anyway is not kept: $availability_mismatch).
    key = encoding_key(header)
    if key == "gzip":
        assert _accepts_gzip(header)
    if header in ("gzip", "gzip, deflate, br", "br, gzip", "deflate, gzip;q=0.5", "GZIP"):
        assert key == "gzip"


# --- With nginx: the rendered configuration in front of a stub upstream ----------------


class Upstream(BaseHTTPRequestHandler):
    """A stand-in for gunicorn: counts the requests per path and answers by path."""

    seen = []

    def do_GET(self):  # noqa: N802 - the handler's name is http.server's
        Upstream.seen.append((self.path, self.headers.get("Accept-Encoding", ""),
                              self.headers.get("Accept-Language", "")))
        path = self.path.split("?", 1)[0]
        body = f'{{"n":{len(Upstream.seen)},"path":"{self.path}"}}'.encode()
        status, headers = 200, {"Content-Type": "application/json"}
        vary = "Accept-Encoding, Cookie" if path.startswith("/api/v1/windows/by-cookie/") else "Accept-Encoding"
        if path.startswith("/api/v1/windows/missing/"):
            status = 404
        elif path.startswith("/api/v1/windows/cookie/"):
            headers["Set-Cookie"] = "sessionid=abc; HttpOnly"
        elif path.startswith("/api/v1/windows/private/"):
            headers["Cache-Control"] = "private"
        elif path.startswith("/book/"):
            headers["Content-Type"] = "text/html; charset=utf-8"
            body = b"<!doctype html><p>" + b"x" * 2000
        compress = _accepts_gzip(self.headers.get("Accept-Encoding", "")) or path.startswith("/api/v1/windows/gzipped/")
        if path.startswith("/api/") and compress:
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Vary", vary)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    if NGINX is None:
        pytest.skip("needs nginx (make nginx)")
    tmp = tmp_path_factory.mktemp("nginx")
    (tmp / "logs").mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = free_port()
    config = tmp / "nginx.conf"
    config.write_text(prod_check.render_nginx(tmp, tmp / "logs", [server.server_address[1]], port))
    checked = subprocess.run([NGINX, "-t", "-q", "-c", str(config), "-p", str(tmp)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([NGINX, "-c", str(config), "-p", str(tmp), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(10)
        server.shutdown()


def get(port, path, **headers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": "localhost", **headers})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def reached(path):
    """How many requests for ``path`` (with its query string) reached the upstream."""
    return sum(1 for seen, _encoding, _language in Upstream.seen if seen == path)


def test_a_repeated_read_is_answered_by_the_proxy(proxy):
    path = "/api/v1/windows/kita/availability"
    first = get(proxy, path, **{"Accept-Encoding": "gzip"})
    second = get(proxy, path, **{"Accept-Encoding": "gzip, deflate"})
    assert first[0] == second[0] == 200
    assert first[2] == second[2] and first[1]["content-encoding"] == "gzip"
    assert (first[1]["x-cache-status"], second[1]["x-cache-status"]) == ("MISS", "HIT")
    assert reached(path) == 1


def test_gzip_languages_and_query_strings_are_kept_apart(proxy):
    path = "/api/v1/windows/nishi/availability"
    packed = get(proxy, path, **{"Accept-Encoding": "gzip"})
    plain = get(proxy, path)
    refused = get(proxy, path, **{"Accept-Encoding": "gzip;q=0"})
    assert packed[1]["content-encoding"] == "gzip"
    assert "content-encoding" not in plain[1] and "content-encoding" not in refused[1]
    assert plain[2].startswith(b"{") and refused[2].startswith(b"{")
    english = get(proxy, path, **{"Accept-Encoding": "gzip", "Accept-Language": "en"})
    dated = get(proxy, path + "?from=2027-01-05&to=2027-01-06", **{"Accept-Encoding": "gzip"})
    assert english[1]["x-cache-status"] == dated[1]["x-cache-status"] == "MISS"
    assert reached(path) == 3 and reached(path + "?from=2027-01-05&to=2027-01-06") == 1
    assert [language for seen, _enc, language in Upstream.seen if seen == path] == ["", "", "en"]


@pytest.mark.parametrize("window", ["missing", "cookie", "private", "by-cookie"])
def test_errors_cookies_and_private_answers_are_never_kept(proxy, window):
    path = f"/api/v1/windows/{window}/availability"
    statuses = [get(proxy, path, **{"Accept-Encoding": "gzip"})[0] for _ in range(3)]
    assert statuses == ([404] * 3 if window == "missing" else [200] * 3)
    assert reached(path) == 3


def test_an_answer_in_another_encoding_than_its_key_is_not_kept(proxy):
    path = "/api/v1/windows/gzipped/availability"  # compressed although the client did not ask
    for _ in range(2):
        get(proxy, path)
    assert reached(path) == 2


def test_a_signed_in_caller_goes_through(proxy):
    path = "/api/v1/windows/higashi/availability"
    for _ in range(2):
        get(proxy, path, Authorization="Bearer token")
    assert reached(path) == 2


def test_pages_are_not_kept_and_are_compressed(proxy):
    statuses = [get(proxy, "/book/kita/", **{"Accept-Encoding": "gzip"}) for _ in range(2)]
    assert reached("/book/kita/") == 2
    assert all(headers.get("content-encoding") == "gzip" and "Accept-Encoding" in headers.get("vary", "")
               and "x-cache-status" not in headers for _status, headers, _body in statuses)


def test_an_answer_is_kept_one_second(proxy):
    path = "/api/v1/windows/minami/availability"
    first = get(proxy, path)[2]
    assert get(proxy, path)[2] == first
    # nginx counts whole seconds: "1s" keeps an answer to the end of the next second
    # (1 to 2 s). Past that the previous answer is still sent once (STALE) while a new
    # one is fetched in the background; the one after that is the new answer.
    time.sleep(2.05)
    answers = []
    for _ in range(40):
        status, headers, body = get(proxy, path)
        answers.append(headers["x-cache-status"])
        if body != first:
            break
        time.sleep(0.05)
    assert body != first and reached(path) == 2
    assert answers[0] in ("STALE", "EXPIRED")
