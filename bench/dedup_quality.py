"""Benchmark: precision, recall and F1 of the contact duplicate scan on labelled data.

    python bench/dedup_quality.py                  # SQLite (a temporary file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/i4b python bench/dedup_quality.py

Builds ``--entities`` people (default 9,000) of whom ``--rate`` get one or two messy
duplicates (bench/dedup_data.py): over 10,000 records whose true duplicate pairs are known.
Runs the same scan as the background task, then compares the pairs it put in the review
queue (possible and certain) with the truth. Prints the figures per level and a few misses.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dedup_data import dataset
from dedup_db import close_database, insert_contacts, open_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entities", type=int, default=9000)
    parser.add_argument("--rate", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    original_url = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory() as tmp:
        vendor, pg_name = open_database(Path(tmp), "dedup_quality")
        try:
            run(vendor, args)
        finally:
            close_database(original_url, pg_name)


def run(vendor: str, args: argparse.Namespace) -> None:
    from moyeu.core.dedup.scan import run_scan
    from moyeu.core.models import DuplicateCandidate, DuplicateScan
    from moyeu.directory.models import Contact

    labelled = list(dataset(args.entities, args.rate, args.seed))
    ids = insert_contacts(row for _entity, row in labelled)
    entity_of = {pk: entity for pk, (entity, _row) in zip(ids, labelled, strict=True)}
    members: dict[int, list[object]] = defaultdict(list)
    for pk, entity in entity_of.items():
        members[entity].append(pk)
    truth = {
        frozenset(pair) for group in members.values() for pair in itertools.combinations(group, 2)
    }
    scan = DuplicateScan.objects.create(record_type="directory.contact")
    scan = run_scan(scan.pk)
    found = {
        frozenset((c.first_id, c.second_id)): c.level
        for c in DuplicateCandidate.objects.filter(record_type="directory.contact")
    }
    print(f"database: {vendor}; records: {len(ids)}; true duplicate pairs: {len(truth)}")
    print(f"scan: {scan.stats}")
    for label, levels in (("possible+certain", {"possible", "certain"}), ("certain", {"certain"})):
        predicted = {pair for pair, level in found.items() if level in levels}
        hits = len(predicted & truth)
        precision = hits / len(predicted) if predicted else 0.0
        recall = hits / len(truth) if truth else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(
            f"{label:>17}: predicted {len(predicted):6d}  true positives {hits:6d}  "
            f"precision {precision:.4f}  recall {recall:.4f}  F1 {f1:.4f}"
        )
    by_id = {c.pk: c for c in Contact.objects.all()}

    def show(pair: frozenset[object]) -> str:
        a, b = (by_id[pk] for pk in sorted(pair, key=str))
        return f"{a.first_name} {a.last_name} <{a.email}> {a.phone}  ~  " + (
            f"{b.first_name} {b.last_name} <{b.email}> {b.phone}"
        )

    predicted = set(found)
    print("some missed pairs:")
    for pair in list(truth - predicted)[:8]:
        print("  ", show(pair))
    print("some wrong pairs:")
    for pair in list(predicted - truth)[:8]:
        print("  ", show(pair), found[pair])


if __name__ == "__main__":
    main()
