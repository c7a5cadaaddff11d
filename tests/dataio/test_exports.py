"""Exports: list filters and columns, export scope, formula guard, XLSX, cancel, audit."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from moyeu.core.errors import PermissionDenied, ValidationFailed
from moyeu.core.models import AuditEntry
from moyeu.dataio import exports
from moyeu.dataio.models import ExportJob
from moyeu.directory.services import contact_create
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def seed(personas: Personas) -> None:
    owner, outsider = personas.actor("owner"), personas.actor("outsider")
    contact_create(
        actor=owner,
        values={"last_name": "Alpha", "email": "a@exemple.fr", "job_title": "=1+2"},
        tags=["vip"],
    )
    contact_create(
        actor=owner, values={"last_name": "Beta", "email": "b@exemple.fr", "job_title": "@cmd"}
    )
    contact_create(actor=outsider, values={"last_name": "Gamma", "email": "g@exemple.fr"})


def export(
    personas: Personas, name: str, query: str, columns: list[str], file_format: str = "csv"
) -> ExportJob:
    job = exports.export_request(
        actor=personas.actor(name),
        record_type="directory.contact",
        query=query,
        columns=columns,
        file_format=file_format,
    )
    return exports.export_process(job.pk)


def read_csv(job: ExportJob) -> list[list[str]]:
    with Path(job.file_path).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_csv_export_of_a_filtered_list_neutralises_formulas(personas: Personas) -> None:
    seed(personas)
    job = export(personas, "owner", "sort=last_name", ["last_name", "job_title", "tags", "owner"])
    assert (job.status, job.progress_done, job.progress_total) == ("done", 2, 2)
    assert read_csv(job) == [
        ["Name", "Job title", "Tags", "Owner"],
        ["Alpha", "'=1+2", "vip", "owner"],
        ["Beta", "'@cmd", "", "owner"],
    ]
    job = export(personas, "owner", "q=beta", ["email"])
    assert read_csv(job) == [["E-mail"], ["b@exemple.fr"]]


def test_export_reaches_only_what_the_actor_may_export(personas: Personas) -> None:
    seed(personas)
    assert [r[0] for r in read_csv(export(personas, "admin", "sort=last_name", ["last_name"]))] == [
        "Name",
        "Alpha",
        "Beta",
        "Gamma",
    ]
    assert [
        r[0] for r in read_csv(export(personas, "outsider", "sort=last_name", ["last_name"]))
    ] == ["Name", "Gamma"]


def test_export_is_audited_as_a_sensitive_read(personas: Personas) -> None:
    seed(personas)
    job = export(personas, "owner", "q=alpha", ["last_name"])
    entry = AuditEntry.objects.get(code="directory.contact.exported")
    assert (entry.actor_id, entry.data["export_id"], entry.data["rows"], entry.data["query"]) == (
        personas.owner.pk,
        str(job.pk),
        1,
        "q=alpha",
    )


def test_xlsx_export(personas: Personas) -> None:
    seed(personas)
    job = export(personas, "owner", "sort=last_name", ["last_name", "job_title"], "xlsx")
    sheet = openpyxl.load_workbook(job.file_path, read_only=True).worksheets[0]
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["Name", "Job title"],
        ["Alpha", "'=1+2"],
        ["Beta", "'@cmd"],
    ]


def test_cancel_and_bad_requests(personas: Personas) -> None:
    seed(personas)
    actor = personas.actor("owner")
    job = exports.export_request(
        actor=actor, record_type="directory.contact", columns=["email"], file_format="csv"
    )
    job = exports.export_cancel(actor=actor, export_id=job.pk)
    assert job.status == "cancelled"
    assert exports.export_process(job.pk).status == "cancelled"
    with pytest.raises(ValidationFailed):
        exports.export_request(
            actor=actor, record_type="directory.contact", columns=["password"], file_format="csv"
        )
    with pytest.raises(ValidationFailed):
        exports.export_request(
            actor=actor, record_type="directory.contact", columns=[], file_format="pdf"
        )
    from moyeu.core.context import Actor

    plain = Actor(user=personas.admin.__class__.objects.create_user("plain", "", "x"))
    with pytest.raises(PermissionDenied):
        exports.export_request(
            actor=plain, record_type="directory.contact", columns=[], file_format="csv"
        )


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_cancel_between_chunks_leaves_no_file(
    personas: Personas, settings: Any, monkeypatch: pytest.MonkeyPatch, file_format: str
) -> None:
    seed(personas)
    settings.MOYEU_EXPORT_CHUNK_SIZE = 1
    checks: list[int] = []
    monkeypatch.setattr(exports, "_cancelled", lambda job: checks.append(1) or True)
    job = export(personas, "owner", "sort=last_name", ["last_name"], file_format)
    assert (job.status, job.progress_done, job.file_path, len(checks)) == ("cancelled", 1, "", 1)
    assert list((Path(settings.VAR_DIR) / "dataio" / "exports").iterdir()) == []


def test_an_xlsx_export_beyond_a_sheet_fails_and_names_csv(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(personas)
    monkeypatch.setattr(exports, "MAX_ROWS", 2)  # a header and one row
    job = export(personas, "owner", "sort=last_name", ["last_name"], "xlsx")
    assert (job.status, job.error) == (
        "failed",
        "An XLSX sheet holds at most 1 rows: export these 2 as CSV.",
    )
    assert export(personas, "owner", "sort=last_name", ["last_name"], "csv").status == "done"


def test_postgresql_plans_the_export_cursor_for_all_rows(personas: Personas) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("cursor_tuple_fraction is PostgreSQL's")
    seed(personas)
    with CaptureQueriesContext(connection) as queries:
        job = export(personas, "owner", "sort=last_name", ["last_name"])
    assert read_csv(job) == [["Name"], ["Alpha"], ["Beta"]]
    sql = [q["sql"] for q in queries.captured_queries]
    setting = [s for s in sql if "cursor_tuple_fraction" in s]
    assert setting == ["SET cursor_tuple_fraction = 1.0", "RESET cursor_tuple_fraction"]
    start, end = sql.index(setting[0]), sql.index(setting[1])
    assert any('"last_name"' in s and "ORDER BY" in s for s in sql[start + 1 : end])
    with connection.cursor() as cursor:
        cursor.execute("SHOW cursor_tuple_fraction")
        assert cursor.fetchone() == ("0.1",)
