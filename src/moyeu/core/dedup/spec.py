"""What a record type declares to be deduplicated: blocking keys and weighted comparators.

A module exposes ``MATCH_SPECS: list[MatchSpec]`` in ``<module>.duplicates``; the engine
(:mod:`moyeu.core.dedup.engine`) does the blocking, the scoring and the explanations, the
same way for the whole-base scan, the check at creation and the batch check of imports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from django.conf import settings

Features = Mapping[str, Any]
Level = Literal["certain", "possible"]


class Reason(NamedTuple):
    """How one field compared: its similarity (0..1), weight and a short explanation."""

    field: str
    score: float
    weight: float
    detail: str

    def as_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "score": round(self.score, 4),
            "weight": self.weight,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Candidate:
    """A stored record that may be the same as the one compared, with the why."""

    record_id: Any
    score: float
    level: Level
    reasons: tuple[Reason, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "record_id": str(self.record_id),
            "score": round(self.score, 4),
            "level": self.level,
            "reasons": [reason.as_json() for reason in self.reasons],
        }


@dataclass(frozen=True)
class BlockingKey:
    """Records sharing one key are compared; records sharing none never are.

    ``keys`` gives the keys of prepared features (in-memory blocking of the scan). ``lookup``
    gives the (ORM lookup, value) pairs that fetch stored records sharing a key (the check at
    creation and the batch check): the engine runs one ``__in`` query per lookup for a whole
    batch. ``is_strong`` keys (an e-mail, a phone) are scored in full; the others first pass a
    vectorised name prefilter.
    """

    name: str
    keys: Callable[[Features], Iterable[str]]
    lookup: Callable[[Features], Iterable[tuple[str, Any]]]
    is_strong: bool = False


Comparison = tuple[float, str] | None  # (similarity, explanation), None when a side is empty


@dataclass(frozen=True)
class FieldComparator:
    name: str
    weight: float
    compare: Callable[[Features, Features], Comparison]


@dataclass(frozen=True)
class MatchSpec:
    record_type: str  # "directory.contact"
    model_label: str  # "directory.Contact"
    columns: tuple[str, ...]  # stored columns the features are prepared from
    prepare: Callable[[Mapping[str, Any]], dict[str, Any]]
    blocking: tuple[BlockingKey, ...]
    comparators: tuple[FieldComparator, ...]
    # Fields that identify a record (e-mail, phone, company id): without one of them present
    # on both sides, a pair is capped below "certain" since namesakes exist.
    identifying: frozenset[str] = field(default_factory=frozenset)
    # One string per record for the vectorised prefilter of weak blocks, and its cutoff (0..100).
    quick: Callable[[Features], str] = lambda features: ""
    quick_cutoff: float = 70.0
    # The value whose frequency tells a common name from a rare one (the scan counts it): two
    # records with only a common name in common are not proposed at all.
    frequency: Callable[[Features], str] | None = None
    # Identifying fields whose disagreement alone keeps a pair below "possible": two records
    # that both have one of them, and share no strong key, are not paired in name blocks.
    decisive: tuple[str, ...] = ()

    @property
    def certain(self) -> float:
        return float(getattr(settings, "MOYEU_DEDUP_CERTAIN", 0.92))

    @property
    def possible(self) -> float:
        return float(getattr(settings, "MOYEU_DEDUP_POSSIBLE", 0.75))

    def evidence(self, features: Features) -> int:
        """A bit per decisive field the record has (see ``decisive``)."""
        return sum(1 << bit for bit, name in enumerate(self.decisive) if features.get(name))
