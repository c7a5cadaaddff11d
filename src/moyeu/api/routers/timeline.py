"""/timeline: one record's items from every module, newest first (moyeu.core.timeline)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from moyeu.api.auth import actor_of
from moyeu.api.problems import ApiProblem
from moyeu.api.schemas import Page
from moyeu.core import timeline

router = Router(tags=["timeline"])


class TimelineItemOut(Schema):
    id: uuid.UUID
    kind: str = Field(description="call, meeting, task, note, email, message, change, …")
    occurred_at: datetime.datetime
    title: str
    summary: str
    actor_label: str
    record: str = Field(description="The record it belongs to: an account's contact's, say.")
    source: str = Field(description="What `id` is the id of: activities.activity, …")
    data: dict[str, Any]

    @staticmethod
    def resolve_record(obj: timeline.TimelineItem) -> str:
        return str(obj.record)


class TimelineQuery(Schema):
    record: str = Field(
        description="`<type>:<id>` (`directory.account:0193…`) or the id alone.",
        examples=["directory.contact:01936f0e-8a4c-7b1e-9d2f-3c4b5a697881"],
    )
    kind: list[str] = Field(default_factory=list, description="Only these kinds (repeatable).")
    limit: int = Field(default=25, ge=1, le=timeline.MAX_LIMIT)
    cursor: str | None = None


@router.get("", response=Page[TimelineItemOut])
def get_timeline(request: HttpRequest, query: Query[TimelineQuery]) -> Any:
    """A record's activities, changes and other modules' items that you may see, newest first.

    An account's timeline includes its contacts' activities."""
    try:
        record = timeline.parse_record(query.record)
        items, next_cursor = timeline.timeline_page(
            actor_of(request),
            record,
            kinds_wanted=query.kind,
            cursor=query.cursor,
            limit=query.limit,
        )
    except timeline.TimelineQueryError as exc:
        problem = ApiProblem(400, "api.bad_filter", exc.message, errors=[(exc.field, exc.message)])
        raise problem from None
    return {"items": items, "next_cursor": next_cursor}
