"""``moyeu search reindex``: rebuild the global search index from the records.

Resumable: a run that stops (crash, Ctrl-C) continues after its last committed batch when
started again; ``--restart`` starts over. Safe while users work.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from moyeu.core.context import action_context
from moyeu.core.errors import ValidationFailed
from moyeu.core.search.rebuild import rebuild


class Command(BaseCommand):
    help = "Global search index: `reindex` rebuilds it from the records (resumable)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        reindex = actions.add_parser("reindex", help="rebuild the index, batch by batch")
        reindex.add_argument("--kind", action="append", dest="kinds", default=[])
        reindex.add_argument("--restart", action="store_true", help="ignore a stopped run")
        reindex.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")

        def progress(record_type: str, indexed: int) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"{record_type}: {indexed}")

        try:
            with action_context(channel="command"):
                results = rebuild(
                    kinds=options["kinds"] or None,
                    restart=options["restart"],
                    batch_size=options["batch_size"],
                    progress=progress,
                )
        except ValidationFailed as exc:
            raise CommandError("; ".join(m for ms in exc.errors.values() for m in ms)) from None
        for result in results:
            how = " (resumed)" if result.resumed else ""
            self.stdout.write(f"{result.record_type}: {result.indexed} indexed{how}")
