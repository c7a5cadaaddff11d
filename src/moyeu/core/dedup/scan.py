"""The whole-base scan: every record of a type, blocked and scored, into the review queue.

Candidates are written per chunk of blocks together with the scan's ``next_block``, so a job
that dies is resumed by its retry where it stopped. Pairs already dismissed never come back;
open pairs found again get their new score.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from moyeu.core.dedup.engine import Blocking, ScanStats
from moyeu.core.dedup.registry import model_of, spec_for
from moyeu.core.dedup.spec import Candidate, MatchSpec
from moyeu.core.models import DuplicateCandidate, DuplicateDismissal, DuplicateScan

BLOCKS_PER_CHUNK = 20000
Progress = Callable[[int, int, str], None]


def load(spec: MatchSpec) -> tuple[list[Any], list[dict[str, Any]]]:
    """(ids, prepared features) of every stored record, in id order."""
    rows = model_of(spec)._default_manager.order_by("pk").values_list("pk", *spec.columns)
    ids: list[Any] = []
    features: list[dict[str, Any]] = []
    for row in rows.iterator(chunk_size=10000):
        ids.append(row[0])
        features.append(spec.prepare(dict(zip(spec.columns, row[1:], strict=True))))
    return ids, features


def _write(record_type: str, ids: Sequence[Any], found: list[tuple[int, int, Candidate]]) -> int:
    pairs: dict[tuple[Any, Any], Candidate] = {}
    for i, j, match in found:
        first, second = sorted((ids[i], ids[j]), key=str)
        pairs[(first, second)] = match
    if not pairs:
        return 0
    firsts = {first for first, _second in pairs}
    dismissed = set(
        DuplicateDismissal.objects.filter(record_type=record_type, first_id__in=firsts)
        .values_list("first_id", "second_id")
        .iterator()
    )
    existing = {
        (row.first_id, row.second_id): row
        for row in DuplicateCandidate.objects.filter(record_type=record_type, first_id__in=firsts)
    }
    new: list[DuplicateCandidate] = []
    changed: list[DuplicateCandidate] = []
    for pair, match in pairs.items():
        if pair in dismissed:
            continue
        reasons = [reason.as_json() for reason in match.reasons]
        row = existing.get(pair)
        if row is None:
            new.append(
                DuplicateCandidate(
                    record_type=record_type,
                    first_id=pair[0],
                    second_id=pair[1],
                    score=round(match.score, 4),
                    level=match.level,
                    reasons=reasons,
                )
            )
        elif row.status == "open":
            row.score, row.level, row.reasons = round(match.score, 4), match.level, reasons
            changed.append(row)
    DuplicateCandidate.objects.bulk_create(new, batch_size=1000)
    DuplicateCandidate.objects.bulk_update(changed, ["score", "level", "reasons"], batch_size=500)
    return len(new)


def run_scan(scan_id: uuid.UUID, *, progress: Progress | None = None) -> DuplicateScan:
    """Run (or resume) a scan; returns it finished, with its figures in ``stats``."""
    scan = DuplicateScan.objects.get(pk=scan_id)
    if scan.status == "done":
        return scan
    spec = spec_for(scan.record_type)
    started = time.monotonic()
    ids, features = load(spec)
    loaded = time.monotonic()
    blocking = Blocking(spec, features)
    blocked = time.monotonic()
    stats = ScanStats(records=len(ids), oversized_blocks=blocking.oversized)
    total = len(blocking.blocks)
    created = int(scan.stats.get("candidates_created", 0))
    position = scan.next_block
    while position < total:
        end = min(total, position + BLOCKS_PER_CHUNK)
        found: list[tuple[int, int, Candidate]] = []
        for block in blocking.blocks[position:end]:
            found.extend(blocking.compare(block, stats))
        with transaction.atomic():
            created += _write(scan.record_type, ids, found)
            scan.next_block = end
            scan.stats = {**scan.stats, "candidates_created": created}
            scan.save(update_fields=["next_block", "stats"])
        position = end
        if progress is not None:
            progress(end, total, f"{stats.pairs_found} pairs found")
    scan.status = "done"
    scan.finished_at = timezone.now()
    scan.stats = {
        "records": stats.records,
        "blocks": total,
        "oversized_blocks": stats.oversized_blocks,
        "pairs_in_blocks": stats.pairs_in_blocks,
        "pairs_scored": stats.pairs_scored,
        "pairs_found": stats.pairs_found,
        "candidates_created": created,
        "seconds_load": round(loaded - started, 2),
        "seconds_blocking": round(blocked - loaded, 2),
        "seconds_total": round(time.monotonic() - started, 2),
    }
    scan.save(update_fields=["status", "finished_at", "stats"])
    return scan
