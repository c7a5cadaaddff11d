"""The review queue: candidates people may see, dismissing a pair, starting a scan."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from moyeu.core import access
from moyeu.core.context import Actor, action_context
from moyeu.core.dedup.registry import model_of, spec_for
from moyeu.core.errors import Conflict, NotFound, PermissionDenied
from moyeu.core.models import (
    DuplicateCandidate,
    DuplicateDismissal,
    DuplicateScan,
    DuplicateStatus,
)
from moyeu.core.services import audit

_NOTHING = Q(pk__in=[])

# Declared in the registry by the core app (moyeu.core.apps).
DISMISSED = "core.duplicate.dismissed"
SCAN_STARTED = "core.duplicate.scan_started"
AUDIT_CODES = (DISMISSED, SCAN_STARTED)


def may_merge_some(actor: Actor, record_type: str) -> bool:
    """Whether ``actor`` has a ``merge`` grant on this record type (menus, scans)."""
    return access.scope_filter(actor, model_of(spec_for(record_type)), "merge") != _NOTHING


def visible_candidates(
    actor: Actor, record_type: str, status: str = DuplicateStatus.OPEN
) -> models.QuerySet[DuplicateCandidate]:
    """The pairs of which ``actor`` may see both records, best first."""
    model = model_of(spec_for(record_type))
    visible = model._default_manager.filter(access.scope_filter(actor, model, "view"))
    ids = visible.values("pk")
    return DuplicateCandidate.objects.filter(
        record_type=record_type, status=status, first_id__in=ids, second_id__in=ids
    ).order_by("-score", "id")


def candidate_records(candidate: DuplicateCandidate) -> dict[Any, models.Model]:
    model = model_of(spec_for(candidate.record_type))
    pair = (candidate.first_id, candidate.second_id)
    return {obj.pk: obj for obj in model._default_manager.filter(pk__in=pair)}


def candidate_dismiss(*, actor: Actor, candidate_id: int) -> DuplicateCandidate:
    """Mark a pair "not a duplicate": it leaves the queue and no scan proposes it again."""
    with action_context(channel=actor.channel), transaction.atomic():
        candidate = DuplicateCandidate.objects.select_for_update().filter(pk=candidate_id).first()
        if candidate is None:
            raise NotFound(_("No such duplicate candidate."))
        records = candidate_records(candidate)
        if len(records) < 2 or not all(access.can(actor, r, "view") for r in records.values()):
            raise NotFound(_("No such duplicate candidate."))
        if not all(access.can(actor, r, "merge") for r in records.values()):
            raise PermissionDenied(_("You may not merge these records."))
        if candidate.status != DuplicateStatus.OPEN:
            raise Conflict(_("This pair was already reviewed."), code="core.duplicate_reviewed")
        DuplicateDismissal.objects.get_or_create(
            record_type=candidate.record_type,
            first_id=candidate.first_id,
            second_id=candidate.second_id,
            defaults={"dismissed_by": actor.user},
        )
        candidate.status = DuplicateStatus.DISMISSED
        candidate.resolved_at = timezone.now()
        candidate.resolved_by = actor.user
        candidate.save(update_fields=["status", "resolved_at", "resolved_by"])
        audit.record(
            None,
            DISMISSED,
            actor,
            data={
                "record_type": candidate.record_type,
                "first_id": str(candidate.first_id),
                "second_id": str(candidate.second_id),
                "score": candidate.score,
            },
        )
    return candidate


def scan_start(*, actor: Actor, record_type: str) -> tuple[DuplicateScan, str]:
    """Queue a whole-base scan of ``record_type``: (the scan, its job's result id)."""
    from moyeu.core.dedup.tasks import duplicate_scan

    if not may_merge_some(actor, record_type):
        raise PermissionDenied(_("You may not merge these records."))
    with action_context(channel=actor.channel), transaction.atomic():
        scan = DuplicateScan.objects.create(record_type=record_type, created_by=actor.user)
        result = duplicate_scan.enqueue(str(scan.pk))
        audit.record(None, SCAN_STARTED, actor, data={"record_type": record_type})
    return scan, str(result.id)


@dataclass
class Cluster:
    """Records linked by open pairs (certain or possible), which may all be one.

    ``id`` is the smallest record id of the cluster: it stays the same while the cluster does.
    ``distinct`` lists the pairs inside it that someone marked as not duplicates.
    """

    id: uuid.UUID
    record_type: str
    record_ids: list[uuid.UUID]
    score: float
    level: str
    pair_ids: list[int]
    pairs: list[DuplicateCandidate] = field(default_factory=list)
    distinct: list[tuple[uuid.UUID, uuid.UUID]] = field(default_factory=list)


def _components(edges: list[tuple[uuid.UUID, uuid.UUID]]) -> dict[uuid.UUID, uuid.UUID]:
    """Each record's cluster id (the smallest id of its connected component)."""
    parent: dict[uuid.UUID, uuid.UUID] = {}

    def root(node: uuid.UUID) -> uuid.UUID:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for first, second in edges:
        a, b = root(first), root(second)
        if a != b:
            # The smaller id becomes the root, so a root is its component's smallest id.
            parent[max(a, b)] = min(a, b)
    return {node: root(node) for node in parent}


def cluster_map(actor: Actor, record_type: str) -> dict[uuid.UUID, uuid.UUID]:
    """Record id → cluster id, over the open pairs ``actor`` may see."""
    rows = visible_candidates(actor, record_type).values_list("first_id", "second_id")
    return _components(list(rows))


def visible_clusters(actor: Actor, record_type: str) -> list[Cluster]:
    """The clusters of the open pairs ``actor`` may see, best pair score first, without their
    pairs and distinct pairs (see :func:`fill_clusters`)."""
    rows = list(
        visible_candidates(actor, record_type).values_list(
            "pk", "first_id", "second_id", "score", "level"
        )
    )
    component = _components([(first, second) for _pk, first, second, _s, _l in rows])
    clusters: dict[uuid.UUID, Cluster] = {}
    for pk, first, second, score, level in rows:  # best score first
        key = component[first]
        cluster = clusters.get(key)
        if cluster is None:
            cluster = clusters[key] = Cluster(key, record_type, [], score, level, [])
        cluster.pair_ids.append(pk)
        cluster.record_ids.extend((first, second))
        if level == "certain":
            cluster.level = "certain"
    for cluster in clusters.values():
        cluster.record_ids = sorted(set(cluster.record_ids))
    return sorted(clusters.values(), key=lambda c: (-c.score, c.id))


def fill_clusters(clusters: list[Cluster]) -> list[Cluster]:
    """Load the pairs (best first) and the pairs marked distinct of ``clusters``."""
    if not clusters:
        return clusters
    pair_ids = [pk for cluster in clusters for pk in cluster.pair_ids]
    pairs = {c.pk: c for c in DuplicateCandidate.objects.filter(pk__in=pair_ids)}
    members = {pk: cluster for cluster in clusters for pk in cluster.record_ids}
    dismissed = DuplicateDismissal.objects.filter(
        record_type=clusters[0].record_type,
        first_id__in=list(members),
        second_id__in=list(members),
    ).order_by("first_id", "second_id")
    for cluster in clusters:
        cluster.pairs = [pairs[pk] for pk in cluster.pair_ids if pk in pairs]
    for first, second in dismissed.values_list("first_id", "second_id"):
        if members[first] is members[second]:
            members[first].distinct.append((first, second))
    return clusters
