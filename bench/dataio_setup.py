"""Shared set-up of the import and export benchmarks: database, data file, raw ceiling.

PostgreSQL runs in the database DATABASE_URL names (created if missing, its contacts
emptied first); without DATABASE_URL, a temporary SQLite file.
"""

from __future__ import annotations

import csv
import os
import random
import time
import unicodedata
import urllib.parse
from pathlib import Path
from typing import Any

FIRST = [
    "Jean",
    "Marie",
    "Pierre",
    "Anne",
    "Luc",
    "Sophie",
    "Paul",
    "Claire",
    "Louis",
    "Julie",
    "Hugo",
    "Emma",
    "Léa",
    "Chloé",
    "Nathan",
    "Inès",
    "Théo",
    "Zoé",
    "Élodie",
    "François",
]
LAST = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèbvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
]
TITLES = ["Acheteur", "Directrice commerciale", "DSI", "Comptable", "Gérant", ""]


def prepare(tmp: Path) -> str:
    """Point Django at the bench database, migrate it, empty its contacts; return vendor."""
    url = os.environ.get("DATABASE_URL", "")
    if not url or url.startswith("sqlite"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    else:
        import psycopg

        parts = urllib.parse.urlsplit(url)
        name = parts.path.lstrip("/")
        admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{name}"')
    os.environ.setdefault("MOYEU_VAR_DIR", str(tmp))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moyeu.settings")
    os.environ.setdefault("MOYEU_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    empty_contacts()
    return connection.vendor


def empty_contacts() -> None:
    from django.db import connection

    tables = [
        "directory_contactemail",
        "directory_contactphone",
        "directory_address",
        "directory_accountcontactlink",
        "directory_contact_tags",
        "directory_contact",
        "core_outboxevent",
        "core_auditentry",
        "core_externalid",
        "dataio_importbatch",
        "dataio_importrowresult",
        "dataio_importjob",
        "dataio_exportjob",
    ]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")


def person(n: int, rng: random.Random) -> list[str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    phone = f"06 {n // 1000000 % 100:02d} {n // 10000 % 100:02d} {n // 100 % 100:02d} {n % 100:02d}"
    local = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore").decode()
    return [first, last, f"{local.lower()}.{n}@exemple.fr", phone, rng.choice(TITLES)]


def write_csv(path: Path, rows: int) -> None:
    rng = random.Random(4)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Prénom", "Nom", "E-mail", "Téléphone", "Fonction"])
        for n in range(rows):
            writer.writerow(person(n, rng))


def raw_ceiling(rows: int) -> float:
    """Rows/s of the bare bulk load of the same contacts (already-built rows) into a copy
    of the contact table with the same indexes: COPY on PostgreSQL, one executemany
    transaction on SQLite. The table is dropped afterwards."""
    from django.db import connection, transaction
    from django.utils import timezone

    from moyeu.core.ids import new_id

    rng = random.Random(4)
    now = timezone.now()
    people = [person(n, rng) for n in range(rows)]
    columns = [
        "id",
        "created_at",
        "updated_at",
        "version",
        "custom",
        "civility",
        "first_name",
        "last_name",
        "email",
        "phone",
        "phone_e164",
        "job_title",
        "language",
    ]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_contact")
        if connection.vendor == "postgresql":
            cursor.execute("CREATE TABLE bench_raw_contact (LIKE directory_contact INCLUDING ALL)")
            records: list[Any] = [
                (
                    new_id(),
                    now,
                    now,
                    1,
                    "{}",
                    "",
                    p[0],
                    p[1],
                    p[2],
                    p[3],
                    "+33" + p[3][1:].replace(" ", ""),
                    p[4],
                    "",
                )
                for p in people
            ]
        else:
            _sqlite_copy_table(cursor)
            stamp = now.isoformat(sep=" ").replace("+00:00", "")
            records = [
                (
                    new_id().hex,
                    stamp,
                    stamp,
                    1,
                    "{}",
                    "",
                    p[0],
                    p[1],
                    p[2],
                    p[3],
                    "+33" + p[3][1:].replace(" ", ""),
                    p[4],
                    "",
                )
                for p in people
            ]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        names = ", ".join(columns)
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY bench_raw_contact ({names}) FROM STDIN") as copy:
                for record in records:
                    copy.write_row(record)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO bench_raw_contact ({names}) VALUES ({marks})", records)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_raw_contact")
    return rows / elapsed


def _sqlite_copy_table(cursor: Any) -> None:
    cursor.execute(
        "SELECT type, sql FROM sqlite_master"
        " WHERE tbl_name = 'directory_contact' AND sql IS NOT NULL"
    )
    for kind, sql in sorted(cursor.fetchall(), key=lambda r: r[0] != "table"):
        sql = sql.replace('"directory_contact"', '"bench_raw_contact"', 1)
        if kind == "index":
            sql = sql.replace('INDEX "', 'INDEX "bench_raw_', 1)
        cursor.execute(sql)
