"""/audit: the history of a record (for whoever can see it) and, for admins, the whole log."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.apps import apps
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from moyeu.api.auth import actor_of
from moyeu.api.pagination import Ordering, paginate
from moyeu.api.problems import ApiProblem
from moyeu.api.schemas import Page
from moyeu.core.errors import NotFound
from moyeu.core.models import AuditEntry
from moyeu.core.registry import registry

router = Router(tags=["audit"])


class AuditEntryOut(Schema):
    id: uuid.UUID
    occurred_at: datetime.datetime
    actor: uuid.UUID | None
    actor_label: str
    channel: str
    code: str
    record_type: str | None
    record_id: uuid.UUID | None
    object_repr: str
    changes: dict[str, list[Any]]
    data: dict[str, Any]
    correlation_id: str

    @staticmethod
    def resolve_actor(obj: AuditEntry) -> Any:
        return obj.actor_id

    @staticmethod
    def resolve_record_type(obj: AuditEntry) -> str | None:
        content_type = obj.content_type
        return f"{content_type.app_label}.{content_type.model}" if content_type else None

    @staticmethod
    def resolve_record_id(obj: AuditEntry) -> Any:
        return obj.object_id


class AuditQuery(Schema):
    record_type: str | None = Field(default=None, examples=["directory.contact"])
    record_id: uuid.UUID | None = None
    code: str | None = None
    actor: uuid.UUID | None = None
    occurred_after: datetime.datetime | None = None
    limit: int = Field(default=25, ge=1, le=200)
    cursor: str | None = None


def _record_filter(request: HttpRequest, query: AuditQuery) -> Q:
    """Entries of one record the caller may view; any entries at all for administrators."""
    actor = actor_of(request)
    is_admin = actor.user is not None and actor.user.is_superuser
    if query.record_type is None or query.record_id is None:
        if is_admin:
            return Q()
        message = _("Give record_type and record_id (administrators may list everything).")
        raise ApiProblem(400, "api.bad_filter", message, errors=[("record_id", message)])
    known = {rt.model_label.lower(): rt.model_label for _spec, rt in registry.record_types()}
    if query.record_type not in known:
        raise NotFound(_("No such record."))
    model = apps.get_model(known[query.record_type])
    if not model.objects.visible_to(actor, "view").filter(pk=query.record_id).exists():
        raise NotFound(_("No such record."))
    app_label, name = query.record_type.split(".")
    return Q(content_type__app_label=app_label, content_type__model=name)


def audit_page(request: HttpRequest, query: AuditQuery) -> dict[str, Any]:
    condition = _record_filter(request, query)
    lookups = {"record_id": "object_id", "code": "code", "actor": "actor_id"}
    for name, lookup in lookups.items():
        if getattr(query, name) is not None:
            condition &= Q(**{lookup: getattr(query, name)})
    if query.occurred_after is not None:
        condition &= Q(occurred_at__gte=query.occurred_after)
    entries = AuditEntry.objects.filter(condition).select_related("content_type")
    items, next_cursor = paginate(
        entries, ordering=Ordering("id", descending=True), cursor=query.cursor, limit=query.limit
    )
    return {"items": items, "next_cursor": next_cursor}


@router.get("", response=Page[AuditEntryOut])
def list_audit_entries(request: HttpRequest, query: Query[AuditQuery]) -> Any:
    """Newest first. Give record_type and record_id for a record's history."""
    return audit_page(request, query)
