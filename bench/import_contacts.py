"""Benchmark: import 10⁶ contacts from a CSV file against the machine's raw bulk-load rate.

    python bench/import_contacts.py [--rows 1000000]            # SQLite (a temporary file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/i4c python bench/import_contacts.py

Writes a CSV (semicolon-separated, UTF-8, French headers) of ``--rows`` contacts, measures
the raw load of the same rows (COPY on PostgreSQL, one executemany transaction on SQLite)
into a copy of the contact table with its indexes, then runs the import the way the worker
does (validated, normalised, duplicate-checked, journalled, audited, one event per batch)
and prints both rates and their ratio. Then it reverts the import and prints that rate.
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dataio_setup import prepare, raw_ceiling, write_csv


def _load() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def _in_child(measure: Callable[[], float]) -> float:
    """Run ``measure`` in a forked child, so that the 10⁶ rows the raw load builds in memory
    do not count in this process's peak RSS (which is the import's)."""
    from django.db import connection

    connection.close()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its own database connection, its result through the pipe
        os.close(read)
        with os.fdopen(write, "wb") as out:
            pickle.dump(measure(), out)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as result:
        value = pickle.load(result)  # noqa: S301 - our own child's answer
    os.waitpid(pid, 0)
    return float(value)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--no-revert", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        vendor = prepare(Path(tmp))
        from django.contrib.auth import get_user_model

        from moyeu.core.context import Actor
        from moyeu.dataio import imports
        from moyeu.dataio.conf import setting
        from moyeu.directory.models import Contact

        source = Path(tmp) / "contacts.csv"
        started = time.perf_counter()
        write_csv(source, args.rows)
        print(f"{vendor}: wrote {args.rows:,} rows in {time.perf_counter() - started:.1f} s")
        raw_before = _in_child(lambda: raw_ceiling(args.rows))
        print(f"raw bulk load (indexed table): {raw_before:,.0f} rows/s; load {_load()}")

        user = get_user_model().objects.filter(username="bench-import").first()
        user = user or get_user_model().objects.create_superuser("bench-import", "", None)
        actor = Actor(user=user, channel="command")
        job = imports.import_upload_path(actor=actor, record_type="directory.contact", path=source)
        imports.import_set_mapping(
            actor=actor, import_id=job.pk, mapping=job.mapping, mode="create"
        )
        imports.import_start(actor=actor, import_id=job.pk)
        rss_before = _peak_rss_mb()
        started, cpu = time.perf_counter(), time.process_time()
        job = imports.import_process(job.pk)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        rate = args.rows / elapsed
        assert job.created_count == args.rows, (job.status, job.created_count, job.rejected_count)
        assert Contact.objects.count() == args.rows
        print(
            f"import: {args.rows:,} rows in {elapsed:.1f} s = {rate:,.0f} rows/s "
            f"(batches of {setting('MOYEU_IMPORT_BATCH_SIZE'):,}, "
            f"{setting('MOYEU_IMPORT_PROCESSES')} helper processes); load {_load()}"
        )
        print(
            f"import CPU time (this process): {cpu:.1f} s = {cpu / args.rows * 1e6:.0f} µs a row; "
            f"peak RSS {_peak_rss_mb():.0f} MB (before the import: {rss_before:.0f} MB)"
        )
        # Measured again after: on a shared machine the ceiling moves with the other load.
        raw_after = _in_child(lambda: raw_ceiling(args.rows))
        raw = (raw_before + raw_after) / 2
        print(
            f"raw bulk load again: {raw_after:,.0f} rows/s; "
            f"ratio import / raw (mean of both) {rate / raw:.1%}"
        )
        if not args.no_revert:
            imports.import_revert(actor=actor, import_id=job.pk)
            started = time.perf_counter()
            job = imports.import_revert_process(job.pk)
            elapsed = time.perf_counter() - started
            assert Contact.objects.count() == 0
            print(
                f"revert: {args.rows:,} rows in {elapsed:.1f} s = {args.rows / elapsed:,.0f} rows/s"
            )


if __name__ == "__main__":
    main()
