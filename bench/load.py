"""
A small closed-loop HTTP load generator (standard library only) for the
benchmarks in bench/peak.py: C concurrent clients, each sending its next
request as soon as the last answer arrived, for D seconds.

Clients are threads spread over a few processes (so the client is not held
back by one interpreter lock); each keeps its connection open while the
server allows it. Every request's latency counts from sending to the last
byte of the answer, so it includes any wait for a free server worker.
"""

import http.client
import multiprocessing
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Result:
    seconds: float
    latencies: list = field(default_factory=list)  # seconds, one per answered request
    statuses: Counter = field(default_factory=Counter)  # HTTP status (or "error") -> count
    client_cpu: float = 0.0  # CPU seconds the load generator itself used (it shares the machine)
    by_label: dict = field(default_factory=dict)  # label -> latencies, for clients whose state has one

    def only(self, label):
        """The Result of the clients labelled ``label`` (statuses are not kept apart)."""
        return Result(seconds=self.seconds, latencies=self.by_label.get(label, []), client_cpu=self.client_cpu)

    @property
    def requests(self):
        return len(self.latencies)

    def rate(self, status=None):
        count = self.requests if status is None else self.statuses.get(status, 0)
        return count / self.seconds if self.seconds else 0.0

    def percentile(self, p):
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000

    @property
    def median(self):
        return statistics.median(self.latencies) * 1000 if self.latencies else float("nan")


def _client(host, port, make_request, setup, index, ready, clock, latencies, statuses, lock):
    """
    One client: ``setup(conn, index)`` once, then (when every client of the
    process is set up) ``make_request(state)`` until the deadline. A state with
    a "label" has its latencies kept apart as well (Result.by_label).
    """
    conn = http.client.HTTPConnection(host, port, timeout=30)
    state = setup(conn, index) if setup else {"index": index}
    ready.wait()
    deadline, label = clock["deadline"], state.get("label")
    mine, counts = [], Counter()
    while time.monotonic() < deadline:
        method, path, body, headers = make_request(state)
        sent = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - sent
            mine.append(elapsed)
            counts[response.status] += 1
            if response.will_close:
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
        except (OSError, http.client.HTTPException):
            counts["error"] += 1
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.close()
    with lock:
        latencies.setdefault(label, []).extend(mine)
        statuses.update(counts)


def _process(host, port, make_request, setup, first_index, threads, start_at, duration, queue):
    latencies, statuses, lock, clock = {}, Counter(), threading.Lock(), {}
    while time.time() < start_at:  # every process starts at the same moment
        time.sleep(0.001)

    def go():  # the clock starts once every client is set up (setup is not measured)
        clock["deadline"] = time.monotonic() + duration
        clock["cpu"] = time.process_time()

    ready = threading.Barrier(threads, action=go)
    workers = [
        threading.Thread(target=_client, args=(host, port, make_request, setup, first_index + i, ready, clock,
                                               latencies, statuses, lock))
        for i in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    queue.put((latencies, dict(statuses), time.process_time() - clock["cpu"]))


def run(host, port, make_request, *, concurrency=64, duration=10.0, processes=2, setup=None):
    """
    Run ``concurrency`` clients for ``duration`` seconds and return a Result.
    ``make_request(state)`` returns (method, path, body, headers); ``setup(conn,
    index)`` may prepare a client (log in, take cookies) and returns its state.
    """
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    start_at = time.time() + 0.5
    share, extra = divmod(concurrency, processes)
    children, first = [], 0
    for number in range(processes):
        threads = share + (1 if number < extra else 0)
        child = context.Process(target=_process, args=(host, port, make_request, setup, first, threads,
                                                       start_at, duration, queue))
        child.start()
        children.append(child)
        first += threads
    result = Result(seconds=duration)
    for _ in children:
        latencies, statuses, cpu = queue.get()
        for label, values in latencies.items():
            result.latencies.extend(values)
            if label is not None:
                result.by_label.setdefault(label, []).extend(values)
        result.statuses.update(statuses)
        result.client_cpu += cpu
    for child in children:
        child.join()
    return result
