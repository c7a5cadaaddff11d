"""Every row pointing at a record, found through Django's model meta, and moving it.

Reverse foreign keys and one-to-ones of any installed model (including hidden ones and the
through tables of many-to-many fields, so tags and links of modules added later move too),
plus the generic rows a model declares with a ``GenericRelation`` (external ids) and the rows
modules declare as ``record_references`` (an activity's links: a record type and an id). Each
move is logged so that undo can replay it backwards exactly.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F

from moyeu.core.registry import registry

LogEntry = dict[str, Any]
PRIMARY = "is_primary"


@dataclass(frozen=True)
class Relation:
    model: type[models.Model]  # the model holding the pointer
    column: str  # its attname: "account_id", "object_id"
    extra: tuple[tuple[str, Any], ...] = ()  # fixed filters: the content type of generic rows


def relations_to(model: type[models.Model]) -> list[Relation]:
    found: list[Relation] = []
    for rel in model._meta.get_fields(include_hidden=True):
        if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one):
            field = rel.field  # type: ignore[union-attr]
            found.append(Relation(rel.related_model, field.attname))  # type: ignore[arg-type]
    content_type = ContentType.objects.get_for_model(model)
    for private in model._meta.private_fields:
        if isinstance(private, GenericRelation):
            found.append(
                Relation(
                    private.related_model,  # type: ignore[arg-type]
                    private.object_id_field_name,
                    ((f"{private.content_type_field_name}_id", content_type.pk),),
                )
            )
    for label, type_column, id_column in registry.record_references():
        found.append(
            Relation(apps.get_model(label), id_column, ((type_column, model._meta.label_lower),))
        )
    return found


def to_json(value: Any) -> Any:
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return value


def row_values(obj: models.Model) -> dict[str, Any]:
    """Every column of a row, JSON-safe, restorable by :func:`from_values`."""
    return {f.attname: to_json(getattr(obj, f.attname)) for f in obj._meta.concrete_fields}


def from_values(model: type[models.Model], values: dict[str, Any]) -> models.Model:
    fields = {f.attname: f for f in model._meta.concrete_fields}
    python = {
        name: value if isinstance(fields[name], models.JSONField) else fields[name].to_python(value)
        for name, value in values.items()
    }
    return model(**python)


def _unique_sets(model: type[models.Model], column: str) -> Iterator[tuple[list[str], Any]]:
    """(the other columns, condition) of each uniqueness rule including ``column``."""
    names = {f.name: f.attname for f in model._meta.concrete_fields}
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            columns = [names[name] for name in constraint.fields]
            if column in columns:
                yield [c for c in columns if c != column], constraint.condition
    for together in model._meta.unique_together:
        columns = [names[name] for name in together]
        if column in columns:
            yield [c for c in columns if c != column], None
    for field in model._meta.concrete_fields:
        if field.attname == column and field.unique:
            yield [], None


def _flag_of(condition: Any) -> str | None:
    """The boolean column of a condition such as Q(is_primary=True), else None."""
    if isinstance(condition, models.Q) and len(condition.children) == 1:
        child = condition.children[0]
        if isinstance(child, tuple) and child[1] is True:
            return str(child[0])
    return None


def _clash(relation: Relation, row: models.Model, target: Any) -> tuple[str, str | None]:
    """How moving ``row`` to ``target`` would break a uniqueness rule: ("move", flag to clear)
    when only a one-per-record flag clashes, ("delete", None) when ``target`` already has the
    same row, ("move", None) when nothing clashes."""
    flag: str | None = None
    for others, condition in _unique_sets(relation.model, relation.column):
        lookup = {relation.column: target, **dict(relation.extra)}
        lookup.update({c: getattr(row, c) for c in others})
        existing = relation.model._default_manager.filter(**lookup).exclude(pk=row.pk)
        if condition is None:
            if existing.exists():
                return "delete", None
            continue
        name = _flag_of(condition)
        if name is not None and getattr(row, name) is True and existing.filter(condition).exists():
            flag = name
    if flag is None and getattr(row, PRIMARY, None) is True:
        # By convention a row marked is_primary is the record's one primary row (e-mail,
        # phone, address): a moved primary row becomes secondary beside the target's.
        target_rows = relation.model._default_manager.filter(
            **{relation.column: target, PRIMARY: True, **dict(relation.extra)}
        )
        if target_rows.exclude(pk=row.pk).exists():
            flag = PRIMARY
    return "move", flag


def move_rows(relations: Iterable[Relation], sources: list[Any], target: Any) -> list[LogEntry]:
    """Point every row of ``relations`` at ``target`` instead of ``sources``; the log of it."""
    log: list[LogEntry] = []
    for relation in relations:
        manager = relation.model._default_manager
        label = relation.model._meta.label
        rows = manager.filter(**{f"{relation.column}__in": sources, **dict(relation.extra)})
        versioned = any(f.name == "version" for f in relation.model._meta.concrete_fields)
        for row in rows.order_by("pk"):
            action, flag = _clash(relation, row, target)
            if action == "delete":
                log.append({"op": "deleted", "model": label, "row": row_values(row)})
                manager.filter(pk=row.pk).delete()
                continue
            change: dict[str, Any] = {relation.column: target}
            if flag:
                change[flag] = False
            if versioned:
                change["version"] = F("version") + 1
            manager.filter(pk=row.pk).update(**change)
            entry: LogEntry = {
                "op": "moved",
                "model": label,
                "pk": to_json(row.pk),
                "column": relation.column,
                "from": to_json(getattr(row, relation.column)),
                "flag": flag,
            }
            if versioned:
                entry["version"] = manager.filter(pk=row.pk).values_list("version", flat=True)[0]
            log.append(entry)
    return log


def model_of(label: str) -> type[models.Model]:
    return apps.get_model(label)
