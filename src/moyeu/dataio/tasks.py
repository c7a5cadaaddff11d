"""Task entry points: parse the arguments, call the service."""

from __future__ import annotations

import uuid

from django_tasks import task

from moyeu.dataio import exports, imports


@task(queue_name="imports")
def run_import(import_id: str) -> dict[str, int]:
    job = imports.import_process(uuid.UUID(import_id))
    return {"created": job.created_count, "updated": job.updated_count}


@task(queue_name="imports")
def revert_import(import_id: str) -> int:
    return imports.import_revert_process(uuid.UUID(import_id)).reverted_rows


@task(queue_name="exports")
def run_export(export_id: str) -> int:
    return exports.export_process(uuid.UUID(export_id)).progress_done
