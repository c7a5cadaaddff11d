"""The database task backend: claiming, retries, failure, leases, progress, context."""

from __future__ import annotations

import datetime
import logging
from typing import Any

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.base import TaskContext

from moyeu.core.context import action_context, current_channel, current_correlation_id
from moyeu.core.jobs import claim
from moyeu.core.jobs.progress import ProgressState, job_progress, report_progress
from moyeu.core.jobs.retry import exponential_delay, job_retry_delay, outbox_retry_delay
from moyeu.core.jobs.runner import execute
from moyeu.core.models import Job, JobStatus

pytestmark = pytest.mark.django_db

SEEN: list[dict[str, Any]] = []


@task()
def add(a: int, b: int) -> int:
    SEEN.append({"correlation_id": current_correlation_id(), "channel": current_channel()})
    return a + b


@task(queue_name="imports", priority=5)
def import_rows(rows: int) -> str:
    for done in range(1, rows + 1):
        report_progress(done, rows, f"row {done}")
    return "imported"


@task()
def explode(message: str) -> None:
    raise ValueError(message)


@task(takes_context=True)
def which_attempt(context: TaskContext) -> int:
    return context.attempt


@task()
def not_json() -> object:
    return object()


def claimed(worker: str = "w1", queues: tuple[str, ...] = ("default", "imports")) -> Job:
    job = claim.claim_next(worker, queues, lease_seconds=60)
    assert job is not None
    return job


def test_enqueue_stores_the_job_with_the_correlation_id_of_the_action() -> None:
    with action_context(correlation_id="corr-enqueue-1"):
        result = add.enqueue(2, 3)
    job = Job.objects.get(pk=result.id)
    assert (job.task_path, job.queue_name, job.status) == (
        "tests.core.test_jobs.add",
        "default",
        JobStatus.READY,
    )
    assert job.args_kwargs == {"args": [2, 3], "kwargs": {}}
    assert (job.correlation_id, job.max_attempts, job.attempts) == ("corr-enqueue-1", 5, 0)
    assert result.status == TaskResultStatus.READY


def test_claim_takes_the_highest_priority_then_oldest_and_only_the_given_queues() -> None:
    first = add.enqueue(1, 1)
    urgent = import_rows.enqueue(3)
    add.enqueue(2, 2)
    assert claim.claim_next("w1", ["default"], 60).pk.hex == first.id.replace("-", "")
    job = claimed("w2")
    assert str(job.pk) == urgent.id
    assert (job.status, job.worker_id, job.attempts, job.worker_ids) == (
        JobStatus.RUNNING,
        "w2",
        1,
        ["w2"],
    )
    assert job.lease_expires_at is not None
    lease_left = (job.lease_expires_at - timezone.now()).total_seconds()
    assert 58 < lease_left <= 60


def test_claim_race_only_one_claimer_wins() -> None:
    result = add.enqueue(1, 2)
    assert claim.try_claim(result.id, "w1", 60) is True
    assert claim.try_claim(result.id, "w2", 60) is False
    job = Job.objects.get(pk=result.id)
    assert (job.worker_id, job.attempts) == ("w1", 1)
    assert claim.claim_next("w2", ["default"], 60) is None


def test_deferred_job_waits_for_run_after() -> None:
    later = timezone.now() + datetime.timedelta(minutes=5)
    add.using(run_after=later).enqueue(1, 2)
    assert claim.claim_next("w1", ["default"], 60) is None


def test_success_stores_return_value_and_runs_in_the_jobs_action_context() -> None:
    SEEN.clear()
    with action_context(correlation_id="corr-run-42"):
        result = add.enqueue(20, 22)
    job = claimed()
    assert execute(job, "w1") == JobStatus.SUCCESSFUL
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 42
    assert result.worker_ids == ["w1"]
    assert SEEN == [{"correlation_id": "corr-run-42", "channel": "task"}]
    job.refresh_from_db()
    assert (job.lease_expires_at, job.finished_at is not None) == (None, True)


def test_task_with_context_sees_its_attempt_number() -> None:
    result = which_attempt.enqueue()
    execute(claimed(), "w1")
    result.refresh()
    assert result.return_value == 1


def test_failure_is_retried_later_with_backoff_and_error_kept(settings: Any) -> None:
    settings.MOYEU_JOB_RETRY_BASE_SECONDS = 10
    result = explode.enqueue("boom")
    before = timezone.now()
    assert execute(claimed(), "w1") == JobStatus.READY
    job = Job.objects.get(pk=result.id)
    assert (job.status, job.attempts, job.worker_id) == (JobStatus.READY, 1, "")
    assert job.error_class == "builtins.ValueError"
    assert "ValueError: boom" in job.last_error
    delay = (job.run_after - before).total_seconds()
    assert 5 <= delay <= 10.5  # first retry: 10 s with equal jitter -> between 5 and 10
    assert claim.claim_next("w1", ["default"], 60) is None  # not before run_after


def test_max_attempts_then_failed_with_error_class_and_traceback() -> None:
    result = explode.enqueue("still broken")
    Job.objects.filter(pk=result.id).update(max_attempts=2)
    execute(claimed(), "w1")
    Job.objects.filter(pk=result.id).update(run_after=timezone.now())
    assert execute(claimed("w2"), "w2") == JobStatus.FAILED
    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    assert result.worker_ids == ["w1", "w2"]
    assert [e.exception_class_path for e in result.errors] == ["builtins.ValueError"]
    assert result.errors[0].exception_class is ValueError
    assert "raise ValueError(message)\nValueError: still broken" in result.errors[0].traceback
    job = Job.objects.get(pk=result.id)
    assert (job.attempts, job.finished_at is not None) == (2, True)
    assert claim.claim_next("w1", ["default"], 60) is None


def test_a_return_value_that_is_not_json_fails_the_attempt() -> None:
    result = not_json.enqueue()
    execute(claimed(), "w1")
    job = Job.objects.get(pk=result.id)
    assert (job.status, job.error_class) == (JobStatus.READY, "builtins.TypeError")


def test_unknown_task_path_fails_without_crashing_the_worker() -> None:
    job = Job.objects.create(task_path="tests.core.nowhere.task", max_attempts=1)
    assert execute(claimed(), "w1") == JobStatus.FAILED
    job.refresh_from_db()
    assert job.error_class == "builtins.ModuleNotFoundError"


def test_retry_schedule_values(settings: Any) -> None:
    settings.MOYEU_JOB_RETRY_BASE_SECONDS = 10
    settings.MOYEU_JOB_RETRY_MAX_SECONDS = 3600
    nominal = [exponential_delay(n, base=10, cap=3600) for n in range(1, 11)]
    assert nominal == [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600]
    assert exponential_delay(500, base=10, cap=3600) == 3600
    assert [job_retry_delay(n, rand=lambda: 0.0) for n in (1, 2, 3)] == [5.0, 10.0, 20.0]
    assert [job_retry_delay(n, rand=lambda: 1.0) for n in (1, 2, 3)] == [10.0, 20.0, 40.0]
    assert job_retry_delay(3, rand=lambda: 0.5) == 30.0
    settings.MOYEU_OUTBOX_RETRY_BASE_SECONDS = 5
    settings.MOYEU_OUTBOX_RETRY_MAX_SECONDS = 900
    assert [outbox_retry_delay(n) for n in range(1, 10)] == [
        5, 10, 20, 40, 80, 160, 320, 640, 900,
    ]  # fmt: skip
    with pytest.raises(ValueError, match="attempt counts from 1"):
        exponential_delay(0, base=10, cap=3600)


def test_expired_lease_is_reclaimed_and_rerun(caplog: pytest.LogCaptureFixture) -> None:
    result = add.enqueue(1, 2)
    claimed("dead-worker")
    assert claim.reclaim_expired() == (0, 0)  # the lease is still valid
    Job.objects.filter(pk=result.id).update(
        lease_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    with caplog.at_level(logging.WARNING, logger="moyeu.core.jobs.claim"):
        assert claim.reclaim_expired() == (1, 0)
    job = Job.objects.get(pk=result.id)
    assert (job.status, job.worker_id, job.attempts) == (JobStatus.READY, "", 1)
    assert job.error_class == "moyeu.core.jobs.claim.LeaseExpired"
    assert "worker dead-worker stopped renewing the lease of attempt 1" in job.last_error
    assert "reclaimed" in caplog.text
    job = claimed("w2")
    assert execute(job, "w2") == JobStatus.SUCCESSFUL
    result.refresh()
    assert (result.return_value, result.worker_ids) == (3, ["dead-worker", "w2"])


def test_expired_lease_on_the_last_attempt_fails_the_job() -> None:
    result = add.enqueue(1, 2)
    Job.objects.filter(pk=result.id).update(max_attempts=1)
    claimed("dead-worker")
    Job.objects.filter(pk=result.id).update(
        lease_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert claim.reclaim_expired() == (0, 1)
    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class_path == "moyeu.core.jobs.claim.LeaseExpired"


def test_a_worker_that_lost_its_lease_cannot_overwrite_the_new_attempt() -> None:
    result = add.enqueue(1, 2)
    job = claimed("slow-worker")
    Job.objects.filter(pk=result.id).update(
        lease_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    claim.reclaim_expired()
    claimed("w2")
    assert claim.renew_lease(job.pk, "slow-worker", 60) is False
    execute(job, "slow-worker")  # finishes late: its outcome is discarded
    fresh = Job.objects.get(pk=result.id)
    assert (fresh.status, fresh.worker_id, fresh.return_value) == (JobStatus.RUNNING, "w2", None)


def test_progress_values_are_stored_with_the_outcome() -> None:
    result = import_rows.enqueue(7)
    job = claimed()
    assert execute(job, "w1") == JobStatus.SUCCESSFUL
    progress = job_progress(result.id)
    assert (progress.done, progress.total, progress.message) == (7, 7, "row 7")
    assert progress.fraction == 1.0


def test_progress_state_hands_each_change_to_the_keeper_once() -> None:
    job = Job.objects.create(task_path="x.y")
    state = ProgressState(job.pk)
    assert state.take_if_changed() is None
    from moyeu.core.jobs.progress import progress_scope

    with progress_scope(state):
        report_progress(3, 10, "three")
        report_progress(4, None, "x" * 300)
        with pytest.raises(ValueError, match="must not be negative"):
            report_progress(-1, 10)
    value = state.take_if_changed()
    assert value is not None
    assert (value.done, value.total, len(value.message), value.fraction) == (4, None, 255, None)
    assert state.take_if_changed() is None


def test_report_progress_outside_a_job_does_nothing() -> None:
    report_progress(1, 2, "shell")  # no job: no error, no write
    assert Job.objects.count() == 0
