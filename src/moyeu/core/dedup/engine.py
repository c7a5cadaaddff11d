"""Blocking and scoring: the one engine behind the scan, the check at creation and imports.

Pairs are only ever compared inside a block (records sharing a blocking key). A pair found in
several blocks is scored once: in a later block it is skipped when the two records share a
key of an earlier kind. Weak blocks (names) first pass a prefilter run by rapidfuzz in C over
one short string per record; strong blocks (e-mail, phone, company id) are scored in full.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from rapidfuzz import fuzz, process

from moyeu.core.dedup.spec import Candidate, Features, Level, MatchSpec, Reason


def score_pair(
    spec: MatchSpec, a: Features, b: Features, *, is_common: bool = False
) -> tuple[float, tuple[Reason, ...]]:
    """The combined similarity of two prepared records (0..1) and the reason per field.

    Fields empty on either side do not count; without any identifying field on both sides
    (only names, say), the score is capped below "certain" since namesakes exist, and below
    "possible" when the name is a common one (``is_common``: known to the scan).
    """
    total = 0.0
    weights = 0.0
    reasons: list[Reason] = []
    identified = False
    for comparator in spec.comparators:
        result = comparator.compare(a, b)
        if result is None:
            continue
        similarity, detail = result
        total += comparator.weight * similarity
        weights += comparator.weight
        reasons.append(Reason(comparator.name, similarity, comparator.weight, detail))
        identified = identified or comparator.name in spec.identifying
    if not weights:
        return 0.0, ()
    score = total / weights
    if identified:
        return score, tuple(reasons)
    cap = (spec.certain + spec.possible) / 2
    detail = "no identifying field on both sides"
    if is_common:
        cap = spec.possible * 0.95
        detail = "a common name and no identifying field on both sides"
    if score > cap:
        score = cap
        reasons.append(Reason("evidence", cap, 0.0, detail))
    return score, tuple(reasons)


def level_of(spec: MatchSpec, score: float) -> Level | None:
    if score >= spec.certain:
        return "certain"
    if score >= spec.possible:
        return "possible"
    return None


def candidate(
    spec: MatchSpec, record_id: Any, a: Features, b: Features, *, is_common: bool = False
) -> Candidate | None:
    score, reasons = score_pair(spec, a, b, is_common=is_common)
    level = level_of(spec, score)
    if level is None:
        return None
    return Candidate(record_id, score, level, reasons)


@dataclass(frozen=True)
class Block:
    kind: int  # index of the blocking key in the spec
    key: str
    members: tuple[int, ...]  # indexes into the features list


@dataclass
class ScanStats:
    records: int = 0
    blocks: int = 0
    oversized_blocks: int = 0
    pairs_in_blocks: int = 0
    pairs_scored: int = 0
    pairs_found: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


class Blocking:
    """The blocks of a list of prepared records, in a stable order (for resuming a scan)."""

    def __init__(self, spec: MatchSpec, features: Sequence[Features]) -> None:
        self.spec = spec
        self.features = features
        self.max_block = int(getattr(settings, "MOYEU_DEDUP_MAX_BLOCK", 2000))
        self.keys: list[list[frozenset[str]]] = []
        self.blocks: list[Block] = []
        self.oversized = 0
        # A value is common when more than 1 record in 2,000 (and at least 5) have it.
        self.common_limit = max(5, len(features) // 2000)
        self.counts: Counter[str] = Counter(
            spec.frequency(record) for record in features if spec.frequency is not None
        )
        for kind, blocking_key in enumerate(spec.blocking):
            per_record: list[frozenset[str]] = []
            groups: dict[str, list[int]] = {}
            for index, record in enumerate(features):
                keys = frozenset(blocking_key.keys(record))
                per_record.append(keys)
                for key in keys:
                    groups.setdefault(key, []).append(index)
            self.keys.append(per_record)
            for key in sorted(groups):
                members = groups[key]
                if len(members) < 2:
                    continue
                if len(members) > self.max_block:
                    # A shared switchboard number or a generic address: not evidence.
                    self.oversized += 1
                    continue
                self.blocks.append(Block(kind, key, tuple(members)))

    def seen_earlier(self, kind: int, i: int, j: int) -> bool:
        return any(self.keys[k][i] & self.keys[k][j] for k in range(kind))

    def is_common(self, index: int) -> bool:
        if self.spec.frequency is None:
            return False
        return self.counts[self.spec.frequency(self.features[index])] > self.common_limit

    def pairs(self, block: Block) -> Iterator[tuple[int, int]]:
        """The pairs of a block worth scoring in full."""
        members = block.members
        strong = self.spec.blocking[block.kind].is_strong
        if strong or len(members) <= 3:
            for x, i in enumerate(members):
                for j in members[x + 1 :]:
                    yield i, j
            return
        quick = [self.spec.quick(self.features[i]) for i in members]
        for x, i in enumerate(members[:-1]):
            rest = quick[x + 1 :]
            for _choice, _score, offset in process.extract(
                quick[x],
                rest,
                scorer=fuzz.ratio,
                score_cutoff=self.spec.quick_cutoff,
                limit=None,
            ):
                yield i, members[x + 1 + offset]

    def compare(self, block: Block, stats: ScanStats) -> list[tuple[int, int, Candidate]]:
        """Score a block's pairs; the found ones, (i, j, candidate of j for i), i < j."""
        found: list[tuple[int, int, Candidate]] = []
        size = len(block.members)
        stats.blocks += 1
        stats.pairs_in_blocks += size * (size - 1) // 2
        for i, j in self.pairs(block):
            if self.seen_earlier(block.kind, i, j):
                continue
            stats.pairs_scored += 1
            match = candidate(
                self.spec,
                j,
                self.features[i],
                self.features[j],
                is_common=self.is_common(i) and self.is_common(j),
            )
            if match is not None:
                first, second = (i, j) if i < j else (j, i)
                found.append((first, second, match))
        stats.pairs_found += len(found)
        return found
