"""The kanban board of a pipeline with 10^5 open opportunities: its first page, against a
bare Django view running the same queries.

Seeds, in a fresh database (a temporary SQLite file, or ``<name>_bench_pipeline`` on the
PostgreSQL server DATABASE_URL points to, dropped at the end): a pipeline of five open
stages and a won and a lost one; 40 teams of 5 sales reps (role ``sales.view: team``) and a
reader (``sales.view: all``); 1,000 accounts; ``--rows`` open opportunities (default 10^5)
spread evenly over the open stages, the 200 reps and two years of close dates, one in 20 in
CHF — inserted without the services (COPY on PostgreSQL, executemany on SQLite), then
``ANALYZE`` (and ``VACUUM`` on PostgreSQL, as autovacuum would, so that index-only scans
can skip the table).

Then measures, --runs times each after a warm-up, through Django's test client (every
middleware, the session, the template, in this process):

- **board, reader**: ``GET /sales/board/<pipeline>/`` as the reader: the menu, the columns'
  totals, the first 20 cards of each open stage with their accounts' names;
- **board, rep**: the same as a rep whose scope is their team (2,500 opportunities);
- **bare** and **bare, rep scope**: the bench-only view of ``pipeline_urls.py``: the same
  totals and card queries (a rep's as one query per scope branch), written as plain HTML —
  no login, access policy, menu, account names, template or money formatting.

Prints p50/p99 wall time and CPU time per request, the ratios, whether the board's p99 is
under 100 ms, and the plan of each of the board's queries on ``sales_opportunity``
(``EXPLAIN QUERY PLAN`` on SQLite, ``EXPLAIN (ANALYZE, BUFFERS)`` on PostgreSQL).

    .venv/bin/python bench/pipeline.py [--rows 100000] [--runs 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/pipeline.py
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pipeline_settings")

from dedup_db import close_database, open_database

TEAMS, REPS_PER_TEAM, ACCOUNTS = 40, 5, 1000
OPEN_STAGES = [
    ("Qualification", 10),
    ("Découverte", 25),
    ("Proposition", 50),
    ("Négociation", 75),
    ("Engagement", 90),
]


def seed(rows: int) -> tuple[Any, Any, Any, Any]:
    from django.db import connection

    from moyeu.core.context import Actor
    from moyeu.directory.models import Account
    from moyeu.identity.models import User
    from moyeu.identity.services import roles, teams, users
    from moyeu.sales.services import pipeline_create

    admin = User.objects.create_superuser("bench-admin", "admin@bench.example", "x" * 20)
    root = Actor(user=admin, channel="command")
    rep_role = roles.role_create(
        actor=root,
        name="Commercial",
        grants=[("sales", "view", "team"), ("directory", "view", "team")],
    )
    reader_role = roles.role_create(
        actor=root, name="Lecteur", grants=[("sales", "view", "all"), ("directory", "view", "all")]
    )
    reps: list[Any] = []
    for t in range(TEAMS):
        team = teams.team_create(actor=root, name=f"Équipe {t:02}")
        for r in range(REPS_PER_TEAM):
            reps.append(
                users.user_create(
                    actor=root,
                    username=f"rep{t:02}{r}",
                    password="x" * 20,
                    email=f"rep{t:02}{r}@bench.example",
                    teams=[(team.id, False)],
                    role_ids=[rep_role.id],
                )
            )
    reader = users.user_create(
        actor=root,
        username="reader",
        password="x" * 20,
        email="reader@bench.example",
        role_ids=[reader_role.id],
    )
    stages = [{"name": n, "kind": "open", "probability": p} for n, p in OPEN_STAGES]
    stages += [{"name": "Gagnée", "kind": "won"}, {"name": "Perdue", "kind": "lost"}]
    pipeline = pipeline_create(actor=root, values={"name": "Nouvelle affaire"}, stages=stages)
    opened = list(pipeline.stages.filter(kind="open").order_by("position"))
    accounts = Account.objects.bulk_create(
        [
            Account(
                name=f"Société {n:04}",
                owner=reps[n % len(reps)],
                team_id=reps[n % len(reps)].primary_team_id,
            )
            for n in range(ACCOUNTS)
        ],
        batch_size=500,
    )
    insert_opportunities(_rows(rows, pipeline, opened, reps, accounts))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
    return reader, reps[0], pipeline, opened


def _rows(
    rows: int, pipeline: Any, opened: list[Any], reps: list[Any], accounts: list[Any]
) -> Iterable[dict[str, Any]]:
    rng = random.Random(42)
    start = datetime.date.today() - datetime.timedelta(days=90)
    for n in range(rows):
        rep = reps[n % len(reps)]
        stage = opened[n % len(opened)]
        yield {
            "name": f"Affaire {n:06}",
            "account_id": accounts[rng.randrange(len(accounts))].pk,
            "pipeline_id": pipeline.pk,
            "stage_id": stage.pk,
            "status": "open",
            "amount": Decimal(rng.randrange(500, 200_000)),
            "currency": "CHF" if n % 20 == 0 else "EUR",
            "probability": stage.probability,
            "expected_close_date": start + datetime.timedelta(days=rng.randrange(730)),
            "owner_id": rep.pk,
            "team_id": rep.primary_team_id,
        }


def insert_opportunities(rows: Iterable[dict[str, Any]]) -> None:
    """Without the services: COPY on PostgreSQL, executemany on SQLite."""
    from django.db import connection, transaction
    from django.utils import timezone

    from moyeu.core.ids import new_id
    from moyeu.sales.models import Opportunity

    now = timezone.now()
    fields = Opportunity._meta.concrete_fields
    names = ", ".join(f'"{f.column}"' for f in fields)
    table = Opportunity._meta.db_table

    def values() -> Iterable[list[Any]]:
        for row in rows:
            record = Opportunity(
                id=new_id(), created_at=now, updated_at=now, stage_entered_at=now, **row
            )
            yield [f.get_db_prep_save(getattr(record, f.attname), connection) for f in fields]

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for record in values():
                    copy.write_row(record)
        else:
            marks = ", ".join("%s" for _ in fields)
            sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
            batch: list[list[Any]] = []
            for record in values():
                batch.append(record)
                if len(batch) == 5000:
                    cursor.executemany(sql, batch)
                    batch = []
            cursor.executemany(sql, batch)


def measure(call: Callable[[], Any], runs: int) -> tuple[float, float, float]:
    for _ in range(min(10, runs)):
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
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--no-explain", action="store_true")
    options = parser.parse_args()
    original = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory() as tmp:
        vendor, pg_name = open_database(Path(tmp), "pipeline")
        try:
            run(vendor, options.rows, options.runs, not options.no_explain)
        finally:
            close_database(original, pg_name)


def run(vendor: str, rows: int, runs: int, with_explain: bool) -> None:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    began = time.perf_counter()
    reader, rep, pipeline, _opened = seed(rows)
    print(
        f"{vendor}: seeded {rows} open opportunities in {time.perf_counter() - began:.1f} s; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    board = f"/sales/board/{pipeline.pk}/"
    bare = f"/bench/bare-board/{pipeline.pk}/"
    rep_scope = f"?owner={rep.pk}&teams={rep.primary_team_id}"
    clients = {}
    for name, user in (("reader", reader), ("rep", rep)):
        client = Client()
        client.force_login(user)
        clients[name] = client
    anonymous = Client()

    def get(client: Any, url: str) -> Callable[[], Any]:
        def call() -> Any:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return call

    page = get(clients["reader"], board)().content.decode()
    cards = page.count('<article class="kanban-card')
    assert cards == 5 * 20, cards
    rep_cards = get(clients["rep"], board)().content.decode().count('<article class="kanban-card')
    print(f"board: {cards} cards for the reader, {rep_cards} for the rep")
    cases = [
        ("bare", get(anonymous, bare)),
        ("board, reader", get(clients["reader"], board)),
        ("bare, rep scope", get(anonymous, bare + rep_scope)),
        ("board, rep", get(clients["rep"], board)),
    ]
    results = {name: measure(call, runs) for name, call in cases}
    print(f"{'':18} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms':>8}")
    for name, (p50, p99, cpu) in results.items():
        print(f"{name:18} {p50:8.2f} {p99:8.2f} {cpu:8.2f}")
    for board_case, bare_case in (("board, reader", "bare"), ("board, rep", "bare, rep scope")):
        b50, b99, bcpu = results[board_case]
        r50, r99, rcpu = results[bare_case]
        print(
            f"{board_case}: ratio bare/board p50 {r50 / b50:.2f}, p99 {r99 / b99:.2f}, "
            f"CPU {rcpu / bcpu:.2f}; target p99 < 100 ms: {'met' if b99 < 100 else 'NOT met'}"
        )
    print(f"load average {os.getloadavg()[0]:.1f}")
    if not with_explain:
        return
    for name in ("reader", "rep"):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            get(clients[name], board)()
        print(f"\nboard, {name}: {len(captured)} queries")
        for query in captured.captured_queries:
            sql = query["sql"]
            if "sales_opportunity" not in sql or not sql.lstrip().upper().startswith("SELECT"):
                continue
            print(f"  {float(query['time']) * 1000:7.2f} ms  {sql[:160]}…")
            if vendor == "sqlite":
                print("      " + explain_sqlite(sql))
            else:
                print("      " + explain_pg(sql))


def explain_sqlite(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n      ".join(row[-1] for row in cursor.fetchall())


def explain_pg(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n      ".join(row[0] for row in cursor.fetchall())


if __name__ == "__main__":
    main()
