"""Turning one read row into clean values: the mapping, formulas, encoding, the module's rules.

A :class:`Plan` is built once per import (which column goes to which field); ``prepare``
then runs per row and never touches the database. Errors name the column by its header.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.utils.translation import gettext as _

from moyeu.core.errors import ValidationFailed
from moyeu.core.services import custom_fields
from moyeu.dataio import relations
from moyeu.dataio.sources import Row
from moyeu.dataio.specs import DataSpec

FORMULA_START = "="


@dataclass
class Prepared:
    line: int
    cells: list[str]
    values: dict[str, Any] = field(default_factory=dict)  # model attnames
    custom: dict[str, Any] = field(default_factory=dict)
    external: dict[str, str] = field(default_factory=dict)  # system -> value
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column header, message)
    key: str = ""
    refs: dict[str, str] = field(default_factory=dict)  # owner, team, link column: the cell
    tags: list[str] | None = None  # None: the tags are left as they are
    link_id: Any = None  # the record the link column names, once resolved

    def reject(self, column: str, message: str) -> None:
        self.errors.append((column, message))


@dataclass(frozen=True)
class Plan:
    spec: DataSpec
    headers: list[str]
    columns: list[tuple[int, str, str]]  # (index, header, field name)
    mode: str
    key: str
    keep_empty: bool  # create: empty cells are empty values; update: they leave values alone

    @classmethod
    def build(
        cls, spec: DataSpec, headers: list[str], mapping: dict[str, str], mode: str, key: str
    ) -> Plan:
        columns = [
            (index, header, mapping[header])
            for index, header in enumerate(headers)
            if mapping.get(header)
        ]
        return cls(spec, headers, columns, mode, key, keep_empty=mode == "create")

    def header_of(self, name: str) -> str:
        for _index, header, field_name in self.columns:
            if field_name == name:
                return header
        return name

    @cached_property
    def ref_names(self) -> frozenset[str]:
        """Columns naming other records (resolved per batch by the engine)."""
        link = self.spec.link
        return frozenset((*relations.PLATFORM, *((link.name,) if link else ())))

    @cached_property
    def has_custom(self) -> bool:
        return any(name.startswith("custom.") for _i, _h, name in self.columns)

    def prepare(self, row: Row) -> Prepared:
        prepared = Prepared(row.line, row.cells)
        cells = row.cells
        if row.problem:
            column = (
                self.headers[row.problem_column] if row.problem_column < len(self.headers) else ""
            )
            prepared.reject(column, row.problem)
            return prepared
        if len(cells) > len(self.headers) and any(c.strip() for c in cells[len(self.headers) :]):
            prepared.reject(
                "",
                _("This line has %(cells)s cells but the header has %(headers)s columns.")
                % {"cells": len(cells), "headers": len(self.headers)},
            )
            return prepared
        raw: dict[str, str] = {}
        custom_raw: dict[str, str] = {}
        width = len(cells)
        for index, header, name in self.columns:
            cell = cells[index].strip() if index < width else ""
            if cell.startswith(FORMULA_START):
                prepared.reject(header, _("A formula is not accepted; enter the value itself."))
                continue
            if not cell and not self.keep_empty:
                continue
            if name.startswith("custom."):
                if cell:
                    custom_raw[name[7:]] = cell
            elif name.startswith("external_ids."):
                if cell:
                    prepared.external[name[13:]] = cell
            elif name == relations.TAGS:
                names, error = relations.split_tags(cell)
                if error:
                    prepared.reject(header, error)
                prepared.tags = names
            elif name in self.ref_names:
                if cell:
                    prepared.refs[name] = cell
            else:
                raw[name] = cell
        if prepared.errors:
            return prepared
        values, errors = self.spec.clean(raw)
        for name, message in errors.items():
            prepared.reject(self.header_of(name), message)
        prepared.values = values
        if custom_raw:
            try:
                prepared.custom = custom_fields.validate_values(
                    self.spec.model._meta.label_lower, custom_raw
                )
            except ValidationFailed as exc:
                for name, messages in exc.errors.items():
                    header = self.header_of(f"custom.{name.removeprefix('custom.')}")
                    prepared.reject(header, " ".join(messages))
        if self.key:
            if self.key.startswith("external_ids."):
                prepared.key = prepared.external.get(self.key[13:], "")
            else:
                prepared.key = str(values.get(self.key) or "")
        return prepared

    def missing_required(self, prepared: Prepared) -> list[tuple[str, str]]:
        """Errors for required fields left empty, for a row about to be created."""
        missing = []
        for spec_field in self.spec.fields:
            if spec_field.is_required and not prepared.values.get(spec_field.name):
                missing.append((self.header_of(spec_field.name), _("This value is required.")))
        return missing
