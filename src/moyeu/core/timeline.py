"""The timeline of a record: items from every module, merged newest first.

A module contributes items by declaring a provider in its ModuleConfig
(``timeline_providers = ["moyeu.activities.timeline.ActivityTimeline"]``): a class with the
``kinds`` it produces and ``items(query)``, which answers at most ``query.limit`` items the
viewer may see, newest first, strictly before ``query.before``. The platform merges the
providers' answers; no module imports another's models. Core itself contributes the record's
changes from the audit log (kind ``change``).

A module can also say which other records' items belong on a record's timeline
(``timeline_related``: an account's timeline shows its contacts' activities).

Items are ordered by ``(occurred_at, id)`` descending; ids are UUIDs (v7), unique across
sources, so the pair is a total order and the cursor is that pair.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import heapq
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from moyeu.core.context import Actor
from moyeu.core.errors import NotFound
from moyeu.core.models import AuditEntry
from moyeu.core.registry import registry

CHANGE = "change"
MAX_LIMIT = 100


class TimelineQueryError(ValueError):
    """A parameter of a timeline request is wrong; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class RecordRef:
    record_type: str  # lower-case model label: "directory.contact"
    id: uuid.UUID

    def __str__(self) -> str:
        return f"{self.record_type}:{self.id}"


@dataclass(frozen=True)
class TimelineItem:
    id: uuid.UUID
    kind: str  # one of the registry's timeline kinds: "call", "change", "document"...
    occurred_at: datetime.datetime
    title: str
    record: RecordRef  # the record it belongs to (a contact's, on its account's timeline)
    summary: str = ""
    actor_label: str = ""
    source: str = ""  # what the id is an id of: "activities.activity", "core.auditentry"
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def sort_key(self) -> tuple[datetime.datetime, uuid.UUID]:
        return (self.occurred_at, self.id)


@dataclass(frozen=True)
class TimelineQuery:
    actor: Actor
    record: RecordRef
    related: tuple[RecordRef, ...]  # records whose items also belong here (visible ones)
    kinds: frozenset[str] | None  # None: every kind
    before: tuple[datetime.datetime, uuid.UUID] | None
    limit: int

    def wants(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds

    def before_q(self, date_field: str = "occurred_at", id_field: str = "id") -> Q:
        """The condition "strictly before the cursor" on a model's date and id columns."""
        if self.before is None:
            return Q()
        when, last_id = self.before
        return Q(**{f"{date_field}__lt": when}) | Q(
            **{date_field: when, f"{id_field}__lt": last_id}
        )


class TimelineProvider(Protocol):
    kinds: tuple[str, ...]

    def items(self, query: TimelineQuery) -> Sequence[TimelineItem]: ...


class AuditTimeline:
    """The record's own changes, from the audit log: created, changed, owner changed, merged."""

    kinds: tuple[str, ...] = (CHANGE,)
    hidden_fields = frozenset({"updated_at", "updated_by", "version"})

    def items(self, query: TimelineQuery) -> list[TimelineItem]:
        if not query.wants(CHANGE):
            return []
        entries = (
            AuditEntry.objects.filter(object_id=query.record.id)
            .filter(content_type=_content_type(query.record.record_type))
            .filter(query.before_q())
            .order_by("-occurred_at", "-id")[: query.limit]
        )
        return [self.item(query.record, entry) for entry in entries]

    def item(self, record: RecordRef, entry: AuditEntry) -> TimelineItem:
        verb = entry.code.rsplit(".", 1)[-1]
        fields = sorted(k for k in entry.changes if k not in self.hidden_fields)
        titles = {
            "created": _("Created"),
            "deleted": _("Deleted"),
            "merged": _("Merged with a duplicate"),
            "merge_undone": _("Merge undone"),
        }
        if verb in titles:
            title = titles[verb]
        elif verb == "updated" and "owner_id" in fields:
            title = _("Owner changed")
        elif verb == "updated":
            title = _("Changed: %(fields)s") % {"fields": ", ".join(fields)}
        else:
            title = titled(entry.code, entry.data)
        changes = {k: entry.changes[k] for k in fields} if verb == "updated" else {}
        return TimelineItem(
            id=entry.id,
            kind=CHANGE,
            occurred_at=entry.occurred_at,
            title=title,
            record=record,
            actor_label=entry.actor_label,
            source="core.auditentry",
            data={"code": entry.code, "changes": changes},
        )


def titled(code: str, data: dict[str, Any]) -> str:
    """The title a module declared for an audit code, filled from the entry's data; the code
    itself when none is declared."""
    template = registry.audit_title(code)
    if template is None:
        return code
    values = {k: v.get("name", "") if isinstance(v, dict) else v for k, v in data.items()}
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return str(template)


def _content_type(record_type: str) -> ContentType:
    app_label, model = record_type.split(".", 1)
    return ContentType.objects.get_by_natural_key(app_label, model)


@cache
def _provider(path: str) -> TimelineProvider:
    provider: TimelineProvider = import_string(path)()
    return provider


def providers() -> list[TimelineProvider]:
    return [AuditTimeline(), *(_provider(path) for path in registry.timeline_providers())]


def kinds() -> list[str]:
    return sorted({CHANGE, *registry.timeline_kinds()})


def parse_record(raw: str) -> RecordRef:
    """``directory.contact:<uuid>``, or a bare ``<uuid>`` (ids are unique across types)."""
    record_type, _sep, raw_id = raw.strip().rpartition(":")
    try:
        record_id = uuid.UUID(raw_id)
    except ValueError:
        raise TimelineQueryError("record", _("Give a record as <type>:<id> or <id>.")) from None
    if record_type:
        if registry.record_model(record_type) is None:
            raise TimelineQueryError("record", _("Unknown record type: %s.") % record_type)
        return RecordRef(record_type.lower(), record_id)
    for _spec, declared in registry.record_types():
        model = registry.record_model(declared.model_label)
        if model is not None and model._default_manager.filter(pk=record_id).exists():
            return RecordRef(declared.model_label.lower(), record_id)
    raise NotFound(_("No such record."))


def encode_cursor(item: TimelineItem) -> str:
    raw = json.dumps({"t": item.occurred_at.isoformat(), "id": str(item.id)}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime.datetime, uuid.UUID]:
    try:
        payload = json.loads(base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()))
        when = datetime.datetime.fromisoformat(payload["t"])
        if when.tzinfo is None:
            raise ValueError("naive")
        return when, uuid.UUID(payload["id"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise TimelineQueryError("cursor", _("Invalid cursor; start again without one.")) from None


def related_records(actor: Actor, record: RecordRef) -> tuple[RecordRef, ...]:
    found: list[RecordRef] = []
    for path in registry.timeline_related(record.record_type):
        hook: Callable[[Actor, uuid.UUID], Sequence[RecordRef]] = import_string(path)
        found.extend(hook(actor, record.id))
    return tuple(dict.fromkeys(ref for ref in found if ref != record))


def check_visible(actor: Actor, record: RecordRef) -> None:
    model = registry.record_model(record.record_type)
    if model is None or not (
        model._default_manager.visible_to(actor, "view").filter(pk=record.id).exists()  # type: ignore[attr-defined]
    ):
        raise NotFound(_("No such record."))


def timeline_page(
    actor: Actor,
    record: RecordRef,
    *,
    kinds_wanted: Sequence[str] = (),
    cursor: str | None = None,
    limit: int = 25,
) -> tuple[list[TimelineItem], str | None]:
    """One page of ``record``'s timeline as ``actor`` may see it: (items, next cursor)."""
    check_visible(actor, record)
    if not 1 <= limit <= MAX_LIMIT:
        raise TimelineQueryError("limit", _("Give a limit from 1 to %d.") % MAX_LIMIT)
    known = set(kinds())
    unknown = sorted(set(kinds_wanted) - known)
    if unknown:
        raise TimelineQueryError(
            "kind",
            _("Unknown kind: %(kind)s; one of %(known)s.")
            % {"kind": unknown[0], "known": ", ".join(sorted(known))},
        )
    query = TimelineQuery(
        actor=actor,
        record=record,
        related=related_records(actor, record),
        kinds=frozenset(kinds_wanted) or None,
        before=decode_cursor(cursor) if cursor else None,
        limit=limit + 1,
    )
    answers = [
        provider.items(query)
        for provider in providers()
        if query.kinds is None or query.kinds & set(provider.kinds)
    ]
    merged = heapq.merge(*answers, key=lambda item: item.sort_key, reverse=True)
    items = [item for _index, item in zip(range(limit + 1), merged, strict=False)]
    if len(items) <= limit:
        return items, None
    items = items[:limit]
    return items, encode_cursor(items[-1])
