"""A fresh database for the duplicate benchmarks: a temporary SQLite file, or
"<name>_bench_<suffix>" (one per benchmark) on the PostgreSQL server DATABASE_URL points
to, dropped at the end."""

from __future__ import annotations

import os
import sys
import urllib.parse
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _maintenance(url: str) -> str:
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/postgres"))


def open_database(tmp: Path, suffix: str) -> tuple[str, str | None]:
    """Point DATABASE_URL at a new database, set Django up and migrate: (engine, pg name)."""
    url = os.environ.get("DATABASE_URL", "")
    pg_name: str | None = None
    if not url or url.startswith("sqlite"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    else:
        import psycopg

        parts = urllib.parse.urlsplit(url)
        pg_name = parts.path.lstrip("/") + f"_bench_{suffix}"
        with psycopg.connect(_maintenance(url), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{pg_name}"')
        os.environ["DATABASE_URL"] = urllib.parse.urlunsplit(parts._replace(path=f"/{pg_name}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moyeu.settings")
    os.environ.setdefault("MOYEU_LOG_FORMAT", "text")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection as db

    call_command("migrate", verbosity=0)
    return db.vendor, pg_name


def close_database(original_url: str, pg_name: str | None) -> None:
    if pg_name is None:
        return
    from django.db import connections

    connections.close_all()
    import psycopg

    with psycopg.connect(_maintenance(original_url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


def insert_contacts(rows: Iterable[dict[str, Any]]) -> list[Any]:
    """Insert without services (the benchmark measures the scan): COPY on PostgreSQL,
    executemany on SQLite, every column as the ORM would write it. The ids in row order."""
    from django.db import connection, transaction
    from django.utils import timezone

    from moyeu.core.ids import new_id
    from moyeu.directory.duplicates.channels import phone
    from moyeu.directory.models import Contact

    now = timezone.now()
    fields = Contact._meta.concrete_fields
    columns = [f.column for f in fields]
    table = Contact._meta.db_table
    ids: list[Any] = []

    def values() -> Iterable[list[Any]]:
        for row in rows:
            contact = Contact(id=new_id(), created_at=now, updated_at=now, **row)
            contact.phone_e164 = phone(row.get("phone"))
            ids.append(contact.id)
            yield [f.get_db_prep_save(getattr(contact, f.attname), connection) for f in fields]

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ", ".join(f'"{c}"' for c in columns)
            raw = cursor.cursor
            with raw.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for record in values():
                    copy.write_row(record)
        else:
            marks = ", ".join("%s" for _ in columns)
            names = ", ".join(f'"{c}"' for c in columns)
            sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
            batch: list[list[Any]] = []
            for record in values():
                batch.append(record)
                if len(batch) == 10000:
                    cursor.executemany(sql, batch)
                    batch = []
            cursor.executemany(sql, batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return ids
