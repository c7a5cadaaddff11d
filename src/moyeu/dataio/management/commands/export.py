"""moyeu export: export a list view to a file through the same services as the UI.

    moyeu export directory.contact --user alice --query "q=dupont&sort=last_name" \\
        --columns last_name,email --format xlsx --output contacts.xlsx
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from moyeu.core.context import Actor
from moyeu.core.errors import MoyeuError, ValidationFailed
from moyeu.dataio import exports


class Command(BaseCommand):
    help = "Export records (a list view's filters and columns) to CSV or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("record_type", help="e.g. directory.contact")
        parser.add_argument("--user", required=True, help="Username the export acts as.")
        parser.add_argument("--query", default="", help="The list page's query string.")
        parser.add_argument("--columns", default="", help="Comma-separated; default columns.")
        parser.add_argument("--format", default="csv", choices=["csv", "xlsx"])
        parser.add_argument("--output", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no user {options['user']!r}")
        actor = Actor(user=user, channel="command")
        columns = [c.strip() for c in options["columns"].split(",") if c.strip()]
        try:
            job = exports.export_request(
                actor=actor,
                record_type=options["record_type"],
                query=options["query"],
                columns=columns,
                file_format=options["format"],
            )
            job = exports.export_process(job.pk)
            path, _name = exports.export_file(actor=actor, export_id=job.pk)
        except ValidationFailed as exc:
            errors = exc.errors.items()
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in errors)) from None
        except MoyeuError as exc:
            raise CommandError(exc.message) from None
        shutil.copyfile(path, options["output"])
        self.stdout.write(f"{job.progress_done} rows written to {options['output']}")
