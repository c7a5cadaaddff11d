"""A django-tasks backend that keeps jobs in Moyeu's own table (moyeu.core.models.Job).

Why not django-tasks-db: Moyeu needs retries with backoff, progress, leases for crashed
workers and a compare-and-set claim; see docs/decisions/0004-background-jobs.md.
Business code never imports this: it uses ``django_tasks.task`` and ``.enqueue()``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResult, TaskResultStatus
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task, TaskError
from django_tasks.exceptions import TaskResultDoesNotExist
from django_tasks.utils import normalize_json

from moyeu.core.context import current_correlation_id
from moyeu.core.models import Job, JobStatus


class DatabaseBackend(BaseTaskBackend):
    supports_defer = True
    supports_async_task = False
    supports_get_result = True
    supports_priority = True

    def enqueue(self, task: Task[Any, Any], args: Any, kwargs: Any) -> TaskResult[Any]:
        self.validate_task(task)
        now = timezone.now()
        job = Job.objects.create(
            task_path=task.module_path,
            queue_name=task.queue_name,
            priority=task.priority,
            args_kwargs=normalize_json({"args": list(args), "kwargs": dict(kwargs)}),
            backend_name=self.alias,
            enqueued_at=now,
            run_after=task.run_after or now,
            max_attempts=self.options.get("max_attempts", settings.MOYEU_JOB_MAX_ATTEMPTS),
            correlation_id=current_correlation_id(),
        )
        return to_task_result(job)

    def get_result(self, result_id: str) -> TaskResult[Any]:
        job = Job.objects.filter(pk=result_id).first()
        if job is None:
            raise TaskResultDoesNotExist(result_id)
        return to_task_result(job)


def load_task(job: Job) -> Task[Any, Any]:
    task = import_string(job.task_path)
    if not isinstance(task, Task):
        raise TypeError(f"{job.task_path} is not a task")
    return task


def to_task_result(job: Job) -> TaskResult[Any]:
    result: TaskResult[Any] = TaskResult(
        task=load_task(job),
        id=str(job.id),
        status=TaskResultStatus(job.status),
        enqueued_at=job.enqueued_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        last_attempted_at=job.last_attempted_at,
        args=job.args_kwargs.get("args", []),
        kwargs=job.args_kwargs.get("kwargs", {}),
        backend=job.backend_name,
        errors=(
            [TaskError(exception_class_path=job.error_class, traceback=job.last_error)]
            if job.status == JobStatus.FAILED
            else []
        ),
        worker_ids=list(job.worker_ids),
    )
    object.__setattr__(result, "_return_value", job.return_value)
    return result
