"""/merges: a merge's record, and undoing it (any record type that can be merged)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from moyeu.api.auth import actor_of
from moyeu.core import access
from moyeu.core.errors import NotFound
from moyeu.core.merge import merge_model, undo_merge
from moyeu.core.models import MergeRecord

router = Router(tags=["merges"])


class MergeDetail(Schema):
    id: uuid.UUID
    record_type: str
    survivor_id: uuid.UUID
    loser_ids: list[uuid.UUID]
    survivor_version: int
    created_at: datetime.datetime
    correlation_id: str
    undone_at: datetime.datetime | None
    survivor_before: dict[str, Any]
    losers: list[dict[str, Any]]
    moved_rows: int

    @staticmethod
    def resolve_survivor_before(obj: MergeRecord) -> dict[str, Any]:
        return dict(obj.data.get("survivor_before", {}))

    @staticmethod
    def resolve_losers(obj: MergeRecord) -> list[dict[str, Any]]:
        return list(obj.data.get("losers", []))

    @staticmethod
    def resolve_moved_rows(obj: MergeRecord) -> int:
        return len(obj.data.get("moves", []))


def visible_merge(request: HttpRequest, merge_id: uuid.UUID) -> MergeRecord:
    """A merge whose survivor the caller may see (404 otherwise: no existence leak)."""
    merge = MergeRecord.objects.filter(pk=merge_id).first()
    if merge is None:
        raise NotFound("No such merge.")
    model = merge_model(merge)
    visible = model._default_manager.filter(access.scope_filter(actor_of(request), model, "view"))
    if not visible.filter(pk=merge.survivor_id).exists():
        raise NotFound("No such merge.")
    return merge


@router.get("/{merge_id}", response=MergeDetail)
def get_merge(request: HttpRequest, merge_id: uuid.UUID) -> Any:
    """What a merge changed: the survivor's values before, each loser's values, rows moved."""
    return visible_merge(request, merge_id)


@router.post("/{merge_id}/undo", response=MergeDetail)
def undo_merge_request(request: HttpRequest, merge_id: uuid.UUID) -> Any:
    """Restore the losers (same ids), their rows and the survivor's values; 409 naming what
    changed since the merge, if anything did."""
    visible_merge(request, merge_id)
    return undo_merge(merge_id, actor=actor_of(request))
