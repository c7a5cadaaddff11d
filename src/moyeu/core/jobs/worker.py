"""The worker process: runs jobs, delivers the outbox, keeps the platform tidy.

Three threads, each with its own database connection:

- the **main thread** claims and runs jobs one at a time (run more processes for more);
- the **keeper** writes the heartbeat, renews the running job's lease and writes its progress;
- the **housekeeper** delivers the outbox (under the dispatcher lease), reclaims jobs of dead
  workers, runs the modules' periodic checks (``moyeu.core.jobs.periodic``), and prunes old
  jobs and events (under the maintenance lease).

SIGTERM or SIGINT asks for a graceful stop: the running job and the event being delivered
finish, leases are released, the heartbeat is removed. A second SIGINT (Ctrl+C twice) stops at
once; what was running is then reclaimed by another worker when its lease expires.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from types import FrameType

from django.conf import settings
from django.db import close_old_connections, connection

from moyeu.core.jobs import claim, leases
from moyeu.core.jobs.keeper import Keeper
from moyeu.core.jobs.periodic import PeriodicRunner
from moyeu.core.jobs.progress import ProgressState
from moyeu.core.jobs.retention import prune_heartbeats, prune_jobs
from moyeu.core.jobs.runner import execute
from moyeu.core.models import WorkerHeartbeat
from moyeu.core.outbox import registry as outbox_registry
from moyeu.core.outbox.dispatcher import Dispatcher
from moyeu.core.outbox.retention import prune_outbox

logger = logging.getLogger(__name__)

RECLAIM_EVERY_SECONDS = 15.0
MAINTENANCE_EVERY_SECONDS = 3600.0
ERROR_PAUSE_SECONDS = 5.0


@dataclass
class WorkerOptions:
    queues: Collection[str]
    backend: str = "default"
    once: bool = False  # run until there is nothing left to do now, then exit
    max_jobs: int | None = None  # exit after this many jobs
    dispatch_outbox: bool = True
    poll_interval: float = 1.0
    lease_seconds: float = field(default_factory=lambda: float(settings.MOYEU_JOB_LEASE_SECONDS))
    heartbeat_seconds: float = field(
        default_factory=lambda: float(settings.MOYEU_WORKER_HEARTBEAT_SECONDS)
    )


def new_worker_id() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(3)}"


class Worker:
    def __init__(self, options: WorkerOptions, worker_id: str | None = None) -> None:
        self.options = options
        self.worker_id = worker_id or new_worker_id()
        self.stop_event = threading.Event()
        self.jobs_done = 0
        self.keeper = Keeper(
            self.worker_id,
            options.queues,
            lease_seconds=options.lease_seconds,
            heartbeat_seconds=options.heartbeat_seconds,
        )
        self.dispatcher = Dispatcher(self.worker_id, stop_event=self.stop_event)
        self.periodic = PeriodicRunner(self.worker_id)
        self._housekeeper: threading.Thread | None = None
        self._reclaimed_at = float("-inf")
        self._maintained_at = float("-inf")

    # --- lifecycle ---------------------------------------------------------------------

    def install_signal_handlers(self) -> Callable[[], None]:
        """Handle SIGTERM/SIGINT; returns a function putting the previous handlers back."""
        previous = {
            signum: signal.signal(signum, self._on_signal)
            for signum in (signal.SIGTERM, signal.SIGINT)
        }

        def restore() -> None:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

        return restore

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        # A second Ctrl+C is a person insisting: stop now. Repeated SIGTERMs are not (a
        # supervisor and a process-group signal may both send one): keep stopping gracefully.
        if self.stop_event.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        if not self.stop_event.is_set():
            logger.info(
                "worker %s: %s received, stopping after the current job",
                self.worker_id,
                signal.Signals(signum).name,
            )
        self.stop_event.set()

    def stop(self) -> None:
        self.stop_event.set()

    def run(self) -> int:
        """Work until stopped (or, with ``once``/``max_jobs``, done); return jobs processed."""
        outbox_registry.autodiscover()
        logger.info(
            "worker %s started: queues=%s outbox=%s",
            self.worker_id,
            ",".join(sorted(self.options.queues)),
            "on" if self.options.dispatch_outbox else "off",
        )
        # Registered before the first claim: a worker running a job is always visible.
        self.keeper.beat()
        self.keeper.start()
        if not self.options.once:
            self._housekeeper = threading.Thread(
                target=self._housekeeping_loop, name="housekeeper", daemon=True
            )
            self._housekeeper.start()
        try:
            if self.options.once:
                self._run_until_idle()
            else:
                self._run_forever()
        finally:
            self._shut_down()
        return self.jobs_done

    def _shut_down(self) -> None:
        self.stop_event.set()
        if self._housekeeper is not None:
            self._housekeeper.join(timeout=60)
        self.keeper.stop()
        self.keeper.join(timeout=10)
        try:
            self.dispatcher.release()
            leases.release(leases.MAINTENANCE, self.worker_id)
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except Exception:
            logger.exception("worker %s: clean-up at stop failed", self.worker_id)
        logger.info("worker %s stopped after %d jobs", self.worker_id, self.jobs_done)

    # --- jobs --------------------------------------------------------------------------

    def run_one_job(self) -> bool:
        """Claim and run one job; False when none is ready."""
        if not connection.in_atomic_block:
            close_old_connections()  # honour CONN_MAX_AGE and drop broken connections
        job = claim.claim_next(
            self.worker_id, self.options.queues, self.options.lease_seconds, self.options.backend
        )
        if job is None:
            return False
        state = ProgressState(job.pk)
        self.keeper.watch(state)
        try:
            execute(job, self.worker_id, state)
        finally:
            self.keeper.watch(None)
        self.jobs_done += 1
        return True

    def _limit_reached(self) -> bool:
        return self.options.max_jobs is not None and self.jobs_done >= self.options.max_jobs

    def _run_forever(self) -> None:
        while not self.stop_event.is_set() and not self._limit_reached():
            worked = self._guarded(self.run_one_job)
            if not worked:
                self.stop_event.wait(self.options.poll_interval)

    def _run_until_idle(self) -> None:
        while not self.stop_event.is_set() and not self._limit_reached():
            self._guarded(lambda: bool(claim.reclaim_expired()[0]))
            worked = self._guarded(self.run_one_job)
            if self.options.dispatch_outbox:
                report = self.dispatcher.run_batch()
                worked = worked or report.delivered + report.failed > 0
            if not worked:
                return

    def _guarded(self, step: Callable[[], bool]) -> bool:
        """Run a step; a database outage is logged and waited out instead of crashing."""
        try:
            return step()
        except Exception:
            logger.exception("worker %s: step failed; pausing", self.worker_id)
            connection.close()
            self.stop_event.wait(ERROR_PAUSE_SECONDS)
            return False

    # --- housekeeping ------------------------------------------------------------------

    def _housekeeping_loop(self) -> None:
        try:
            while not self.stop_event.is_set():
                busy = self._guarded(self.housekeeping_step)
                if not busy:
                    self.stop_event.wait(self.options.poll_interval)
        finally:
            connection.close()

    def housekeeping_step(self, now: float | None = None) -> bool:
        """Outbox batch, reclaim and maintenance as due; True when more events are waiting."""
        now = time.monotonic() if now is None else now
        busy = False
        if self.options.dispatch_outbox:
            report = self.dispatcher.run_batch()
            busy = report.handled >= self.dispatcher.batch_size
        # Look for dead workers' jobs at least twice per lease period (but not constantly).
        reclaim_every = max(1.0, min(RECLAIM_EVERY_SECONDS, self.options.lease_seconds / 2))
        if now - self._reclaimed_at >= reclaim_every:
            self._reclaimed_at = now
            claim.reclaim_expired()
        self.periodic.run_due(now)
        if now - self._maintained_at >= MAINTENANCE_EVERY_SECONDS:
            self._maintained_at = now
            if leases.acquire(leases.MAINTENANCE, self.worker_id, 600):
                self.maintain()
        return busy

    def maintain(self) -> None:
        """Prune what the retention settings allow to forget."""
        events, markers = prune_outbox()
        jobs = prune_jobs()
        heartbeats = prune_heartbeats()
        logger.info(
            "maintenance: pruned %d events, %d markers, %d jobs, %d heartbeats",
            events,
            markers,
            jobs,
            heartbeats,
        )
