"""Many rows in one ``executemany``: the hot paths of webhooks (fan-out, attempts).

Django's ``bulk_create`` compiles every field of every row through the ORM, which costs more
than the database itself at thousands of rows a second. Here each value still goes through
its field's ``get_db_prep_save`` (so UUIDs, dates and JSON are stored exactly as the ORM
stores them, on SQLite and PostgreSQL), but the statement is written once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    ignore_conflicts: bool = False,
) -> None:
    """INSERT ``rows`` (values in the order of ``fields``, attribute names) into ``model``."""
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    names = ", ".join(quote(str(field.column)) for field in columns)  # type: ignore[union-attr]
    marks = ", ".join(["%s"] * len(columns))
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({marks}){conflict}"  # noqa: S608
    prepared = [
        [
            field.get_db_prep_save(value, connection)  # type: ignore[union-attr]
            for field, value in zip(columns, row, strict=True)
        ]
        for row in rows
    ]
    if prepared:
        with connection.cursor() as cursor:
            cursor.executemany(sql, prepared)
