"""The keeper thread of a worker process: heartbeat, job lease renewal, progress writes.

It runs beside the job being executed, on its own database connection, so that a long task
(an import of a million rows) keeps its lease, keeps the worker visibly alive for
``/health/ready``, and has its progress shown, whatever the task itself is doing.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Collection

from django.db import connection
from django.utils import timezone

from moyeu.core.jobs import claim
from moyeu.core.jobs.progress import ProgressState
from moyeu.core.models import Job, JobStatus, WorkerHeartbeat

logger = logging.getLogger(__name__)


def write_heartbeat(worker_id: str, queues: Collection[str]) -> None:
    """Insert or refresh this worker's heartbeat row."""
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(last_seen_at=now)
    if not updated:
        WorkerHeartbeat.objects.create(
            worker_id=worker_id,
            hostname=socket.gethostname()[:255],
            pid=os.getpid(),
            started_at=now,
            last_seen_at=now,
            queues=sorted(queues),
        )


class Keeper(threading.Thread):
    """Ticks every ``tick`` seconds until stopped; each tick does whatever is due."""

    def __init__(
        self,
        worker_id: str,
        queues: Collection[str],
        *,
        lease_seconds: float,
        heartbeat_seconds: float,
        tick: float = 1.0,
    ) -> None:
        super().__init__(name=f"keeper-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.queues = list(queues)
        self.lease_seconds = lease_seconds
        self.heartbeat_seconds = heartbeat_seconds
        self.tick = tick
        self._stop_event = threading.Event()
        self._lock = threading.Lock()
        self._job: ProgressState | None = None
        self._lease_renewed_at = 0.0
        self._heartbeat_at: float | None = None

    def watch(self, state: ProgressState | None, now: float | None = None) -> None:
        """Start (a job's state) or stop (None) renewing a job's lease and writing progress."""
        with self._lock:
            self._job = state
            # The claim itself has just set the lease.
            self._lease_renewed_at = time.monotonic() if now is None else now

    def stop(self) -> None:
        self._stop_event.set()

    def run(self) -> None:
        try:
            while not self._stop_event.is_set():
                try:
                    self.beat()
                except Exception:
                    # A locked or briefly unreachable database must not kill the keeper.
                    logger.exception("worker keeper tick failed")
                self._stop_event.wait(self.tick)
        finally:
            connection.close()

    def beat(self, now: float | None = None) -> None:
        """One tick: flush progress, renew the lease, write the heartbeat, as each is due."""
        now = time.monotonic() if now is None else now
        with self._lock:
            state = self._job
            renew = state is not None and now - self._lease_renewed_at >= self.lease_seconds / 3
            if renew:
                self._lease_renewed_at = now
        if state is not None:
            progress = state.take_if_changed()
            if progress is not None:
                Job.objects.filter(
                    pk=state.job_id, worker_id=self.worker_id, status=JobStatus.RUNNING
                ).update(
                    progress_done=progress.done,
                    progress_total=progress.total,
                    progress_message=progress.message,
                )
            if renew and not claim.renew_lease(state.job_id, self.worker_id, self.lease_seconds):
                logger.warning("worker %s lost the lease of job %s", self.worker_id, state.job_id)
        if self._heartbeat_at is None or now - self._heartbeat_at >= self.heartbeat_seconds:
            write_heartbeat(self.worker_id, self.queues)
            self._heartbeat_at = now
