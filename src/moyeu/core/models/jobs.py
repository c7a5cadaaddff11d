"""Background jobs, the heartbeats of the worker processes that run them, and named leases."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moyeu.core.ids import new_id


class JobStatus(models.TextChoices):
    # The same values as django_tasks.TaskResultStatus, so results map one to one.
    READY = "READY", _("Waiting")
    RUNNING = "RUNNING", _("Running")
    FAILED = "FAILED", _("Failed")
    SUCCESSFUL = "SUCCESSFUL", _("Done")


class Job(models.Model):
    """One enqueued task, claimed by a worker with a compare-and-set update and a lease.

    A worker that dies leaves its job RUNNING with an expired lease; another worker reclaims it
    (the task must be resumable: imports and exports keep their own checkpoints).
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    task_path = models.CharField(max_length=255)
    queue_name = models.CharField(max_length=50, default="default")
    priority = models.SmallIntegerField(default=0)
    args_kwargs = models.JSONField(default=dict)
    backend_name = models.CharField(max_length=50, default="default")
    status = models.CharField(max_length=12, choices=JobStatus.choices, default=JobStatus.READY)
    enqueued_at = models.DateTimeField(default=timezone.now)
    run_after = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    last_attempted_at = models.DateTimeField(null=True)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=5)
    worker_id = models.CharField(max_length=100, blank=True)
    worker_ids = models.JSONField(default=list)
    lease_expires_at = models.DateTimeField(null=True)
    progress_done = models.PositiveBigIntegerField(default=0)
    progress_total = models.PositiveBigIntegerField(null=True)
    progress_message = models.CharField(max_length=255, blank=True)
    return_value = models.JSONField(null=True)
    error_class = models.CharField(max_length=255, blank=True)
    last_error = models.TextField(blank=True)
    correlation_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-enqueued_at"]
        verbose_name = _("background job")
        indexes = [
            models.Index(
                fields=["queue_name", "-priority", "run_after"],
                name="core_job_ready",
                condition=models.Q(status="READY"),
            ),
            models.Index(
                fields=["lease_expires_at"],
                name="core_job_running",
                condition=models.Q(status="RUNNING"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_path} [{self.status}]"


class WorkerHeartbeat(models.Model):
    """Each worker process writes its heartbeat here; /health/ready reads the newest."""

    worker_id = models.CharField(max_length=100, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    queues = models.JSONField(default=list)

    def __str__(self) -> str:
        return self.worker_id


class Lease(models.Model):
    """A named, time-limited right held by one process (e.g. "outbox-dispatcher").

    Taken and renewed with a compare-and-set update (free, expired or already ours), so at
    most one live holder exists across processes and machines; a holder that dies loses it
    when ``expires_at`` passes.
    """

    name = models.CharField(max_length=100, primary_key=True)
    holder = models.CharField(max_length=100)
    expires_at = models.DateTimeField()
    renewed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} held by {self.holder}"
