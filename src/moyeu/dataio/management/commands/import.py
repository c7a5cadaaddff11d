"""moyeu import: import a CSV or XLSX file through the same services as the UI and the API.

    moyeu import directory.contact contacts.csv --user alice
    moyeu import directory.contact erp.xlsx --user alice --mode upsert --key external_ids.erp \\
        --map "ERP id=external_ids.erp" --map "Nom=last_name"
    moyeu import --revert <import id> --user alice

The run happens in this process (batched, checkpointed, resumable with --resume <id>).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from moyeu.core.context import Actor
from moyeu.core.errors import MoyeuError, ValidationFailed
from moyeu.dataio import imports


class Command(BaseCommand):
    help = "Import a CSV or XLSX file of records (or revert or resume an import)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("record_type", nargs="?", help="e.g. directory.contact")
        parser.add_argument("path", nargs="?", type=Path)
        parser.add_argument("--user", required=True, help="Username the import acts as.")
        parser.add_argument("--mode", default="create", choices=["create", "update", "upsert"])
        parser.add_argument("--key", default="", help="email, siret, external_ids.<system>...")
        parser.add_argument("--map", action="append", default=[], help='"Header=field"')
        parser.add_argument("--duplicates", default="skip", choices=imports.DUPLICATE_CHOICES)
        parser.add_argument("--dry-run", action="store_true", help="Report the first rows only.")
        parser.add_argument("--revert", type=uuid.UUID, help="Revert this import.")
        parser.add_argument("--resume", type=uuid.UUID, help="Finish this interrupted import.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no user {options['user']!r}")
        actor = Actor(user=user, channel="command")
        try:
            if options["revert"]:
                imports.import_revert(actor=actor, import_id=options["revert"])
                job = imports.import_revert_process(options["revert"])
                self.stdout.write(f"reverted {job.reverted_rows} rows of import {job.pk}")
                return
            if options["resume"]:
                self._report(
                    imports.import_process(imports.import_for(actor, options["resume"]).pk)
                )
                return
            self._import(actor, options)
        except MoyeuError as exc:
            raise CommandError(_describe(exc)) from None

    def _import(self, actor: Actor, options: dict[str, Any]) -> None:
        if not options["record_type"] or not options["path"]:
            raise CommandError("give a record type and a file")
        job = imports.import_upload_path(
            actor=actor, record_type=options["record_type"], path=options["path"]
        )
        self.stdout.write(f"import {job.pk}: {job.format} {job.encoding} {job.delimiter!r}")
        mapping = dict(job.mapping)
        for item in options["map"]:
            header, _sep, field = item.partition("=")
            mapping[header] = field
        imports.import_set_mapping(
            actor=actor,
            import_id=job.pk,
            mapping=mapping,
            mode=options["mode"],
            key=options["key"],
            duplicates=options["duplicates"],
        )
        self.stdout.write("mapping: " + ", ".join(f"{h} -> {f}" for h, f in mapping.items() if f))
        if options["dry_run"]:
            job = imports.import_dry_run(actor=actor, import_id=job.pk)
            for result in job.row_results.filter(is_dry_run=True).order_by("row"):
                why = "; ".join(f"{m['column']}: {m['message']}" for m in result.messages)
                self.stdout.write(f"line {result.row}: {result.outcome} {why}".rstrip())
            return
        imports.import_start(actor=actor, import_id=job.pk)
        self._report(imports.import_process(job.pk))

    def _report(self, job: Any) -> None:
        self.stdout.write(
            f"{job.status}: {job.created_count} created, {job.updated_count} updated, "
            f"{job.skipped_count} skipped, {job.rejected_count} rejected (import {job.pk})"
        )
        if job.error:
            raise CommandError(job.error)


def _describe(exc: MoyeuError) -> str:
    if isinstance(exc, ValidationFailed):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.errors.items())
    return exc.message
