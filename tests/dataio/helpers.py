"""Building import files and running imports the way the worker does, for the tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from moyeu.core.context import Actor
from moyeu.dataio import imports
from moyeu.dataio.models import ImportJob

CONTACT_HEADER = ["Prénom", "Nom", "E-mail", "Téléphone", "Fonction"]


def csv_bytes(rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def upload(
    actor: Actor, data: bytes, name: str = "contacts.csv", record_type: str = "directory.contact"
) -> ImportJob:
    return imports.import_upload(
        actor=actor, record_type=record_type, file_name=name, chunks=[data], size=len(data)
    )


def run(
    actor: Actor,
    data: bytes,
    *,
    mode: str = "create",
    key: str = "",
    name: str = "contacts.csv",
    mapping: dict[str, str] | None = None,
    duplicates: str = "skip",
    record_type: str = "directory.contact",
) -> ImportJob:
    """Upload, map (the suggestion unless given), then process synchronously."""
    job = upload(actor, data, name, record_type)
    imports.import_set_mapping(
        actor=actor,
        import_id=job.pk,
        mapping=mapping if mapping is not None else job.mapping,
        mode=mode,
        key=key,
        duplicates=duplicates,
    )
    imports.import_start(actor=actor, import_id=job.pk)
    return imports.import_process(job.pk)


def contact_rows(count: int, start: int = 0) -> list[list[str]]:
    return [
        [
            f"Prénom{n}",
            f"Nom{n}",
            f"person{n}@exemple.fr",
            f"06 12 {n // 10000 % 100:02d} {n // 100 % 100:02d} {n % 100:02d}",
            "Acheteur",
        ]
        for n in range(start, start + count)
    ]


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def as_dict(job: ImportJob) -> dict[str, Any]:
    job.refresh_from_db()
    return {
        "status": job.status,
        "created": job.created_count,
        "updated": job.updated_count,
        "skipped": job.skipped_count,
        "rejected": job.rejected_count,
    }
