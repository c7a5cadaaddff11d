"""Keeping one ``moyeu worker`` child process running beside the web server.

Used by ``moyeu serve`` in the embedded shape: one command gives a working platform. The
child is restarted when it dies (after a pause that grows while it keeps dying young) and is
asked to stop gracefully (SIGTERM, then SIGKILL after a grace period) when the server stops.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence

logger = logging.getLogger(__name__)

HEALTHY_UPTIME_SECONDS = 10.0
MAX_RESTART_DELAY_SECONDS = 60.0


def worker_command(extra: Sequence[str] = ()) -> list[str]:
    return [sys.executable, "-m", "moyeu.cli", "worker", *extra]


def worker_environment() -> dict[str, str]:
    env = dict(os.environ)
    # The worker answers no HTTP: it must not write into the web processes' metric files.
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    return env


class WorkerSupervisor:
    def __init__(self, command: Sequence[str], env: dict[str, str] | None = None) -> None:
        self.command = list(command)
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self.quick_deaths = 0
        self.restart_at = 0.0
        self.stopping = False

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def check(self, now: float | None = None) -> None:
        """Start the child if it is not running and its restart pause is over."""
        if self.stopping:
            return
        now = time.monotonic() if now is None else now
        if self.process is not None:
            code = self.process.poll()
            if code is None:
                return
            self._on_exit(code, now)
        if now < self.restart_at:
            return
        self.process = subprocess.Popen(self.command, env=self.env)  # noqa: S603 - our own argv
        self.started_at = now
        logger.info("worker process started (pid %d)", self.process.pid)

    def reap(self) -> None:
        """Collect the child's exit status before anything else waits on children."""
        if self.process is not None and not self.stopping:
            code = self.process.poll()
            if code is not None:
                self._on_exit(code, time.monotonic())

    def _on_exit(self, code: int, now: float) -> None:
        uptime = now - self.started_at
        if uptime < HEALTHY_UPTIME_SECONDS:
            self.quick_deaths += 1
            delay = min(MAX_RESTART_DELAY_SECONDS, 2.0 ** (self.quick_deaths - 1))
        else:
            self.quick_deaths = 0
            delay = 0.0
        self.restart_at = now + delay
        logger.error(
            "worker process %d exited with %s after %.0f s; restarting in %.0f s",
            self.process.pid if self.process else -1,
            code,
            uptime,
            delay,
        )
        self.process = None

    def terminate(self) -> None:
        """Ask the child to finish its current job and stop; no restart afterwards."""
        if self.stopping:
            return
        self.stopping = True
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float) -> None:
        """Wait for the child to stop, killing it once ``timeout`` has passed."""
        if self.process is None:
            return
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            logger.warning("worker process %d did not stop in time; killing it", self.process.pid)
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None
