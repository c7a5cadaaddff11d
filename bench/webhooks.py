"""Webhook delivery speed: deliveries per second and commit → delivery latency.

    .venv/bin/python bench/webhooks.py [--events 5000] [--records 500]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_webhooks \
        .venv/bin/python bench/webhooks.py

A receiver process on 127.0.0.1 (ThreadingHTTPServer, keep-alive) answers 200 and notes
the arrival time of each webhook-id. First the bare receiver's own ceiling is measured (16
keep-alive clients posting a signed-size body as fast as they can); then a real
``moyeu worker`` delivers ``--events`` events committed in small transactions over
``--records`` records. Printed: deliveries/s from first commit to last arrival, the
commit → arrival latency percentiles, and the ratio to the receiver's ceiling.
The database is created afresh (SQLite file under a temporary folder, or the PostgreSQL
database named in DATABASE_URL, dropped and re-created).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def receiver(port_queue: Any, arrivals: Any, stop: Any) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            arrivals.put((self.headers.get("webhook-id", ""), time.time()))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_queue.put(server.server_address[1])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stop.wait()
    server.shutdown()


def bare_ceiling(port: int, arrivals: Any, seconds: float = 3.0) -> float:
    import urllib3

    body = b"x" * 400
    done = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def blast() -> None:
        pool = urllib3.HTTPConnectionPool("127.0.0.1", port, maxsize=1)
        count = 0
        while time.monotonic() < deadline:
            pool.request("POST", "/", body=body, headers={"webhook-id": "bare"})
            count += 1
        with lock:
            done[0] += count

    threads = [threading.Thread(target=blast) for _ in range(16)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rate = done[0] / (time.monotonic() - started)
    while not arrivals.empty():
        arrivals.get()
    return rate


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fresh_database(env: dict[str, str]) -> None:
    url = env.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        base, name = url.rsplit("/", 1)
        subprocess.run(
            ["psql", base + "/postgres", "-qc", f'DROP DATABASE IF EXISTS "{name}"'], check=True
        )
        create = f'CREATE DATABASE "{name}"'
        subprocess.run(["psql", base + "/postgres", "-qc", create], check=True)
    subprocess.run([sys.executable, "-m", "moyeu.cli", "migrate", "-v0"], env=env, check=True)


SETUP = """
import django, json, sys, uuid
django.setup()
from django.contrib.auth import get_user_model
from moyeu.core.context import Actor
from moyeu.integrations.services import subscription_create
admin = get_user_model().objects.create_superuser("bench", "bench@example.com", "x")
subscription_create(actor=Actor(user=admin), values={
    "name": "bench", "url": sys.argv[1], "event_types": ["contact.updated"]})
"""

PRODUCE = """
import django, sys, time, uuid
django.setup()
from django.db import transaction
from moyeu.core.models import OutboxEvent
events, records, first = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
ids = [uuid.UUID(int=(0x0193 << 112) | (7 << 76) | n) for n in range(records)]
for start in range(first, first + events, 10):
    with transaction.atomic():
        OutboxEvent.objects.bulk_create([
            OutboxEvent(type="contact.updated", record_type="directory.contact",
                        record_id=ids[i % records], payload={"n": i}, correlation_id="bench")
            for i in range(start, min(first + events, start + 10))])
    time.sleep(0.001)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--records", type=int, default=500)
    options = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-webhooks-")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "moyeu.settings",
        "MOYEU_VAR_DIR": folder,
        "MOYEU_OUTBOUND_ALLOWED_HOSTS": "127.0.0.1",
        "MOYEU_LOG_LEVEL": "WARNING",
    }
    database = "PostgreSQL" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    fresh_database(env)
    ports: Any = multiprocessing.Queue()
    arrivals: Any = multiprocessing.Queue()
    stop = multiprocessing.Event()
    process = multiprocessing.Process(target=receiver, args=(ports, arrivals, stop), daemon=True)
    process.start()
    port = ports.get(timeout=10)
    ceiling = bare_ceiling(port, arrivals)
    url = f"http://127.0.0.1:{port}/hook"
    subprocess.run([sys.executable, "-c", SETUP, url], env=env, check=True)
    worker = subprocess.Popen(
        [sys.executable, "-m", "moyeu.cli", "worker", "--poll-interval", "0.05"], env=env
    )
    try:
        # Warm-up: one event through the whole path, so the worker has started (imports,
        # checks, pools) before the measured events are committed.
        subprocess.run([sys.executable, "-c", PRODUCE, "1", "1", "-1"], env=env, check=True)
        arrivals.get(timeout=300)
        cpu_before = cpu_seconds(worker.pid)
        subprocess.run(
            [sys.executable, "-c", PRODUCE, str(options.events), str(options.records), "0"],
            env=env,
            check=True,
        )
        seen: dict[str, float] = {}
        deadline = time.monotonic() + 600
        while len(seen) < options.events and time.monotonic() < deadline:
            webhook_id, at = arrivals.get(timeout=120)
            seen.setdefault(webhook_id, at)
        finished = max(seen.values())
        cpu = cpu_seconds(worker.pid) - cpu_before
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        stop.set()
    occurred = json.loads(
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import django, json; django.setup();"
                "from moyeu.core.models import OutboxEvent;"
                "print(json.dumps({str(i): t.timestamp() for i, t in "
                "OutboxEvent.objects.filter(type='contact.updated', payload__n__gte=0)"
                ".values_list('id', 'occurred_at')}))",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    latencies = sorted(seen[i] - occurred[i] for i in seen if i in occurred)
    started = min(occurred.values())  # the first commit
    rate = len(seen) / (finished - started)

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))]

    print(f"database: {database}; events: {options.events} over {options.records} records")
    print(f"bare receiver ceiling:   {ceiling:8.0f} requests/s (16 keep-alive clients)")
    print(f"webhook deliveries:      {rate:8.0f} deliveries/s ({rate / ceiling:.0%} of ceiling)")
    print(
        f"commit → delivery:       p50 {pct(0.5) * 1000:.0f} ms, p99 {pct(0.99) * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms"
    )
    print(
        f"worker CPU:              {cpu / len(seen) * 1e6:8.0f} µs per delivery (fan-out, "
        f"signing, HTTP, bookkeeping) = {len(seen) / cpu:.0f} deliveries per CPU-second"
    )
    print(f"machine load average:    {os.getloadavg()[0]:.1f} (2 cores, shared)")


if __name__ == "__main__":
    main()
