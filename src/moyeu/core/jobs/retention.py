"""Retention of finished jobs and of heartbeats of workers that are gone."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from moyeu.core.models import Job, JobStatus, WorkerHeartbeat

CHUNK = 1000
DEAD_WORKER_DAYS = 1


def prune_jobs(days: int | None = None) -> int:
    """Delete SUCCESSFUL and FAILED jobs finished more than ``days`` ago (default: setting)."""
    days = settings.MOYEU_JOB_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - datetime.timedelta(days=days)
    deleted = 0
    while True:
        chunk = list(
            Job.objects.filter(
                status__in=[JobStatus.SUCCESSFUL, JobStatus.FAILED], finished_at__lt=cutoff
            ).values_list("id", flat=True)[:CHUNK]
        )
        if not chunk:
            return deleted
        deleted += Job.objects.filter(id__in=chunk).delete()[0]


def prune_heartbeats() -> int:
    """Forget workers not seen for a day (killed without a chance to say goodbye)."""
    cutoff = timezone.now() - datetime.timedelta(days=DEAD_WORKER_DAYS)
    return WorkerHeartbeat.objects.filter(last_seen_at__lt=cutoff).delete()[0]
