"""Record pages read as rows: the output schema's fields straight from their columns.

A list page is the hot path of the API. Reading it as model instances costs, per row, the
instance, two related managers (tags, external ids) and a pydantic validation of every field
of an output we built ourselves. A :class:`RowLayout` instead maps each field of the output
schema to a column and reads the page with ``.values()``; tags and external ids come from one
query each for the whole page, and the page is rendered as it is.

Only schemas whose fields are all plain columns of a type the JSON rendering gives the same
text for (text, numbers, booleans, uuids, dates, JSON; a foreign key named by its field and
typed as a uuid is its id), plus ``tags`` and ``external_ids``, have a layout. Any other
field (a resolver that computes something, a property, an alias) makes :meth:`RowLayout.of`
answer None, and the resource then reads instances and validates them as before.
"""

from __future__ import annotations

import datetime
import types
import typing
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models
from pydantic import BaseModel

from moyeu.core.models import ExternalId, MoyeuModel

TAGS = "tags"
EXTERNAL_IDS = "external_ids"


def _declared_types(annotation: Any) -> set[Any] | None:
    """The non-None types of ``X``, ``X | None``, ``dict[...]``; None if not that simple."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
    else:
        members = [annotation]
    found: set[Any] = set()
    for member in members:
        origin = typing.get_origin(member)
        if origin is not None:
            member = origin
        if member is Any:
            member = object
        if not isinstance(member, type):
            return None
        found.add(member)
    return found


def _plain(field: models.Field[Any, Any], declared: set[Any]) -> bool:
    """Whether a column's values render to the same JSON as the declared type's values.

    (Text choices declared as their enum render as their value, as plain text does.)
    """
    if isinstance(field, models.DateTimeField):
        return declared == {datetime.datetime}
    if isinstance(field, models.DateField):
        return declared == {datetime.date}
    if isinstance(field, models.BooleanField):
        return declared == {bool}
    if isinstance(field, models.UUIDField):
        return declared == {uuid.UUID}
    if isinstance(field, models.CharField | models.TextField):
        return all(issubclass(t, str) for t in declared)
    if isinstance(field, models.IntegerField):
        return all(issubclass(t, int) and not issubclass(t, bool) for t in declared)
    if isinstance(field, models.JSONField):
        return declared <= {dict, list, object}
    return False


def _column(model: type[models.Model], name: str) -> str:
    """The quoted column of ``model``'s concrete field ``name`` (``pk`` for the key)."""
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column is not None
    return connection.ops.quote_name(field.column)


@dataclass(frozen=True)
class RowLayout:
    """Where each field of a record output schema comes from, in the schema's order."""

    model: type[MoyeuModel]
    fields: tuple[tuple[str, str], ...]  # (output key, column or TAGS / EXTERNAL_IDS)

    @classmethod
    def of(cls, model: type[MoyeuModel], schema: type[BaseModel]) -> RowLayout | None:
        fields: list[tuple[str, str]] = []
        for name, info in schema.model_fields.items():
            if info.alias or info.serialization_alias or info.validation_alias:
                return None
            if name in (TAGS, EXTERNAL_IDS):
                fields.append((name, name))
                continue
            column = cls._column(model, schema, name, info.annotation)
            if column is None:
                return None
            fields.append((name, column))
        return cls(model=model, fields=tuple(fields))

    @staticmethod
    def _column(
        model: type[MoyeuModel], schema: type[BaseModel], name: str, annotation: Any
    ) -> str | None:
        try:
            field = model._meta.get_field(name)
        except (LookupError, FieldDoesNotExist):  # a property or a resolver: not a column
            return None
        if not isinstance(field, models.Field) or not field.concrete:
            return None
        declared = _declared_types(annotation)
        if not declared:
            return None
        if field.many_to_one:
            # A foreign key shown as the related row's id (schemas resolve it to ``<fk>_id``).
            return field.attname if declared == {uuid.UUID} else None
        if getattr(schema, f"resolve_{name}", None) is not None or field.is_relation:
            return None
        return field.attname if _plain(field, declared) else None

    def columns(self, *extra: str) -> list[str]:
        """The columns to read: the schema's, and ``extra`` ones (the ordering's)."""
        wanted = [column for _key, column in self.fields if column not in (TAGS, EXTERNAL_IDS)]
        return list(dict.fromkeys([*wanted, *extra]))

    def items(self, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """The output items of ``rows`` (read with :meth:`columns`), tags and ids attached."""
        sources = {column for _key, column in self.fields}
        pk = self.model._meta.pk
        assert pk is not None
        # The ids as stored (hex text on SQLite), mapped back to the rows' ids.
        ids = {pk.get_db_prep_value(row[pk.name], connection): row[pk.name] for row in rows}
        tags = self._tags(ids) if TAGS in sources and ids else {}
        external = self._external_ids(ids) if EXTERNAL_IDS in sources and ids else {}
        items = []
        for row in rows:
            item: dict[str, Any] = {}
            for key, column in self.fields:
                if column == TAGS:
                    item[key] = tags.get(row[pk.name], [])
                elif column == EXTERNAL_IDS:
                    item[key] = external.get(row[pk.name], {})
                else:
                    item[key] = row[column]
            items.append(item)
        return items

    # Tags and external ids are read with SQL built once from the models' metadata: the two
    # lookups are the same for every page, and compiling them through the ORM cost more than
    # running them (≈ 0.4 ms each a page).

    @cached_property
    def _tags_sql(self) -> str:
        relation = self.model._meta.get_field(TAGS)
        assert isinstance(relation, models.ManyToManyField)
        through = relation.remote_field.through
        assert through is not None
        tag: type[models.Model] = relation.related_model  # type: ignore[assignment]
        source = _column(through, relation.m2m_field_name())
        q = connection.ops.quote_name
        # Identifiers come from the models' metadata; values are always parameters.
        return (
            f"SELECT j.{source}, t.{_column(tag, 'name')} "  # noqa: S608
            f"FROM {q(through._meta.db_table)} j JOIN {q(tag._meta.db_table)} t "
            f"ON t.{_column(tag, 'pk')} = j.{_column(through, relation.m2m_reverse_field_name())} "
            f"WHERE j.{source} IN ({{}})"
        )

    @cached_property
    def _external_ids_sql(self) -> str:
        def column(name: str) -> str:
            return _column(ExternalId, name)

        return (
            f"SELECT {column('object_id')}, {column('system')}, {column('value')} "  # noqa: S608
            f"FROM {connection.ops.quote_name(ExternalId._meta.db_table)} "
            f"WHERE {column('content_type')} = %s AND {column('object_id')} IN ({{}}) "
            f"ORDER BY {column('id')}"
        )

    @staticmethod
    def _select(sql: str, stored: Mapping[Any, Any], *params: Any) -> list[tuple[Any, ...]]:
        """Rows of ``sql`` for the records ``stored`` (stored id -> id), first column the id."""
        with connection.cursor() as cursor:
            cursor.execute(sql.format(", ".join(["%s"] * len(stored))), [*params, *stored])
            return [(stored[record_id], *rest) for record_id, *rest in cursor.fetchall()]

    def _tags(self, ids: Mapping[Any, Any]) -> dict[Any, list[str]]:
        """Tag names by record, sorted (one query through the tags' join table)."""
        names: dict[Any, list[str]] = defaultdict(list)
        for record_id, name in self._select(self._tags_sql, ids):
            names[record_id].append(name)
        return {record_id: sorted(found) for record_id, found in names.items()}

    def _external_ids(self, ids: Mapping[Any, Any]) -> dict[Any, dict[str, str]]:
        """External ids by record, in the order they were added (one query)."""
        content_type = ContentType.objects.get_for_model(self.model)
        found: dict[Any, dict[str, str]] = defaultdict(dict)
        for record_id, system, value in self._select(self._external_ids_sql, ids, content_type.pk):
            found[record_id][system] = value
        return found
