"""/jobs: background jobs (imports, exports...), read-only: state, progress and error."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from moyeu.api.auth import actor_of, require_superuser
from moyeu.api.pagination import Ordering, paginate
from moyeu.api.schemas import Page
from moyeu.core.errors import NotFound
from moyeu.core.models import Job, JobStatus

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: uuid.UUID
    task: str
    queue: str
    status: JobStatus
    enqueued_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    attempts: int
    max_attempts: int
    progress_done: int
    progress_total: int | None
    progress_message: str
    error_class: str
    error: str = Field(description="The last line of the last error; never a traceback.")

    @staticmethod
    def resolve_task(obj: Job) -> str:
        return obj.task_path

    @staticmethod
    def resolve_queue(obj: Job) -> str:
        return obj.queue_name

    @staticmethod
    def resolve_error(obj: Job) -> str:
        lines = [line.strip() for line in obj.last_error.splitlines() if line.strip()]
        return lines[-1][:500] if lines else ""


class JobQuery(Schema):
    status: JobStatus | None = None
    queue: str | None = None
    limit: int = Field(default=25, ge=1, le=200)
    cursor: str | None = None


def job_page(request: HttpRequest, query: JobQuery) -> dict[str, Any]:
    require_superuser(actor_of(request))
    jobs = Job.objects.all()
    if query.status is not None:
        jobs = jobs.filter(status=query.status)
    if query.queue is not None:
        jobs = jobs.filter(queue_name=query.queue)
    ordering = Ordering("id", descending=True)
    items, next_cursor = paginate(jobs, ordering=ordering, cursor=query.cursor, limit=query.limit)
    return {"items": items, "next_cursor": next_cursor}


def job_detail(request: HttpRequest, job_id: uuid.UUID) -> Job:
    require_superuser(actor_of(request))
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFound("No such job.")
    return job


@router.get("", response=Page[JobOut])
def list_jobs(request: HttpRequest, query: Query[JobQuery]) -> Any:
    """Administrators only, newest first."""
    return job_page(request, query)


@router.get("/{job_id}", response=JobOut)
def get_job(request: HttpRequest, job_id: uuid.UUID) -> Any:
    return job_detail(request, job_id)
