"""
Availability reads through the production path, measured with wrk (issue #17):
a load generator in C that is not the bottleneck (bench/load.py's Python
clients used a third of the CPUs at 800 requests/s).

    .venv/bin/python bench/wrk_bench.py [--duration 10] [--connections 32,64] [--via direct,proxy,cached]
    make bench-wrk BENCH_ARGS="--duration 10"

Like bench/peak.py it makes a fresh database (--db, default portal_wrk) on the
local PostgreSQL, migrates it and fills it with bench/seed.py, with its own
Redis database (--redis-db) as cache. Then it starts gunicorn as
docker-compose.yml's web runs it (its command, WEB_CONCURRENCY workers, the
access log written as a container's stdout would be) and, for the paths asked:

- direct: wrk against gunicorn itself;
- proxy:  through deploy/nginx.conf (rendered for loopback as `make
          prod-check` does, worker_processes auto as in production) with the
          availability micro-cache turned off: what nginx itself costs;
- cached: the same nginx with deploy/nginx.conf as it is, micro-cache on;

each at every number of connections asked, after a 2-second warm-up, with a
Lua script that asks GET /api/v1/windows/<code>/availability for a window
drawn at random per request, with Accept-Encoding: gzip (as a browser asks;
--languages adds Accept-Language: en to half of them; --days N asks one day
of the next N, ?from=D&to=D, instead of the whole horizon: N times the keys
for the micro-cache). It prints requests/s,
p50, p95 and p99 latency, the non-2xx answers and socket errors, how many
requests reached gunicorn (from its access log), and the share of the
machine's CPUs each process used meanwhile: gunicorn (master and workers),
nginx, wrk, the PostgreSQL backends of this database, Redis (the server is
shared: all of it) and everything else on the machine. wrk measures from
sending to the answer on a connection it keeps open (closed loop: the
latencies do not include a wait for a free connection on the client side).
It talks only to 127.0.0.1, and stops everything it started.
"""

import argparse
import datetime as dt
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "deploy"))
import peak  # noqa: E402
import prod_check  # noqa: E402

HOST = peak.HOST
TICKS = os.sysconf("SC_CLK_TCK")

LUA = """
-- One random window per request, compressed as a browser asks (bench/wrk_bench.py).
local paths = {%(paths)s}
local languages = %(languages)s
local days = {%(days)s}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function init(args)
  math.randomseed(id * 7919 + os.time())
end

function request()
  local headers = {["Accept-Encoding"] = "gzip"}
  if languages and math.random(2) == 1 then
    headers["Accept-Language"] = "en"
  end
  local path = paths[math.random(#paths)]
  if #days > 0 then
    local day = days[math.random(#days)]
    path = path .. "?from=" .. day .. "&to=" .. day
  end
  return wrk.format("GET", path, headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK {"requests": %%d, "us": %%d, "bytes": %%d, "connect": %%d, "read": %%d, "write": %%d, ' ..
    '"status": %%d, "timeout": %%d, "p50": %%d, "p95": %%d, "p99": %%d, "max": %%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


# --- Processes and their CPU ----------------------------------------------------------


proc_table = peak.proc_table  # one reader of /proc for both benches


def machine_busy():
    """CPU seconds the whole machine has spent busy (all CPUs, /proc/stat)."""
    with open("/proc/stat") as handle:
        values = [int(value) for value in handle.readline().split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values[:8]) - idle) / TICKS


def descendants(table, root):
    found, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, (ppid, _cpu, _cmd) in table.items() if ppid == parent]
        found.update(children)
        frontier += children
    return found


class Meter:
    """CPU seconds per group of processes between two snapshots."""

    def __init__(self, roots, database):
        self.roots, self.database = roots, database

    def snapshot(self):
        """{group: {pid: CPU seconds so far}}, and the machine's busy seconds under "machine"."""
        table = proc_table()
        used = {}
        for name, pid in self.roots.items():
            used[name] = {p: table[p][1] for p in descendants(table, pid) if p in table}
        used["postgres"] = {pid: cpu for pid, (_ppid, cpu, command) in table.items()
                            if command.startswith("postgres:") and f" {self.database} " in command}
        used["redis"] = {pid: cpu for pid, (_ppid, cpu, command) in table.items()
                         if command.startswith("redis-server")}
        used["machine"] = machine_busy()
        return used

    @staticmethod
    def shares(before, after, seconds, extra):
        """
        {name: share of all CPUs}, with ``extra`` CPU seconds (wrk's) and "other" for
        the rest of the machine. A process that ended meanwhile is not counted.
        """
        capacity = seconds * (os.cpu_count() or 1)
        used = {name: sum(cpu - before[name].get(pid, 0.0) for pid, cpu in pids.items())
                for name, pids in after.items() if name != "machine"}
        used.update(extra)
        machine = after["machine"] - before["machine"]
        used["other"] = max(0.0, machine - sum(used.values()))
        return {name: value / capacity for name, value in used.items()}


# --- The topology ------------------------------------------------------------------------


def production_web():
    """docker-compose.yml's web command and its WEB_CONCURRENCY default."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    web = compose["services"]["web"]
    concurrency = compose["x-portal"]["environment"]["WEB_CONCURRENCY"]
    default = re.fullmatch(r"\$\{WEB_CONCURRENCY:-(\d+)\}", str(concurrency))
    return list(web["command"]), int(default.group(1) if default else concurrency)


def start_gunicorn(env, port, workers, logs, extra=(), access_log=True):
    command, _default = production_web()
    assert command[0] == "gunicorn" and "--bind" in command, command
    if not access_log and "--access-logfile" in command:
        at = command.index("--access-logfile")
        del command[at:at + 2]
    command = [str(Path(sys.executable).parent / "gunicorn"), *command[1:], *extra]
    command[command.index("--bind") + 1] = f"{HOST}:{port}"
    log = open(logs / "gunicorn.log", "ab")  # the access log ("-": stdout), as docker collects it
    server = subprocess.Popen(command, cwd=ROOT, env={**env, "WEB_CONCURRENCY": str(workers)},
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    for _ in range(200):
        try:
            if peak.request(port, "GET", "/healthz")[0] == 200:
                return server, shlex.join(["gunicorn", *command[1:]]) + f" (WEB_CONCURRENCY={workers})"
        except OSError:
            pass
        time.sleep(0.1)
    stop(server)
    raise SystemExit("gunicorn did not start (see %s)" % (logs / "gunicorn.log"))


def start_nginx(tmp, logs, web_port, port, cached):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    config = prod_check.render_nginx(tmp, logs, [web_port], port, worker_processes="auto")
    if not cached:
        assert config.count("proxy_cache availability;") == 1
        config = config.replace("proxy_cache availability;", "proxy_cache off;")
    path = tmp / f"nginx-{port}.conf"
    path.write_text(config)
    subprocess.run([nginx, "-t", "-q", "-c", str(path), "-p", str(tmp)], check=True)
    server = subprocess.Popen([nginx, "-c", str(path), "-p", str(tmp), "-g", "daemon off;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(100):
        try:
            if peak.request(port, "GET", "/healthz")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.05)
    stop(server)
    raise SystemExit("nginx did not start")


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- wrk -------------------------------------------------------------------------------------


def run_wrk(port, script, connections, threads, seconds):
    """Run wrk; return (its summary, its own CPU seconds, wall seconds)."""
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "5s",
               "-s", str(script), f"http://{HOST}:{port}/"]
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read().decode()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - started
    line = next((line for line in output.splitlines() if line.startswith("WRK ")), None)
    if process.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed ({process.returncode}):\n{output}")
    return json.loads(line[4:]), usage.ru_utime + usage.ru_stime, wall


def access_lines(logs):
    path = logs / "gunicorn.log"
    return path.read_bytes().count(b'"GET /api/v1/windows/') if path.exists() else 0


def measure(name, port, script, connections, args, meter, logs):
    run_wrk(port, script, connections, args.threads, min(2.0, args.duration))  # warm-up
    time.sleep(0.5)  # the warm-up's last access-log lines
    reached = access_lines(logs)
    before = meter.snapshot()
    summary, wrk_cpu, wall = run_wrk(port, script, connections, args.threads, args.duration)
    after = meter.snapshot()
    time.sleep(0.5)  # the last access-log lines
    reached = access_lines(logs) - reached
    seconds = summary["us"] / 1e6
    shares = Meter.shares(before, after, wall, {"wrk": wrk_cpu})
    rate = summary["requests"] / seconds
    errors = sum(summary[key] for key in ("connect", "read", "write", "timeout"))
    cpu = ", ".join(f"{key} {value:.0%}" for key, value in shares.items())
    print(f"| {name}{args.variant} | {connections} | {rate:,.0f} | {summary['p50'] / 1000:.1f} | {summary['p95'] / 1000:.1f} | "
          f"{summary['p99'] / 1000:.1f} | {summary['status']} / {errors} | "
          f"{reached:,} ({reached / max(1, summary['requests']):.1%}) | {cpu} |", flush=True)
    return {"path": name, "connections": connections, "rate": rate, "p95_ms": summary["p95"] / 1000,
            "non_2xx": summary["status"], "errors": errors}


def main():
    _command, workers = production_web()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per run (default 10)")
    parser.add_argument("--connections", default="64", help="comma-separated wrk connections (default 64)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--via", default="direct,proxy,cached",
                        help="comma-separated paths: direct, proxy, cached (default all three)")
    parser.add_argument("--workers", type=int, default=workers,
                        help=f"gunicorn workers (default docker-compose.yml's WEB_CONCURRENCY, {workers})")
    parser.add_argument("--gunicorn-args", default="",
                        help="more gunicorn arguments, appended to production's (to try a setting)")
    parser.add_argument("--no-access-log", action="store_true",
                        help="gunicorn without production's access log (to price it; \"reached gunicorn\" is then 0)")
    parser.add_argument("--languages", action="store_true", help="half the requests with Accept-Language: en")
    parser.add_argument("--days", type=int, default=0,
                        help="ask one random day of the next N (from tomorrow) instead of the default range")
    parser.add_argument("--db", default="portal_wrk", help="the PostgreSQL database to (re)create (default portal_wrk)")
    parser.add_argument("--redis-db", type=int, default=13, help="the Redis database to flush and use (default 13)")
    parser.add_argument("--past", type=int, default=5_000, help="past bookings to seed (default 5,000)")
    parser.add_argument("--port", type=int, default=8067, help="gunicorn's port; nginx uses the next two")
    parser.add_argument("--keep", action="store_true", help="keep the database and the logs")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    args.variant = "".join(part for part, on in ((", en/ja", args.languages), (f", 1 of {args.days} days", args.days)) if on)
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: `make bench-wrk` installs it (Debian package wrk)")
    via = args.via.split(",")
    if {"proxy", "cached"} & set(via) and not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        raise SystemExit("nginx not found: `make nginx` installs it")

    peak.DB = args.db
    env = peak.bench_env(args.port)
    env["REDIS_URL"] = f"redis://127.0.0.1:6379/{args.redis_db}"
    tmp = Path(tempfile.mkdtemp(prefix="wrk-bench-"))
    os.chmod(tmp, 0o755)
    logs = tmp / "logs"
    logs.mkdir()
    peak.sh(peak.PG + ["-c", f"DROP DATABASE IF EXISTS {args.db} WITH (FORCE)", "-c", f"CREATE DATABASE {args.db}"])
    peak.sh(["redis-cli", "-n", str(args.redis_db), "flushdb"], stdout=subprocess.DEVNULL)
    peak.sh([sys.executable, "manage.py", "migrate", "-v", "0"], env=env)
    peak.sh([sys.executable, "manage.py", "compilemessages", "--ignore=.venv", "-v", "0"], env=env)
    peak.sh([sys.executable, "bench/seed.py", "--past", str(args.past)], env=env, stdout=subprocess.DEVNULL)

    gunicorn, command = start_gunicorn(env, args.port, args.workers, logs, shlex.split(args.gunicorn_args),
                                       access_log=not args.no_access_log)
    started = []
    results = []
    try:
        codes = peak.windows(args.port)
        script = tmp / "availability.lua"
        paths = ", ".join(f'"/api/v1/windows/{code}/availability"' for code, _ward in codes)
        tomorrow = dt.datetime.now(prod_check.TOKYO).date() + dt.timedelta(days=1)  # the portal's day
        days = ", ".join(f'"{tomorrow + dt.timedelta(days=n)}"' for n in range(args.days))
        script.write_text(LUA % {"paths": paths, "languages": "true" if args.languages else "false", "days": days})
        print(f"\nMachine: {os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), Python "
              f"{platform.python_version()}, {shutil.which('wrk')} ({args.threads} threads), "
              f"{command}; {len(codes)} windows, {args.duration:g} s per run; wrk, nginx, gunicorn, "
              "PostgreSQL and Redis on this machine.\n")
        print("| Path | Connections | Requests/s | p50 ms | p95 ms | p99 ms | non-2xx / socket errors | "
              "reached gunicorn | CPU share of the machine |")
        print("| --- | --: | --: | --: | --: | --: | --: | --: | --- |")
        for offset, name in enumerate(via, start=1):
            roots = {"gunicorn": gunicorn.pid}
            port = args.port
            if name in ("proxy", "cached"):
                port = args.port + offset
                nginx = start_nginx(tmp, logs, args.port, port, cached=name == "cached")
                started.append(nginx)
                roots["nginx"] = nginx.pid
            elif name != "direct":
                raise SystemExit(f"unknown path {name!r}: direct, proxy or cached")
            meter = Meter(roots, args.db)
            for connections in (int(value) for value in args.connections.split(",")):
                results.append(measure(name, port, script, connections, args, meter, logs))
            if name != "direct":
                stop(started.pop())
    finally:
        for process in started:
            stop(process)
        stop(gunicorn)
        if args.keep:
            print(f"database {args.db} and logs in {tmp} kept")
        else:
            peak.sh(peak.PG + ["-c", f"DROP DATABASE IF EXISTS {args.db} WITH (FORCE)"])
            shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
