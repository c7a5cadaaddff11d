"""A fresh database for the duplicate benchmarks: a temporary SQLite file, or
"<name>_bench_dedup" on the PostgreSQL server DATABASE_URL points to (dropped at the end)."""

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


def open_database(tmp: Path) -> tuple[str, str | None]:
    """Point DATABASE_URL at a new database, set Django up and migrate: (engine, pg name)."""
    url = os.environ.get("DATABASE_URL", "")
    pg_name: str | None = None
    if not url or url.startswith("sqlite"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    else:
        import psycopg

        parts = urllib.parse.urlsplit(url)
        pg_name = parts.path.lstrip("/") + "_bench_dedup"
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
    """Bulk insert (no services: the benchmark measures the scan); the ids in row order."""
    from django.db import connection, transaction
    from django.utils import timezone

    from moyeu.core.ids import new_id
    from moyeu.directory.duplicates.channels import phone
    from moyeu.directory.models import Contact

    now = timezone.now()
    has_e164 = any(f.name == "phone_e164" for f in Contact._meta.concrete_fields)
    ids: list[Any] = []
    batch: list[Contact] = []
    with transaction.atomic():
        for row in rows:
            contact = Contact(id=new_id(), created_at=now, updated_at=now, **row)
            if has_e164:
                contact.phone_e164 = phone(row.get("phone"))  # type: ignore[attr-defined]
            ids.append(contact.id)
            batch.append(contact)
            if len(batch) == 5000:
                Contact.objects.bulk_create(batch)
                batch = []
        Contact.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return ids
