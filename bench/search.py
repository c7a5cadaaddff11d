"""Benchmark: global search over 10⁶ contacts, against the machine's own ceilings, in one run.

    python bench/search.py [--rows 1000000]                    # SQLite (a temporary file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h7search python bench/search.py

1. Seeds ``--rows`` contacts with the import's raw bulk path (COPY on PostgreSQL, one
   executemany on SQLite) in four teams: that time is printed as a reference.
2. Index build: ``moyeu search reindex`` (the rebuild service, batches of 2000) against the
   ceiling, a raw bulk insert of the very same index rows into the same table with the same
   triggers and indexes. Wall and CPU time (this process's; PostgreSQL's own CPU is not in it).
3. Queries: gunicorn (2 sync workers) serves Moyeu and a bare view running the engine's raw
   prefix query (bench/search_urls.py). One client sends each typical query ``--repeat``
   times, in turn, to the bare view, to ``GET /api/v1/search`` as a user who sees everything,
   and as a team member who sees a quarter; it prints p50/p99 per query and the p95 over the
   typical queries (target: under 100 ms). The API and the bare view must agree on the hits.
4. On PostgreSQL, EXPLAIN ANALYZE of the API's queries at this size.

On PostgreSQL it works in a new database "<name>_bench_search" on the same server, created
and dropped here, never in the database DATABASE_URL names.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(1, str(BENCH.parent / "src"))  # this tree's code, not the venv's install

from api_list import drop_database, free_port, maintenance_url, start_server  # noqa: E402
from dataio_setup import FIRST, LAST, TITLES  # noqa: E402

FTS = "core_searchentry_fts"
# (label, query, is_typical): typical queries count in the p95; the others are worst cases.
QUERIES = [
    ("a surname", "martin", True),
    ("first name and surname", "jean martin", True),
    ("accents typed without them", "lefebvre", True),
    ("3-letter prefix", "ber", True),
    ("one letter missing", "bertrnd", True),
    ("a number from one e-mail", "424242", True),
    ("name and rare number", "martin 4242", True),
    ("2-letter prefix (as you type)", "ma", False),
    ("a word in every row", "exemple", False),
]


def database(url: str | None, tmp: Path) -> tuple[str, str | None]:
    """(DATABASE_URL to use, PostgreSQL database to drop afterwards)."""
    if not url or url.startswith("sqlite"):
        return f"sqlite:///{tmp / 'bench.sqlite3'}", None
    import urllib.parse

    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/") + "_bench_search"
    with psycopg.connect(maintenance_url(url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), name


def _load() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def seed(rows: int) -> tuple[str, str, float]:
    """Contacts in four teams; (admin token, team member token, seconds of the raw insert)."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from moyeu.core.context import Actor
    from moyeu.core.ids import new_id
    from moyeu.dataio import bulk
    from moyeu.directory.models import Contact
    from moyeu.identity.services import roles, teams, tokens, users

    admin = get_user_model().objects.create_superuser("bench-admin", "", None)
    root = Actor(user=admin, channel="command")
    team_ids = [teams.team_create(actor=root, name=f"Bench {n}").id for n in range(4)]
    role = roles.role_create(actor=root, name="Reader", grants=[("directory", "view", "team")])
    member = users.user_create(
        actor=root,
        username="bench-member",
        password=None,
        role_ids=[role.id],
        teams=[(team_ids[0], False)],
    )
    secrets = [
        tokens.token_create(actor=root, user_id=u.id, name="bench", scopes=["*"])[1]
        for u in (admin, member)
    ]
    rng = random.Random(7)
    now = timezone.now()
    constants = {"owner_id": admin.pk, "created_at": now, "updated_at": now, "version": 1}
    started = time.perf_counter()
    with transaction.atomic():
        for start in range(0, rows, 50_000):
            batch = []
            for n in range(start, min(start + 50_000, rows)):
                first, last = rng.choice(FIRST), rng.choice(LAST)
                local = unicodedata.normalize("NFKD", f"{first}.{last}")
                local = local.encode("ascii", "ignore").decode().lower()
                batch.append(
                    {
                        "id": new_id(),
                        "first_name": first,
                        "last_name": last,
                        "email": f"{local}.{n}@exemple.fr",
                        "job_title": rng.choice(TITLES),
                        "team_id": team_ids[n % 4],
                    }
                )
            bulk.insert(Contact, batch, constants)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return secrets[0], secrets[1], seconds


def _wipe_index() -> None:
    """Empty the index the fast way (bench only): no per-row trigger work."""
    from django.db import connection

    from moyeu.core.search.schema import ensure_structures

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE core_searchentry")
            return
        cursor.execute("DROP TRIGGER core_searchentry_fts_delete")
        cursor.execute("DELETE FROM core_searchentry")
        cursor.execute(
            "INSERT INTO core_searchentry_fts(core_searchentry_fts) VALUES ('delete-all')"
        )
    ensure_structures()


def build_index(rows: int) -> None:
    from django.db import connection, transaction

    from moyeu.core.models import SearchEntry
    from moyeu.core.search.rebuild import rebuild
    from moyeu.core.search.schema import create_text_indexes, drop_text_indexes
    from moyeu.dataio import bulk

    wall, cpu = time.perf_counter(), time.process_time()
    results = rebuild(restart=True)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert sum(r.indexed for r in results) == rows, results
    print(
        f"index build (moyeu search reindex): {rows:,} rows in {wall:.1f} s wall, "
        f"{cpu:.1f} s CPU = {rows / wall:,.0f} rows/s; load {_load()}"
    )
    columns = ["record_type", "record_id", "owner_id", "team_id", "title", "detail", "content"]
    entries = [
        dict(zip(columns, r, strict=True)) for r in SearchEntry.objects.values_list(*columns)
    ]
    _wipe_index()
    raw_wall, raw_cpu = time.perf_counter(), time.process_time()
    # The ceiling takes the build's own path on each database: on PostgreSQL, rows copied
    # without the GIN indexes, then the indexes built (as a full rebuild does); on SQLite,
    # rows inserted with the FTS5 triggers.
    drop_text_indexes()
    with transaction.atomic():
        for start in range(0, len(entries), 50_000):
            bulk.insert(SearchEntry, entries[start : start + 50_000], {})
    create_text_indexes()
    raw_wall, raw_cpu = time.perf_counter() - raw_wall, time.process_time() - raw_cpu
    print(
        f"raw bulk insert of the same index rows (ceiling): {raw_wall:.1f} s wall, "
        f"{raw_cpu:.1f} s CPU = {rows / raw_wall:,.0f} rows/s; load {_load()}"
    )
    print(f"ratio build / raw: {wall / raw_wall:.2f}x the time")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "INSERT INTO core_searchentry_fts(core_searchentry_fts) VALUES ('optimize')"
            )
            cursor.execute("ANALYZE")
        else:
            # Steady state, as autovacuum leaves a live table: the freshly copied rows' hint
            # bits set and the visibility map built, so the queries do not pay for the load.
            cursor.execute("VACUUM ANALYZE core_searchentry")


def get(port: int, path: str, headers: dict[str, str]) -> tuple[float, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    begin = time.perf_counter()
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - begin
    connection.close()
    if response.status != 200:
        raise SystemExit(f"GET {path} answered {response.status}: {body[:300]!r}")
    return elapsed * 1000, json.loads(body)


def check_agreement(port: int, admin: dict[str, str]) -> None:
    """For prefix queries, the API (who sees all) returns the bare view's first hits."""
    import urllib.parse

    for _label, q, _typical in QUERIES:
        quoted = urllib.parse.quote(q)
        _ms, bare = get(port, f"/bench/bare-search?q={quoted}", {})
        _ms, api = get(port, f"/api/v1/search?q={quoted}&limit=5", admin)
        for group in api["groups"]:
            exact = [i["id"] for i in group["items"] if not i["is_fuzzy"]]
            if exact != bare["groups"][group["record_type"]][: len(exact)]:
                raise SystemExit(f"the API and the bare view disagree on {q!r}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(port: int, repeat: int, tokens: dict[str, str]) -> dict[str, dict[str, list[float]]]:
    import urllib.parse

    targets = {
        "bare": ("/bench/bare-search?q={q}", {}),
        "api all": ("/api/v1/search?q={q}&limit=5", {"Authorization": f"Bearer {tokens['all']}"}),
        "api team": (
            "/api/v1/search?q={q}&limit=5",
            {"Authorization": f"Bearer {tokens['team']}"},
        ),
    }
    times: dict[str, dict[str, list[float]]] = {}
    for _label, q, _typical in QUERIES:
        times[q] = {name: [] for name in targets}
        for _ in range(repeat):
            for name, (path, headers) in targets.items():
                ms, _body = get(port, path.format(q=urllib.parse.quote(q)), headers)
                times[q][name].append(ms)
    return times


def explain(rows: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from moyeu.core.context import Actor
    from moyeu.core.search import query
    from moyeu.core.search.engines import PostgresEngine
    from moyeu.directory.models import Contact

    member = Actor(user=get_user_model().objects.get(username="bench-member"), channel="api")
    scope = query._scope(member, "directory.contact", Contact)
    assert scope is not None
    engine = PostgresEngine()
    for title, (sql, params) in (
        ("prefix 'martin', team member", engine.prefix_sql(scope, ["martin"], 6)),
        ("near-miss 'bertrnd', team member", engine.fuzzy_sql(scope, ["bertrnd"], ["bertrnd"], 6)),
    ):
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', '0.5', false)")
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
            plan = "\n".join(f"    {line}" for (line,) in cursor.fetchall())
        print(f"\nEXPLAIN ANALYZE at {rows:,} rows, {title}:\n{plan}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=40, help="requests per query and target")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="moyeu-bench-search-") as tmp:
        given_url = os.environ.get("DATABASE_URL")
        url, dropped = database(given_url, Path(tmp))
        env = dict(os.environ, DATABASE_URL=url, MOYEU_VAR_DIR=tmp, MOYEU_LOG_LEVEL="WARNING")
        # The code of this tree (its src/), whichever tree the virtualenv was installed from.
        code = os.pathsep.join([str(BENCH), str(BENCH.parent / "src")])
        env.update(DJANGO_SETTINGS_MODULE="search_settings", PYTHONPATH=code)
        server = None
        try:
            subprocess.run(
                [sys.executable, "-m", "django", "migrate", "--noinput", "-v0"], env=env, check=True
            )
            os.environ.update(env)
            admin_token, member_token, seeded = seed(args.rows)
            from django.db import connection

            vendor = connection.vendor
            print(
                f"{vendor}: seeded {args.rows:,} contacts (raw bulk insert) in {seeded:.1f} s "
                f"= {args.rows / seeded:,.0f} rows/s; load {_load()}"
            )
            build_index(args.rows)
            connection.close()
            port = free_port()
            server = start_server(port, env, Path(tmp) / "gunicorn.log")
            check_agreement(port, {"Authorization": f"Bearer {admin_token}"})
            times = measure(port, args.repeat, {"all": admin_token, "team": member_token})
            if vendor == "postgresql":
                explain(args.rows)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
            if dropped and given_url:
                from django.db import connections

                connections.close_all()
                drop_database(given_url, dropped)
    print(f"\nsearch latency, {args.rows:,} contacts, {vendor}, one client, {args.repeat} each")
    print(f"{'query':<34}{'bare p50/p99':>16}{'API all p50/p99':>20}{'API team p50/p99':>20}")
    for label, q, typical in QUERIES:
        cells = [
            f"{statistics.median(times[q][n]):.1f}/{percentile(times[q][n], 0.99):.1f}"
            for n in ("bare", "api all", "api team")
        ]
        name = f"{label}{'' if typical else ' *'}"
        print(f"{name:<34}{cells[0]:>16}{cells[1]:>20}{cells[2]:>20}")
    print("* worst case, not in the p95 below")
    for name in ("bare", "api all", "api team"):
        typical = [t for label, q, ok in QUERIES if ok for t in times[q][name]]
        print(f"p95 over typical queries, {name}: {percentile(typical, 0.95):.1f} ms")
    bare = [t for _l, q, ok in QUERIES if ok for t in times[q]["bare"]]
    api = [t for _l, q, ok in QUERIES if ok for t in times[q]["api all"]]
    ratio = statistics.median(api) / statistics.median(bare)
    print(f"ratio p50 API all / bare (typical): {ratio:.2f}")


if __name__ == "__main__":
    main()
