"""``moyeu worker``: run background jobs and deliver the outbox until stopped.

Examples::

    moyeu worker                          # all queues, outbox on (the usual case)
    moyeu worker --queues imports,exports # a process dedicated to heavy queues
    moyeu worker --without-outbox         # when the dispatcher runs elsewhere
    moyeu worker --once                   # do what is due now, then exit (cron, tests)
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tasks import task_backends

from moyeu.core.context import action_context
from moyeu.core.jobs.backend import DatabaseBackend
from moyeu.core.jobs.worker import Worker, WorkerOptions


class Command(BaseCommand):
    help = "Run background jobs and deliver outbox events until SIGTERM/SIGINT."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--queues",
            default="",
            help="Comma-separated queues to take jobs from (default: every queue of the backend).",
        )
        parser.add_argument("--backend", default="default", help="TASKS alias (default: default).")
        parser.add_argument(
            "--once",
            action="store_true",
            help="Run the jobs and events that are due now, then exit.",
        )
        parser.add_argument(
            "--max-jobs", type=int, default=None, help="Exit after running this many jobs."
        )
        parser.add_argument(
            "--without-outbox",
            action="store_true",
            help="Do not deliver outbox events from this process.",
        )
        parser.add_argument(
            "--poll-interval",
            type=float,
            default=1.0,
            help="Seconds to wait when there is nothing to do (default: 1).",
        )
        parser.add_argument(
            "--import",
            dest="imports",
            action="append",
            default=[],
            metavar="MODULE",
            help="Also import MODULE at start (extra tasks or outbox consumers); repeatable.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        backend = task_backends[options["backend"]]
        if not isinstance(backend, DatabaseBackend):
            raise CommandError(
                f"TASKS[{options['backend']!r}] is {type(backend).__name__}: its own workers "
                "run its jobs; this command serves moyeu.core.jobs.backend.DatabaseBackend"
            )
        queues = [q.strip() for q in options["queues"].split(",") if q.strip()]
        unknown = sorted(set(queues) - backend.queues) if backend.queues else []
        if unknown:
            raise CommandError(f"unknown queues {unknown}; known: {sorted(backend.queues)}")
        if options["max_jobs"] is not None and options["max_jobs"] < 1:
            raise CommandError("--max-jobs must be at least 1")
        for module in options["imports"]:
            importlib.import_module(module)
        worker = Worker(
            WorkerOptions(
                queues=queues or sorted(backend.queues),
                backend=options["backend"],
                once=options["once"],
                max_jobs=options["max_jobs"],
                dispatch_outbox=not options["without_outbox"],
                poll_interval=options["poll_interval"],
            )
        )
        restore_signal_handlers = worker.install_signal_handlers()
        try:
            with action_context(channel="command"):
                done = worker.run()
        except KeyboardInterrupt:
            self.stderr.write(f"worker {worker.worker_id}: stopped at once (interrupted twice)")
            sys.exit(130)
        finally:
            restore_signal_handlers()
        if options["verbosity"] >= 1:
            self.stdout.write(f"worker {worker.worker_id}: {done} jobs run")
