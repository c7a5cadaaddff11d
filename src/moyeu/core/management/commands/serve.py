"""``moyeu serve``: the production web server, plus a supervised worker when needed.

    PORT=8000 MOYEU_HOST=127.0.0.1 moyeu serve            # embedded (SQLite): web + worker
    moyeu serve --workers 4                                # PostgreSQL: web only
    moyeu serve --with-worker                              # PostgreSQL, one machine: both

Static files are served by WhiteNoise from the same processes. Prometheus metrics of the
web processes are aggregated through ``PROMETHEUS_MULTIPROC_DIR`` (under var/ unless set).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from moyeu.core.config import env_int

MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def runs_worker(vendor: str, *, with_worker: bool, without_worker: bool) -> bool:
    """The embedded shape (SQLite) runs its worker in-process tree unless told otherwise."""
    if with_worker and without_worker:
        raise CommandError("--with-worker and --without-worker contradict each other")
    if with_worker or without_worker:
        return with_worker
    return vendor == "sqlite"


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def prepare_metrics_directory(port: int) -> Path:
    """A fresh directory for this server's metric files; stale files would skew counters."""
    configured = os.environ.get(MULTIPROCESS_VARIABLE)
    directory = Path(configured) if configured else settings.VAR_DIR / f"prometheus-{port}"
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
    os.environ[MULTIPROCESS_VARIABLE] = str(directory)
    return directory


class Command(BaseCommand):
    help = "Run the production web server (gunicorn) and, on SQLite, the background worker."
    # Checks run in handle(), after the metrics directory is set: importing the URLconf
    # imports prometheus_client, which must see PROMETHEUS_MULTIPROC_DIR from the start.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Web worker processes (default: $WEB_CONCURRENCY or 2).",
        )
        parser.add_argument("--with-worker", action="store_true", help="Also run `moyeu worker`.")
        parser.add_argument(
            "--without-worker", action="store_true", help="Never run a worker (even on SQLite)."
        )
        parser.add_argument(
            "--timeout", type=int, default=30, help="Seconds before a stuck request is killed."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        port = env_int("PORT", default=8000)
        host = os.environ.get("MOYEU_HOST", "127.0.0.1")
        workers = options["workers"] or env_int("WEB_CONCURRENCY", default=2)
        if workers < 1 or not 0 < port < 65536:
            raise CommandError("--workers must be at least 1 and PORT between 1 and 65535")
        with_worker = runs_worker(
            connection.vendor,
            with_worker=options["with_worker"],
            without_worker=options["without_worker"],
        )
        prepare_metrics_directory(port)
        self.check(display_num_errors=False)
        self.check_migrations()

        from moyeu.core.ops.server import MoyeuServer
        from moyeu.core.ops.supervisor import WorkerSupervisor, worker_command, worker_environment

        supervisor = (
            WorkerSupervisor(worker_command(), worker_environment()) if with_worker else None
        )
        server = MoyeuServer(
            {
                "bind": bind_address(host, port),
                "workers": workers,
                "worker_class": "sync",
                "timeout": options["timeout"],
                "graceful_timeout": 30,
                "proc_name": "moyeu",
                "errorlog": "-",
                "preload_app": False,
                "control_socket": str(settings.VAR_DIR / f"gunicorn-{port}.ctl"),
            },
            supervisor,
        )
        shown_host = f"[{host}]" if ":" in host else host
        self.stdout.write(
            f"Moyeu is running at http://{shown_host}:{port}/ "
            f"({workers} web workers{', with background worker' if with_worker else ''}). "
            "Stop with Ctrl+C."
        )
        self.stdout.flush()
        server.run()
