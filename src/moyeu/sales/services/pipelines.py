"""Pipelines and stages: created, changed and deleted by administrators of the sales module.

A pipeline's stages are given as one ordered list (``stages``); on update, a stage named by
its ``id`` is kept (with its opportunities), a stage without one is added, and a stage left
out is removed — refused while opportunities are in it. Every pipeline has at least one
open stage, exactly one won stage (probability 100) and one lost stage (probability 0).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moyeu.core.context import Actor, action_context
from moyeu.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    VersionConflict,
)
from moyeu.core.services import audit, events
from moyeu.identity.access import can_module
from moyeu.sales.models import Opportunity, Pipeline, PipelineStage, StageKind
from moyeu.sales.services import stage_rules

MODULE = "sales"
MAX_STAGES = 30
_PIPELINE_FIELDS = ("name", "description", "is_default", "is_active", "position")
_STAGE_KEYS = {"id", "name", "kind", "probability", "required_fields"}

Errors = dict[str, list[str]]


def require_administrator(actor: Actor) -> None:
    if not can_module(actor, MODULE, "administer"):
        raise PermissionDenied(_("Only administrators of the sales module change pipelines."))


def can_view_pipelines(actor: Actor) -> bool:
    return can_module(actor, MODULE, "view") or can_module(actor, MODULE, "administer")


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _clean_pipeline(values: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        if key not in _PIPELINE_FIELDS:
            _add(errors, key, _("Unknown or read-only field."))
        elif key == "name":
            name = str(value or "").strip()
            if not name:
                _add(errors, "name", _("This field cannot be blank."))
            elif len(name) > 100:
                _add(errors, "name", _("At most 100 characters."))
            cleaned["name"] = name
        elif key == "description":
            cleaned["description"] = str(value or "").strip()[:300]
        elif key in ("is_default", "is_active"):
            if not isinstance(value, bool):
                _add(errors, key, _("Expected true or false."))
            cleaned[key] = bool(value)
        elif key == "position":
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                _add(errors, key, _("Expected a whole number, 0 or more."))
            cleaned[key] = value
    return cleaned


def _clean_stage(index: int, raw: Any, errors: Errors) -> dict[str, Any] | None:
    path = f"stages.{index}"
    if not isinstance(raw, Mapping):
        _add(errors, path, _("Expected an object."))
        return None
    for key in sorted(set(raw) - _STAGE_KEYS):
        _add(errors, f"{path}.{key}", _("Unknown field."))
    name = str(raw.get("name") or "").strip()
    if not name:
        _add(errors, f"{path}.name", _("This field cannot be blank."))
    elif len(name) > 100:
        _add(errors, f"{path}.name", _("At most 100 characters."))
    kind = raw.get("kind", StageKind.OPEN)
    if kind not in StageKind.values:
        _add(errors, f"{path}.kind", _("Choose one of: open, won, lost."))
        kind = StageKind.OPEN
    default = {StageKind.WON: 100, StageKind.LOST: 0}.get(kind)
    probability = raw.get("probability", default)
    if (
        not isinstance(probability, int)
        or isinstance(probability, bool)
        or not (0 <= probability <= 100)
    ):
        _add(errors, f"{path}.probability", _("Give a whole percentage from 0 to 100."))
    elif default is not None and probability != default:
        _add(
            errors,
            f"{path}.probability",
            _("A won stage is 100 %, a lost stage 0 %."),
        )
    required = raw.get("required_fields") or []
    if not isinstance(required, list) or not all(isinstance(f, str) for f in required):
        _add(errors, f"{path}.required_fields", _("Expected a list of field names."))
        required = []
    for field in stage_rules.unknown_fields(required):
        choices = ", ".join(name for name, _label in stage_rules.requirable_choices())
        _add(
            errors,
            f"{path}.required_fields",
            _("Unknown field %(field)s; one of: %(choices)s.")
            % {"field": field, "choices": choices},
        )
    stage_id = raw.get("id")
    if stage_id is not None:
        try:
            stage_id = stage_id if isinstance(stage_id, uuid.UUID) else uuid.UUID(str(stage_id))
        except ValueError:
            _add(errors, f"{path}.id", _("Not a stage id."))
            stage_id = None
    return {
        "id": stage_id,
        "name": name,
        "kind": kind,
        "probability": probability,
        "required_fields": list(dict.fromkeys(required)),
    }


def _clean_stages(raw: Any, errors: Errors) -> list[dict[str, Any]]:
    if not isinstance(raw, Sequence) or isinstance(raw, str | bytes):
        _add(errors, "stages", _("Expected a list of stages."))
        return []
    if len(raw) > MAX_STAGES:
        _add(errors, "stages", _("At most %(n)s stages.") % {"n": MAX_STAGES})
        return []
    stages = [s for i, item in enumerate(raw) if (s := _clean_stage(i, item, errors))]
    kinds = [s["kind"] for s in stages]
    if StageKind.OPEN not in kinds:
        _add(errors, "stages", _("A pipeline needs at least one open stage."))
    if kinds.count(StageKind.WON) != 1 or kinds.count(StageKind.LOST) != 1:
        _add(errors, "stages", _("A pipeline has exactly one won stage and one lost stage."))
    seen: set[str] = set()
    for index, stage in enumerate(stages):
        key = stage["name"].casefold()
        if key and key in seen:
            _add(errors, f"stages.{index}.name", _("Another stage has this name."))
        seen.add(key)
    return stages


def _stage_rows(pipeline: Pipeline) -> list[dict[str, Any]]:
    return [
        {
            "id": str(stage.pk),
            "name": stage.name,
            "kind": stage.kind,
            "probability": stage.probability,
            "required_fields": stage.required_fields,
        }
        for stage in pipeline.stages.order_by("position")
    ]


def snapshot(pipeline: Pipeline) -> dict[str, Any]:
    data = {name: getattr(pipeline, name) for name in _PIPELINE_FIELDS}
    return {
        "id": str(pipeline.pk),
        **data,
        "version": pipeline.version,
        "stages": _stage_rows(pipeline),
    }


def _write_stages(pipeline: Pipeline, stages: list[dict[str, Any]]) -> None:
    current = {stage.pk: stage for stage in pipeline.stages.all()}
    errors: Errors = {}
    for index, stage in enumerate(stages):
        if stage["id"] is not None and stage["id"] not in current:
            _add(errors, f"stages.{index}.id", _("This stage is not in this pipeline."))
    if errors:
        raise ValidationFailed(errors)
    kept = {stage["id"] for stage in stages if stage["id"] is not None}
    removed = [pk for pk in current if pk not in kept]
    if removed:
        busy = list(
            PipelineStage.objects.filter(pk__in=removed)
            .filter(pk__in=Opportunity.objects.filter(stage_id__in=removed).values("stage_id"))
            .values_list("name", flat=True)
        )
        if busy:
            raise Conflict(
                _("Move the opportunities out of %(stages)s before removing it.")
                % {"stages": ", ".join(f"“{name}”" for name in sorted(busy))},
                code="sales.stage_in_use",
                field="stages",
            )
        PipelineStage.objects.filter(pk__in=removed).delete()
    # Positions are unique per pipeline: park the kept stages out of the way first.
    offset = MAX_STAGES * 10
    for existing in current.values():
        if existing.pk in kept:
            PipelineStage.objects.filter(pk=existing.pk).update(position=existing.position + offset)
    for position, stage in enumerate(stages):
        fields = {k: stage[k] for k in ("name", "kind", "probability", "required_fields")}
        if stage["id"] is None:
            PipelineStage.objects.create(pipeline=pipeline, position=position, **fields)
        else:
            old = current[stage["id"]]
            if old.kind != stage["kind"] and Opportunity.objects.filter(stage=old).exists():
                raise Conflict(
                    _("The stage “%(stage)s” has opportunities: its kind cannot change.")
                    % {"stage": old.name},
                    code="sales.stage_in_use",
                    field="stages",
                )
            PipelineStage.objects.filter(pk=old.pk).update(position=position, **fields)


def _save_default(pipeline: Pipeline) -> None:
    if pipeline.is_default:
        Pipeline.objects.filter(is_default=True).exclude(pk=pipeline.pk).update(is_default=False)


def _name_taken(name: str, pipeline_id: Any = None) -> bool:
    return Pipeline.objects.filter(name__iexact=name).exclude(pk=pipeline_id).exists()


def pipeline_create(
    *, actor: Actor, values: Mapping[str, Any], stages: Sequence[Mapping[str, Any]]
) -> Pipeline:
    require_administrator(actor)
    errors: Errors = {}
    cleaned = _clean_pipeline(values, errors)
    if "name" not in cleaned and "name" not in errors:
        _add(errors, "name", _("This field is required."))
    rows = _clean_stages(stages, errors)
    if any(row["id"] is not None for row in rows):
        _add(errors, "stages", _("New stages have no id."))
    if errors:
        raise ValidationFailed(errors)
    with action_context(channel=actor.channel), transaction.atomic():
        if _name_taken(cleaned["name"]):
            raise Conflict(
                _("Another pipeline has this name."), code="sales.pipeline_name_taken", field="name"
            )
        if not Pipeline.objects.exists():
            cleaned["is_default"] = True  # the first pipeline is where opportunities go
        pipeline = Pipeline(**cleaned)
        _save_default(pipeline)
        pipeline.save(force_insert=True)
        _write_stages(pipeline, rows)
        after = snapshot(pipeline)
        audit.record(
            pipeline,
            "sales.pipeline.created",
            actor,
            changes={k: (None, v) for k, v in after.items()},
        )
        events.emit(
            "pipeline.created",
            record_type="sales.pipeline",
            record=pipeline,
            payload=after,
            actor=actor,
        )
    return pipeline


def _locked(pipeline_id: Any) -> Pipeline:
    found = Pipeline.objects.select_for_update().filter(pk=pipeline_id).first()
    if found is None:
        raise NotFound(_("No such pipeline."))
    return found


def _check_version(pipeline: Pipeline, expected: int | None) -> None:
    if expected is not None and pipeline.version != expected:
        raise VersionConflict(
            _("This pipeline was changed by someone else (version %(v)s).")
            % {"v": pipeline.version},
            current_version=pipeline.version,
        )


def pipeline_update(
    *,
    actor: Actor,
    pipeline_id: uuid.UUID,
    values: Mapping[str, Any] | None = None,
    stages: Sequence[Mapping[str, Any]] | None = None,
    expected_version: int | None = None,
) -> Pipeline:
    """Change the pipeline's fields and, if ``stages`` is given, its whole list of stages."""
    require_administrator(actor)
    errors: Errors = {}
    cleaned = _clean_pipeline(values or {}, errors)
    rows = _clean_stages(stages, errors) if stages is not None else None
    if errors:
        raise ValidationFailed(errors)
    with action_context(channel=actor.channel), transaction.atomic():
        pipeline = _locked(pipeline_id)
        _check_version(pipeline, expected_version)
        before = snapshot(pipeline)
        if "name" in cleaned and _name_taken(cleaned["name"], pipeline.pk):
            raise Conflict(
                _("Another pipeline has this name."), code="sales.pipeline_name_taken", field="name"
            )
        if cleaned.get("is_default") is False and pipeline.is_default:
            raise ValidationFailed(
                {"is_default": [_("Make another pipeline the default instead.")]}
            )
        for name, value in cleaned.items():
            setattr(pipeline, name, value)
        if pipeline.is_default and not pipeline.is_active:
            raise ValidationFailed({"is_active": [_("The default pipeline stays active.")]})
        if rows is not None:
            _write_stages(pipeline, rows)
        after = snapshot(pipeline)
        changes = {k: (before[k], v) for k, v in after.items() if before[k] != v}
        if not changes:
            return pipeline
        _save_default(pipeline)
        pipeline.version += 1
        pipeline.updated_at = timezone.now()
        try:
            with transaction.atomic():
                pipeline.save()
        except IntegrityError:
            raise Conflict(
                _("Another pipeline has this name."), code="sales.pipeline_name_taken", field="name"
            ) from None
        changes["version"] = (before["version"], pipeline.version)
        audit.record(pipeline, "sales.pipeline.updated", actor, changes=changes)
        payload = {**snapshot(pipeline), "changed_fields": sorted(changes)}
        events.emit(
            "pipeline.updated",
            record_type="sales.pipeline",
            record=pipeline,
            payload=payload,
            actor=actor,
        )
    return pipeline


def pipeline_delete(
    *, actor: Actor, pipeline_id: uuid.UUID, expected_version: int | None = None
) -> None:
    require_administrator(actor)
    with action_context(channel=actor.channel), transaction.atomic():
        pipeline = _locked(pipeline_id)
        _check_version(pipeline, expected_version)
        if Opportunity.objects.filter(pipeline=pipeline).exists():
            raise Conflict(
                _("This pipeline has opportunities: move them to another pipeline first."),
                code="sales.pipeline_in_use",
            )
        if pipeline.is_default and Pipeline.objects.exclude(pk=pipeline.pk).exists():
            raise Conflict(
                _("Make another pipeline the default before deleting this one."),
                code="sales.pipeline_is_default",
                field="is_default",
            )
        before = snapshot(pipeline)
        audit.record(
            pipeline,
            "sales.pipeline.deleted",
            actor,
            changes={k: (v, None) for k, v in before.items()},
        )
        events.emit(
            "pipeline.deleted",
            record_type="sales.pipeline",
            record=pipeline,
            payload=before,
            actor=actor,
        )
        pipeline.delete()


def default_pipeline() -> Pipeline | None:
    """Where an opportunity goes when none is named: the default, else the first active."""
    active = Pipeline.objects.filter(is_active=True)
    return active.filter(is_default=True).first() or active.order_by("position", "name").first()
