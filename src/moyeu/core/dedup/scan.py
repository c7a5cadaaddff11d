"""The whole-base scan: every record of a type, blocked and scored, into the review queue.

The blocks are cut into chunks of bounded cost (pairs in blocks) and scored by
``MOYEU_DEDUP_PROCESSES`` forked processes (default 2; 1 scores in this process). They
inherit the prepared records and the blocks, never touch the database, and hand back each
chunk's queue rows; this process writes them in chunk order, each chunk with the scan's
``next_block`` in one transaction, so a job that dies is resumed by its retry where it
stopped. The rows are inserted in bulk (``ON CONFLICT DO NOTHING`` on the pair), so a pair is
never queued twice. Pairs already dismissed never come back; open pairs found again get
their new score.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from moyeu.core.config import env_int
from moyeu.core.dedup.engine import Block, Blocking, ScanStats
from moyeu.core.dedup.registry import model_of, spec_for
from moyeu.core.dedup.spec import MatchSpec
from moyeu.core.models import DuplicateCandidate, DuplicateDismissal, DuplicateScan

# A chunk holds at most this many blocks, or this many pairs in its blocks (then it is cut
# after the block that crosses the bound): small enough to balance two processes and to
# checkpoint often, large enough that a chunk's transaction and pipe cost little.
BLOCKS_PER_CHUNK = 20000
PAIRS_PER_CHUNK = 1_000_000
# Rows per INSERT statement: 8 parameters a row, under SQLite's historic limit of 999.
ROWS_PER_INSERT = 100
Progress = Callable[[int, int, str], None]
# (first id, second id, score, level, reasons as JSON), ids in the database's own form.
Row = tuple[Any, Any, float, str, str]


def processes() -> int:
    """How many processes score the blocks (``MOYEU_DEDUP_PROCESSES``, default 2)."""
    configured = getattr(settings, "MOYEU_DEDUP_PROCESSES", None)
    if configured is None:
        configured = env_int("MOYEU_DEDUP_PROCESSES", default=2)
    return max(1, int(configured))


@contextmanager
def _without_gc() -> Iterator[None]:
    """The scan builds millions of objects and no cycles: the cyclic collector would walk
    them again and again for nothing (a third of the blocking time at 10⁶ records)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load(spec: MatchSpec) -> tuple[list[Any], list[dict[str, Any]]]:
    """(ids, prepared features) of every stored record, in id order."""
    rows = model_of(spec)._default_manager.order_by("pk").values_list("pk", *spec.columns)
    ids: list[Any] = []
    features: list[dict[str, Any]] = []
    columns = spec.columns
    prepare = spec.prepare
    for row in rows.iterator(chunk_size=10000):
        ids.append(row[0])
        features.append(prepare(dict(zip(columns, row[1:], strict=True))))
    return ids, features


def chunks(blocks: Sequence[Block], position: int) -> list[tuple[int, int]]:
    """(start, end) of the chunks of blocks from ``position``: the same cut for the same
    blocks, so that a resumed scan continues from a chunk boundary."""
    bounds: list[tuple[int, int]] = []
    start, pairs = position, 0
    for index in range(position, len(blocks)):
        size = len(blocks[index].members)
        pairs += size * (size - 1) // 2
        if pairs >= PAIRS_PER_CHUNK or index + 1 - start >= BLOCKS_PER_CHUNK:
            bounds.append((start, index + 1))
            start, pairs = index + 1, 0
    if start < len(blocks):
        bounds.append((start, len(blocks)))
    return bounds


# What the scoring processes inherit (set before they are forked): the blocks and the ids.
_work: tuple[Blocking, Sequence[Any]] | None = None


def _score_chunk(bounds: tuple[int, int]) -> tuple[list[Row], ScanStats]:
    assert _work is not None
    blocking, ids = _work
    stats = ScanStats()
    rows: list[Row] = []
    dumps = json.dumps
    for block in blocking.blocks[bounds[0] : bounds[1]]:
        for i, j, match in blocking.compare(block, stats):
            first, second = ids[i], ids[j]
            if second < first:
                first, second = second, first
            reasons = dumps([reason.as_json() for reason in match.reasons])
            rows.append((first, second, round(match.score, 4), match.level, reasons))
    return rows, stats


def _scored(
    blocking: Blocking, ids: Sequence[Any], bounds: list[tuple[int, int]], workers: int
) -> Iterator[tuple[list[Row], ScanStats]]:
    """Each chunk's rows and figures, in chunk order."""
    global _work
    _work = (blocking, ids)
    try:
        if (
            workers <= 1
            or len(bounds) <= 1
            or "fork" not in multiprocessing.get_all_start_methods()
        ):
            for chunk in bounds:
                yield _score_chunk(chunk)
            return
        # The children only read what they inherit; freezing keeps the collector (in them
        # and here) from touching, hence copying, the inherited pages.
        gc.freeze()
        context: Any = multiprocessing.get_context("fork")
        pool = context.Pool(workers)
        try:
            yield from pool.imap(_score_chunk, bounds, chunksize=1)
            pool.close()
        finally:
            pool.terminate()
            pool.join()
            gc.unfreeze()
    finally:
        _work = None


class QueueWriter:
    """Writes a scan's rows into the review queue with raw bulk statements."""

    def __init__(self, record_type: str, *, update_open: bool) -> None:
        self.record_type = record_type
        self.update_open = update_open
        self.field = DuplicateCandidate._meta.get_field("first_id")
        self.dismissed = {
            (self.db_id(first), self.db_id(second))
            for first, second in DuplicateDismissal.objects.filter(
                record_type=record_type
            ).values_list("first_id", "second_id")
        }
        quote = connection.ops.quote_name
        table = quote(DuplicateCandidate._meta.db_table)
        json_value = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
        self.row_sql = f"(%s, %s, %s, %s, %s, {json_value}, %s, %s)"
        columns = ", ".join(
            quote(name)
            for name in (
                "record_type",
                "first_id",
                "second_id",
                "score",
                "level",
                "reasons",
                "status",
                "found_at",
            )
        )
        self.insert_sql = f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608 - quoted names
        self.conflict_sql = (
            f" ON CONFLICT ({quote('record_type')}, {quote('first_id')}, {quote('second_id')})"
            " DO NOTHING"
        )
        self.update_sql = (
            f"UPDATE {table} SET {quote('score')} = %s, {quote('level')} = %s, "  # noqa: S608
            f"{quote('reasons')} = {json_value} WHERE {quote('record_type')} = %s AND "
            f"{quote('first_id')} = %s AND {quote('second_id')} = %s AND "
            f"{quote('status')} = 'open'"
        )

    def db_id(self, value: Any) -> Any:
        """A record id in the form the database driver takes (hex text on SQLite)."""
        return self.field.get_db_prep_value(value, connection)

    def write(self, rows: list[Row]) -> int:
        """Queue the rows not dismissed; returns how many pairs are new in the queue."""
        if self.dismissed:
            rows = [row for row in rows if (row[0], row[1]) not in self.dismissed]
        if not rows:
            return 0
        found_at = connection.ops.adapt_datetimefield_value(timezone.now())
        record_type = self.record_type
        created = 0
        with connection.cursor() as cursor:
            if self.update_open:
                cursor.executemany(
                    self.update_sql,
                    [
                        (score, level, reasons, record_type, a, b)
                        for a, b, score, level, reasons in rows
                    ],
                )
            for start in range(0, len(rows), ROWS_PER_INSERT):
                batch = rows[start : start + ROWS_PER_INSERT]
                params: list[Any] = []
                for first, second, score, level, reasons in batch:
                    params += (record_type, first, second, score, level, reasons, "open", found_at)
                values = ", ".join([self.row_sql] * len(batch))
                cursor.execute(self.insert_sql + values + self.conflict_sql, params)
                created += max(0, cursor.rowcount)
        return created


def run_scan(scan_id: uuid.UUID, *, progress: Progress | None = None) -> DuplicateScan:
    """Run (or resume) a scan; returns it finished, with its figures in ``stats``."""
    scan = DuplicateScan.objects.get(pk=scan_id)
    if scan.status == "done":
        return scan
    spec = spec_for(scan.record_type)
    if "queue_had_rows" not in scan.stats:
        # Decided once, at the first start: a resumed scan still knows the queue was empty.
        had_rows = DuplicateCandidate.objects.filter(record_type=scan.record_type).exists()
        scan.stats = {**scan.stats, "queue_had_rows": had_rows}
        scan.save(update_fields=["stats"])
    writer = QueueWriter(scan.record_type, update_open=bool(scan.stats["queue_had_rows"]))
    workers = processes()
    started, cpu = time.monotonic(), time.process_time()
    with _without_gc():
        ids, features = load(spec)
        loaded, cpu_loaded = time.monotonic(), time.process_time()
        blocking = Blocking(spec, features)
        blocked, cpu_blocked = time.monotonic(), time.process_time()
        db_ids = [writer.db_id(pk) for pk in ids]
        stats = ScanStats(records=len(ids), oversized_blocks=blocking.oversized)
        total = len(blocking.blocks)
        created = int(scan.stats.get("candidates_created", 0))
        bounds = chunks(blocking.blocks, scan.next_block)
        for (_start, end), (rows, chunk_stats) in zip(
            bounds, _scored(blocking, db_ids, bounds, workers), strict=True
        ):
            stats.add(chunk_stats)
            with transaction.atomic():
                created += writer.write(rows)
                scan.next_block = end
                scan.stats = {**scan.stats, "candidates_created": created}
                scan.save(update_fields=["next_block", "stats"])
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
        "queue_had_rows": scan.stats["queue_had_rows"],
        "processes": workers,
        "seconds_load": round(loaded - started, 2),
        "seconds_blocking": round(blocked - loaded, 2),
        "seconds_total": round(time.monotonic() - started, 2),
        # CPU time of this process (the scoring processes' own is not included).
        "cpu_load": round(cpu_loaded - cpu, 2),
        "cpu_blocking": round(cpu_blocked - cpu_loaded, 2),
        "cpu_total": round(time.process_time() - cpu, 2),
    }
    scan.save(update_fields=["status", "finished_at", "stats"])
    return scan
