"""The bulk write path: many rows of one table in one statement stream.

PostgreSQL gets ``COPY … FROM STDIN`` (psycopg 3 ``cursor.copy``), SQLite one
``executemany``; both run inside the caller's transaction. Values are converted to their
database form by the model fields themselves (``get_db_prep_save``), except plain text
columns, which need no conversion: that keeps the rules of the ORM without its per-instance
cost. Callers are the import services, which validated every row first.
"""

from __future__ import annotations

import json
import operator
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, cast

from django.db import connection, models

AnyField = models.Field[Any, Any]
_TEXT_FIELDS = (models.CharField, models.TextField)


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    """The database form of a value. Text, UUIDs and JSON (the bulk of an import's values)
    take a direct path; every other type goes through the field's own conversion."""
    if isinstance(field, _TEXT_FIELDS) and not field.null:
        return _same
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    if isinstance(target, models.UUIDField):
        if connection.vendor == "postgresql":
            return _same
        return lambda value: None if value is None else _uuid(value).hex
    if isinstance(field, models.JSONField) and field.encoder is None:
        return lambda value: None if value is None else json.dumps(value)
    prep = field.get_db_prep_save
    return lambda value: prep(value, connection)


def _same(value: Any) -> Any:
    return value


def _converted(values: tuple[Any, ...], converting: list[tuple[int, Any]]) -> tuple[Any, ...]:
    out = list(values)
    for index, convert in converting:
        out[index] = convert(out[index])
    return tuple(out)


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _insert_columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        f
        for f in model._meta.concrete_fields
        if not (isinstance(f, models.AutoField | models.BigAutoField) and f.primary_key)
    ]


def insert(
    model: type[models.Model],
    rows: Sequence[Mapping[str, Any]],
    constants: Mapping[str, Any],
) -> None:
    """Insert ``rows`` (values by attname), every other column taken from ``constants`` or
    the field's default."""
    if not rows:
        return
    fields = _insert_columns(model)
    first = rows[0].keys()
    uniform = all(row.keys() == first for row in rows)  # the usual case: the same keys
    present = set(first) if uniform else set().union(*(row.keys() for row in rows))
    varying = [f for f in fields if f.attname in present]
    fixed = {
        f.attname: _converter(f)(
            constants[f.attname] if f.attname in constants else f.get_default()
        )
        for f in fields
        if f.attname not in present
    }
    columns = [f.attname for f in varying] + list(fixed)
    tail = tuple(fixed.values())
    records: Iterable[tuple[Any, ...]]
    if uniform and len(first) == len(varying):
        # Every row has every column: read them in one go, convert only where needed.
        names = [f.attname for f in varying]
        get = operator.itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
        converting = [
            (index, convert)
            for index, f in enumerate(varying)
            if (convert := _converter(f)) is not _same
        ]
        if converting:
            records = (_converted(get(row), converting) + tail for row in rows)
        else:
            records = (get(row) + tail for row in rows)
    else:
        converters = [(f.attname, _converter(f), f.get_default()) for f in varying]
        records = (
            tuple(convert(row.get(name, default)) for name, convert, default in converters) + tail
            for row in rows
        )
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for record in records:
                    copy.write_row(record)
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"  # noqa: S608 - quoted names
            cursor.executemany(sql, list(records))


def update(
    model: type[models.Model],
    rows: Sequence[tuple[Any, Mapping[str, Any]]],
    constants: Mapping[str, Any],
) -> None:
    """Set the given columns of each (pk, values) row, the ``constants`` on every row, and
    increment ``version``. Rows are grouped by the set of columns they change."""
    groups: dict[tuple[str, ...], list[tuple[Any, Mapping[str, Any]]]] = {}
    for pk, values in rows:
        groups.setdefault(tuple(sorted(values)), []).append((pk, values))
    meta = model._meta
    table = connection.ops.quote_name(meta.db_table)
    const_fields = [cast(AnyField, meta.get_field(name)) for name in constants]
    const_values = [_converter(f)(constants[f.name]) for f in const_fields]
    pk_convert = _converter(meta.pk)
    with connection.cursor() as cursor:
        for names, members in groups.items():
            fields = [_field_by_attname(model, name) for name in names]
            sets = [f"{connection.ops.quote_name(f.attname)} = %s" for f in fields]
            sets += [f"{connection.ops.quote_name(f.attname)} = %s" for f in const_fields]
            sets.append('"version" = "version" + 1')
            pk_column = connection.ops.quote_name(meta.pk.column)
            sql = f"UPDATE {table} SET {', '.join(sets)} WHERE {pk_column} = %s"  # noqa: S608
            converters = [_converter(f) for f in fields]
            params = [
                [c(values[f.attname]) for f, c in zip(fields, converters, strict=True)]
                + const_values
                + [pk_convert(pk)]
                for pk, values in members
            ]
            cursor.executemany(sql, params)


def delete(model: type[models.Model], pks: Sequence[Any], *, chunk: int = 500) -> int:
    """Delete rows by pk through the ORM collector, so cascades and SET NULL still apply."""
    deleted = 0
    for start in range(0, len(pks), chunk):
        count, _by_model = model._base_manager.filter(pk__in=pks[start : start + chunk]).delete()
        deleted += count
    return deleted


def _field_by_attname(model: type[models.Model], attname: str) -> models.Field[Any, Any]:
    for f in model._meta.concrete_fields:
        if f.attname == attname:
            return f
    raise LookupError(attname)
