"""Export services: request, cancel, list, and the background run that writes the file.

An export is a list view — its record type, query string (search, filters, sort) and
columns — read through ``visible_to(actor, "export")`` and written as CSV or XLSX in
chunks, with progress, a cancel flag checked between chunks, and a sensitive-read audit
entry. A re-run after a crash writes the file again from the start.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.db import transaction
from django.http import QueryDict
from django.urls import get_resolver
from django.utils import timezone
from django.utils.translation import gettext as _

from moyeu.core import access
from moyeu.core.context import Actor
from moyeu.core.errors import NotFound, PermissionDenied, ValidationFailed
from moyeu.core.jobs.progress import report_progress
from moyeu.core.services import audit, custom_fields
from moyeu.dataio.conf import files_dir, setting
from moyeu.dataio.files import ExportWriter, column_reader
from moyeu.dataio.models import ExportFormat, ExportJob, ExportStatus
from moyeu.dataio.xlsx import MAX_ROWS
from moyeu.identity.access import can_module
from moyeu.web.records import listing
from moyeu.web.records.config import RecordUI, ui_for


def _ui(record_type: str) -> RecordUI:
    get_resolver().url_patterns  # noqa: B018 - loading the URLconf registers the list pages
    ui = ui_for(record_type)
    if ui is None:
        raise NotFound(_("%s cannot be exported.") % record_type)
    return ui


def export_columns(ui: RecordUI) -> list[tuple[str, str]]:
    """(name, label) of every column an export of ``ui`` may hold."""
    definitions = custom_fields.definitions_for(ui.record_type)
    return [(c.name, str(c.label)) for c in listing.all_columns(ui, definitions)]


def export_for(actor: Actor, export_id: uuid.UUID) -> ExportJob:
    job = ExportJob.objects.filter(pk=export_id).first()
    user = actor.user
    if job is None or user is None or not (user.is_superuser or job.requested_by_id == user.pk):
        raise NotFound(_("No such export."))
    return job


def exports_of(actor: Actor) -> Any:
    return ExportJob.objects.filter(requested_by=actor.user).order_by("-created_at")


def export_request(
    *, actor: Actor, record_type: str, query: str = "", columns: list[str], file_format: str
) -> ExportJob:
    from moyeu.dataio.tasks import run_export

    ui = _ui(record_type)
    if not can_module(actor, ui.module, "export"):
        raise PermissionDenied(_("You may not export these records."))
    known = dict(export_columns(ui))
    if file_format not in ExportFormat.values:
        raise ValidationFailed({"format": [_("Choose CSV or XLSX.")]})
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise ValidationFailed({"columns": [_("Unknown columns: %s") % ", ".join(unknown)]})
    job = ExportJob.objects.create(
        record_type=ui.record_type,
        query=query[:4000],
        columns=columns or [c.name for c in listing.default_columns(ui)],
        format=file_format,
        requested_by=actor.user,
    )
    transaction.on_commit(lambda: run_export.enqueue(str(job.pk)))
    return job


def export_cancel(*, actor: Actor, export_id: uuid.UUID) -> ExportJob:
    job = export_for(actor, export_id)
    if job.status in (ExportStatus.QUEUED, ExportStatus.RUNNING):
        ExportJob.objects.filter(pk=job.pk).update(is_cancel_requested=True)
        ExportJob.objects.filter(pk=job.pk, status=ExportStatus.QUEUED).update(
            status=ExportStatus.CANCELLED, finished_at=timezone.now()
        )
    return ExportJob.objects.get(pk=job.pk)


def export_file(*, actor: Actor, export_id: uuid.UUID) -> tuple[Path, str]:
    job = export_for(actor, export_id)
    if job.status != ExportStatus.DONE:
        raise ValidationFailed({"status": [_("This export has no file yet.")]})
    name = f"{job.record_type.replace('.', '-')}-{job.created_at:%Y%m%d-%H%M}.{job.format}"
    return Path(job.file_path), name


def _queryset(ui: RecordUI, actor: Actor, query: str) -> Any:
    definitions = custom_fields.definitions_for(ui.record_type)
    state = listing.read_state(ui, QueryDict(query), definitions)
    queryset = listing.build_queryset(ui, actor, state, definitions)
    if state.errors:
        raise ValidationFailed({"query": state.errors})
    return queryset.filter(access.scope_filter(actor, ui.model, "export"))


def _cancelled(job: ExportJob) -> bool:
    return ExportJob.objects.filter(pk=job.pk, is_cancel_requested=True).exists()


def export_process(export_id: uuid.UUID) -> ExportJob:
    job = ExportJob.objects.select_related("requested_by").get(pk=export_id)
    if job.status not in (ExportStatus.QUEUED, ExportStatus.RUNNING):
        return job
    actor = Actor(user=job.requested_by, channel="task")
    ui = _ui(job.record_type)
    try:
        queryset = _queryset(ui, actor, job.query)
    except ValidationFailed as exc:
        message = " ".join(m for messages in exc.errors.values() for m in messages)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED, error=message)
        return ExportJob.objects.get(pk=job.pk)
    total = queryset.count()
    if job.format == ExportFormat.XLSX and total >= MAX_ROWS:
        message = _("An XLSX sheet holds at most %(rows)s rows: export these %(total)s as CSV.") % {
            "rows": f"{MAX_ROWS - 1:,}",
            "total": f"{total:,}",
        }
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED, error=message)
        return ExportJob.objects.get(pk=job.pk)
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING, progress_total=total, progress_done=0
    )
    labels = dict(export_columns(ui))
    reader = column_reader(ui.model, job.columns)
    path = files_dir("exports") / f"{job.pk}.{job.format}"
    chunk = setting("MOYEU_EXPORT_CHUNK_SIZE")
    done = 0
    with ExportWriter(path, job.format) as writer:
        writer.write([labels[c] for c in job.columns])
        for rows in reader.chunks(queryset, chunk):
            writer.write_many(rows)
            done += len(rows)
            ExportJob.objects.filter(pk=job.pk).update(progress_done=done)
            report_progress(done, total)
            if _cancelled(job):
                writer.discard()
                ExportJob.objects.filter(pk=job.pk).update(
                    status=ExportStatus.CANCELLED, finished_at=timezone.now()
                )
                return ExportJob.objects.get(pk=job.pk)
    with transaction.atomic():
        module, name = ui.record_type.split(".", 1)
        audit.record_sensitive_read(
            f"{module}.{name}.exported",
            actor,
            export_id=str(job.pk),
            query=job.query,
            columns=job.columns,
            format=job.format,
            rows=done,
        )
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.DONE, file_path=str(path), finished_at=timezone.now()
        )
    return ExportJob.objects.get(pk=job.pk)
