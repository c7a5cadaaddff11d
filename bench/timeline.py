"""The first page of an account's timeline with 10^4 items, against the bare query.

Seeds an account with 20 contacts (services) and --items activities (bulk insert), spread
over the account and its contacts, owned by a sales rep whose role sees its team's records.
Then measures, --runs times each after a warm-up:

- **timeline**: ``moyeu.core.timeline.timeline_page`` as the rep, 25 items: record access
  (the rep's grants read afresh each time, as per request), the directory's contacts of the
  account, the activities provider, the account's audit entries, the merge;
- **bare** (the ceiling): the one indexed query a hand-written page would run — the 26
  newest activities linked to the account or its contacts (ids given), no access filter, no
  audit, no merge.

Prints p50/p99 wall time and mean CPU time per call, and the ratios. Target: p99 < 50 ms.

    .venv/bin/python bench/timeline.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h5act .venv/bin/python bench/timeline.py
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dedup_db import close_database, open_database

KINDS = ("call", "note", "email", "meeting", "task", "message")


def seed(items: int) -> tuple[Any, Any, list[Any]]:
    from django.db import transaction
    from django.utils import timezone

    from moyeu.activities.models import Activity, ActivityLink
    from moyeu.core.context import Actor
    from moyeu.core.ids import new_id
    from moyeu.directory.services import account_create, contact_create
    from moyeu.identity.models import User
    from moyeu.identity.services import roles, teams, users

    admin = User.objects.create_superuser("bench-admin", "admin@bench.example", "x" * 20)
    root = Actor(user=admin, channel="command")
    team = teams.team_create(actor=root, name="Ventes")
    role = roles.role_create(
        actor=root,
        name="Commercial",
        grants=[
            ("directory", "view", "team"),
            ("directory", "create", "own"),
            ("activities", "view", "team"),
            ("activities", "create", "own"),
        ],
    )
    rep = users.user_create(
        actor=root,
        username="rep",
        password="x" * 20,
        email="rep@bench.example",
        teams=[(team.id, False)],
        role_ids=[role.id],
    )
    actor = Actor(user=rep, channel="command")
    account = account_create(actor=actor, values={"name": "Boulangerie Martin"})
    contacts = [
        contact_create(actor=actor, values={"last_name": f"Martin {i}", "account": account.pk})
        for i in range(20)
    ]
    targets = [("directory.account", account.pk)] + [("directory.contact", c.pk) for c in contacts]
    start = timezone.now() - datetime.timedelta(days=730)
    step = datetime.timedelta(days=730) / items
    with transaction.atomic():
        batch: list[Activity] = []
        links: list[ActivityLink] = []
        for i in range(items):
            activity = Activity(
                id=new_id(),
                kind=KINDS[i % len(KINDS)],
                subject=f"Activité {i}",
                occurred_at=start + step * i,
                status="done",
                owner=rep,
                team=team,
                created_by=rep,
                updated_by=rep,
            )
            batch.append(activity)
            record_type, record_id = targets[i % len(targets)]
            links.append(
                ActivityLink(
                    activity=activity,
                    record_type=record_type,
                    record_id=record_id,
                    occurred_at=activity.occurred_at,
                )
            )
        Activity.objects.bulk_create(batch, batch_size=1000)
        ActivityLink.objects.bulk_create(links, batch_size=1000)
    return rep, account, [record_id for _type, record_id in targets]


def measure(call: Callable[[], Any], runs: int) -> tuple[float, float, float]:
    for _ in range(min(20, runs)):
        call()
    walls: list[float] = []
    cpu_start = time.process_time()
    for _ in range(runs):
        begin = time.perf_counter()
        call()
        walls.append((time.perf_counter() - begin) * 1000)
    cpu = (time.process_time() - cpu_start) * 1000 / runs
    walls.sort()
    p99 = walls[min(len(walls) - 1, round(len(walls) * 0.99) - 1)]
    return statistics.median(walls), p99, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=300)
    options = parser.parse_args()
    original = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory() as tmp:
        vendor, pg_name = open_database(Path(tmp), "timeline")
        try:
            run(vendor, options.items, options.runs)
        finally:
            close_database(original, pg_name)


def run(vendor: str, items: int, runs: int) -> None:
    from moyeu.activities.models import Activity, ActivityLink
    from moyeu.core.context import Actor
    from moyeu.core.timeline import RecordRef, timeline_page
    from moyeu.identity.access import forget_access

    began = time.perf_counter()
    rep, account, ids = seed(items)
    print(
        f"{vendor}: seeded {items} activities on an account and 20 contacts in "
        f"{time.perf_counter() - began:.1f} s; load average {os.getloadavg()[0]:.1f}"
    )
    actor = Actor(user=rep, channel="api")
    record = RecordRef("directory.account", account.pk)

    def timeline() -> Any:
        forget_access(rep)
        page, _cursor = timeline_page(actor, record, limit=25)
        assert len(page) == 25
        return page

    def bare() -> Any:
        linked = ActivityLink.objects.filter(record_id__in=ids).values("activity_id")
        rows = list(
            Activity.objects.filter(pk__in=linked)
            .order_by("-occurred_at", "-id")
            .values("id", "kind", "subject", "occurred_at")[:26]
        )
        assert len(rows) == 26
        return rows

    # The same activities, in the same order (the account's own changes come first: they
    # happened during the seeding, after the activities' dates).
    shown = [item.id for item in timeline() if item.kind != "change"]
    assert shown == [row["id"] for row in bare()[: len(shown)]], "the pages differ"
    bare_p50, bare_p99, bare_cpu = measure(bare, runs)
    line_p50, line_p99, line_cpu = measure(timeline, runs)
    print(f"{'':10} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms':>8}")
    print(f"{'bare':10} {bare_p50:8.2f} {bare_p99:8.2f} {bare_cpu:8.2f}")
    print(f"{'timeline':10} {line_p50:8.2f} {line_p99:8.2f} {line_cpu:8.2f}")
    print(
        f"ratio bare/timeline: p50 {bare_p50 / line_p50:.2f}, p99 {bare_p99 / line_p99:.2f}, "
        f"CPU {bare_cpu / line_cpu:.2f}; target p99 < 50 ms: "
        f"{'met' if line_p99 < 50 else 'NOT met'}; load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
