"""Writing one decided batch, and undoing one: always inside the caller's transaction.

A batch leaves one :class:`ImportBatch` journal row (the created ids, the updated ids with
their previous values), one audit entry and one ``<record>.imported`` event listing the
ids; see docs/decisions/0012-bulk-import-export.md for why one event per batch.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from moyeu.core.context import Actor
from moyeu.core.models import ExternalId
from moyeu.core.search import index as search_index
from moyeu.core.services import audit, events, references
from moyeu.dataio import bulk, relations
from moyeu.dataio.engine import BatchContext, Decision, column_changes, insert_constants
from moyeu.dataio.models import ImportBatch, ImportJob, ImportRowResult
from moyeu.dataio.specs import DataSpec


def _messages(decision: Decision) -> list[dict[str, str]]:
    return [{"column": column, "message": message} for column, message in decision.reason]


def _storable(cells: list[str]) -> list[str]:
    """Cells as text a JSON column accepts: undecodable bytes (kept as surrogates by the
    reader) become U+FFFD."""
    try:
        "".join(cells).encode("utf-8")
    except UnicodeEncodeError:
        return [c.encode("utf-8", "surrogateescape").decode("utf-8", "replace") for c in cells]
    return cells


def row_results(job: ImportJob, decisions: list[Decision], *, is_dry_run: bool) -> list[Any]:
    return [
        ImportRowResult(
            job=job,
            is_dry_run=is_dry_run,
            row=d.prepared.line,
            outcome=d.outcome,
            record_id=d.record_id,
            messages=_messages(d),
            cells=_storable(d.prepared.cells) if d.outcome in ("rejected", "skipped") else [],
        )
        for d in decisions
    ]


def write_batch(
    ctx: BatchContext, job: ImportJob, number: int, decisions: list[Decision]
) -> ImportBatch:
    spec, actor, model = ctx.plan.spec, ctx.actor, ctx.model
    created = [d for d in decisions if d.outcome == "created"]
    updated = [d for d in decisions if d.outcome == "updated"]
    rows = []
    for d in created:
        row = {"id": d.record_id, **d.prepared.values}
        if ctx.plan.has_custom:
            row["custom"] = d.prepared.custom
        rows.append(row)
    bulk.insert(model, rows, insert_constants(actor))
    _insert_external_ids(model, created)
    if spec.after_insert is not None:
        spec.after_insert(rows)
    relations.set_tags(
        model, {d.record_id: d.prepared.tags for d in created if d.prepared.tags}, replace=False
    )
    if spec.link is not None:
        spec.link.add(
            [(d.record_id, d.prepared.link_id, True) for d in created if d.prepared.link_id]
        )
    now = timezone.now()
    changes = [(d.record_id, column_changes(d.changes, spec)) for d in updated]
    bulk.update(model, changes, {"updated_at": now, "updated_by": actor.user_id})
    if spec.after_update is not None and changes:
        spec.after_update([{"id": pk, **values} for pk, values in changes if values])
    relations.set_tags(
        model,
        {d.record_id: d.changes[relations.TAGS] for d in updated if relations.TAGS in d.changes},
        replace=True,
    )
    if spec.link is not None:
        name = spec.link.name
        spec.link.add(
            [
                (d.record_id, d.changes[name]["target"], d.changes[name]["primary"])
                for d in updated
                if name in d.changes
            ]
        )
    search_index.index_records(model, [d.record_id for d in created + updated if d.record_id])
    batch = ImportBatch.objects.create(
        job=job,
        number=number,
        first_row=decisions[0].prepared.line,
        last_row=decisions[-1].prepared.line,
        created=[[d.prepared.line, str(d.record_id)] for d in created],
        updated=[[d.prepared.line, str(d.record_id), d.previous] for d in updated],
    )
    ImportRowResult.objects.bulk_create(
        row_results(
            job, [d for d in decisions if d.outcome in ("rejected", "skipped")], is_dry_run=False
        )
    )
    counts = {o: sum(1 for d in decisions if d.outcome == o) for o in ("created", "updated")}
    _record(spec, actor, job, batch, "imported", counts, created, updated)
    return batch


def _insert_external_ids(model: Any, created: list[Decision]) -> None:
    content_type = ContentType.objects.get_for_model(model)
    links = [
        {"content_type_id": content_type.pk, "object_id": d.record_id, "system": s, "value": v}
        for d in created
        for s, v in d.prepared.external.items()
    ]
    if links:
        bulk.insert(ExternalId, links, {})


def _record(
    spec: DataSpec,
    actor: Actor,
    job: ImportJob,
    batch: ImportBatch,
    verb: str,
    counts: dict[str, int],
    created: list[Any],
    updated: list[Any],
) -> None:
    data = {
        "import_id": str(job.pk),
        "batch": batch.number,
        "first_row": batch.first_row,
        "last_row": batch.last_row,
        **counts,
    }
    audit.record(None, f"{spec.module}.{spec.name}.{verb}", actor, data=data)
    ids = {
        "created": [str(d.record_id) if hasattr(d, "record_id") else d for d in created],
        "updated": [str(d.record_id) if hasattr(d, "record_id") else d for d in updated],
    }
    events.emit(
        f"{spec.name}.{verb}",
        record_type=spec.record_type,
        record=None,
        payload={**data, **ids},
        actor=actor,
    )


def revert_batch(spec: DataSpec, actor: Actor, job: ImportJob, batch: ImportBatch) -> int:
    """Remove the batch's created rows and restore its updated rows; returns rows reverted."""
    model = spec.model
    created_ids = [uuid.UUID(pk) for _line, pk in batch.created]
    ExternalId.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=created_ids
    ).delete()
    bulk.delete(model, created_ids)
    search_index.remove_records(model, created_ids)
    references.forget_records(model, created_ids)
    previous_of = {uuid.UUID(pk): previous for _l, pk, previous in batch.updated}
    existing = set(
        model._base_manager.filter(pk__in=list(previous_of)).values_list("id", flat=True)
    )
    previous_of = {pk: previous for pk, previous in previous_of.items() if pk in existing}
    restores = [
        (pk, _restorable(model, column_changes(previous, spec)))
        for pk, previous in previous_of.items()
    ]
    bulk.update(model, restores, {"updated_at": timezone.now(), "updated_by": actor.user_id})
    if spec.after_update is not None and restores:
        spec.after_update([{"id": pk, **values} for pk, values in restores if values])
    relations.set_tags(
        model,
        {pk: p[relations.TAGS] for pk, p in previous_of.items() if relations.TAGS in p},
        replace=True,
    )
    if spec.link is not None:
        name = spec.link.name
        spec.link.remove(
            [(pk, uuid.UUID(p[name]["added"])) for pk, p in previous_of.items() if name in p]
        )
    search_index.index_records(model, [pk for pk, _values in restores])
    batch.is_reverted = True
    batch.save(update_fields=["is_reverted"])
    counts = {"removed": len(created_ids), "restored": len(restores)}
    _record(
        spec, actor, job, batch, "import_reverted", counts, created_ids, [p for p, _ in restores]
    )
    return len(created_ids) + len(restores)


def _restorable(model: Any, previous: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in previous.items():
        field = model._meta.get_field(name.removesuffix("_id")) if name.endswith("_id") else None
        values[name] = field.target_field.to_python(value) if field is not None and value else value
    return values
