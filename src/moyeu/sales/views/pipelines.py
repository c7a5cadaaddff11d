"""Sales settings: the pipelines, their stages and what each stage requires."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moyeu.core.errors import Conflict, MoyeuError, ValidationFailed, VersionConflict
from moyeu.identity.access import can_module
from moyeu.sales import services
from moyeu.sales.models import Opportunity, Pipeline, StageKind
from moyeu.sales.services import stage_rules

BLANK_ROWS = 2


def _administrator(request: HttpRequest) -> Any:
    actor = request.actor  # type: ignore[attr-defined]
    if not can_module(actor, "sales", "administer"):
        raise Http404
    return actor


@login_required
def pipeline_list(request: HttpRequest) -> HttpResponse:
    _administrator(request)
    pipelines = Pipeline.objects.prefetch_related("stages").order_by("position", "name")
    counts = {
        row["pipeline_id"]: row["n"]
        for row in Opportunity.objects.order_by().values("pipeline_id").annotate(n=Count("id"))
    }
    rows = [(p, counts.get(p.pk, 0)) for p in pipelines]
    return render(request, "sales/pipeline_list.html", {"rows": rows})


def _stages_from_post(data: Any) -> list[dict[str, Any]]:
    """The stage rows of the form, in order; blank new rows are skipped."""
    stages = []
    total = int(data.get("stage-count") or 0)
    for index in range(min(total, 50)):
        prefix = f"stage-{index}-"
        name = (data.get(prefix + "name") or "").strip()
        stage_id = data.get(prefix + "id") or None
        if not name and stage_id is None:
            continue
        if data.get(prefix + "delete"):
            continue
        row: dict[str, Any] = {
            "name": name,
            "kind": data.get(prefix + "kind") or StageKind.OPEN,
            "required_fields": data.getlist(prefix + "required"),
        }
        if stage_id:
            row["id"] = stage_id
        raw = (data.get(prefix + "probability") or "").strip()
        if raw:
            try:
                row["probability"] = int(raw)
            except ValueError:
                row["probability"] = -1
        position = (data.get(prefix + "position") or "").strip()
        row_order = int(position) if position.isdigit() else index
        stages.append((row_order, index, row))
    return [row for _order, _index, row in sorted(stages, key=lambda item: item[:2])]


def _form_rows(
    pipeline: Pipeline | None, posted: list[dict[str, Any]] | None
) -> list[dict[str, Any]]:
    if posted is not None:
        rows = posted
    elif pipeline is not None:
        rows = [
            {
                "id": str(s.pk),
                "name": s.name,
                "kind": s.kind,
                "probability": s.probability,
                "required_fields": s.required_fields,
            }
            for s in pipeline.stages.order_by("position")
        ]
    else:
        rows = [
            {"name": _("Qualification"), "kind": "open", "probability": 10, "required_fields": []},
            {
                "name": _("Proposal"),
                "kind": "open",
                "probability": 50,
                "required_fields": ["amount"],
            },
            {"name": _("Won"), "kind": "won", "probability": 100, "required_fields": []},
            {"name": _("Lost"), "kind": "lost", "probability": 0, "required_fields": []},
        ]
    blanks = [{"name": "", "kind": "open", "probability": "", "required_fields": []}] * BLANK_ROWS
    return [*rows, *blanks]


def _errors_by_row(errors: dict[str, list[str]]) -> tuple[dict[int, list[str]], list[str]]:
    rows: dict[int, list[str]] = {}
    general: list[str] = []
    for path, messages_ in errors.items():
        parts = path.split(".")
        if parts[0] == "stages" and len(parts) > 1 and parts[1].isdigit():
            rows.setdefault(int(parts[1]), []).extend(messages_)
        else:
            general.extend(f"{path}: {m}" if path not in ("stages", "") else m for m in messages_)
    return rows, general


def _editor(request: HttpRequest, pipeline: Pipeline | None) -> HttpResponse:
    actor = _administrator(request)
    posted = None
    row_errors: dict[int, list[str]] = {}
    general: list[str] = []
    if request.method == "POST":
        posted = _stages_from_post(request.POST)
        values = {
            "name": request.POST.get("name", ""),
            "description": request.POST.get("description", ""),
            "is_default": bool(request.POST.get("is_default")),
            "is_active": bool(request.POST.get("is_active")),
        }
        try:
            if pipeline is None:
                saved = services.pipeline_create(actor=actor, values=values, stages=posted)
            else:
                if pipeline.is_default and not values["is_default"]:
                    values.pop("is_default")
                saved = services.pipeline_update(
                    actor=actor,
                    pipeline_id=pipeline.pk,
                    values=values,
                    stages=posted,
                    expected_version=int(request.POST.get("version") or pipeline.version),
                )
        except ValidationFailed as exc:
            row_errors, general = _errors_by_row(exc.errors)
        except VersionConflict:
            general = [_("Someone else changed this pipeline; reload it and try again.")]
        except (Conflict, MoyeuError) as exc:
            general = [exc.message]
        else:
            messages.success(request, _("Pipeline “%(name)s” saved.") % {"name": saved.name})
            return redirect("web:sales:pipeline_list")
    rows = _form_rows(pipeline, posted)
    context = {
        "pipeline": pipeline,
        "rows": [(index, row, row_errors.get(index, [])) for index, row in enumerate(rows)],
        "row_count": len(rows),
        "kinds": StageKind.choices,
        "requirable": stage_rules.requirable_choices(),
        "errors": general,
        "values": request.POST if request.method == "POST" else None,
    }
    return render(
        request, "sales/pipeline_form.html", context, status=422 if posted is not None else 200
    )


@login_required
def pipeline_create(request: HttpRequest) -> HttpResponse:
    return _editor(request, None)


@login_required
def pipeline_edit(request: HttpRequest, pk: Any) -> HttpResponse:
    _administrator(request)
    pipeline = Pipeline.objects.filter(pk=pk).first()
    if pipeline is None:
        raise Http404
    return _editor(request, pipeline)


@login_required
@require_POST
def pipeline_delete(request: HttpRequest, pk: Any) -> HttpResponse:
    actor = _administrator(request)
    try:
        services.pipeline_delete(actor=actor, pipeline_id=pk)
    except MoyeuError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Pipeline deleted."))
    return redirect("web:sales:pipeline_list")
