"""Import services: upload, mapping, dry run, the batched background run, revert.

Every state change of an import goes through here; the API, the pages and the ``moyeu
import`` command call these. The run reads the file as a stream and commits each batch
with its checkpoint, so a killed worker's job resumes after the last committed batch.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from moyeu.core.context import Actor, action_context
from moyeu.core.errors import NotFound, PermissionDenied, ValidationFailed
from moyeu.core.jobs.progress import report_progress
from moyeu.core.models import Job, JobStatus
from moyeu.core.services import audit
from moyeu.dataio import mapping as mappings
from moyeu.dataio import sources
from moyeu.dataio.conf import files_dir, setting
from moyeu.dataio.engine import BatchContext, Decision, decide
from moyeu.dataio.models import ImportBatch, ImportJob, ImportRowResult, ImportStatus
from moyeu.dataio.parallel import prepared_batches
from moyeu.dataio.plan import Plan
from moyeu.dataio.specs import DataSpec, spec_for
from moyeu.dataio.writer import revert_batch, row_results, write_batch
from moyeu.identity.access import can_module

DRY_RUN_MAX_ROWS = 10_000
OUTCOMES = ("created", "updated", "skipped", "rejected")
# skip: rows matching a record on a strong key (e-mail, phone, SIRET) are skipped;
# fuzzy: also ask the duplicate detector (names); allow: no check.
DUPLICATE_CHOICES = ("skip", "fuzzy", "allow")
_RUNNABLE = (ImportStatus.MAPPED, ImportStatus.CHECKED)


def _require_import(actor: Actor, spec: DataSpec) -> None:
    if not can_module(actor, spec.module, "import"):
        raise PermissionDenied(_("You may not import %s records.") % spec.name)


ACTIVE_STATUSES = (ImportStatus.QUEUED, ImportStatus.RUNNING, ImportStatus.REVERTING)


def imports_of(actor: Actor) -> Any:
    """The actor's imports, newest first; those whose background job failed for good are
    marked failed first (see :func:`import_check_worker`)."""
    mine = ImportJob.objects.filter(requested_by=actor.user)
    for job in mine.filter(status__in=ACTIVE_STATUSES):
        import_check_worker(job)
    return mine.order_by("-created_at")


def import_for(actor: Actor, import_id: uuid.UUID) -> ImportJob:
    """The import, if ``actor`` started it (or administers); otherwise "not found"."""
    job = ImportJob.objects.filter(pk=import_id).first()
    user = actor.user
    if job is None or user is None or not (user.is_superuser or job.requested_by_id == user.pk):
        raise NotFound(_("No such import."))
    return import_check_worker(job)


_TASK_PATHS = ("moyeu.dataio.tasks.run_import", "moyeu.dataio.tasks.revert_import")


def _job_error(task: Job) -> str:
    lines = [line.strip() for line in task.last_error.splitlines() if line.strip()]
    return (lines[-1] if lines else task.error_class)[:500]


def import_check_worker(job: ImportJob) -> ImportJob:
    """Mark an import failed when its background job has failed for good.

    The job backend retries a failing run, and reclaims it when its worker dies; once the
    attempts are spent the job is FAILED and nothing will run the import again, so it must
    not stay "running". Its status becomes ``failed`` with the job's last error (batches
    already committed stay, and can be reverted; a failed revert can be started again).
    """
    if job.status not in ACTIVE_STATUSES:
        return job
    task = (
        Job.objects.filter(task_path__in=_TASK_PATHS, args_kwargs__args__0=str(job.pk))
        .order_by("-enqueued_at")
        .first()
    )
    if task is None or task.status != JobStatus.FAILED:
        return job
    values = {"attempts": task.attempts, "error": _job_error(task)}
    if job.status == ImportStatus.REVERTING:
        message = ngettext(
            "The revert stopped: its background job failed after %(attempts)s attempt (last"
            " error: %(error)s). Start the revert again to resume it.",
            "The revert stopped: its background job failed after %(attempts)s attempts (last"
            " error: %(error)s). Start the revert again to resume it.",
            task.attempts,
        )
    else:
        message = ngettext(
            "The import stopped: its background job failed after %(attempts)s attempt (last"
            " error: %(error)s). Rows already imported are kept; revert the import to remove"
            " them.",
            "The import stopped: its background job failed after %(attempts)s attempts (last"
            " error: %(error)s). Rows already imported are kept; revert the import to remove"
            " them.",
            task.attempts,
        )
    message = message % values
    spec = spec_for(job.record_type)
    with transaction.atomic():
        changed = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
            status=ImportStatus.FAILED, error=message, finished_at=timezone.now()
        )
        if changed:
            audit.record(
                None,
                f"{spec.module}.{spec.name}.import_failed",
                Actor(user=job.requested_by, channel="import"),
                data={
                    "import_id": str(job.pk),
                    "job_id": str(task.pk),
                    "was": job.status,
                    "attempts": task.attempts,
                    "error_class": task.error_class,
                },
            )
    job.refresh_from_db()
    return job


def import_upload(
    *, actor: Actor, record_type: str, file_name: str, chunks: Iterable[bytes], size: int
) -> ImportJob:
    spec = spec_for(record_type)
    _require_import(actor, spec)
    limit = setting("MOYEU_IMPORT_MAX_BYTES")
    if size > limit:
        raise ValidationFailed(
            {
                "file": [
                    _("The file is %(size)s MB; the limit is %(limit)s MB.")
                    % {"size": round(size / 1e6, 1), "limit": round(limit / 1e6, 1)}
                ]
            }
        )
    file_format = sources.format_of(file_name)
    job_id = uuid.uuid4()
    path = files_dir("imports") / f"{job_id}.{file_format}"
    written = 0
    with path.open("wb") as out:
        for chunk in chunks:
            written += len(chunk)
            if written > limit:
                out.close()
                path.unlink()
                raise ValidationFailed({"file": [_("The file is larger than the limit.")]})
            out.write(chunk)
    try:
        detected = sources.detect(path, file_name)
        headers = sources.read_header(path, detected)
    except ValidationFailed:
        path.unlink()
        raise
    return ImportJob.objects.create(
        record_type=record_type,
        file_path=str(path),
        file_name=Path(file_name).name[:255],
        file_size=written,
        format=detected.format,
        encoding=detected.encoding,
        delimiter=detected.delimiter,
        headers=headers,
        mapping=mappings.suggest(actor, spec, headers),
        requested_by=actor.user,
    )


def import_upload_path(*, actor: Actor, record_type: str, path: Path) -> ImportJob:
    """The command-line form of :func:`import_upload`."""
    with path.open("rb") as handle:
        return import_upload(
            actor=actor,
            record_type=record_type,
            file_name=path.name,
            chunks=iter(lambda: handle.read(1024 * 1024), b""),
            size=path.stat().st_size,
        )


def import_set_mapping(
    *,
    actor: Actor,
    import_id: uuid.UUID,
    mapping: dict[str, str],
    mode: str,
    key: str = "",
    duplicates: str = "skip",
) -> ImportJob:
    job = import_for(actor, import_id)
    if job.status not in (ImportStatus.UPLOADED, *_RUNNABLE):
        raise ValidationFailed({"status": [_("This import has already run.")]})
    spec = spec_for(job.record_type)
    mapping = {h: f for h, f in mapping.items() if f}
    mappings.check_mapping(spec, job.headers, mapping, mode, key)
    job.mapping, job.mode, job.key = mapping, mode, key
    if duplicates not in DUPLICATE_CHOICES:
        raise ValidationFailed({"duplicates": [_("Choose skip, fuzzy or allow.")]})
    job.options = {"duplicates": duplicates}
    job.status = ImportStatus.MAPPED
    job.save(update_fields=["mapping", "mode", "key", "options", "status"])
    mappings.remember(actor, spec, mapping)
    return job


def _context(job: ImportJob, actor: Actor) -> BatchContext:
    spec = spec_for(job.record_type)
    plan = Plan.build(spec, job.headers, job.mapping, job.mode, job.key)
    duplicates = job.options.get("duplicates", "skip")
    return BatchContext(
        plan, actor, allow_duplicates=duplicates == "allow", fuzzy_duplicates=duplicates == "fuzzy"
    )


def _batches(job: ImportJob, size: int, skip: int) -> Iterator[list[sources.Row]]:
    detected = sources.Detected(job.format, job.encoding, job.delimiter)
    with sources.open_rows(Path(job.file_path), detected) as rows:
        next(rows, None)  # the header
        for _skipped in range(skip):
            if next(rows, None) is None:
                return
        batch: list[sources.Row] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch


def import_dry_run(*, actor: Actor, import_id: uuid.UUID, limit: int = 1000) -> ImportJob:
    """Decide the first ``limit`` rows without writing; the report is the dry-run results."""
    job = import_for(actor, import_id)
    if job.status not in _RUNNABLE:
        raise ValidationFailed({"status": [_("Choose the mapping first.")]})
    ctx = _context(job, actor)
    ImportRowResult.objects.filter(job=job, is_dry_run=True).delete()
    decisions: list[Decision] = []
    for batch in _batches(job, min(limit, DRY_RUN_MAX_ROWS), 0):
        decisions = decide(ctx, [ctx.plan.prepare(row) for row in batch])
        break
    ImportRowResult.objects.bulk_create(row_results(job, decisions, is_dry_run=True))
    job.status = ImportStatus.CHECKED
    job.save(update_fields=["status"])
    return job


def import_start(*, actor: Actor, import_id: uuid.UUID) -> ImportJob:
    from moyeu.dataio.tasks import run_import

    job = import_for(actor, import_id)
    _require_import(actor, spec_for(job.record_type))
    if job.status not in _RUNNABLE:
        raise ValidationFailed({"status": [_("Choose the mapping first.")]})
    job.status = ImportStatus.QUEUED
    job.options = {**job.options, "language": translation.get_language() or ""}
    job.save(update_fields=["status", "options"])
    transaction.on_commit(lambda: run_import.enqueue(str(job.pk)))
    return job


def _language(job: ImportJob) -> str:
    """The language the import was started in: its row messages are written in it."""
    return str(job.options.get("language") or settings.LANGUAGE_CODE)


def import_process(import_id: uuid.UUID) -> ImportJob:
    """The background run; safe to call again after a crash (it resumes at the checkpoint)."""
    job = ImportJob.objects.select_related("requested_by").get(pk=import_id)
    with translation.override(_language(job)):
        return _import_process(job)


def _import_process(job: ImportJob) -> ImportJob:
    if job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        return job
    actor = Actor(user=job.requested_by, channel="import")
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, started_at=job.started_at or timezone.now()
    )
    ctx = _context(job, actor)
    number = job.batches.count()
    done = job.checkpoint
    try:
        with action_context(correlation_id=f"import-{job.pk.hex}", channel="import"):
            batches = _batches(job, setting("MOYEU_IMPORT_BATCH_SIZE"), job.checkpoint)
            processes = setting("MOYEU_IMPORT_PROCESSES")
            for prepared in prepared_batches(ctx.plan, batches, processes):
                decisions = decide(ctx, prepared)
                number += 1
                done += len(prepared)
                with transaction.atomic():
                    write_batch(ctx, job, number, decisions)
                    counts = {o: sum(1 for d in decisions if d.outcome == o) for o in OUTCOMES}
                    ImportJob.objects.filter(pk=job.pk).update(
                        checkpoint=done,
                        created_count=F("created_count") + counts["created"],
                        updated_count=F("updated_count") + counts["updated"],
                        skipped_count=F("skipped_count") + counts["skipped"],
                        rejected_count=F("rejected_count") + counts["rejected"],
                    )
                report_progress(done, None, _("%s rows") % done)
    except ValidationFailed as exc:
        message = " ".join(m for messages in exc.errors.values() for m in messages)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, error=message, finished_at=timezone.now()
        )
        return ImportJob.objects.get(pk=job.pk)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE, total_rows=done, finished_at=timezone.now()
    )
    return ImportJob.objects.get(pk=job.pk)


def import_revert(*, actor: Actor, import_id: uuid.UUID) -> ImportJob:
    from moyeu.dataio.tasks import revert_import

    job = import_for(actor, import_id)
    _require_import(actor, spec_for(job.record_type))
    if job.status not in (ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.REVERTING):
        raise ValidationFailed({"status": [_("Only a finished import can be reverted.")]})
    job.status = ImportStatus.REVERTING
    job.options = {**job.options, "language": translation.get_language() or ""}
    job.save(update_fields=["status", "options"])
    transaction.on_commit(lambda: revert_import.enqueue(str(job.pk)))
    return job


def import_revert_process(import_id: uuid.UUID) -> ImportJob:
    """Undo every batch, newest first, one transaction each (resumable: reverted batches
    are marked in the journal)."""
    job = ImportJob.objects.select_related("requested_by").get(pk=import_id)
    with translation.override(_language(job)):
        return _import_revert_process(job)


def _import_revert_process(job: ImportJob) -> ImportJob:
    if job.status != ImportStatus.REVERTING:
        return job
    actor = Actor(user=job.requested_by, channel="import")
    spec = spec_for(job.record_type)
    pending = job.batches.filter(is_reverted=False).order_by("-number").values_list("id", flat=True)
    with action_context(correlation_id=f"revert-{job.pk.hex}", channel="import"):
        for batch_id in list(pending):
            with transaction.atomic():
                batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
                if batch.is_reverted:
                    continue
                count = revert_batch(spec, actor, job, batch)
                ImportJob.objects.filter(pk=job.pk).update(reverted_rows=F("reverted_rows") + count)
            report_progress(ImportJob.objects.get(pk=job.pk).reverted_rows, None)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.REVERTED)
    return ImportJob.objects.get(pk=job.pk)


def error_rows(job: ImportJob) -> Iterator[list[Any]]:
    """The errors file: line, outcome, column, message, then the row as it was read."""
    # With a context: the catalogues hold "line" and "outcome" in other senses too.
    yield [
        pgettext("import errors file", "line"),
        pgettext("import errors file", "outcome"),
        pgettext("import errors file", "column"),
        pgettext("import errors file", "message"),
        *job.headers,
    ]
    results = job.row_results.filter(is_dry_run=False).order_by("row")
    for result in results.iterator(chunk_size=2000):
        for message in result.messages or [{"column": "", "message": ""}]:
            yield [result.row, result.outcome, message["column"], message["message"], *result.cells]
