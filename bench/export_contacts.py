"""Benchmark: export 10⁶ contacts (a list view's columns) to CSV and XLSX.

    python bench/export_contacts.py [--rows 1000000]            # SQLite (a temporary file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/i4c python bench/export_contacts.py

Seeds ``--rows`` contacts with the bulk write path (not timed), then runs the export the
way the worker does — the contact list's query through ``visible_to(actor, "export")``,
read in chunks, written with the formula guard — and prints rows/s per format, next to the
machine's ceiling measured in the same run: the same SQL dumped to a CSV file with nothing
in between (``COPY (…) TO STDOUT`` on PostgreSQL; a bare cursor's ``fetchmany`` into
``csv.writer`` on SQLite). CPU time (``process_time``) is printed beside wall time, since
other load disturbs the latter.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dataio_setup import person, prepare

COLUMNS = ["last_name", "email", "phone", "job_title", "account", "owner"]


def seed(rows: int, user_id: object) -> None:
    from django.db import transaction

    from moyeu.core.ids import new_id
    from moyeu.dataio import bulk
    from moyeu.dataio.engine import insert_constants
    from moyeu.directory.models import Contact

    rng = random.Random(4)
    for start in range(0, rows, 50_000):
        people = [person(n, rng) for n in range(start, min(rows, start + 50_000))]
        values = [
            {
                "id": new_id(),
                "first_name": p[0],
                "last_name": p[1],
                "email": p[2],
                "phone": p[3],
                "job_title": p[4],
            }
            for p in people
        ]
        from moyeu.core.context import Actor
        from moyeu.identity.models import User

        with transaction.atomic():
            bulk.insert(Contact, values, insert_constants(Actor(User.objects.get(pk=user_id))))


def analyse() -> None:
    """Table statistics, as autovacuum would gather them on a live database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def ceiling_dump(sql: str, params: tuple[object, ...], path: Path) -> int:
    """The same query's rows into a CSV file with nothing in between: rows written."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            count = 0
            with (
                path.open("wb") as handle,
                cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy,
            ):
                for data in copy:
                    handle.write(data)
                    count += bytes(data).count(b"\n")
            return count
        cursor.execute(sql, params)
        count = 0
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            while rows := cursor.fetchmany(5000):
                writer.writerows(rows)
                count += len(rows)
        return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        vendor = prepare(Path(tmp))
        from django.contrib.auth import get_user_model

        from moyeu.core.context import Actor
        from moyeu.dataio import exports

        user = get_user_model().objects.filter(username="bench-export").first()
        user = user or get_user_model().objects.create_superuser("bench-export", "", None)
        started = time.perf_counter()
        seed(args.rows, user.pk)
        analyse()
        print(f"{vendor}: seeded {args.rows:,} contacts in {time.perf_counter() - started:.1f} s")
        actor = Actor(user=user, channel="command")
        ui = exports._ui("directory.contact")
        queryset = exports._queryset(ui, actor, "sort=last_name")
        reader = exports.column_reader(ui.model, COLUMNS)
        sql, params = queryset.values_list(*reader.paths).query.sql_with_params()
        started, cpu = time.perf_counter(), time.process_time()
        count = ceiling_dump(sql, params, Path(tmp) / "ceiling.csv")
        bare, bare_cpu = time.perf_counter() - started, time.process_time() - cpu
        assert count == args.rows, count
        how = "COPY (...) TO STDOUT" if vendor == "postgresql" else "cursor fetchmany + csv"
        print(
            f"ceiling, {how} of the same query: {count:,} rows in {bare:.1f} s wall "
            f"({bare_cpu:.1f} s CPU here) = {count / bare:,.0f} rows/s; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        for file_format in ("csv", "xlsx"):
            job = exports.export_request(
                actor=actor,
                record_type="directory.contact",
                query="sort=last_name",
                columns=COLUMNS,
                file_format=file_format,
            )
            started, cpu = time.perf_counter(), time.process_time()
            job = exports.export_process(job.pk)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            assert job.status == "done" and job.progress_done == args.rows, job.status
            size = Path(job.file_path).stat().st_size / 1e6
            print(
                f"export {file_format}: {args.rows:,} rows in {elapsed:.1f} s wall "
                f"({cpu:.1f} s CPU) = {args.rows / elapsed:,.0f} rows/s ({size:.0f} MB); "
                f"ceiling / export {bare / elapsed:.0%} (target: under 60 s); "
                f"load average {os.getloadavg()[0]:.1f}"
            )


if __name__ == "__main__":
    main()
