"""The production web server behind ``moyeu serve``: gunicorn, sync workers, one command.

gunicorn runs through its programmatic API (``BaseApplication``) so that settings come from
Moyeu's environment, not a separate config file. The arbiter is extended to supervise the
``moyeu worker`` child in its own main loop (no extra thread in the process that forks the
web workers) and to stop it with the server.
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from moyeu.core.ops.supervisor import WorkerSupervisor


class SupervisingArbiter(Arbiter):
    """gunicorn's arbiter, also keeping the worker child alive while the server runs."""

    supervisor: WorkerSupervisor | None = None

    def manage_workers(self) -> None:
        super().manage_workers()
        if self.supervisor is not None:
            self.supervisor.check()

    def handle_chld(self) -> None:
        if self.supervisor is not None:
            self.supervisor.reap()  # before gunicorn's waitpid(-1) takes its exit status
        super().handle_chld()

    # gunicorn dispatches SIGCHLD to handle_chld or handle_cld (an alias on Linux).
    handle_cld = handle_chld

    def stop(self, graceful: bool = True) -> None:
        if self.supervisor is not None:
            self.supervisor.terminate()
        super().stop(graceful)
        if self.supervisor is not None:
            self.supervisor.wait(timeout=self.cfg.graceful_timeout)


def _child_exit(server: Any, worker: Any) -> None:
    """A web worker died: drop its live gauges from the multiprocess metric files."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


class MoyeuServer(BaseApplication):
    def __init__(self, options: dict[str, Any], supervisor: WorkerSupervisor | None) -> None:
        self.options = options
        self.supervisor = supervisor
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)
        self.cfg.set("child_exit", _child_exit)

    def load(self) -> Any:
        from django.core.wsgi import get_wsgi_application

        return get_wsgi_application()

    def run(self) -> None:
        arbiter = SupervisingArbiter(self)
        arbiter.supervisor = self.supervisor
        arbiter.run()
