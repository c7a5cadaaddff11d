"""Keeping the search index equal to the records, inside the writer's transaction.

The record services call :func:`index_record` / :func:`remove_records`; bulk writers (the
import) call :func:`index_records` / :func:`remove_records` with the ids they wrote. A record
type is searchable when its module declares ``searchable_fields`` in its ``RecordType``.

A record type whose queryset has a ``searchable()`` method (documents: not those in the
trash) is indexed, rebuilt and searched through it: a record it leaves out is never shown.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import apps
from django.db import models

from moyeu.core.models import SearchEntry
from moyeu.core.registry import RecordType, registry
from moyeu.core.search.text import content_of

BATCH = 2000
_TEXT_LIMIT = 300
_UPDATED = ["owner", "team", "title", "detail", "content"]


def searchable_types() -> dict[str, tuple[RecordType, type[models.Model]]]:
    """Searchable record types by their key ("directory.contact"), in registry order."""
    return {
        f"{spec.label}.{record_type.name}": (record_type, apps.get_model(record_type.model_label))
        for spec, record_type in registry.record_types()
        if record_type.searchable_fields
    }


def indexable(model: type[models.Model]) -> models.QuerySet[Any]:
    """The records of ``model`` the index may hold: its queryset's ``searchable()``, if any."""
    records: models.QuerySet[Any] = model._default_manager.all()
    narrow = getattr(records, "searchable", None)
    if callable(narrow):
        narrowed: models.QuerySet[Any] = narrow()
        return narrowed
    return records


def _searchable(model: type[models.Model]) -> tuple[str, RecordType] | None:
    try:
        spec, record_type = registry.record_type_for_model(model)
    except LookupError:
        return None
    if not record_type.searchable_fields:
        return None
    return f"{spec.label}.{record_type.name}", record_type


def _entry(key: str, record_type: RecordType, obj: Any) -> SearchEntry:
    values = [getattr(obj, name) for name in record_type.searchable_fields]
    title = str(obj).strip()[:_TEXT_LIMIT]
    # The detail line: the first searchable value the title does not already show.
    detail = next(
        (str(v) for v in values if v not in (None, "") and str(v) not in title),
        "",
    )
    return SearchEntry(
        record_type=key,
        record_id=obj.pk,
        owner_id=obj.owner_id,
        team_id=obj.team_id,
        title=title,
        detail=detail[:_TEXT_LIMIT],
        content=content_of(values),
    )


def _upsert(entries: list[SearchEntry]) -> None:
    if entries:
        SearchEntry.objects.bulk_create(
            entries,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["record_type", "record_id"],
            update_fields=_UPDATED,
        )


def index_record(obj: models.Model) -> None:
    """Index (or re-index) one record the caller just wrote."""
    searchable = _searchable(type(obj))
    if searchable is not None:
        _upsert([_entry(*searchable, obj)])


def loading_fields(record_type: RecordType) -> list[str]:
    """The columns indexing reads: the searchable fields, owner and team.

    A model's ``__str__`` (the title) should use only these, or indexing pays a query per row.
    """
    return ["pk", "owner_id", "team_id", *record_type.searchable_fields]


def index_records(model: type[models.Model], ids: Iterable[uuid.UUID]) -> None:
    """Index the records ``ids`` as they are now in the database; ids gone are removed."""
    searchable = _searchable(model)
    if searchable is None:
        return
    key, record_type = searchable
    wanted = list(ids)
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        objs = list(indexable(model).filter(pk__in=chunk).only(*loading_fields(record_type)))
        _upsert([_entry(key, record_type, obj) for obj in objs])
        found = {obj.pk for obj in objs}
        gone = [pk for pk in chunk if pk not in found]
        if gone:
            SearchEntry.objects.filter(record_type=key, record_id__in=gone).delete()


def index_loaded(model: type[models.Model], objs: Sequence[Any]) -> None:
    """Index records already loaded with at least :func:`loading_fields` (the rebuild)."""
    searchable = _searchable(model)
    if searchable is not None:
        _upsert([_entry(*searchable, obj) for obj in objs])


def remove_records(model: type[models.Model], ids: Iterable[uuid.UUID]) -> None:
    """Drop the entries of deleted (merged, erased, reverted) records."""
    searchable = _searchable(model)
    if searchable is None:
        return
    wanted = list(ids)
    for start in range(0, len(wanted), BATCH):
        SearchEntry.objects.filter(
            record_type=searchable[0], record_id__in=wanted[start : start + BATCH]
        ).delete()
