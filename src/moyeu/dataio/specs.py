"""What a module declares about importing and exporting one record type.

A module provides ``<module>.dataio`` with ``specs: list[DataSpec]``; the import and export
services read these declarations and never a module's internals. ``clean`` is the module's
own row rules (the same normalisers and validators its services apply); ``after_insert``
lets the module keep its derived rows (primary e-mail and phone tables) in step.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from moyeu.core.context import Actor
from moyeu.core.errors import NotFound
from moyeu.core.models import MoyeuModel
from moyeu.core.registry import registry

Label = str | Promise
# (values by field, raw strings by field) -> (clean values, {field: message})
RowCleaner = Callable[[dict[str, str]], tuple[dict[str, Any], dict[str, str]]]
BulkHook = Callable[[Sequence[Mapping[str, Any]]], None]


@dataclass(frozen=True)
class ImportField:
    name: str  # a model field (attname), "custom.<name>" or "external_ids.<system>"
    label: Label
    aliases: tuple[str, ...] = ()  # other headers that mean this field (French, common ones)
    is_required: bool = False  # on create


@dataclass(frozen=True)
class LinkField:
    """A module's column linking each imported record to another record (one per row).

    ``resolve(actor, cells)`` -> {cell: [ids of the records it names, among those the actor
    may see]}; ``existing(record_ids)`` -> {record id: ids already linked};
    ``add(pairs, primary)`` writes new links (record id, target id) — ``primary`` tells, per
    pair, whether it becomes the record's primary link; ``remove(pairs)`` deletes them.
    """

    name: str
    label: Label
    aliases: tuple[str, ...]
    resolve: Callable[[Actor, set[str]], dict[str, list[Any]]]
    existing: Callable[[Sequence[Any]], dict[Any, tuple[set[Any], bool]]]
    add: Callable[[Sequence[tuple[Any, Any, bool]]], None]
    remove: Callable[[Sequence[tuple[Any, Any]]], None]
    not_found: Label
    ambiguous: Label


@dataclass(frozen=True)
class DataSpec:
    record_type: str  # "directory.contact"
    model: type[MoyeuModel]
    fields: tuple[ImportField, ...]
    clean: RowCleaner
    # Keys usable for update and upsert: model fields with an index, and "external_ids.*".
    keys: tuple[str, ...] = ("external_ids.*",)
    # Fields compared exactly when no duplicate finder is installed (blocking keys).
    duplicate_fields: tuple[str, ...] = ()
    # Columns offered by default in exports (list pages pass their own).
    export_columns: tuple[str, ...] = ()
    # Called after a batch of rows is inserted (inside its transaction), with the rows.
    after_insert: BulkHook | None = None
    after_update: BulkHook | None = None
    # A column linking each record to another one (a contact's account), if the module has one.
    link: LinkField | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def module(self) -> str:
        return self.record_type.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.record_type.split(".", 1)[1]

    def field_names(self) -> set[str]:
        return {f.name for f in self.fields}

    def all_keys(self) -> list[str]:
        """The declared keys, and the fields an active validation rule marks unique."""
        from moyeu.core.services.validation_rules import active_rules

        unique = [
            rule.field
            for rule in active_rules(self.model._meta.label_lower)
            if rule.kind == "unique" and not rule.field.startswith("custom.")
        ]
        return [*self.keys, *(name for name in unique if name not in self.keys)]

    def is_key(self, name: str) -> bool:
        keys = self.all_keys()
        if name.startswith("external_ids.") and "external_ids.*" in keys:
            return len(name) > len("external_ids.")
        return name in keys


@cache
def _all_specs() -> dict[str, DataSpec]:
    found: dict[str, DataSpec] = {}
    for module in registry.modules():
        package = apps.get_app_config(module.label).name
        if importlib.util.find_spec(f"{package}.dataio") is None:
            continue
        for spec in importlib.import_module(f"{package}.dataio").specs:
            found[spec.record_type] = spec
    return found


def all_specs() -> list[DataSpec]:
    return list(_all_specs().values())


def spec_for(record_type: str) -> DataSpec:
    spec = _all_specs().get(record_type)
    if spec is None:
        raise NotFound(_("%s cannot be imported or exported.") % record_type)
    return spec
