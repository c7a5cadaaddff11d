"""/search: one query across every searchable record type, grouped by kind, inside access."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from moyeu.api.auth import actor_of
from moyeu.api.problems import ApiProblem
from moyeu.core.errors import ValidationFailed
from moyeu.core.search.query import MAX_LIMIT, search
from moyeu.core.search.rebuild import rebuild_request

router = Router(tags=["search"])


class SearchQuery(Schema):
    q: str = Field(description="Words to find; each must start (or nearly spell) a word.")
    kinds: list[str] = Field(
        default_factory=list,
        description="Record kinds to search (contact, account...): repeated or comma-separated.",
        examples=[["contact"]],
    )
    limit: int = Field(default=5, ge=1, le=MAX_LIMIT, description="Hits per kind.")


class SearchHitOut(Schema):
    id: uuid.UUID
    title: str
    detail: str
    is_fuzzy: bool = Field(description="Found only as a near-miss of a query word.")


class SearchGroupOut(Schema):
    kind: str
    record_type: str
    label: str
    items: list[SearchHitOut]
    has_more: bool = Field(description="More hits of this kind than the limit.")


class SearchOut(Schema):
    q: str
    groups: list[SearchGroupOut]


@router.get("", response=SearchOut)
def search_records(request: HttpRequest, query: Query[SearchQuery]) -> Any:
    """Records of every kind the caller may view whose words match ``q``, grouped by kind;
    kinds without hits are left out."""
    kinds = [k.strip() for value in query.kinds for k in value.split(",") if k.strip()]
    try:
        groups = search(actor_of(request), query.q, kinds=kinds, limit=query.limit)
    except ValidationFailed as exc:
        errors = [
            (field, message) for field, messages in exc.errors.items() for message in messages
        ]
        raise ApiProblem(400, "api.bad_filter", errors[0][1], errors=errors) from None
    return {
        "q": query.q,
        "groups": [
            {
                "kind": group.kind,
                "record_type": group.record_type,
                "label": group.label,
                "items": [
                    {
                        "id": h.record_id,
                        "title": h.title,
                        "detail": h.detail,
                        "is_fuzzy": h.is_fuzzy,
                    }
                    for h in group.hits
                ],
                "has_more": group.has_more,
            }
            for group in groups
        ],
    }


class RebuildIn(Schema):
    kinds: list[str] = Field(default_factory=list, description="Kinds to rebuild; all if empty.")


class RebuildOut(Schema):
    status: str


@router.post("/rebuild", response={202: RebuildOut})
def request_search_rebuild(request: HttpRequest, body: RebuildIn) -> Any:
    """Administrators: rebuild the index in the background (see `/jobs` for its progress)."""
    rebuild_request(actor=actor_of(request), kinds=body.kinds)
    return Status(202, {"status": "enqueued"})
