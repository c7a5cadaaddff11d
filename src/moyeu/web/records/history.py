"""The "History" panel: the audit entries of one record, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from moyeu.core.context import Actor
from moyeu.core.models import AuditEntry
from moyeu.core.timeline import titled

# Book-keeping fields that change with every edit and say nothing to a reader.
_HIDDEN = {
    "id",
    "version",
    "created_at",
    "updated_at",
    "created_by",
    "created_by_id",
    "updated_by",
    "updated_by_id",
}

VERBS = {
    "created": _("created the record"),
    "updated": _("changed"),
    "deleted": _("deleted the record"),
    # Activities' own steps (a task or meeting done, reopened, cancelled, invitations sent).
    "completed": _("marked it done"),
    "reopened": _("reopened it"),
    "cancelled": _("cancelled it"),
    "invited": _("sent the invitations"),
    "reminder_sent": _("sent the reminder"),
}


@dataclass(frozen=True)
class Change:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class HistoryItem:
    entry: AuditEntry
    verb: Any
    changes: list[Change]


def _label(model: type[Model], name: str) -> str:
    for field in model._meta.get_fields():
        if name in (field.name, getattr(field, "attname", None)):
            return capfirst(str(getattr(field, "verbose_name", name))) or name
    return capfirst(name.replace("_", " ")) or name


def _row(row: dict[str, Any]) -> str:
    """A child row (a phone, an address) as its texts: "work · +33 4 72 41 18 30"."""
    return " · ".join(str(v) for v in row.values() if isinstance(v, str) and v)


def _show(value: Any) -> Any:
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, list):
        return "; ".join(_row(v) if isinstance(v, dict) else str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return value


def _related_names(
    actor: Actor, model: type[Model], entries: list[AuditEntry]
) -> dict[str, dict[str, str]]:
    """For foreign keys (by attname) and choice fields, the names of the values mentioned.

    Business records are named only when the reader may see them; others stay ids.
    """
    names: dict[str, dict[str, str]] = {}
    for field in model._meta.concrete_fields:
        if not field.is_relation or field.related_model is None:
            continue
        attname = field.attname
        ids = {
            str(value)
            for entry in entries
            for value in entry.changes.get(attname, [])
            if value not in (None, "")
        }
        if not ids:
            continue
        related: Any = field.related_model
        queryset = related.objects.filter(pk__in=ids)
        if hasattr(queryset, "visible_to"):
            queryset = queryset.visible_to(actor, "view")
        names[attname] = {str(obj.pk): str(obj) for obj in queryset}
    for field in model._meta.concrete_fields:
        if field.choices and not field.is_relation:
            names[field.name] = {str(value): str(label) for value, label in field.flatchoices}
    return names


def history_for(actor: Actor, record: Model, limit: int = 20) -> list[HistoryItem]:
    entries = list(
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=record.pk
        ).order_by("-occurred_at", "-id")[:limit]
    )
    related = _related_names(actor, type(record), entries)
    items = []
    for entry in entries:
        verb = VERBS.get(entry.code.rsplit(".", 1)[-1]) or titled(entry.code, entry.data)
        changes = [
            Change(
                _label(type(record), name),
                _show(related.get(name, {}).get(str(before), before)),
                _show(related.get(name, {}).get(str(after), after)),
            )
            for name, (before, after) in sorted(entry.changes.items())
            if name not in _HIDDEN
        ]
        items.append(HistoryItem(entry=entry, verb=verb, changes=changes))
    return items
