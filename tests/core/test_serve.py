"""``moyeu serve``: gunicorn with several processes, aggregated metrics, a supervised worker."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError

from moyeu.core.management.commands.serve import (
    bind_address,
    prepare_metrics_directory,
    runs_worker,
)
from moyeu.core.models import WorkerHeartbeat
from moyeu.core.ops.supervisor import WorkerSupervisor
from tests.core.test_worker_processes import Processes, processes, subprocess_env, wait_until

__all__ = ["processes"]  # the fixture, used below


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str, timeout: float = 5) -> tuple[int, str]:
    """GET a path of the loopback server the test started."""
    host_port, _, path = url.removeprefix("http://").partition("/")
    host, _, port = host_port.partition(":")
    client = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        client.request("GET", "/" + path)
        response = client.getresponse()
        return response.status, response.read().decode()
    finally:
        client.close()


def answers(url: str) -> bool:
    try:
        return get(url, timeout=1)[0] == 200
    except OSError:
        return False


def metric(text: str, series: str) -> float:
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{series} not in metrics")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_embedded_shape_runs_a_worker_unless_told_otherwise() -> None:
    assert runs_worker("sqlite", with_worker=False, without_worker=False) is True
    assert runs_worker("sqlite", with_worker=False, without_worker=True) is False
    assert runs_worker("postgresql", with_worker=False, without_worker=False) is False
    assert runs_worker("postgresql", with_worker=True, without_worker=False) is True
    with pytest.raises(CommandError, match="contradict"):
        runs_worker("sqlite", with_worker=True, without_worker=True)
    assert bind_address("127.0.0.1", 8000) == "127.0.0.1:8000"
    assert bind_address("::1", 8080) == "[::1]:8080"


def test_metrics_directory_is_wiped_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "metrics"))
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "counter_123.db").write_bytes(b"stale")
    (tmp_path / "metrics" / "keep.txt").write_text("not ours")
    assert prepare_metrics_directory(8000) == tmp_path / "metrics"
    assert sorted(p.name for p in (tmp_path / "metrics").iterdir()) == ["keep.txt"]


def test_supervisor_restarts_a_dying_worker_with_growing_pauses() -> None:
    supervisor = WorkerSupervisor([sys.executable, "-c", "import sys; sys.exit(3)"])
    supervisor.check(now=100.0)
    first = supervisor.process
    assert first is not None
    first.wait(timeout=10)
    supervisor.check(now=101.0)  # died young: first pause is 1 s
    assert (supervisor.process, supervisor.quick_deaths, supervisor.restart_at) == (None, 1, 102.0)
    supervisor.check(now=101.5)
    assert supervisor.process is None
    supervisor.check(now=102.0)
    second = supervisor.process
    assert second is not None and second.pid != first.pid
    second.wait(timeout=10)
    supervisor.check(now=103.0)
    assert (supervisor.quick_deaths, supervisor.restart_at) == (2, 105.0)
    supervisor.terminate()
    supervisor.check(now=200.0)  # stopping: no restart
    assert supervisor.process is None


def test_supervisor_stops_its_worker_gracefully_then_kills_it() -> None:
    ignoring = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"
    supervisor = WorkerSupervisor([sys.executable, "-c", ignoring])
    supervisor.check()
    process = supervisor.process
    assert process is not None
    time.sleep(0.5)  # let it install its handler
    supervisor.terminate()
    supervisor.wait(timeout=1)
    assert process.returncode == -signal.SIGKILL


@pytest.mark.django_db(transaction=True)
def test_serve_answers_from_several_processes_and_supervises_its_worker(
    processes: Processes, tmp_path: Path
) -> None:
    port = free_port()
    metrics_dir = tmp_path / "metrics"
    env = subprocess_env(
        PORT=str(port), MOYEU_HOST="127.0.0.1", PROMETHEUS_MULTIPROC_DIR=str(metrics_dir)
    )
    server = processes.start("serve", "--workers", "3", "--with-worker", env=env)
    base = f"http://127.0.0.1:{port}"
    wait_until(lambda: answers(f"{base}/health/live"), 60, "the server to answer")
    series = 'moyeu_http_requests_total{method="GET",route="ops:live",status="200"}'
    status, text = get(f"{base}/metrics")
    assert status == 200
    before = metric(text, series)
    for _ in range(30):
        assert get(f"{base}/health/live")[0] == 200
    # 30 requests answered by 3 processes: every scrape, whichever process answers, sees all.
    for _ in range(3):
        assert metric(get(f"{base}/metrics")[1], series) - before == 30
    first = wait_until(lambda: WorkerHeartbeat.objects.first(), 60, "the worker's heartbeat")
    wait_until(lambda: get(f"{base}/health/ready")[0] == 200, 30, "readiness")
    os.kill(first.pid, signal.SIGKILL)
    restarted = wait_until(
        lambda: WorkerHeartbeat.objects.exclude(pid=first.pid).first(),
        60,
        "the supervisor to restart the worker",
    )
    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=60) == 0, processes.output()
    assert not alive(restarted.pid)
    output = processes.output()
    assert f"Moyeu is running at http://127.0.0.1:{port}/ (3 web workers" in output
    assert f"worker process {first.pid} exited with -9" in output
    assert WorkerHeartbeat.objects.filter(pid=restarted.pid).count() == 0  # clean stop
    assert list(metrics_dir.glob("counter_*.db"))  # the web processes' metric files
