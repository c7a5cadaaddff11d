"""/duplicates (the review queue, dismissing, scans, checks) and /contacts|accounts/merge."""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import uuid
from typing import Any, Literal

from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from moyeu.api.auth import actor_of
from moyeu.api.pagination import Ordering, encode_cursor
from moyeu.api.problems import ApiProblem
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
    cluster: uuid.UUID | None = Field(
        default=None,
        description="The cluster of open pairs this pair belongs to (see /duplicates/clusters); "
        "null for a reviewed pair.",
    )


class CandidateQuery(Schema):
    record_type: RecordTypeName = "directory.contact"
    status: DuplicateStatus = DuplicateStatus.OPEN
    cluster: uuid.UUID | None = Field(
        default=None, description="Only the open pairs of this cluster."
    )
    limit: int = Field(default=25, ge=1, le=200)
    cursor: str | None = None


class ClusterOut(Schema):
    id: uuid.UUID = Field(
        description="The smallest record id of the cluster: the same while its records are."
    )
    record_type: str
    size: int = Field(description="How many records the cluster links.")
    record_ids: list[uuid.UUID]
    score: float = Field(description="The best score of its pairs.")
    level: Literal["certain", "possible"] = Field(
        description="certain when one of its pairs is certain."
    )
    pairs: list[CandidateOut] = Field(description="Its open pairs, best score first.")
    distinct_pairs: list[tuple[uuid.UUID, uuid.UUID]] = Field(
        description="Pairs of its records someone marked as not duplicates: merging the whole "
        "cluster would merge them anyway."
    )


class ClusterQuery(Schema):
    record_type: RecordTypeName = "directory.contact"
    limit: int = Field(default=25, ge=1, le=100)
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


_BEST_FIRST = Ordering("score", descending=True)


def _encode(score: float, last_id: Any) -> str:
    return encode_cursor(_BEST_FIRST, {"score": score, "id": last_id}, "id")


def _decode(cursor: str, parse: Any) -> tuple[float, Any]:
    """(score, id) of the last item of the previous page; 400 naming ``cursor`` if broken."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if payload["o"] != _BEST_FIRST.label:
            raise ValueError("cursor of another ordering")
        return float(payload["v"]), parse(payload["id"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        message = "Invalid cursor; start again without one."
        raise ApiProblem(400, "api.bad_filter", message, errors=[("cursor", message)]) from None


@duplicates_router.get("", response=Page[CandidateOut])
def list_duplicates(request: HttpRequest, query: Query[CandidateQuery]) -> Any:
    """Pairs of which you may see both records, best score first, with the reason per field.

    Open pairs carry their `cluster`; `?cluster=` lists the open pairs of one cluster."""
    actor = actor_of(request)
    rows = dedup_queue.visible_candidates(actor, query.record_type, query.status)
    clusters: dict[uuid.UUID, uuid.UUID] = {}
    if query.status == DuplicateStatus.OPEN:
        clusters = dedup_queue.cluster_map(actor, query.record_type)
    if query.cluster is not None:
        members = [pk for pk, key in clusters.items() if key == query.cluster]
        rows = rows.filter(first_id__in=members)
    if query.cursor:
        score, last_id = _decode(query.cursor, int)
        rows = rows.filter(Q(score__lt=score) | Q(score=score, id__gt=last_id))
    items = list(rows[: query.limit + 1])
    cursor = None
    if len(items) > query.limit:
        items = items[: query.limit]
        cursor = _encode(items[-1].score, items[-1].pk)
    for item in items:
        item.cluster = clusters.get(item.first_id)  # type: ignore[attr-defined]
    return {"items": items, "next_cursor": cursor}


@duplicates_router.get("/clusters", response=Page[ClusterOut])
def list_duplicate_clusters(request: HttpRequest, query: Query[ClusterQuery]) -> Any:
    """Records linked by open pairs you may see (connected components), best score first.

    Merge one with `POST /contacts/merge` (or `/accounts/merge`): a survivor and the others as
    losers."""
    clusters = dedup_queue.visible_clusters(actor_of(request), query.record_type)
    if query.cursor:
        score, last_id = _decode(query.cursor, uuid.UUID)
        clusters = [c for c in clusters if (-c.score, c.id) > (-score, last_id)]
    page = clusters[: query.limit]
    cursor = _encode(page[-1].score, page[-1].id) if len(clusters) > query.limit else None
    items = []
    for cluster in dedup_queue.fill_clusters(page):
        for pair in cluster.pairs:
            pair.cluster = cluster.id  # type: ignore[attr-defined]
        items.append(
            {
                "id": cluster.id,
                "record_type": cluster.record_type,
                "size": len(cluster.record_ids),
                "record_ids": cluster.record_ids,
                "score": cluster.score,
                "level": cluster.level,
                "pairs": cluster.pairs,
                "distinct_pairs": cluster.distinct,
            }
        )
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
