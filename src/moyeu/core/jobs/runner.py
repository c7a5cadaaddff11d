"""Running one claimed job: call the task, then record success, a retry or the failure.

Every outcome is written with an UPDATE guarded by ``worker_id`` and RUNNING status: if this
worker lost its lease (it hung long enough for another worker to reclaim the job), its late
result is discarded rather than overwriting the newer attempt.
"""

from __future__ import annotations

import datetime
import logging
import traceback
from typing import Any

from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.base import TaskContext
from django_tasks.signals import task_finished, task_started
from django_tasks.utils import get_module_path, normalize_json

from moyeu.core.context import action_context
from moyeu.core.jobs.backend import DatabaseBackend, load_task, to_task_result
from moyeu.core.jobs.progress import Progress, ProgressState, progress_scope
from moyeu.core.jobs.retry import job_retry_delay
from moyeu.core.models import Job, JobStatus

logger = logging.getLogger(__name__)

MAX_ERROR_CHARS = 20_000


def execute(job: Job, worker_id: str, state: ProgressState | None = None) -> JobStatus:
    """Run ``job`` (already claimed by ``worker_id``) and store its outcome; return it."""
    state = state or ProgressState(job.pk)
    with (
        action_context(correlation_id=job.correlation_id or None, channel="task"),
        progress_scope(state),
    ):
        logger.info("job %s started: %s (attempt %d)", job.pk, job.task_path, job.attempts)
        loaded = False
        try:
            task = load_task(job)
            result = to_task_result(job)
            loaded = True
            task_started.send(sender=DatabaseBackend, task_result=result)
            args = job.args_kwargs.get("args", [])
            kwargs = job.args_kwargs.get("kwargs", {})
            if task.takes_context:
                value = task.call(TaskContext(task_result=result), *args, **kwargs)
            else:
                value = task.call(*args, **kwargs)
            return_value = normalize_json(value)
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:
            status = _record_failure(job, worker_id, exc, state.value)
            if loaded:
                # Inside the except block, so django_tasks' failure log carries the traceback.
                _send_finished(job)
            return status
        _record_success(job, worker_id, return_value, state.value)
        _send_finished(job)
        return JobStatus.SUCCESSFUL


def _progress_fields(progress: Progress) -> dict[str, Any]:
    return {
        "progress_done": progress.done,
        "progress_total": progress.total,
        "progress_message": progress.message,
    }


def _mine(job: Job, worker_id: str) -> Any:
    return Job.objects.filter(pk=job.pk, worker_id=worker_id, status=JobStatus.RUNNING)


def _record_success(job: Job, worker_id: str, value: Any, progress: Progress) -> None:
    updated = _mine(job, worker_id).update(
        status=JobStatus.SUCCESSFUL,
        finished_at=timezone.now(),
        lease_expires_at=None,
        return_value=value,
        **_progress_fields(progress),
    )
    if updated:
        logger.info("job %s succeeded", job.pk)
    else:
        logger.warning("job %s finished after its lease was lost; result discarded", job.pk)


def _record_failure(job: Job, worker_id: str, exc: Exception, progress: Progress) -> JobStatus:
    now = timezone.now()
    error = {
        "error_class": get_module_path(type(exc)),
        "last_error": "".join(traceback.format_exception(exc))[-MAX_ERROR_CHARS:],
        "lease_expires_at": None,
        **_progress_fields(progress),
    }
    if job.attempts >= job.max_attempts:
        status = JobStatus.FAILED
        updated = _mine(job, worker_id).update(status=status, finished_at=now, **error)
        logger.error(
            "job %s failed for good after %d attempts: %s",
            job.pk,
            job.attempts,
            error["error_class"],
            exc_info=exc,
        )
    else:
        status = JobStatus.READY
        delay = job_retry_delay(job.attempts)
        updated = _mine(job, worker_id).update(
            status=status,
            worker_id="",
            run_after=now + datetime.timedelta(seconds=delay),
            **error,
        )
        logger.warning(
            "job %s attempt %d/%d failed (%s); retry in %.0f s",
            job.pk,
            job.attempts,
            job.max_attempts,
            error["error_class"],
            delay,
        )
    if not updated:
        logger.warning("job %s failed after its lease was lost; outcome discarded", job.pk)
    return status


def _send_finished(job: Job) -> None:
    job.refresh_from_db()
    if job.status in {TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED}:
        task_finished.send(sender=DatabaseBackend, task_result=to_task_result(job))
