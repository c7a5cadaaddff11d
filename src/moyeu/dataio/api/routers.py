"""/imports and /exports: upload, map, check, run and revert imports; request exports."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from typing import Any

from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from moyeu.api.auth import actor_of
from moyeu.dataio import exports, imports
from moyeu.dataio.api.schemas import (
    DryRunIn,
    DryRunOut,
    ExportIn,
    ExportOut,
    ImportDetail,
    ImportOut,
    MappingIn,
)
from moyeu.dataio.files import neutralise
from moyeu.dataio.mapping import importable_fields
from moyeu.dataio.models import ImportJob
from moyeu.dataio.specs import spec_for

import_router = Router(tags=["imports"])
export_router = Router(tags=["exports"])


def _detail(job: ImportJob) -> ImportJob:
    spec = spec_for(job.record_type)
    job.fields = [{"name": n, "label": label} for n, label in importable_fields(spec)]  # type: ignore[attr-defined]
    job.keys = spec.all_keys()  # type: ignore[attr-defined]
    return job


@import_router.post("", response={201: ImportDetail})
def upload_import(request: HttpRequest, record_type: Form[str], file: File[UploadedFile]) -> Any:
    """Upload a CSV or XLSX file; the answer holds its headers and a suggested mapping."""
    job = imports.import_upload(
        actor=actor_of(request),
        record_type=record_type,
        file_name=file.name or "upload.csv",
        chunks=file.chunks(),
        size=file.size or 0,
    )
    return Status(201, _detail(job))


@import_router.get("", response=list[ImportOut])
def list_imports(request: HttpRequest) -> Any:
    """Your 50 latest imports."""
    return imports.imports_of(actor_of(request))[:50]


@import_router.get("/{import_id}", response=ImportDetail)
def get_import(request: HttpRequest, import_id: uuid.UUID) -> Any:
    return _detail(imports.import_for(actor_of(request), import_id))


@import_router.post("/{import_id}/mapping", response=ImportDetail)
def map_import(request: HttpRequest, import_id: uuid.UUID, body: MappingIn) -> Any:
    job = imports.import_set_mapping(actor=actor_of(request), import_id=import_id, **body.dict())
    return _detail(job)


@import_router.post("/{import_id}/dry-run", response=DryRunOut)
def dry_run_import(request: HttpRequest, import_id: uuid.UUID, body: DryRunIn) -> Any:
    """Decide the first ``limit`` rows without writing anything: outcome and why, per row."""
    job = imports.import_dry_run(actor=actor_of(request), import_id=import_id, limit=body.limit)
    rows = list(job.row_results.filter(is_dry_run=True).order_by("row"))
    counts = {o: sum(1 for r in rows if r.outcome == o) for o in imports.OUTCOMES}
    return {"counts": counts, "rows": rows}


@import_router.post("/{import_id}/run", response={202: ImportOut})
def run_import(request: HttpRequest, import_id: uuid.UUID) -> Any:
    return Status(202, imports.import_start(actor=actor_of(request), import_id=import_id))


@import_router.post("/{import_id}/revert", response={202: ImportOut})
def revert_import(request: HttpRequest, import_id: uuid.UUID) -> Any:
    """Remove the created records and restore the updated ones, in the background."""
    return Status(202, imports.import_revert(actor=actor_of(request), import_id=import_id))


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(rows: Iterator[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])


@import_router.get("/{import_id}/errors.csv", response={200: None})
def import_errors(request: HttpRequest, import_id: uuid.UUID) -> Any:
    """The rejected and skipped rows, why, and the row as it was read (CSV)."""
    job = imports.import_for(actor_of(request), import_id)
    response = StreamingHttpResponse(csv_stream(imports.error_rows(job)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    return response


@export_router.post("", response={202: ExportOut})
def request_export(request: HttpRequest, body: ExportIn) -> Any:
    """Export a list view (its filters and columns) in the background."""
    job = exports.export_request(
        actor=actor_of(request),
        record_type=body.record_type,
        query=body.query,
        columns=body.columns,
        file_format=body.format,
    )
    return Status(202, job)


@export_router.get("", response=list[ExportOut])
def list_exports(request: HttpRequest) -> Any:
    """Your 50 latest exports."""
    return exports.exports_of(actor_of(request))[:50]


@export_router.get("/{export_id}", response=ExportOut)
def get_export(request: HttpRequest, export_id: uuid.UUID) -> Any:
    return exports.export_for(actor_of(request), export_id)


@export_router.get("/{export_id}/download", response={200: None})
def download_export(request: HttpRequest, export_id: uuid.UUID) -> Any:
    path, name = exports.export_file(actor=actor_of(request), export_id=export_id)
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)


@export_router.post("/{export_id}/cancel", response=ExportOut)
def cancel_export(request: HttpRequest, export_id: uuid.UUID) -> Any:
    return exports.export_cancel(actor=actor_of(request), export_id=export_id)


routers = [("/imports", import_router), ("/exports", export_router)]
