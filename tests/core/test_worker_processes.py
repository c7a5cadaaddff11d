"""Real ``moyeu worker`` processes: graceful stop on SIGTERM, reclaim after SIGKILL.

These tests start the worker as a subprocess on the test database (a file on SQLite, see
settings; ``test_h1``-style on PostgreSQL), so they use ``transactional_db``: the subprocess
must see committed rows. The helpers here are shared with test_outbox_kill.py.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from django.db import connection
from django_tasks import TaskResultStatus, task
from django_tasks.base import TaskContext

from moyeu.core.context import action_context
from moyeu.core.jobs import leases
from moyeu.core.models import Job, JobStatus, WorkerHeartbeat

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True)


def database_url() -> str:
    """The test database, as a DATABASE_URL a subprocess can use."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def subprocess_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": database_url(), "MOYEU_LOG_FORMAT": "json"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.update(extra)
    return env


class Processes:
    """Starts ``moyeu`` subprocesses and makes sure none outlives the test."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.started: list[subprocess.Popen[bytes]] = []
        self._logs: list[IO[bytes]] = []

    def start(self, *args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = (self.tmp_path / f"process-{len(self.started)}.log").open("wb")
        self._logs.append(log)
        process = subprocess.Popen(
            [sys.executable, "-m", "moyeu.cli", *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.started.append(process)
        return process

    def output(self, index: int = -1) -> str:
        path = self.tmp_path / f"process-{index % len(self.started)}.log"
        return path.read_text(errors="replace")

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
        for log in self._logs:
            log.close()


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    started = Processes(tmp_path)
    try:
        yield started
    finally:
        started.stop_all()


def wait_until(predicate: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@task()
def sleepy(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"


@task(takes_context=True)
def slow_first_time(context: TaskContext) -> int:
    if context.attempt == 1:
        time.sleep(60)  # killed long before this ends
    return context.attempt


WORKER = ("worker", "--poll-interval", "0.1", "--import", "tests.core.test_worker_processes")


def test_sigterm_lets_the_running_job_finish_then_exits_cleanly(processes: Processes) -> None:
    with action_context(correlation_id="corr-sigterm-test"):
        result = sleepy.enqueue(1.5)
    worker = processes.start(*WORKER, env=subprocess_env())
    wait_until(
        lambda: Job.objects.filter(pk=result.id, status=JobStatus.RUNNING).exists(),
        30,
        "the job to start",
    )
    assert WorkerHeartbeat.objects.count() == 1
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=30) == 0, processes.output()
    result.refresh()
    assert (result.status, result.return_value) == (TaskResultStatus.SUCCESSFUL, "slept")
    assert WorkerHeartbeat.objects.count() == 0
    assert leases.holder_of(leases.OUTBOX_DISPATCHER) is None
    entries = [json.loads(line) for line in processes.output().splitlines() if line.startswith("{")]
    job_lines = [e for e in entries if e["message"].startswith(f"job {result.id}")]
    assert [e["message"].split(":")[0] for e in job_lines] == [
        f"job {result.id} started",
        f"job {result.id} succeeded",
    ]
    assert {e["correlation_id"] for e in job_lines} == {"corr-sigterm-test"}


def test_a_killed_workers_job_is_reclaimed_and_finished_by_the_next(
    processes: Processes,
) -> None:
    result = slow_first_time.enqueue()
    env = subprocess_env(MOYEU_JOB_LEASE_SECONDS="4")
    first = processes.start(*WORKER, env=env)
    job = wait_until(
        lambda: Job.objects.filter(pk=result.id, status=JobStatus.RUNNING).first(),
        30,
        "the job to start",
    )
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert Job.objects.get(pk=result.id).status == JobStatus.RUNNING  # the lease says so
    processes.start(*WORKER, env=env)
    wait_until(
        lambda: Job.objects.filter(pk=result.id, status=JobStatus.SUCCESSFUL).exists(),
        60,
        "the reclaimed job to finish",
    )
    result.refresh()
    assert result.return_value == 2
    assert len(result.worker_ids) == 2
    assert result.worker_ids[0] == job.worker_id != result.worker_ids[1]
    assert Job.objects.get(pk=result.id).error_class == "moyeu.core.jobs.claim.LeaseExpired"
