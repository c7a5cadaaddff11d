"""Export writing: reading list columns as rows, and CSV/XLSX writers with formula guard."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models.sql.constants import MULTI

from moyeu.dataio.xlsx import SheetWriter

# OWASP CSV injection: a cell a spreadsheet would read as a formula starts with one of these.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_TRIGGERS = frozenset(FORMULA_TRIGGERS)


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class ColumnReader:
    """Reads list columns (fields, foreign keys, ``custom.<name>``, ``tags``) in chunks,
    with ``values_list`` (no model instances) and one extra query per chunk for tags."""

    def __init__(self, model: type[models.Model], columns: list[str]) -> None:
        self.model = model
        self.columns = columns
        self.paths: list[str] = []
        self.extractors: list[Any] = []
        for column in columns:
            if column == "tags":
                self.extractors.append(("tags", None))
            elif column.startswith("custom."):
                self.extractors.append(("custom", column[7:]))
                self._path("custom")
            else:
                self.extractors.append(("path", self._path(self._field_path(column))))

    def _path(self, path: str) -> int:
        if path not in self.paths:
            self.paths.append(path)
        return self.paths.index(path)

    def _field_path(self, column: str) -> str:
        field = self.model._meta.get_field(column)
        if not field.is_relation:
            return column
        related = field.related_model
        if related is get_user_model():
            return f"{column}__{get_user_model().USERNAME_FIELD}"
        names = {f.name for f in related._meta.concrete_fields}  # type: ignore[union-attr]
        return f"{column}__name" if "name" in names else f"{column}_id"

    def _tags(self, ids: list[Any]) -> dict[Any, str]:
        through = self.model.tags.through  # type: ignore[attr-defined]
        owner = f"{self.model._meta.model_name}_id"
        found: dict[Any, list[str]] = {}
        for pk, name in through.objects.filter(**{f"{owner}__in": ids}).values_list(
            owner, "tag__name"
        ):
            found.setdefault(pk, []).append(name)
        return {pk: ", ".join(sorted(names)) for pk, names in found.items()}

    def chunks(self, queryset: Any, size: int) -> Iterator[list[list[Any]]]:
        """The rows in lists of ``size``, read with the query's own compiler: fetched in
        chunks (a server-side cursor on PostgreSQL), with the database converters only of
        the columns that have some (the id's only when tags need it as a key).

        PostgreSQL plans a cursor for its first tenth of rows by default
        (``cursor_tuple_fraction``): an index walk and a nested loop per row, twice as slow as
        a sort and hash joins when every row is read. The cursor is declared (hence planned)
        with the fraction at 1, then the setting is restored.
        """
        wants_tags = "tags" in self.columns
        rows = queryset.prefetch_related(None).values_list("id", *self.paths)
        compiler = rows.query.get_compiler(using=rows.db)
        whole = compiler.connection.vendor == "postgresql"
        if whole:
            with compiler.connection.cursor() as cursor:
                cursor.execute("SET cursor_tuple_fraction = 1.0")
        try:
            results = compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=size)
        finally:
            if whole:
                with compiler.connection.cursor() as cursor:
                    cursor.execute("RESET cursor_tuple_fraction")
        converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
        if not wants_tags:
            converters.pop(0, None)
        for chunk in results:
            if converters:
                chunk = list(compiler.apply_converters(chunk, converters))
            yield self._convert(chunk, wants_tags)

    def _convert(self, chunk: list[Any], wants_tags: bool) -> list[list[Any]]:
        tags = self._tags([row[0] for row in chunk]) if wants_tags else {}
        custom_index = self.paths.index("custom") + 1 if "custom" in self.paths else 0
        if all(kind == "path" for kind, _arg in self.extractors):
            # Plain columns (the usual case): one comprehension a row, no call a cell.
            indexes = [arg + 1 for _kind, arg in self.extractors]
            return [
                [
                    ""
                    if value is None
                    else "'" + value
                    if isinstance(value, str) and value[:1] in _TRIGGERS
                    else value
                    for value in [row[index] for index in indexes]
                ]
                for row in chunk
            ]
        out = []
        for row in chunk:
            cells = []
            for kind, arg in self.extractors:
                if kind == "path":
                    value = row[arg + 1]
                elif kind == "custom":
                    value = (row[custom_index] or {}).get(arg)
                else:
                    value = tags.get(row[0], "")
                cells.append("" if value is None else neutralise(value))
            out.append(cells)
        return out


def column_reader(model: type[models.Model], columns: list[str]) -> ColumnReader:
    return ColumnReader(model, columns)


class ExportWriter:
    """CSV (UTF-8 with BOM, so spreadsheets read accents) or XLSX (streamed, see
    :mod:`moyeu.dataio.xlsx`), in constant memory. ``discard()`` leaves no file behind."""

    def __init__(self, path: Path, file_format: str) -> None:
        self.path = path
        self.format = file_format
        self.row = 0
        self.discarded = False

    def __enter__(self) -> ExportWriter:
        if self.format == "xlsx":
            self.sheet = SheetWriter(self.path)
        else:
            self.handle = self.path.open("w", encoding="utf-8-sig", newline="", buffering=1 << 20)
            self.csv = csv.writer(self.handle)
        return self

    def write(self, cells: list[Any]) -> None:
        self.write_many([cells])

    def write_many(self, rows: list[list[Any]]) -> None:
        if self.format == "xlsx":
            self.sheet.write_rows(
                [
                    [
                        value
                        if isinstance(value, str)
                        or (isinstance(value, int | float) and not isinstance(value, bool))
                        else _xlsx_value(value)
                        for value in cells
                    ]
                    for cells in rows
                ]
            )
            self.row += len(rows)
        else:
            self.csv.writerows(rows)

    def discard(self) -> None:
        self.discarded = True

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.format == "xlsx":
            if kind is None and not self.discarded:
                self.sheet.close()
            else:
                self.sheet.abort()
        else:
            self.handle.close()
        if self.discarded:
            self.path.unlink(missing_ok=True)


def _xlsx_value(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ")
    return str(neutralise(str(value)))
