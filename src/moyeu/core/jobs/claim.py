"""Claiming ready jobs and reclaiming jobs whose worker died.

Claiming is a compare-and-set: a job moves READY -> RUNNING in one UPDATE that only matches
while it is still READY, so two workers can never both run it. On PostgreSQL the candidate is
first locked with ``SELECT ... FOR UPDATE SKIP LOCKED`` so that concurrent workers pick
different rows instead of contending for the same one; on SQLite (one writer at a time) the
conditional UPDATE with a row-count check is the whole protocol.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Collection

from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from moyeu.core.models import Job, JobStatus

logger = logging.getLogger(__name__)


class LeaseExpired(Exception):
    """Stored as a job's error when its worker stopped renewing the lease (killed, hung)."""


LEASE_EXPIRED_ERROR = f"{LeaseExpired.__module__}.{LeaseExpired.__qualname__}"


def ready_jobs(queues: Collection[str], backend: str = "default") -> QuerySet[Job]:
    """Jobs that may start now on these queues, best first."""
    return Job.objects.filter(
        status=JobStatus.READY,
        backend_name=backend,
        queue_name__in=list(queues),
        run_after__lte=timezone.now(),
    ).order_by("-priority", "run_after", "enqueued_at")


def try_claim(job_id: uuid.UUID, worker_id: str, lease_seconds: float) -> bool:
    """Move one READY job to RUNNING for ``worker_id``; False if someone was faster."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.READY).update(
        status=JobStatus.RUNNING,
        worker_id=worker_id,
        lease_expires_at=now + datetime.timedelta(seconds=lease_seconds),
        attempts=F("attempts") + 1,
        last_attempted_at=now,
        started_at=Coalesce(F("started_at"), now),
    )
    return claimed == 1


def claim_next(
    worker_id: str, queues: Collection[str], lease_seconds: float, backend: str = "default"
) -> Job | None:
    """Claim the best ready job for ``worker_id``, or None when there is nothing to do."""
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            candidate = (
                ready_jobs(queues, backend).select_for_update(skip_locked=True).only("id").first()
            )
            if candidate is None or not try_claim(candidate.pk, worker_id, lease_seconds):
                return None
            return _record_worker(candidate.pk, worker_id)
    # SQLite: a few candidates, first conditional UPDATE that wins takes the job. The claim
    # and the worker id are written in one transaction: a kill between them must not leave a
    # RUNNING job whose attempt is missing from worker_ids.
    for _ in range(3):  # other workers may win every candidate of a round; look again
        candidates = list(ready_jobs(queues, backend).values_list("id", flat=True)[:5])
        if not candidates:
            return None
        for job_id in candidates:
            with transaction.atomic():
                if try_claim(job_id, worker_id, lease_seconds):
                    return _record_worker(job_id, worker_id)
    return None


def _record_worker(job_id: uuid.UUID, worker_id: str) -> Job:
    job = Job.objects.get(pk=job_id)
    job.worker_ids = [*job.worker_ids, worker_id]
    Job.objects.filter(pk=job_id, worker_id=worker_id).update(worker_ids=job.worker_ids)
    return job


def renew_lease(job_id: uuid.UUID, worker_id: str, lease_seconds: float) -> bool:
    """Extend the lease of a running job; False when this worker no longer holds it."""
    renewed = Job.objects.filter(pk=job_id, worker_id=worker_id, status=JobStatus.RUNNING).update(
        lease_expires_at=timezone.now() + datetime.timedelta(seconds=lease_seconds)
    )
    return renewed == 1


def reclaim_expired(limit: int = 100) -> tuple[int, int]:
    """Put jobs whose lease expired back to READY, or FAILED when out of attempts.

    The attempt that was running when the worker died counts as an attempt, so a job that
    kills its worker every time (out of memory) ends FAILED instead of looping forever.
    Returns (requeued, failed).
    """
    now = timezone.now()
    requeued = failed = 0
    expired = Job.objects.filter(status=JobStatus.RUNNING, lease_expires_at__lt=now).order_by(
        "lease_expires_at"
    )[:limit]
    for job in expired:
        # Match the lease we saw: a renewal in between means the worker is alive after all.
        current = Job.objects.filter(
            pk=job.pk, status=JobStatus.RUNNING, lease_expires_at=job.lease_expires_at
        )
        message = (
            f"worker {job.worker_id} stopped renewing the lease of attempt {job.attempts} "
            f"(lease expired at {job.lease_expires_at:%Y-%m-%d %H:%M:%S%z})"
        )
        common = {
            "worker_id": "",
            "lease_expires_at": None,
            "error_class": LEASE_EXPIRED_ERROR,
            "last_error": message,
        }
        if job.attempts >= job.max_attempts:
            failed += current.update(status=JobStatus.FAILED, finished_at=now, **common)
        else:
            requeued += current.update(status=JobStatus.READY, run_after=now, **common)
        logger.warning("job %s reclaimed: %s", job.pk, message)
    return requeued, failed
