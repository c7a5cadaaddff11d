"""Duplicate detection: match specifications, blocking, scoring, the review queue.

Imports call :func:`find_candidates_batch`; create services call :func:`find_duplicates`;
the scan task fills the review queue (:mod:`moyeu.core.dedup.scan`).
"""

from moyeu.core.dedup.batch import find_candidates_batch, find_duplicates
from moyeu.core.dedup.spec import BlockingKey, Candidate, FieldComparator, MatchSpec, Reason

__all__ = [
    "BlockingKey",
    "Candidate",
    "FieldComparator",
    "MatchSpec",
    "Reason",
    "find_candidates_batch",
    "find_duplicates",
]
