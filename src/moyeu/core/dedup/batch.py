"""Candidates for records not stored yet: one at creation, or a whole import batch."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from moyeu.core.context import Actor
from moyeu.core.dedup.engine import candidate
from moyeu.core.dedup.registry import model_of, spec_for
from moyeu.core.dedup.spec import Candidate, MatchSpec

# Values per ``__in`` query: below SQLite's limit of bound parameters.
CHUNK = 900


def _stored(
    spec: MatchSpec, wanted: dict[str, set[Any]], actor: Actor | None
) -> tuple[dict[Any, dict[str, Any]], dict[tuple[str, Any], set[Any]]]:
    """Stored records sharing a lookup value: one query per lookup kind (chunked)."""
    model = model_of(spec)
    queryset = model._default_manager.all()
    if actor is not None:
        queryset = queryset.visible_to(actor, "view")  # type: ignore[attr-defined]
    features: dict[Any, dict[str, Any]] = {}
    index: dict[tuple[str, Any], set[Any]] = {}
    for lookup, values in wanted.items():
        ordered = sorted(values, key=str)
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            rows = queryset.filter(**{f"{lookup}__in": chunk}).values("pk", *spec.columns)
            for row in rows:
                pk = row.pop("pk")
                if pk not in features:
                    features[pk] = spec.prepare(row)
                index.setdefault((lookup, row[lookup]), set()).add(pk)
    return features, index


def find_candidates_batch(
    record_type: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    actor: Actor | None = None,
    exclude: Collection[Any] = (),
    limit: int = 10,
) -> list[list[Candidate]]:
    """For each row (field values, as a create service takes them), the stored records that
    may be the same, best first. The whole batch costs one query per blocking lookup kind
    (e.g. e-mail, phone, last name), never one per row. With ``actor``, only the records they
    may see are candidates.
    """
    spec = spec_for(record_type)
    prepared = [spec.prepare(row) for row in rows]
    wanted: dict[str, set[Any]] = {}
    per_row: list[set[tuple[str, Any]]] = []
    for features in prepared:
        lookups = {
            (lookup, value)
            for key in spec.blocking
            for lookup, value in key.lookup(features)
            if value not in (None, "")
        }
        per_row.append(lookups)
        for lookup, value in lookups:
            wanted.setdefault(lookup, set()).add(value)
    stored, index = _stored(spec, wanted, actor)
    excluded = set(exclude)
    answers: list[list[Candidate]] = []
    for features, lookups in zip(prepared, per_row, strict=True):
        ids = {pk for pair in lookups for pk in index.get(pair, ())} - excluded
        found = [
            match
            for pk in sorted(ids, key=str)
            if (match := candidate(spec, pk, features, stored[pk])) is not None
        ]
        found.sort(key=lambda match: -match.score)
        answers.append(found[:limit])
    return answers


def find_duplicates(
    record_type: str,
    values: Mapping[str, Any],
    *,
    actor: Actor | None = None,
    exclude: Collection[Any] = (),
) -> list[Candidate]:
    """The stored records that may be the same as one about to be created (or changed)."""
    return find_candidates_batch(record_type, [values], actor=actor, exclude=exclude)[0]
