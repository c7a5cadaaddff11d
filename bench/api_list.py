"""Benchmark: the contacts list API against the machine's ceiling, in one run.

    python bench/api_list.py [--rows 1000000] [--explain]        # SQLite (a temporary file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/api_list.py

Seeds ``--rows`` contacts and ``--accounts`` accounts with their e-mail, phone, address and
link rows (COPY on PostgreSQL, executemany on SQLite; people, roles and tokens through the
services), starts gunicorn with 2 sync workers serving Moyeu plus a bare JSON view over the
same rows (bench/bench_urls.py), and for three cases — every contact (a reader with scope
``all``), a filter (``?last_name=``), and a sales rep whose scope (``team``) holds few and
old contacts — checks that the API and the bare view return the same contacts page after
page, then loads each in turn from 127.0.0.1 and prints req/s, p50/p99 latency, the CPU the
workers spent per request and the ratio API / bare. ``--explain`` first prints, for every
list filter, ordering and scope of /contacts and /accounts, the page query's plan and time.
On PostgreSQL it works in a new database "<name>_bench_api" on the same server (created and
dropped from the "postgres" database), never in the database DATABASE_URL names.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROWS = 100_000


def prepare_database(url: str | None, tmp: Path) -> tuple[str, str | None]:
    """(DATABASE_URL to use, PostgreSQL database to drop afterwards)."""
    if not url or url.startswith("sqlite"):
        return f"sqlite:///{tmp / 'bench.sqlite3'}", None
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/") + "_bench_api"
    with psycopg.connect(maintenance_url(url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), name


def maintenance_url(url: str) -> str:
    """The server's "postgres" database: CREATE and DROP DATABASE run from there."""
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/postgres"))


def drop_database(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(maintenance_url(url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- seeding: services for people and roles, COPY / executemany for the records -------------

TEAMS = 40
OWNERS = 200
SMALL_TEAM_ROWS = 100  # the oldest contacts belong to a team of one newcomer ("rep")
KINDS = ["prospect"] * 6 + ["customer"] * 3 + ["partner", "supplier"] * 1
INDUSTRIES = ["62.01Z", "62.02A", "47.11F", "10.71C", "70.22Z", "41.20A", "46.90Z", "86.21Z"]
CITIES = [
    ("Paris", "75001"),
    ("Lyon", "69002"),
    ("Marseille", "13001"),
    ("Lille", "59000"),
    ("Bruxelles", "1000"),
    ("Nantes", "44000"),
    ("Toulouse", "31000"),
    ("Genève", "1201"),
]


def _converter(field: Any) -> Any:
    """The value a column receives through COPY (PostgreSQL) or executemany (SQLite)."""
    from django.db import connection, models

    target = field.target_field if field.is_relation else field
    sqlite = connection.vendor == "sqlite"
    if isinstance(target, models.UUIDField):
        return (lambda v: v.hex) if sqlite else None
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value if sqlite else None
    if isinstance(field, models.JSONField):
        return json.dumps
    if isinstance(field, models.BooleanField):
        return int if sqlite else None
    return None


def bulk_insert(model: Any, attnames: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """Insert ``rows`` (values in ``attnames`` order) without the ORM: COPY or executemany."""
    from django.db import connection

    fields = [next(f for f in model._meta.concrete_fields if f.attname == a) for a in attnames]
    converters = [_converter(f) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)

    def prepared() -> Iterator[list[Any]]:
        for row in rows:
            yield [
                v if c is None or v is None else c(v) for c, v in zip(converters, row, strict=True)
            ]

    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for record in prepared():
                    copy.write_row(record)
                    count += 1
        else:
            marks = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
            batch: list[list[Any]] = []
            for record in prepared():
                batch.append(record)
                if len(batch) == 10_000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


@contextlib.contextmanager
def indexes_rebuilt_after(models: list[Any]) -> Iterator[None]:
    """Drop the secondary indexes of ``models``' tables, then create them again after the
    inserts (faster than inserting into indexed tables; constraints' indexes stay)."""
    from django.db import connection

    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                [tables],
            )
        else:
            marks = ", ".join(["%s"] * len(tables))
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({marks})",
                tables,
            )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for _name, definition in found:
            cursor.execute(definition)


@dataclass
class Seeded:
    tokens: dict[str, str]  # persona -> bearer secret
    scopes: dict[str, tuple[str, list[str]]]  # persona -> (user id, team ids) for the bare view
    rows: int
    seconds: float
    inserted: int


def seed(rows: int, accounts: int) -> Seeded:
    """People through the services; then ``rows`` contacts and ``accounts`` accounts (with
    their e-mail, phone, address and link rows, a tag, a custom field) through COPY or
    executemany in one transaction, then ANALYZE."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from moyeu.core.context import Actor
    from moyeu.core.ids import new_id
    from moyeu.core.models import Tag
    from moyeu.core.services import custom_fields
    from moyeu.directory import models as d
    from moyeu.identity.services import roles, teams, tokens, users

    admin = get_user_model().objects.create_superuser("bench-admin", "", None)
    root = Actor(user=admin, channel="command")
    view = ("directory", "view")
    reader_role = roles.role_create(actor=root, name="Bench reader", grants=[(*view, "all")])
    rep_role = roles.role_create(actor=root, name="Bench rep", grants=[(*view, "team")])
    team_ids = [teams.team_create(actor=root, name=f"Équipe {t:02d}").id for t in range(TEAMS)]
    small = teams.team_create(actor=root, name="Équipe nouvelle").id
    empty = teams.team_create(actor=root, name="Équipe vide").id

    def person(name: str, team: Any, role: Any) -> Any:
        teams_of = [(team, False)] if team else []
        return users.user_create(
            actor=root, username=name, password=None, teams=teams_of, role_ids=[role]
        ).id

    owners = [person(f"owner{o:03d}", team_ids[o % TEAMS], rep_role.id) for o in range(OWNERS)]
    people = {
        "all": person("bench", None, reader_role.id),
        "big team": owners[0],
        "small team": person("bench-rep", small, rep_role.id),
        "sees nothing": person("bench-new", empty, rep_role.id),
    }
    secrets = {}
    for name, user_id in people.items():
        _token, secrets[name] = tokens.token_create(
            actor=root, user_id=user_id, name="bench", scopes=["directory:view"]
        )
    scopes = {
        "big team": (str(owners[0]), [str(team_ids[0])]),
        "small team": (str(people["small team"]), [str(small)]),
        "sees nothing": (str(people["sees nothing"]), [str(empty)]),
    }
    for record_type in ("directory.contact", "directory.account"):
        custom_fields.custom_field_create(
            actor=root, record_type=record_type, name="score", label="Score", type="number"
        )
    vip = Tag.objects.create(name="vip").id

    started = time.perf_counter()
    start = timezone.now() - datetime.timedelta(milliseconds=rows + accounts)
    inserted = 0
    tables = [d.Account, d.AccountEmail, d.AccountPhone, d.Address, d.Contact, d.ContactEmail]
    tables += [d.ContactPhone, d.AccountContactLink, d.Account.tags.through]
    tables += [d.Contact.tags.through]
    with transaction.atomic(), indexes_rebuilt_after(tables):
        if connection.vendor == "postgresql":
            # Generated rows are consistent: skip the per-row foreign-key triggers (seeding
            # only; the server's own user may do this).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        account_ids = [new_id() for _ in range(accounts)]
        inserted += seed_accounts(d, account_ids, owners, team_ids, start, vip)
        inserted += seed_contacts(d, rows, account_ids, owners, team_ids, small, people, start, vip)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seconds = time.perf_counter() - started
    print(f"seeded {rows} contacts, {accounts} accounts ({inserted} rows) in {seconds:.1f}s")
    return Seeded(secrets, scopes, rows, seconds, inserted)


RECORD = ["id", "created_at", "updated_at", "owner_id", "team_id", "version", "custom"]


def seed_accounts(
    d: Any, ids: list[Any], owners: list[Any], teams: list[Any], start: Any, vip: Any
) -> int:
    from moyeu.core.ids import new_id

    def when(j: int) -> Any:
        return start + datetime.timedelta(milliseconds=j)

    def owner(j: int) -> tuple[Any, Any]:
        return owners[j % OWNERS], teams[j % OWNERS % TEAMS]

    columns = [
        *RECORD,
        "name",
        "trade_name",
        "kind",
        "industry",
        "size_band",
        "siren",
        "siret",
        "vat_number",
        "website",
        "email",
        "phone",
        "phone_e164",
        "postcode",
        "city",
        "country",
        "parent_id",
    ]

    def accounts() -> Iterator[tuple[Any, ...]]:
        for j, pk in enumerate(ids):
            city, postcode = CITIES[j % len(CITIES)]
            siren = f"{j:09d}"
            yield (
                pk,
                when(j),
                when(j),
                *owner(j),
                1,
                {"score": j % 100},
                f"Société {j:07d}",
                "",
                KINDS[j % len(KINDS)] if j % 1000 else "competitor",
                INDUSTRIES[j % len(INDUSTRIES)],
                "",
                siren,
                f"{siren}{j % 100000:05d}",
                f"FR{j % 97:02d}{siren}",
                "",
                f"societe{j}@bench.example",
                f"01 {j % 100:02d} {j // 100 % 100:02d} {j // 10000 % 100:02d} 00",
                f"+331{j % 100:02d}{j // 100 % 100:02d}{j // 10000 % 100:02d}00",
                postcode,
                city,
                "BE" if city == "Bruxelles" else "CH" if city == "Genève" else "FR",
                ids[j - 1] if j % 50 == 1 else None,
            )

    n = bulk_insert(d.Account, columns, accounts())
    emails = (
        (new_id(), "work", f"societe{j}@bench.example", True, 0, pk) for j, pk in enumerate(ids)
    )
    n += bulk_insert(
        d.AccountEmail, ["id", "kind", "email", "is_primary", "position", "account_id"], emails
    )
    phones = (
        (
            new_id(),
            "work",
            "01",
            f"+331{j % 100:02d}{j // 100 % 100:02d}{j // 10000 % 100:02d}00",
            True,
            0,
            pk,
        )
        for j, pk in enumerate(ids)
    )
    n += bulk_insert(
        d.AccountPhone,
        ["id", "kind", "number", "e164", "is_primary", "position", "account_id"],
        phones,
    )
    addresses = (
        (
            new_id(),
            pk,
            None,
            "billing",
            "1 rue de la Paix",
            "",
            CITIES[j % 8][1],
            CITIES[j % 8][0],
            "",
            "FR",
            True,
            0,
        )
        for j, pk in enumerate(ids)
    )
    n += bulk_insert(
        d.Address,
        [
            "id",
            "account_id",
            "contact_id",
            "kind",
            "line1",
            "line2",
            "postcode",
            "city",
            "region",
            "country",
            "is_primary",
            "position",
        ],
        addresses,
    )
    through = d.Account.tags.through
    n += bulk_insert(
        through, ["account_id", "tag_id"], ((pk, vip) for j, pk in enumerate(ids) if j % 1000 == 7)
    )
    return n


def seed_contacts(
    d: Any,
    rows: int,
    accounts: list[Any],
    owners: list[Any],
    teams: list[Any],
    small: Any,
    people: dict[str, Any],
    start: Any,
    vip: Any,
) -> int:
    from moyeu.core.ids import new_id

    ids = [new_id() for _ in range(rows)]
    offset = len(accounts)

    def when(i: int) -> Any:
        return start + datetime.timedelta(milliseconds=offset + i)

    def owner(i: int) -> tuple[Any, Any]:
        if i % 100_000 == 50_000:
            return people["small team"], teams[i % OWNERS % TEAMS]  # the newcomer's own
        return owners[i % OWNERS], small if i < SMALL_TEAM_ROWS else teams[i % OWNERS % TEAMS]

    def account(i: int) -> Any:
        return accounts[i % len(accounts)] if accounts and i % 2 == 0 else None

    def e164(i: int) -> str:
        return f"+336{i % 100:02d}{i // 100 % 100:02d}{i // 10000 % 100:02d}00"

    columns = [
        *RECORD,
        "civility",
        "first_name",
        "last_name",
        "email",
        "phone",
        "phone_e164",
        "job_title",
        "language",
        "account_id",
    ]
    contacts = (
        (
            pk,
            when(i),
            when(i),
            *owner(i),
            1,
            {"score": i % 100},
            "",
            f"Prénom{i}",
            f"Nom{i % 5000:04d}",
            f"contact{i}@bench.example",
            f"06 {i % 100:02d} {i // 100 % 100:02d} {i // 10000 % 100:02d} 00",
            e164(i),
            "Acheteur",
            "fr",
            account(i),
        )
        for i, pk in enumerate(ids)
    )
    n = bulk_insert(d.Contact, columns, contacts)
    emails = (
        (new_id(), "work", f"contact{i}@bench.example", True, 0, pk) for i, pk in enumerate(ids)
    )
    n += bulk_insert(
        d.ContactEmail, ["id", "kind", "email", "is_primary", "position", "contact_id"], emails
    )
    phones = ((new_id(), "mobile", "06", e164(i), True, 0, pk) for i, pk in enumerate(ids))
    n += bulk_insert(
        d.ContactPhone,
        ["id", "kind", "number", "e164", "is_primary", "position", "contact_id"],
        phones,
    )
    addresses = (
        (
            new_id(),
            None,
            pk,
            "other",
            "2 avenue Foch",
            "",
            f"{75000 + i % 1000:05d}",
            "Paris",
            "",
            "FR",
            True,
            0,
        )
        for i, pk in enumerate(ids)
        if i % 10 == 0
    )
    n += bulk_insert(
        d.Address,
        [
            "id",
            "account_id",
            "contact_id",
            "kind",
            "line1",
            "line2",
            "postcode",
            "city",
            "region",
            "country",
            "is_primary",
            "position",
        ],
        addresses,
    )
    links = ((new_id(), pk, account(i), "", True, 0) for i, pk in enumerate(ids) if account(i))
    n += bulk_insert(
        d.AccountContactLink,
        ["id", "contact_id", "account_id", "role", "is_primary", "position"],
        links,
    )
    through = d.Contact.tags.through
    n += bulk_insert(
        through, ["contact_id", "tag_id"], ((pk, vip) for i, pk in enumerate(ids) if i % 1000 == 7)
    )
    return n


# --- EXPLAIN of every list filter, ordering and scope ------------------------------------


def explain_cases(seeded: Seeded) -> list[tuple[str, str, dict[str, str], str]]:
    """(resource, label, query parameters, persona) of every documented list parameter."""
    from moyeu.directory.models import Account, Contact

    account = Account.objects.order_by("id").values_list("id", flat=True)[len_half(Account)]
    parent = Account.objects.filter(parent__isnull=False).values_list("parent_id", flat=True)[0]
    middle = Contact.objects.order_by("id").values_list("created_at", flat=True)[len_half(Contact)]
    owner, teams = seeded.scopes["big team"]
    rare = seeded.rows - 1234
    common = {"owner": owner, "team": teams[0], "tag": "vip", "custom.score": "42"}
    contact_filters = {
        **common,
        "account": str(account),
        "email": f"CONTACT{rare}@bench.example",
        "last_name": "nom0042",
        "phone": f"06 {rare % 100:02d} {rare // 100 % 100:02d} {rare // 10000 % 100:02d} 00",
        "postcode": "75040",
        "created_after": middle.isoformat(),
        "updated_after": middle.isoformat(),
        "q": f"Prénom{rare}",
        "ordering=last_name": "",
        "ordering=-updated_at": "",
        "ordering=created_at": "",
    }
    account_filters = {
        **common,
        "kind=prospect": "",
        "kind=competitor": "",
        "country": "ch",
        "city": "genève",
        "postcode": "1201",
        "siren": "000123456",
        "siret": "00012345623456",
        "vat_number": "fr 76 000123456",
        "industry": "62",
        "industry=86.21z": "",
        "parent": str(parent),
        "phone": "01 56 34 12 00",
        "q": "Société 0123456",
        "ordering=name": "",
    }
    cases = []
    for persona in ("all", "big team", "small team", "sees nothing"):
        for resource in ("contacts", "accounts"):
            cases.append((resource, f"(no filter) [{persona}]", {}, persona))
    for resource, filters in (("contacts", contact_filters), ("accounts", account_filters)):
        for name, value in filters.items():
            key, _eq, fixed = name.partition("=")
            params = {key: fixed or value}
            for persona in ("all", "small team"):
                cases.append(
                    (resource, f"{name}{'' if fixed else '='} [{persona}]", params, persona)
                )
    return cases


def len_half(model: Any) -> int:
    return int(model.objects.count() // 2)


def _summary(plan: str) -> str:
    """A plan's nodes, one line: "Limit > Index Scan Backward using directory_contact_pkey"."""
    nodes = []
    for line in plan.splitlines():
        text = line.strip().removeprefix("->").strip()
        if not text or text.startswith(
            (
                "Filter",
                "Index Cond",
                "Sort Key",
                "Rows Removed",
                "Planning",
                "Execution",
                "Hash Cond",
                "Join Filter",
                "Recheck",
                "Heap Blocks",
                "Output",
                "Group Key",
                "Subplans",
                "Buffers",
                "Batches",
                "Memory",
                "Worker",
                "Sort Method",
                "Presorted",
                "Full-sort",
                "Cache",
            )
        ):
            continue
        nodes.append(re.sub(r"\s*\(cost=.*$", "", text))
    return " > ".join(nodes)


def explain(sql: str) -> tuple[str, str, float]:
    """(plan summary, whole plan, best time in ms of 3 runs) of one captured page query."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (ANALYZE) {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
        best = float("inf")
        for _ in range(3):
            began = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            best = min(best, time.perf_counter() - began)
    summary = _summary(plan) if connection.vendor == "postgresql" else plan.replace("\n", " | ")
    return summary, plan, best * 1000


def run_explain(seeded: Seeded, log: Path) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    print(f"\nplans of the page queries ({connection.vendor}; whole plans in {log})")
    print(f"{'list':<9} {'parameter [scope]':<40} {'query ms':>9} {'request ms':>11}  plan")
    with log.open("w") as out:
        for resource, label, params, persona in explain_cases(seeded):
            headers = {"Authorization": f"Bearer {seeded.tokens[persona]}"}
            path = f"/api/v1/{resource}?" + urllib.parse.urlencode({"limit": 25, **params})
            client.get(path, headers=headers)  # warm
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                answer = client.get(path, headers=headers)
                request_ms = (time.perf_counter() - began) * 1000
            if answer.status_code != 200:
                raise SystemExit(f"{path} answered {answer.status_code}: {answer.content[:300]!r}")
            table = f'"directory_{resource[:-1]}"'
            pages = [
                q["sql"] for q in captured if f"FROM {table}" in q["sql"] and "LIMIT" in q["sql"]
            ]
            if not pages:
                print(f"{resource:<9} {label:<40} {'-':>9} {request_ms:>11.1f}  (no page query)")
                continue
            # A scope of several branches reads the ids of its branches, then the rows.
            explained = [explain(sql) for sql in pages]
            summary = " ++ ".join(e[0] for e in explained)
            plan = "\n--\n".join(e[1] for e in explained)
            ms = sum(e[2] for e in explained)
            items = len(json.loads(answer.content)["items"])
            print(f"{resource:<9} {label:<40} {ms:>9.2f} {request_ms:>11.1f}  {summary} [{items}]")
            out.write(f"== {resource} {label}\n" + "\n".join(pages) + f"\n{plan}\n\n")


# --- the load ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    persona: str
    params: dict[str, str]


CASES = [
    Case("every contact", "all", {}),
    Case("?last_name=", "all", {"last_name": "nom0042"}),
    Case("scope team, few rows", "small team", {}),
]


def free_port() -> int:
    for port in range(18100, 18200):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("no free port in 18100-18199")


def start_server(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--worker-class", "sync"]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning", "moyeu.wsgi:application"]
    server = subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit(f"gunicorn did not start; see {log}")


def workers_cpu(master: int) -> float:
    """CPU seconds (user + system) spent so far by the gunicorn workers of ``master``."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def get(port: int, path: str, headers: dict[str, str]) -> Any:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"GET {path} answered {response.status}: {body[:300]!r}")
    return json.loads(body)


def page_paths(
    port: int, case: Case, seeded: Seeded, pages: int
) -> tuple[list[str], list[str], int]:
    """The API's first pages by following next_cursor, the bare view's same pages, and the
    number of items they hold (the two must list the same contacts, page after page)."""
    headers = {"Authorization": f"Bearer {seeded.tokens[case.persona]}"}
    bare_params = dict(case.params)
    if case.persona in seeded.scopes:
        owner, teams = seeded.scopes[case.persona]
        bare_params.update(owner=owner, teams=",".join(teams))
    api, bare, cursor, after, items = [], [], None, None, 0
    for _ in range(pages):
        api_query = {"limit": "25", **case.params, **({"cursor": cursor} if cursor else {})}
        bare_query = {**bare_params, **({"after": after} if after else {})}
        api_path = "/api/v1/contacts?" + urllib.parse.urlencode(api_query)
        bare_path = "/bench/bare-contacts?" + urllib.parse.urlencode(bare_query)
        api_page, bare_page = get(port, api_path, headers), get(port, bare_path, {})
        api_ids = [item["id"] for item in api_page["items"]]
        bare_ids = [str(item["id"]) for item in bare_page["items"]]
        if api_ids != bare_ids or not api_ids:
            raise SystemExit(f"the API and the bare view disagree on {api_path}")
        api.append(api_path)
        bare.append(bare_path)
        items += len(api_ids)
        cursor, after = api_page["next_cursor"], bare_ids[-1]
        if cursor is None:
            break
    return api, bare, items


@dataclass(frozen=True)
class Measure:
    result: Any  # bench_load.Result
    cpu_ms: float  # workers' CPU per request


def measure(
    args: argparse.Namespace, port: int, master: int, paths: list[str], headers: dict[str, str]
) -> Measure:
    from bench_load import python_load, wrk_load

    if args.client == "wrk":
        wrk_load(port, paths, headers, 2, args.concurrency)  # warm-up
        cpu = workers_cpu(master)
        result = wrk_load(port, paths, headers, args.seconds, args.concurrency)
    else:
        python_load(port, paths, headers, args.requests // 5, args.concurrency)  # warm-up
        cpu = workers_cpu(master)
        result = python_load(port, paths, headers, args.requests, args.concurrency)
    spent = workers_cpu(master) - cpu
    return Measure(result, spent / max(result.requests, 1) * 1000)


def main() -> None:
    sys.path.insert(0, str(BENCH))
    from bench_load import has_wrk

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS, help="contacts")
    parser.add_argument("--accounts", type=int, default=None, help="default: rows / 200")
    parser.add_argument("--pages", type=int, default=4, help="cursor pages cycled through")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--requests", type=int, default=4000, help="per target (python client)")
    parser.add_argument("--seconds", type=int, default=10, help="per target (wrk)")
    parser.add_argument("--explain", action="store_true", help="plans of every list parameter")
    parser.add_argument("--no-load", action="store_true", help="seed (and explain) only")
    parser.add_argument(
        "--client", choices=["wrk", "python"], default="wrk" if has_wrk() else "python"
    )
    args = parser.parse_args()
    accounts = max(1, args.rows // 200 if args.accounts is None else args.accounts)

    results: list[tuple[Case, int, Measure, Measure]] = []
    with tempfile.TemporaryDirectory(prefix="moyeu-bench-") as tmp:
        given_url = os.environ.get("DATABASE_URL")
        url, dropped = prepare_database(given_url, Path(tmp))
        env = dict(os.environ, DATABASE_URL=url, MOYEU_VAR_DIR=tmp, MOYEU_LOG_FORMAT="text")
        env.update(DJANGO_SETTINGS_MODULE="bench_settings", PYTHONPATH=str(BENCH))
        server = None
        try:
            subprocess.run(
                [sys.executable, "-m", "django", "migrate", "--noinput", "-v0"], env=env, check=True
            )
            os.environ.update(env)
            seeded = seed(args.rows, accounts)
            if args.explain:
                run_explain(seeded, BENCH.parent / "var" / f"explain-{engine_name(dropped)}.txt")
            if args.no_load:
                return
            from django.db import connections

            connections.close_all()
            port = free_port()
            server = start_server(port, env, Path(tmp) / "gunicorn.log")
            load = os.getloadavg()[0]
            for case in CASES:
                headers = {"Authorization": f"Bearer {seeded.tokens[case.persona]}"}
                api_paths, bare_paths, items = page_paths(port, case, seeded, args.pages)
                bare = measure(args, port, server.pid, bare_paths, {})
                api = measure(args, port, server.pid, api_paths, headers)
                results.append((case, items // len(api_paths), bare, api))
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
            if dropped and given_url:
                drop_database(given_url, dropped)
    report(args, engine_name(dropped), seeded, accounts, load, results)


def engine_name(dropped: str | None) -> str:
    return "PostgreSQL" if dropped else "SQLite"


def report(
    args: argparse.Namespace,
    engine: str,
    seeded: Seeded,
    accounts: int,
    load: float,
    results: list[tuple[Case, int, Measure, Measure]],
) -> None:
    print(
        f"\ncontacts list, {args.rows} contacts and {accounts} accounts, {engine}, gunicorn 2 "
        f"sync workers, client {args.client} x{args.concurrency}, up to {args.pages} cursor "
        f"pages; load average {load:.1f} at the start; seeded {seeded.inserted} rows in "
        f"{seeded.seconds:.0f}s"
    )
    print(
        f"{'case':<24}{'target':<8}{'items':>6}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'CPU ms':>8}{'errors':>7}{'ratio':>7}"
    )
    failed = False
    for case, items, bare, api in results:
        ratio = api.result.rate / bare.result.rate
        for target, m, shown in (("bare", bare, ""), ("API", api, f"{ratio:.2f}")):
            r = m.result
            print(
                f"{case.name:<24}{target:<8}{items:>6}{r.rate:>8.0f}{r.p50_ms:>8.2f}"
                f"{r.p99_ms:>8.2f}{m.cpu_ms:>8.2f}{r.errors:>7}{shown:>7}"
            )
            failed = failed or bool(r.errors)
        print(f"{'':<24}CPU ratio bare / API: {bare.cpu_ms / api.cpu_ms:.2f}")
    print("ratio = API req/s / bare req/s (target >= 0.5); CPU ms = workers' CPU per request")
    if failed:
        raise SystemExit("some requests failed")


if __name__ == "__main__":
    main()
