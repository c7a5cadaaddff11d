"""Flat columns that repeat a record's primary child row, kept in step by the merge.

A model may declare ``merge_mirrors``: for each child list (its reverse accessor, e.g.
``"emails"``), the flat columns that repeat the primary row and the child column each one
repeats, the first pair being the key (``("phones", (("phone_e164", "e164"), ("phone",
"number")))``). The merge then treats the columns of one mirror as one choice (they come from
the same record) and, once the losers' rows have moved, makes the row holding the chosen value
the survivor's primary row, demoting the previous one; each flag and position it changes is
logged so that undo puts them back exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from moyeu.core.errors import ValidationFailed
from moyeu.core.merge.relations import PRIMARY, model_of, to_json

LogEntry = dict[str, Any]


@dataclass(frozen=True)
class Mirror:
    accessor: str  # the reverse accessor of the child rows: "emails"
    columns: tuple[tuple[str, str], ...]  # (flat attname, child attname), the key first

    @property
    def flat(self) -> list[str]:
        return [flat for flat, _child in self.columns]


def mirrors_of(model: type[models.Model]) -> list[Mirror]:
    declared = getattr(model, "merge_mirrors", ())
    return [Mirror(accessor, tuple(columns)) for accessor, columns in declared]


def followers(model: type[models.Model]) -> dict[str, str]:
    """Flat columns that follow another one's choice: {"phone": "phone_e164"}, by attname."""
    return {
        flat: mirror.columns[0][0]
        for mirror in mirrors_of(model)
        for flat, _child in mirror.columns[1:]
    }


def _is_set(obj: models.Model, mirror: Mirror) -> bool:
    return any(getattr(obj, flat) not in (None, "") for flat in mirror.flat)


def mirror_sources(
    survivor: models.Model,
    losers: Sequence[models.Model],
    choices: Mapping[str, Any],
    names: Mapping[str, str],
) -> dict[str, Any]:
    """The record each mirror's columns come from, by accessor.

    ``choices`` is by field name and ``names`` maps a field name to its attname. A choice for
    any column of a mirror applies to all of them; two different records chosen for one mirror
    are refused. Without a choice: the survivor's when it has a value, else the first loser's
    that has one.
    """
    by_attname = {names[name]: source for name, source in choices.items() if name in names}
    sources: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for mirror in mirrors_of(type(survivor)):
        chosen = {flat: by_attname[flat] for flat in mirror.flat if flat in by_attname}
        if len(set(chosen.values())) > 1:
            labels = {attname: name for name, attname in names.items()}
            for flat in list(chosen)[1:]:
                errors[f"fields.{labels[flat]}"] = [
                    _("Choose the same record as for %(field)s.")
                    % {"field": labels[next(iter(chosen))]}
                ]
            continue
        if chosen:
            sources[mirror.accessor] = next(iter(chosen.values()))
        elif _is_set(survivor, mirror):
            sources[mirror.accessor] = survivor.pk
        else:
            filled = next((loser for loser in losers if _is_set(loser, mirror)), survivor)
            sources[mirror.accessor] = filled.pk
    if errors:
        raise ValidationFailed(errors)
    return sources


def _child_relation(model: type[models.Model], accessor: str) -> tuple[Any, str]:
    """The child model and its column pointing at the record, for a reverse accessor."""
    for rel in model._meta.related_objects:
        if rel.get_accessor_name() == accessor:
            return rel.related_model, rel.field.attname
    raise LookupError(f"{model._meta.label} has no child rows called {accessor!r}")


def _matches(row: models.Model, mirror: Mirror, values: Mapping[str, Any]) -> bool:
    return all(str(getattr(row, child)) == str(values[flat]) for flat, child in mirror.columns)


def chosen_rows(records: Mapping[Any, models.Model], sources: Mapping[str, Any]) -> dict[str, Any]:
    """Before rows move: the child row standing for each mirror's chosen value, by accessor
    (the source record's row holding its flat values, else its primary row)."""
    found: dict[str, Any] = {}
    for mirror in mirrors_of(type(next(iter(records.values())))):
        source = records[sources[mirror.accessor]]
        child, column = _child_relation(type(source), mirror.accessor)
        rows = list(child._default_manager.filter(**{column: source.pk}))
        values = {flat: getattr(source, flat) for flat in mirror.flat}
        match = next((row for row in rows if _matches(row, mirror, values)), None)
        if match is None:
            match = next((row for row in rows if getattr(row, PRIMARY)), None)
        if match is not None:
            found[mirror.accessor] = match.pk
    return found


def _new_row(
    child: Any, column: str, owner: Any, mirror: Mirror, values: Mapping[str, Any], position: int
) -> Any:
    """A secondary row holding ``values``, saved; None when the child model refuses them."""
    row = child(**{column: owner, "position": position, PRIMARY: False})
    for flat, child_column in mirror.columns:
        setattr(row, child_column, values[flat])
    try:
        row.clean_fields(exclude=[column])
    except ValidationError:
        return None
    row.save(force_insert=True)
    return row


def align_primaries(
    survivor: models.Model, wanted: Mapping[str, Any], values: Mapping[str, Any]
) -> list[LogEntry]:
    """After rows moved: the wanted row (else one holding ``values``, else a new one made of
    them) becomes the survivor's primary row, first in order; the survivor's flat columns then
    repeat its primary row (the previous primary one when the chosen value is blank).
    Returns the log undo replays backwards."""
    log: list[LogEntry] = []
    for mirror in mirrors_of(type(survivor)):
        child, column = _child_relation(type(survivor), mirror.accessor)
        manager = child._default_manager
        rows = list(manager.filter(**{column: survivor.pk}).order_by("position", "pk"))
        if not rows:
            continue
        target: Any = next((row for row in rows if row.pk == wanted.get(mirror.accessor)), None)
        if target is None:
            target = next((row for row in rows if _matches(row, mirror, values)), None)
        if target is None and any(values[flat] not in (None, "") for flat in mirror.flat):
            # The chosen value has no row (a flat-only value): it gets one.
            target = _new_row(child, column, survivor.pk, mirror, values, len(rows))
            if target is not None:
                log.append({"op": "created", "model": child._meta.label, "pk": to_json(target.pk)})
                rows.append(target)
        if target is None:
            target = next((row for row in rows if getattr(row, PRIMARY)), rows[0])
        # The primary row first, the others in their order, numbered from 0.
        order = [target, *(row for row in rows if row.pk != target.pk)]
        changed = [
            (row, position)
            for position, row in enumerate(order)
            if (getattr(row, PRIMARY), row.position) != (row is target, position)
        ]
        if changed:
            # Demote first so that a one-primary-per-record rule never sees two.
            for row, position in sorted(changed, key=lambda item: item[0] is target):
                manager.filter(pk=row.pk).update(**{PRIMARY: row is target, "position": position})
            log.append(
                {
                    "op": "primary",
                    "model": child._meta.label,
                    "rows": [
                        {
                            "pk": to_json(row.pk),
                            PRIMARY: getattr(row, PRIMARY),
                            "position": row.position,
                        }
                        for row, _position in changed
                    ],
                }
            )
        for flat, child_column in mirror.columns:
            setattr(survivor, flat, getattr(target, child_column))
    return log


def restore_primaries(log: Sequence[LogEntry]) -> None:
    for entry in reversed(log):
        manager = model_of(entry["model"])._default_manager
        if entry["op"] == "created":
            manager.filter(pk=entry["pk"]).delete()
            continue
        # Demote first so that a one-primary-per-record rule never sees two.
        for row in sorted(entry["rows"], key=lambda r: r[PRIMARY]):
            manager.filter(pk=row["pk"]).update(
                **{PRIMARY: row[PRIMARY], "position": row["position"]}
            )
