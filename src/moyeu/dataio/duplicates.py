"""The per-row duplicate check of an import, behind one small seam.

With ``fuzzy`` (the import option ``duplicates="fuzzy"``) and the duplicate-detection
service installed (``moyeu.core.dedup.find_candidates_batch``), every row of a batch is
checked by it in one call: it blocks on e-mail, phone and name variants, then scores; rows
with a "certain" candidate are skipped. Otherwise (the default) rows are compared exactly on
the spec's ``duplicate_fields`` (normalised e-mail, E.164 phone, SIRET...): the strong
blocking keys, one indexed query per field and batch, whatever the table's size. Name
blocking pulls every namesake of every row (thousands per common surname at 10⁶ records),
which is why it is not the default of a bulk load.
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Sequence
from typing import Any

from moyeu.dataio.specs import DataSpec


def _finder() -> Any:
    try:
        module = importlib.import_module("moyeu.core.dedup")
    except ImportError:
        return None
    return getattr(module, "find_candidates_batch", None)


def _candidate_id(candidate: Any) -> uuid.UUID | None:
    for name in ("record_id", "id", "pk"):
        value = getattr(candidate, name, None)
        if value is not None:
            return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    if isinstance(candidate, dict):
        value = candidate.get("record_id") or candidate.get("id")
        return uuid.UUID(str(value)) if value else None
    return None


def _is_certain(candidate: Any) -> bool:
    return getattr(candidate, "level", "certain") == "certain"


def find_duplicates(
    spec: DataSpec, rows: Sequence[dict[str, Any]], *, actor: Any = None, fuzzy: bool = False
) -> list[list[uuid.UUID]]:
    """For each row (clean values), the ids of existing records it duplicates."""
    if not rows:
        return []
    finder = _finder() if fuzzy else None
    if finder is not None:
        found = finder(spec.record_type, list(rows), actor=actor)
        return [
            [i for c in candidates if _is_certain(c) and (i := _candidate_id(c)) is not None]
            for candidates in found
        ]
    result: list[list[uuid.UUID]] = [[] for _ in rows]
    for name in spec.duplicate_fields:
        wanted = {row[name] for row in rows if row.get(name)}
        if not wanted:
            continue
        existing: dict[Any, list[uuid.UUID]] = {}
        query = spec.model._base_manager.filter(**{f"{name}__in": wanted}).values_list(name, "id")
        for value, pk in query.iterator(chunk_size=2000):
            existing.setdefault(value, []).append(pk)
        for index, row in enumerate(rows):
            for pk in existing.get(row.get(name), ()):
                if pk not in result[index]:
                    result[index].append(pk)
    return result
