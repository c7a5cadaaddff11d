"""Column mapping: remembered per user and record type, else suggested from the headers."""

from __future__ import annotations

import re
import unicodedata

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from moyeu.core.context import Actor
from moyeu.core.errors import ValidationFailed
from moyeu.core.services import custom_fields
from moyeu.dataio import relations
from moyeu.dataio.models import ImportMapping, ImportMode
from moyeu.dataio.specs import DataSpec


def normal_header(header: str) -> str:
    text = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "", text)


def importable_fields(spec: DataSpec) -> list[tuple[str, str]]:
    """(field name, label) of every field a column may go to."""
    fields = [(f.name, str(f.label)) for f in spec.fields]
    fields += [(name, str(relations.LABELS[name])) for name in relations.PLATFORM]
    if spec.link is not None:
        fields.append((spec.link.name, str(spec.link.label)))
    for definition in custom_fields.definitions_for(spec.model._meta.label_lower):
        fields.append((f"custom.{definition.name}", str(definition.label)))
    return fields


def suggest(actor: Actor, spec: DataSpec, headers: list[str]) -> dict[str, str]:
    remembered: dict[str, str] = {}
    if actor.user is not None:
        memory = ImportMapping.objects.filter(user=actor.user, record_type=spec.record_type).first()
        remembered = memory.mapping if memory else {}
    known: dict[str, str] = {}
    for spec_field in spec.fields:
        names = [spec_field.name, *spec_field.aliases]
        for language in ("en", "fr"):
            with override(language):
                names.append(str(spec_field.label))
        for name in names:
            known.setdefault(normal_header(name), spec_field.name)
    others = [(n, relations.LABELS[n], relations.ALIASES[n]) for n in relations.PLATFORM]
    if spec.link is not None:
        others.append((spec.link.name, spec.link.label, spec.link.aliases))
    for field_name, label, aliases in others:
        names = [field_name, *aliases]
        for language in ("en", "fr"):
            with override(language):
                names.append(str(label))
        for name in names:
            known.setdefault(normal_header(name), field_name)
    for name, label in importable_fields(spec):
        known.setdefault(normal_header(label), name)
        known.setdefault(normal_header(name), name)
    valid = {name for name, _label in importable_fields(spec)}
    mapping: dict[str, str] = {}
    for header in headers:
        key = normal_header(header)
        if key.startswith("externalids") or header.startswith("external_ids."):
            mapping[header] = "external_ids." + header.split(".", 1)[-1].strip()
            continue
        choice = remembered.get(key) or known.get(key, "")
        if choice in valid and choice not in mapping.values():
            mapping[header] = choice
    return mapping


def check_mapping(
    spec: DataSpec, headers: list[str], mapping: dict[str, str], mode: str, key: str
) -> None:
    errors: dict[str, list[str]] = {}
    valid = {name for name, _label in importable_fields(spec)}
    used: dict[str, str] = {}
    for header, name in mapping.items():
        if not name:
            continue
        if header not in headers:
            errors[f"mapping.{header}"] = [_("No such column in the file.")]
        elif name not in valid and not (name.startswith("external_ids.") and spec.is_key(name)):
            errors[f"mapping.{header}"] = [_("Unknown field %s.") % name]
        elif name in used:
            errors[f"mapping.{header}"] = [_("Already mapped from column %s.") % used[name]]
        used[name] = header
    if mode not in ImportMode.values:
        errors["mode"] = [_("Unknown mode.")]
    if key and not spec.is_key(key):
        errors["key"] = [_("%s cannot be used as a key.") % key]
    elif key and key not in used:
        errors["key"] = [_("Map a column to the key field %s.") % key]
    elif mode in (ImportMode.UPDATE, ImportMode.UPSERT) and not key:
        errors["key"] = [_("Updating needs a key: choose the field that identifies a record.")]
    if not used:
        errors["mapping"] = [_("Map at least one column.")]
    if errors:
        raise ValidationFailed(errors)


def remember(actor: Actor, spec: DataSpec, mapping: dict[str, str]) -> None:
    if actor.user is None:
        return
    memory, _created = ImportMapping.objects.get_or_create(
        user=actor.user, record_type=spec.record_type
    )
    memory.mapping = {**memory.mapping, **{normal_header(h): f for h, f in mapping.items() if f}}
    memory.updated_at = timezone.now()
    memory.save(update_fields=["mapping", "updated_at"])
