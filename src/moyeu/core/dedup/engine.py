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
    spec: MatchSpec,
    a: Features,
    b: Features,
    *,
    is_common: bool = False,
    limits: tuple[float, float] | None = None,
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
    certain, possible = limits or (spec.certain, spec.possible)
    cap = (certain + possible) / 2
    detail = "no identifying field on both sides"
    if is_common:
        cap = possible * 0.95
        detail = "a common name and no identifying field on both sides"
    if score > cap:
        score = cap
        reasons.append(Reason("evidence", cap, 0.0, detail))
    return score, tuple(reasons)


def level_of(
    spec: MatchSpec, score: float, limits: tuple[float, float] | None = None
) -> Level | None:
    certain, possible = limits or (spec.certain, spec.possible)
    if score >= certain:
        return "certain"
    if score >= possible:
        return "possible"
    return None


def candidate(
    spec: MatchSpec,
    record_id: Any,
    a: Features,
    b: Features,
    *,
    is_common: bool = False,
    limits: tuple[float, float] | None = None,
) -> Candidate | None:
    limits = limits or (spec.certain, spec.possible)
    score, reasons = score_pair(spec, a, b, is_common=is_common, limits=limits)
    level = level_of(spec, score, limits)
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

    def add(self, other: ScanStats) -> None:
        self.blocks += other.blocks
        self.pairs_in_blocks += other.pairs_in_blocks
        self.pairs_scored += other.pairs_scored
        self.pairs_found += other.pairs_found


class Blocking:
    """The blocks of a list of prepared records, in a stable order (for resuming a scan).

    Blocks come by kind (the spec's order of blocking keys), then by key. A pair is scored in
    the first kept block holding both records only: a pair that shares a key of an earlier
    kind, or an earlier key of the same kind (two name keys, say), is skipped. Oversized blocks
    are not kept, so a pair that shares only a generic e-mail is still scored in its name
    block.
    """

    def __init__(self, spec: MatchSpec, features: Sequence[Features]) -> None:
        self.spec = spec
        self.features = features
        self.max_block = int(getattr(settings, "MOYEU_DEDUP_MAX_BLOCK", 2000))
        self.limits = (spec.certain, spec.possible)
        self.evidence = [spec.evidence(record) for record in features]
        self.keys: list[list[tuple[str, ...]]] = []
        self.kept: list[set[str]] = []
        self.blocks: list[Block] = []
        self.oversized = 0
        # A value is common when more than 1 record in 2,000 (and at least 5) have it.
        self.common_limit = max(5, len(features) // 2000)
        frequency = spec.frequency
        if frequency is None:
            self.common = [False] * len(features)
        else:
            values = [frequency(record) for record in features]
            counts = Counter(values)
            limit = self.common_limit
            self.common = [counts[value] > limit for value in values]
        for kind, blocking_key in enumerate(spec.blocking):
            keys_of = blocking_key.keys
            per_record = [tuple(set(keys_of(record))) for record in features]
            groups: dict[str, list[int]] = {}
            for index, keys in enumerate(per_record):
                for key in keys:
                    members = groups.get(key)
                    if members is None:
                        groups[key] = [index]
                    else:
                        members.append(index)
            self.keys.append(per_record)
            kept: set[str] = set()
            for key in sorted(groups):
                members = groups[key]
                if len(members) < 2:
                    continue
                if len(members) > self.max_block:
                    # A shared switchboard number or a generic address: not evidence.
                    self.oversized += 1
                    continue
                kept.add(key)
                self.blocks.append(Block(kind, key, tuple(members)))
            self.kept.append(kept)

    def scored_earlier(self, kind: int, key: str, i: int, j: int) -> bool:
        """Whether the pair (i, j) belongs to a kept block before ``(kind, key)``."""
        for k in range(kind + 1):
            theirs = self.keys[k][j]
            if not theirs:
                continue
            kept = self.kept[k]
            for other in self.keys[k][i]:
                if other in theirs and other in kept and (k < kind or other < key):
                    return True
        return False

    def is_common(self, index: int) -> bool:
        return self.common[index]

    def pairs(self, block: Block) -> Iterator[tuple[int, int]]:
        """The pairs of a block worth scoring in full.

        In a weak block, two records are not paired when both have a common name, or both have
        one same decisive field (both an e-mail, say): sharing no strong key, their score stays
        below "possible" whatever their names. The rest pass the prefilter run in C.
        """
        members = block.members
        if self.spec.blocking[block.kind].is_strong:
            for x, i in enumerate(members):
                for j in members[x + 1 :]:
                    yield i, j
            return
        groups: dict[tuple[int, bool], list[int]] = {}
        for i in members:
            groups.setdefault((self.evidence[i], self.common[i]), []).append(i)
        keys = sorted(groups)
        for x, (evidence, common) in enumerate(keys):
            for other_evidence, other_common in keys[x:]:
                if evidence & other_evidence or (common and other_common):
                    continue
                yield from self._similar(
                    groups[(evidence, common)], groups[(other_evidence, other_common)]
                )

    def _similar(self, left: list[int], right: list[int]) -> Iterator[tuple[int, int]]:
        """Pairs of ``left`` x ``right`` (or of ``left`` alone when it is ``right``) whose
        quick strings pass the cutoff, compared in C by rapidfuzz."""
        same = left is right
        quick = self.spec.quick
        cutoff = self.spec.quick_cutoff
        left_strings = [quick(self.features[i]) for i in left]
        right_strings = left_strings if same else [quick(self.features[i]) for i in right]
        extract = process.extract
        ratio = fuzz.ratio
        for x, i in enumerate(left):
            start = x + 1 if same else 0
            if start >= len(right):
                break
            if len(right) - start == 1:
                if ratio(left_strings[x], right_strings[start], score_cutoff=cutoff) >= cutoff:
                    yield i, right[start]
                continue
            for _string, _score, offset in extract(
                left_strings[x],
                right_strings[start:],
                scorer=ratio,
                score_cutoff=cutoff,
                limit=None,
            ):
                yield i, right[start + offset]

    def compare(self, block: Block, stats: ScanStats) -> list[tuple[int, int, Candidate]]:
        """Score a block's pairs; the found ones, (i, j, candidate of j for i), i < j."""
        found: list[tuple[int, int, Candidate]] = []
        size = len(block.members)
        stats.blocks += 1
        stats.pairs_in_blocks += size * (size - 1) // 2
        spec, features, common, limits = self.spec, self.features, self.common, self.limits
        kind, key = block.kind, block.key
        scored_earlier = self.scored_earlier
        scored = 0
        for i, j in self.pairs(block):
            if scored_earlier(kind, key, i, j):
                continue
            scored += 1
            match = candidate(
                spec,
                j,
                features[i],
                features[j],
                is_common=common[i] and common[j],
                limits=limits,
            )
            if match is not None:
                first, second = (i, j) if i < j else (j, i)
                found.append((first, second, match))
        stats.pairs_scored += scored
        stats.pairs_found += len(found)
        return found
