"""The worker loop in-process: the command, options, keeper ticks, signals, maintenance."""

from __future__ import annotations

import datetime
import io
import signal
import time
import uuid
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks import task

from moyeu.core.jobs import leases
from moyeu.core.jobs.keeper import Keeper
from moyeu.core.jobs.progress import Progress, ProgressState
from moyeu.core.jobs.worker import Worker, WorkerOptions
from moyeu.core.models import Job, JobStatus, Lease, OutboxEvent, WorkerHeartbeat
from moyeu.core.outbox.registry import Consumer, consumers

pytestmark = pytest.mark.django_db(transaction=True)

RAN: list[str] = []


@task()
def note(label: str) -> str:
    RAN.append(label)
    return label


@task(queue_name="exports")
def export_note(label: str) -> str:
    RAN.append(label)
    return label


@pytest.fixture(autouse=True)
def clean_ran() -> None:
    RAN.clear()


def test_worker_once_runs_due_jobs_and_delivers_events_then_cleans_up() -> None:
    seen: list[str] = []
    consumers.register(
        Consumer("tests.worker_once", ("worker.*",), lambda e: seen.append(e.type), dedupe=False)
    )
    try:
        note.enqueue("first")
        export_note.enqueue("second")
        OutboxEvent.objects.create(type="worker.tested", record_type="t", correlation_id="c")
        out = io.StringIO()
        call_command("worker", "--once", stdout=out)
    finally:
        consumers.unregister("tests.worker_once")
    assert sorted(RAN) == ["first", "second"]
    assert seen == ["worker.tested"]
    assert out.getvalue().endswith(": 2 jobs run\n")
    assert set(Job.objects.values_list("status", flat=True)) == {JobStatus.SUCCESSFUL}
    assert WorkerHeartbeat.objects.count() == 0  # removed on a clean stop
    assert leases.holder_of(leases.OUTBOX_DISPATCHER) is None  # released on a clean stop


def test_queues_and_max_jobs_options() -> None:
    for label in ("a", "b", "c"):
        note.enqueue(label)
    export_note.enqueue("exported")
    call_command("worker", "--queues", "default", "--max-jobs", "2", stdout=io.StringIO())
    assert RAN == ["a", "b"]
    call_command("worker", "--once", "--queues", "exports", stdout=io.StringIO())
    assert RAN == ["a", "b", "exported"]
    assert Job.objects.filter(status=JobStatus.READY).count() == 1


def test_without_outbox_leaves_events_alone() -> None:
    OutboxEvent.objects.create(type="worker.tested", record_type="t", correlation_id="c")
    call_command("worker", "--once", "--without-outbox", stdout=io.StringIO())
    assert OutboxEvent.objects.filter(dispatched_at__isnull=True).count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--queues", "default,nope"], "unknown queues ['nope']"),
        (["--max-jobs", "0"], "--max-jobs must be at least 1"),
    ],
)
def test_bad_options_are_refused(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message.replace("[", r"\[").replace("]", r"\]")):
        call_command("worker", *args)


def test_keeper_writes_heartbeat_progress_and_renews_the_lease() -> None:
    result = note.enqueue("long")
    Job.objects.filter(pk=result.id).update(
        status=JobStatus.RUNNING,
        worker_id="w1",
        lease_expires_at=timezone.now() + datetime.timedelta(seconds=5),
    )
    keeper = Keeper("w1", ["default"], lease_seconds=30, heartbeat_seconds=10)
    state = ProgressState(uuid.UUID(result.id))
    keeper.watch(state, now=1000.0)
    keeper.beat(now=1000.0)
    heartbeat = WorkerHeartbeat.objects.get(worker_id="w1")
    assert (heartbeat.queues, heartbeat.pid > 0) == (["default"], True)
    state.set(Progress(40, 100, "rows"))
    first_seen = heartbeat.last_seen_at
    keeper.beat(now=1005.0)  # progress flushed; lease and heartbeat not yet due
    job = Job.objects.get(pk=result.id)
    assert (job.progress_done, job.progress_total, job.progress_message) == (40, 100, "rows")
    lease_before = job.lease_expires_at
    keeper.beat(now=1011.0)  # 11 s >= 30/3: lease renewed; heartbeat due
    job.refresh_from_db()
    assert job.lease_expires_at is not None and lease_before is not None
    assert 28 < (job.lease_expires_at - timezone.now()).total_seconds() <= 30
    assert job.lease_expires_at > lease_before
    assert WorkerHeartbeat.objects.get(worker_id="w1").last_seen_at > first_seen


def test_signals_stop_gracefully_and_a_second_ctrl_c_stops_now() -> None:
    worker = Worker(WorkerOptions(queues=["default"]))
    before = signal.getsignal(signal.SIGINT)
    restore = worker.install_signal_handlers()
    assert signal.getsignal(signal.SIGTERM) == worker._on_signal
    restore()
    assert signal.getsignal(signal.SIGINT) is before
    worker._on_signal(signal.SIGTERM, None)
    assert worker.stop_event.is_set()
    worker._on_signal(
        signal.SIGTERM, None
    )  # a supervisor's SIGTERM after the group's: still graceful
    with pytest.raises(KeyboardInterrupt):
        worker._on_signal(signal.SIGINT, None)


def test_housekeeping_reclaims_and_prunes_under_the_maintenance_lease(settings: Any) -> None:
    settings.MOYEU_JOB_RETENTION_DAYS = 14
    old = timezone.now() - datetime.timedelta(days=15)
    result = note.enqueue("old")
    Job.objects.filter(pk=result.id).update(status=JobStatus.SUCCESSFUL, finished_at=old)
    stuck = note.enqueue("stuck")
    Job.objects.filter(pk=stuck.id).update(
        status=JobStatus.RUNNING,
        worker_id="dead",
        attempts=1,
        lease_expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    WorkerHeartbeat.objects.create(
        worker_id="gone", hostname="h", pid=1, last_seen_at=old, started_at=old
    )
    worker = Worker(WorkerOptions(queues=["default"], dispatch_outbox=False))
    assert worker.housekeeping_step(now=time.monotonic()) is False
    assert list(Job.objects.values_list("status", flat=True)) == [JobStatus.READY]
    assert WorkerHeartbeat.objects.count() == 0
    assert Lease.objects.get(name=leases.MAINTENANCE).holder == worker.worker_id
    other = Worker(WorkerOptions(queues=["default"], dispatch_outbox=False))
    other._maintained_at = float("-inf")
    Job.objects.filter(pk=stuck.id).update(status=JobStatus.SUCCESSFUL, finished_at=old)
    other.housekeeping_step()  # maintenance lease held by the first worker: nothing pruned
    assert Job.objects.count() == 1
