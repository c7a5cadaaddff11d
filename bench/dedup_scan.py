"""Benchmark: a whole-base duplicate scan of 10^6 contacts (target: under 3 minutes).

    python bench/dedup_scan.py                     # SQLite (a temporary file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/i4b python bench/dedup_scan.py

Inserts ``--rows`` contacts (bulk insert; bench/dedup_data.py, 10 % with duplicates), then
runs the scan exactly as the background task does (load, block, score, write the review
queue) and prints its figures: time per phase, blocks, pairs compared against all pairs.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dedup_data import dataset
from dedup_db import close_database, insert_contacts, open_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--memory", action="store_true", help="the engine alone on generated rows, no database"
    )
    args = parser.parse_args()
    if args.memory:
        memory_only(args.rows)
        return
    original_url = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory() as tmp:
        vendor, pg_name = open_database(Path(tmp), "dedup_scan")
        try:
            run(vendor, args.rows)
        finally:
            close_database(original_url, pg_name)


def run(vendor: str, rows: int) -> None:
    from moyeu.core.dedup.scan import run_scan
    from moyeu.core.models import DuplicateScan

    started = time.perf_counter()
    entities = int(rows / 1.125)  # 10 % get 1.25 duplicates on average
    ids = insert_contacts(row for _entity, row in dataset(entities, 0.1, 7))
    print(
        f"database: {vendor}; inserted {len(ids)} contacts in {time.perf_counter() - started:.0f}s"
    )
    scan = DuplicateScan.objects.create(record_type="directory.contact")
    started = time.perf_counter()
    cpu = time.process_time()
    children = _children_cpu()
    scan = run_scan(scan.pk)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    children = _children_cpu() - children
    stats = scan.stats
    all_pairs = len(ids) * (len(ids) - 1) // 2
    print(
        f"scan of {stats['records']} contacts: {elapsed:.1f}s wall (target < 180 s), CPU "
        f"{cpu + children:.1f}s = {cpu:.1f}s in this process + {children:.1f}s in "
        f"{stats['processes']} scoring processes; load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cores"
    )
    scoring = stats["seconds_total"] - stats["seconds_load"] - stats["seconds_blocking"]
    print(
        f"  load {stats['seconds_load']}s, blocking {stats['seconds_blocking']}s, "
        f"scoring and writing {scoring:.1f}s (wall); this process's CPU: load and prepare "
        f"{stats['cpu_load']}s, blocking {stats['cpu_blocking']}s, writing and the rest "
        f"{stats['cpu_total'] - stats['cpu_load'] - stats['cpu_blocking']:.1f}s"
    )
    print(
        f"  blocks {stats['blocks']} (oversized, skipped: {stats['oversized_blocks']}); "
        f"pairs in blocks {stats['pairs_in_blocks']:,}; fully scored {stats['pairs_scored']:,} "
        f"({stats['pairs_scored'] / all_pairs:.2e} of all {all_pairs:,} pairs); "
        f"found {stats['pairs_found']:,}; queued {stats['candidates_created']:,}"
    )
    print(f"  throughput {stats['records'] / elapsed:,.0f} records/s")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def memory_only(rows: int) -> None:
    """Prepare, block and score ``rows`` generated contacts in this process: the scan's own
    cost without reading them from a database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moyeu.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()
    from moyeu.core.dedup.engine import Blocking, ScanStats
    from moyeu.core.dedup.registry import spec_for
    from moyeu.directory.duplicates.channels import phone

    spec = spec_for("directory.contact")
    generated = [row for _entity, row in dataset(int(rows / 1.125), 0.1, 7)]
    cpu, wall = time.process_time(), time.perf_counter()
    features = [spec.prepare({**row, "phone_e164": phone(row["phone"])}) for row in generated]
    prepared = time.process_time()
    blocking = Blocking(spec, features)
    blocked = time.process_time()
    stats = ScanStats(records=len(features))
    found = sum(len(blocking.compare(block, stats)) for block in blocking.blocks)
    done = time.process_time()
    elapsed = time.perf_counter() - wall
    print(
        f"engine only, {len(features)} contacts: {done - cpu:.1f}s CPU ({elapsed:.0f}s"
        f" wall, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores): prepare "
        f"{prepared - cpu:.1f}s, blocking {blocked - prepared:.1f}s, scoring {done - blocked:.1f}s"
    )
    print(
        f"  blocks {stats.blocks}; pairs in blocks {stats.pairs_in_blocks:,}; fully scored "
        f"{stats.pairs_scored:,}; found {found:,}"
    )


if __name__ == "__main__":
    main()
