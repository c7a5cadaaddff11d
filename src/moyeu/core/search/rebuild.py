"""Rebuilding the search index from the records: batched, resumable, one transaction a batch.

Each record type is walked in id order. A batch re-indexes its records and drops the entries
between the previous position and its last id whose record no longer exists; its position is
saved in the same transaction, so a run stopped at any point resumes after the last batch that
committed. Records written meanwhile are indexed by their services as usual.

A full rebuild (every kind) of a large base on PostgreSQL drops the two GIN text indexes
first and builds them once at the end (see :func:`schema.drop_text_indexes`); every rebuild
ends by building any that are missing, so a run that stopped half-way and is run again, for
any kind, puts them back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moyeu.core.context import Actor, action_context
from moyeu.core.errors import PermissionDenied
from moyeu.core.models import SearchEntry, SearchRebuild
from moyeu.core.search.index import index_loaded, indexable, loading_fields, searchable_types
from moyeu.core.search.query import resolve_kinds
from moyeu.core.search.schema import create_text_indexes, drop_text_indexes
from moyeu.core.services import audit


@dataclass(frozen=True)
class RebuildResult:
    record_type: str
    indexed: int
    resumed: bool


Progress = Callable[[str, int], None]
# From this many records, a full rebuild drops the GIN text indexes and builds them at the end.
DROP_INDEXES_FROM = 100_000


def _state(key: str, *, restart: bool) -> tuple[SearchRebuild, bool]:
    state, created = SearchRebuild.objects.get_or_create(
        record_type=key, defaults={"started_at": timezone.now()}
    )
    resumed = not created and state.finished_at is None and state.position is not None
    if restart or state.finished_at is not None:
        state.position, state.indexed, resumed = None, 0, False
        state.started_at, state.finished_at = timezone.now(), None
        state.save()
    return state, resumed


def _purge_deleted_tokens() -> None:
    """SQLite FTS5 keeps a deleted row's words in older index segments until they merge;
    merging everything now removes them (erased names leave no trace in the index file)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO core_searchentry_fts(core_searchentry_fts) VALUES ('optimize')"
            )


def rebuild(
    *,
    kinds: list[str] | None = None,
    restart: bool = False,
    batch_size: int = 2000,
    progress: Progress | None = None,
) -> list[RebuildResult]:
    types = searchable_types()
    results = []
    keys = resolve_kinds(kinds)
    if kinds is None and sum(types[key][1]._default_manager.count() for key in keys) >= (
        DROP_INDEXES_FROM
    ):
        drop_text_indexes()
    for key in keys:
        record_type, model = types[key]
        state, resumed = _state(key, restart=restart)
        fields = loading_fields(record_type)
        while True:
            with transaction.atomic():
                records = indexable(model).order_by("pk").only(*fields)
                if state.position is not None:
                    records = records.filter(pk__gt=state.position)
                batch = list(records[:batch_size])
                stale = SearchEntry.objects.filter(record_type=key)
                if state.position is not None:
                    stale = stale.filter(record_id__gt=state.position)
                if not batch:
                    stale.delete()
                    state.finished_at = timezone.now()
                    state.save(update_fields=["finished_at"])
                    break
                index_loaded(model, batch)
                stale.filter(record_id__lte=batch[-1].pk).exclude(
                    record_id__in=[obj.pk for obj in batch]
                ).delete()
                state.position = batch[-1].pk
                state.indexed += len(batch)
                state.save(update_fields=["position", "indexed"])
            if progress is not None:
                progress(key, state.indexed)
        results.append(RebuildResult(key, state.indexed, resumed))
    create_text_indexes()
    _purge_deleted_tokens()
    return results


def rebuild_request(*, actor: Actor, kinds: list[str] | None = None) -> None:
    """Queue a rebuild for the worker (administrators): the UI's and the API's way to run
    ``moyeu search reindex``. Audited; the job shows on the background jobs page."""
    from moyeu.core.search.tasks import rebuild_search_index

    if actor.user is None or not actor.user.is_superuser:
        raise PermissionDenied(_("Only administrators can rebuild the search index."))
    keys = resolve_kinds(kinds)
    names = [key.partition(".")[2] for key in keys] if kinds else []
    with action_context(channel=actor.channel), transaction.atomic():
        audit.record(None, "core.search.rebuild_requested", actor, data={"record_types": keys})
        transaction.on_commit(lambda: rebuild_search_index.enqueue(names))
