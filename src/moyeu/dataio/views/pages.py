"""Import and export pages: upload → mapping → dry run → run (htmx progress) → result;
export history. Views parse the request and call moyeu.dataio services, nothing more."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moyeu.core.errors import MoyeuError, NotFound, ValidationFailed
from moyeu.dataio import exports, imports
from moyeu.dataio.api.routers import csv_stream
from moyeu.dataio.mapping import importable_fields
from moyeu.dataio.models import ImportMode, ImportStatus
from moyeu.dataio.specs import all_specs, spec_for


def _error_text(exc: MoyeuError) -> str:
    if isinstance(exc, ValidationFailed):
        return " ".join(f"{' '.join(v)}" for v in exc.errors.values())
    return exc.message


def _job(request: HttpRequest, import_id: uuid.UUID) -> Any:
    try:
        return imports.import_for(request.actor, import_id)  # type: ignore[attr-defined]
    except NotFound:
        raise Http404 from None


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    upload = request.FILES.get("file")
    if request.method == "POST" and isinstance(upload, UploadedFile):
        try:
            job = imports.import_upload(
                actor=actor,
                record_type=request.POST.get("record_type", ""),
                file_name=upload.name or "upload.csv",
                chunks=upload.chunks(),
                size=upload.size or 0,
            )
        except MoyeuError as exc:
            messages.error(request, _error_text(exc))
        else:
            return redirect("dataio:import_detail", import_id=job.pk)
    jobs = imports.imports_of(actor)[:50]
    specs = [(s.record_type, s.model._meta.verbose_name_plural) for s in all_specs()]
    return render(request, "dataio/imports.html", {"jobs": jobs, "specs": specs})


@login_required
def import_detail(request: HttpRequest, import_id: uuid.UUID) -> HttpResponse:
    job = _job(request, import_id)
    spec = spec_for(job.record_type)
    fields = importable_fields(spec)
    labels = {**dict(fields), "external_ids.*": _("Id in another system")}
    dry_run = list(job.row_results.filter(is_dry_run=True).order_by("row")[:1000])
    context = {
        "job": job,
        "spec_label": spec.model._meta.verbose_name_plural,
        "fields": fields,
        "keys": [(key, labels.get(key, key)) for key in spec.all_keys()],
        "modes": ImportMode.choices,
        "columns": [(h, job.mapping.get(h, "")) for h in job.headers],
        "can_map": job.status in (ImportStatus.UPLOADED, ImportStatus.MAPPED, ImportStatus.CHECKED),
        "dry_run": dry_run,
        "dry_counts": {o: sum(1 for r in dry_run if r.outcome == o) for o in imports.OUTCOMES},
        "problems": list(job.row_results.filter(is_dry_run=False).order_by("row")[:100]),
    }
    return render(request, "dataio/import_detail.html", context)


@login_required
@require_POST
def import_mapping(request: HttpRequest, import_id: uuid.UUID) -> HttpResponse:
    job = _job(request, import_id)
    mapping = {h: request.POST.get(f"map-{i}", "") for i, h in enumerate(job.headers)}
    system = request.POST.get("external_system", "").strip()
    key = request.POST.get("key", "")
    if key == "external_ids.*":
        key = f"external_ids.{system}" if system else ""
    mapping = {
        h: (f"external_ids.{system}" if f == "external_ids.*" else f) for h, f in mapping.items()
    }
    try:
        imports.import_set_mapping(
            actor=request.actor,  # type: ignore[attr-defined]
            import_id=job.pk,
            mapping=mapping,
            mode=request.POST.get("mode", "create"),
            key=key,
            duplicates=request.POST.get("duplicates", "skip"),
        )
        imports.import_dry_run(actor=request.actor, import_id=job.pk)  # type: ignore[attr-defined]
    except MoyeuError as exc:
        messages.error(request, _error_text(exc))
    return redirect("dataio:import_detail", import_id=job.pk)


@login_required
@require_POST
def import_run(request: HttpRequest, import_id: uuid.UUID) -> HttpResponse:
    try:
        imports.import_start(actor=request.actor, import_id=import_id)  # type: ignore[attr-defined]
    except MoyeuError as exc:
        messages.error(request, _error_text(exc))
    return redirect("dataio:import_detail", import_id=import_id)


@login_required
@require_POST
def import_revert(request: HttpRequest, import_id: uuid.UUID) -> HttpResponse:
    try:
        imports.import_revert(actor=request.actor, import_id=import_id)  # type: ignore[attr-defined]
    except MoyeuError as exc:
        messages.error(request, _error_text(exc))
    return redirect("dataio:import_detail", import_id=import_id)


@login_required
def import_progress(request: HttpRequest, import_id: uuid.UUID) -> HttpResponse:
    """The htmx fragment polled while an import runs; a full reload when it ends."""
    job = _job(request, import_id)
    response = render(request, "dataio/_import_progress.html", {"job": job})
    if job.status not in imports.ACTIVE_STATUSES:
        response["HX-Refresh"] = "true"
    return response


@login_required
def import_errors(request: HttpRequest, import_id: uuid.UUID) -> HttpResponseBase:
    job = _job(request, import_id)
    response = StreamingHttpResponse(csv_stream(imports.error_rows(job)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    return response


@login_required
def export_list(request: HttpRequest) -> HttpResponse:
    jobs = exports.exports_of(request.actor)[:50]  # type: ignore[attr-defined]
    running = any(j.status in ("queued", "running") for j in jobs)
    return render(request, "dataio/exports.html", {"jobs": jobs, "running": running})


@login_required
@require_POST
def export_create(request: HttpRequest) -> HttpResponse:
    try:
        exports.export_request(
            actor=request.actor,  # type: ignore[attr-defined]
            record_type=request.POST.get("record_type", ""),
            query=request.POST.get("query", ""),
            columns=[c for c in request.POST.get("columns", "").split() if c],
            file_format=request.POST.get("format", "csv"),
        )
    except NotFound:
        raise Http404 from None
    except MoyeuError as exc:
        messages.error(request, _error_text(exc))
    return redirect("dataio:exports")


@login_required
@require_POST
def export_cancel(request: HttpRequest, export_id: uuid.UUID) -> HttpResponse:
    try:
        exports.export_cancel(actor=request.actor, export_id=export_id)  # type: ignore[attr-defined]
    except NotFound:
        raise Http404 from None
    return redirect("dataio:exports")


@login_required
def export_download(request: HttpRequest, export_id: uuid.UUID) -> HttpResponseBase:
    try:
        path, name = exports.export_file(actor=request.actor, export_id=export_id)  # type: ignore[attr-defined]
    except (NotFound, ValidationFailed):
        raise Http404 from None
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)
