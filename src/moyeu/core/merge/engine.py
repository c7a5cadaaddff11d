"""Generic, reversible merge of records of one type into a survivor.

In one transaction: lock every record (pk order) and check the ``merge`` access and the
versions given; apply the chosen value per field to the survivor; move every row pointing at
the losers (see :mod:`moyeu.core.merge.relations`); only then delete the losers; store a
:class:`MergeRecord` holding everything undo needs; audit and emit under one correlation id.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moyeu.core.context import Actor, action_context, current_correlation_id
from moyeu.core.errors import ValidationFailed, VersionConflict
from moyeu.core.merge.primaries import align_primaries, chosen_rows, mirror_sources, mirrors_of
from moyeu.core.merge.relations import move_rows, relations_to, row_values, to_json
from moyeu.core.models import DuplicateCandidate, DuplicateStatus, MergeRecord, MoyeuModel
from moyeu.core.search import index as search_index
from moyeu.core.services import audit, events
from moyeu.core.services.records import lock_for_change, record_type_of, snapshot

# Columns the merge maintains itself; every other editable column can be chosen.
_MANAGED = {"id", "created_at", "updated_at", "created_by_id", "updated_by_id", "version"}


def mergeable_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.attname not in _MANAGED and (f.editable or f.name == "custom")
    ]


def _is_empty(value: Any) -> bool:
    return value in (None, "", [], {})


def _chosen_values(
    survivor: MoyeuModel,
    losers: Sequence[MoyeuModel],
    choices: Mapping[str, uuid.UUID],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The survivor's new values: the record chosen per field, else the survivor's own value,
    filled from the first loser that has one when the survivor's is empty; and the record
    each mirror of a primary child row comes from (see :mod:`moyeu.core.merge.primaries`)."""
    by_id = {obj.pk: obj for obj in (survivor, *losers)}
    fields = {f.name: f for f in mergeable_fields(type(survivor)) if f.name != "custom"}
    unknown = [name for name in choices if name not in fields and not name.startswith("custom.")]
    if unknown:
        raise ValidationFailed(
            {f"fields.{name}": [_("Not a mergeable field.")] for name in unknown}
        )
    wrong = [name for name, source in choices.items() if source not in by_id]
    if wrong:
        raise ValidationFailed(
            {f"fields.{name}": [_("Choose the survivor or one of the losers.")] for name in wrong}
        )
    values: dict[str, Any] = {}
    for name, field in fields.items():
        if name in choices:
            values[field.attname] = getattr(by_id[choices[name]], field.attname)
            continue
        value = getattr(survivor, field.attname)
        if _is_empty(value):
            value = next(
                (
                    getattr(loser, field.attname)
                    for loser in losers
                    if not _is_empty(getattr(loser, field.attname))
                ),
                value,
            )
        values[field.attname] = value
    custom = dict(survivor.custom)
    for loser in losers:
        for key, value in loser.custom.items():
            if _is_empty(custom.get(key)):
                custom[key] = value
    for name, source in choices.items():
        if name.startswith("custom."):
            key = name.removeprefix("custom.")
            value = by_id[source].custom.get(key)
            if value is None:
                custom.pop(key, None)
            else:
                custom[key] = value
    values["custom"] = custom
    # Columns repeating a primary child row (e-mail, phone, address) come from one record.
    names = {name: field.attname for name, field in fields.items()}
    sources = mirror_sources(survivor, losers, choices, names)
    for mirror in mirrors_of(type(survivor)):
        for flat in mirror.flat:
            values[flat] = getattr(by_id[sources[mirror.accessor]], flat)
    return values, sources


def _lock_all(
    model: type[MoyeuModel],
    ids: Sequence[uuid.UUID],
    actor: Actor,
    expected_versions: Mapping[uuid.UUID, int],
) -> dict[uuid.UUID, MoyeuModel]:
    locked: dict[uuid.UUID, MoyeuModel] = {}
    for record_id in sorted(ids, key=str):
        obj = lock_for_change(model, record_id, actor=actor, action="merge")
        expected = expected_versions.get(record_id)
        if expected is not None and obj.version != expected:
            raise VersionConflict(
                _("%(record)s was changed by someone else (version %(v)s).")
                % {"record": obj, "v": obj.version},
                current_version=obj.version,
            )
        locked[record_id] = obj
    return locked


def merge_records(
    model: type[MoyeuModel],
    *,
    actor: Actor,
    survivor_id: uuid.UUID,
    loser_ids: Sequence[uuid.UUID],
    choices: Mapping[str, uuid.UUID] | None = None,
    expected_versions: Mapping[uuid.UUID, int] | None = None,
) -> MergeRecord:
    module, name = record_type_of(model)
    losers_wanted = list(dict.fromkeys(loser_ids))
    if not losers_wanted or survivor_id in losers_wanted:
        raise ValidationFailed(
            {"losers": [_("Give at least one record to merge, other than the survivor.")]}
        )
    with action_context(channel=actor.channel), transaction.atomic():
        locked = _lock_all(model, [survivor_id, *losers_wanted], actor, expected_versions or {})
        survivor = locked[survivor_id]
        losers = [locked[pk] for pk in losers_wanted]
        before = snapshot(survivor)
        data: dict[str, Any] = {
            "survivor_before": row_values(survivor),
            "losers": [row_values(loser) for loser in losers],
        }
        values, sources = _chosen_values(survivor, losers, choices or {})
        for attname, value in values.items():
            setattr(survivor, attname, value)
        wanted = chosen_rows(locked, sources)
        data["moves"] = move_rows(relations_to(model), losers_wanted, survivor_id)
        # The row whose value was chosen becomes primary; the flat columns repeat it.
        data["primaries"] = align_primaries(survivor, wanted, values)
        data["candidates"] = _close_candidates(f"{module}.{name}", survivor_id, losers_wanted)
        for loser in losers:
            audit.record(
                loser,
                f"{module}.{name}.merged",
                actor,
                changes={k: (v, None) for k, v in snapshot(loser).items()},
                data={"merged_into": str(survivor_id)},
            )
        model._default_manager.filter(pk__in=losers_wanted).delete()
        search_index.remove_records(model, losers_wanted)
        survivor.version += 1
        survivor.updated_by = actor.user
        survivor.updated_at = timezone.now()
        survivor.save()
        search_index.index_record(survivor)
        after = snapshot(survivor)
        merge = MergeRecord.objects.create(
            record_type=f"{module}.{name}",
            survivor_id=survivor_id,
            loser_ids=[str(pk) for pk in losers_wanted],
            data=data,
            survivor_version=survivor.version,
            created_by=actor.user,
            correlation_id=current_correlation_id(),
        )
        audit.record(
            survivor,
            f"{module}.{name}.merged",
            actor,
            changes={k: (before.get(k), v) for k, v in after.items() if before.get(k) != v},
            data={"merge_id": str(merge.pk), "losers": merge.loser_ids},
        )
        events.emit(
            f"{name}.merged",
            record_type=f"{module}.{name}",
            record=survivor,
            payload={"merge_id": str(merge.pk), "losers": merge.loser_ids, "survivor": after},
            actor=actor,
        )
    return merge


def _close_candidates(record_type: str, survivor_id: Any, loser_ids: list[Any]) -> list[Any]:
    """Open review-queue pairs involving a loser are closed; undo reopens them."""
    involved = [*loser_ids]
    rows = DuplicateCandidate.objects.filter(
        models.Q(first_id__in=involved) | models.Q(second_id__in=involved),
        record_type=record_type,
        status=DuplicateStatus.OPEN,
    )
    ids = [to_json(pk) for pk in rows.values_list("pk", flat=True)]
    rows.update(status=DuplicateStatus.MERGED, resolved_at=timezone.now())
    return ids
