"""/duplicates (the review queue, dismissing, scans, checks) and /contacts|accounts/merge."""

from __future__ import annotations

import datetime
import uuid
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from moyeu.api.auth import actor_of
from moyeu.api.pagination import Ordering, paginate
from moyeu.api.schemas import Page
from moyeu.core.dedup import find_duplicates
from moyeu.core.dedup import queue as dedup_queue
from moyeu.core.models import DuplicateCandidate, DuplicateStatus
from moyeu.directory.services import merge as merge_services

RecordTypeName = Literal["directory.contact", "directory.account"]


class ReasonOut(Schema):
    field: str
    score: float = Field(description="Similarity of this field, 0 to 1.")
    weight: float
    detail: str


class CandidateOut(Schema):
    id: int
    record_type: str
    first_id: uuid.UUID
    second_id: uuid.UUID
    score: float
    level: Literal["certain", "possible"]
    reasons: list[ReasonOut]
    status: DuplicateStatus
    found_at: datetime.datetime


class CandidateQuery(Schema):
    record_type: RecordTypeName = "directory.contact"
    status: DuplicateStatus = DuplicateStatus.OPEN
    limit: int = Field(default=25, ge=1, le=200)
    cursor: str | None = None


class ScanIn(Schema):
    record_type: RecordTypeName


class ScanOut(Schema):
    scan_id: uuid.UUID
    job_id: str = Field(description="Follow it at /jobs/{job_id} (administrators).")


class CheckIn(Schema):
    record_type: RecordTypeName
    values: dict[str, Any] = Field(description="Field values as a create request takes them.")


class MatchOut(Schema):
    record_id: uuid.UUID
    score: float
    level: Literal["certain", "possible"]
    reasons: list[ReasonOut]


class MergeIn(Schema):
    survivor: uuid.UUID
    losers: list[uuid.UUID] = Field(min_length=1, max_length=20)
    fields: dict[str, uuid.UUID] = Field(
        default_factory=dict,
        description="Per field (or custom.<name>), the record whose value the survivor keeps; "
        "by default the survivor's own, or the first loser's when the survivor's is empty.",
    )
    versions: dict[uuid.UUID, int] = Field(
        default_factory=dict, description="Expected version per record: 412 if one changed."
    )


class MergeOut(Schema):
    id: uuid.UUID
    record_type: str
    survivor_id: uuid.UUID
    loser_ids: list[uuid.UUID]
    survivor_version: int
    created_at: datetime.datetime
    correlation_id: str
    undone_at: datetime.datetime | None


duplicates_router = Router(tags=["duplicates"])
contact_merge_router = Router(tags=["contacts"])
account_merge_router = Router(tags=["accounts"])


@duplicates_router.get("", response=Page[CandidateOut])
def list_duplicates(request: HttpRequest, query: Query[CandidateQuery]) -> Any:
    """Pairs of which you may see both records, best score first, with the reason per field."""
    rows = dedup_queue.visible_candidates(actor_of(request), query.record_type, query.status)
    ordering = Ordering("score", descending=True)
    items, cursor = paginate(rows, ordering=ordering, cursor=query.cursor, limit=query.limit)
    return {"items": items, "next_cursor": cursor}


@duplicates_router.post("/{candidate_id}/dismiss", response=CandidateOut)
def dismiss_duplicate(request: HttpRequest, candidate_id: int) -> DuplicateCandidate:
    """Not a duplicate: the pair leaves the queue and no later scan proposes it again."""
    return dedup_queue.candidate_dismiss(actor=actor_of(request), candidate_id=candidate_id)


@duplicates_router.post("/scans", response={202: ScanOut})
def start_duplicate_scan(request: HttpRequest, payload: ScanIn) -> Any:
    """Scan the whole base in the background; found pairs join the review queue."""
    scan, job_id = dedup_queue.scan_start(actor=actor_of(request), record_type=payload.record_type)
    return Status(202, {"scan_id": scan.pk, "job_id": job_id})


@duplicates_router.post("/check", response=list[MatchOut])
def check_duplicates(request: HttpRequest, payload: CheckIn) -> Any:
    """The records you may see that could be the one described, best first."""
    found = find_duplicates(payload.record_type, payload.values, actor=actor_of(request))
    return [match.as_json() for match in found]


@contact_merge_router.post("/merge", response={201: MergeOut})
def merge_contacts(request: HttpRequest, payload: MergeIn) -> Any:
    """Merge the losers into the survivor: their relations move, then they are deleted."""
    merge = merge_services.contact_merge(
        actor=actor_of(request),
        survivor_id=payload.survivor,
        loser_ids=payload.losers,
        choices=payload.fields,
        expected_versions=payload.versions,
    )
    return Status(201, merge)


@account_merge_router.post("/merge", response={201: MergeOut})
def merge_accounts(request: HttpRequest, payload: MergeIn) -> Any:
    """Merge the losers into the survivor: contacts and every relation move to it."""
    merge = merge_services.account_merge(
        actor=actor_of(request),
        survivor_id=payload.survivor,
        loser_ids=payload.losers,
        choices=payload.fields,
        expected_versions=payload.versions,
    )
    return Status(201, merge)


routers: list[tuple[str, Router]] = [
    ("/duplicates", duplicates_router),
    ("/contacts", contact_merge_router),
    ("/accounts", account_merge_router),
]
