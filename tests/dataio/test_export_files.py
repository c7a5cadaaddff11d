"""Export files stay the same byte for byte (CSV) and cell for cell (XLSX) for a fixture of
awkward values, whatever the reading and writing paths underneath."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from moyeu.core.services import custom_fields
from moyeu.dataio import exports
from moyeu.dataio.models import ExportJob
from moyeu.directory.models import Contact
from moyeu.directory.services import account_create, contact_create
from tests.personas import Personas

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
COLUMNS = [
    "last_name",
    "email",
    "phone",
    "job_title",
    "account",
    "owner",
    "tags",
    "custom.size",
    "custom.active",
    "custom.labels",
    "custom.note",
]
# Job titles a spreadsheet would misread, or that XML cannot hold as they are.
AWKWARD = [
    "=SUM(A1:A2)",
    "+33 6 12",
    "-2",
    "@cmd",
    "\tindent",
    "\rreturn",
    'a, b; "c"',
    "line\nbreak",
    "  spaced  ",
    "<b>&amp;</b>",
    "bell\x07 and _x0041_",
    "Élodie Œuvre ß ünï",
    "",
]


def seed(personas: Personas) -> None:
    admin, owner = personas.actor("admin"), personas.actor("owner")
    for name, kind, extra in [
        ("size", "number", {}),
        ("active", "boolean", {}),
        ("labels", "multi_choice", {"choices": ["a", "b", "c"]}),
        ("note", "text", {}),
    ]:
        custom_fields.custom_field_create(
            actor=admin,
            record_type="directory.contact",
            name=name,
            label=name.title(),
            type=kind,
            **extra,
        )
    account = account_create(actor=owner, values={"name": "=Acme & Co"})
    for index, title in enumerate(AWKWARD):
        contact = contact_create(
            actor=owner,
            values={
                "last_name": f"Name{index:02d}",
                "email": f"p{index}@exemple.fr" if index % 3 else "",
                "phone": "+33 6 12 34 56 78" if index % 2 else "",
                "account_id": account.pk if index % 4 == 0 else None,
            },
            tags=["vip", "b2b"] if index % 5 == 0 else [],
            custom={"size": index * 10, "active": index % 2 == 0, "labels": ["c", "a"]}
            if index % 3 == 0
            else {},
        )
        # Stored as is (the services would trim), as an import or an old row may hold them.
        Contact.objects.filter(pk=contact.pk).update(
            job_title=title,
            custom={**contact.custom, "note": title} if index % 2 else contact.custom,
        )


def run(personas: Personas, file_format: str) -> ExportJob:
    job = exports.export_request(
        actor=personas.actor("owner"),
        record_type="directory.contact",
        query="sort=last_name",
        columns=COLUMNS,
        file_format=file_format,
    )
    job = exports.export_process(job.pk)
    assert (job.status, job.progress_done) == ("done", len(AWKWARD))
    return job


def cells(path: Path) -> list[list[Any]]:
    sheet = openpyxl.load_workbook(path, read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_csv_export_is_byte_identical_to_the_reference(personas: Personas) -> None:
    seed(personas)
    written = Path(run(personas, "csv").file_path).read_bytes()
    if os.environ.get("MOYEU_UPDATE_SNAPSHOTS"):
        (DATA / "export_reference.csv").write_bytes(written)
    assert written == (DATA / "export_reference.csv").read_bytes()


def test_xlsx_export_holds_the_reference_cells(personas: Personas) -> None:
    seed(personas)
    found = cells(Path(run(personas, "xlsx").file_path))
    if os.environ.get("MOYEU_UPDATE_SNAPSHOTS"):
        (DATA / "export_reference_xlsx.json").write_text(
            json.dumps(found, ensure_ascii=False, indent=1) + "\n"
        )
    assert found == json.loads((DATA / "export_reference_xlsx.json").read_text())


def test_the_sheet_writer_cuts_long_strings_and_refuses_other_types(tmp_path: Path) -> None:
    from moyeu.dataio.xlsx import MAX_STRING, SheetWriter

    writer = SheetWriter(tmp_path / "a.xlsx")
    writer.write_rows([["x" * (MAX_STRING + 5), 1.5, 10**12, "", " a "], [], ["", ""]])
    writer.write_rows([["_x0041_", "\x00"]])
    with pytest.raises(TypeError, match="Cell B5: bool"):
        writer.write_rows([["ok", True]])
    writer.close()
    assert writer.dimension() == "A1:E4"
    assert cells(tmp_path / "a.xlsx") == [
        ["x" * MAX_STRING, 1.5, 10**12, None, " a "],
        [None] * 5,
        [None] * 5,
        ["_x005F_x0041_", "_x0000_", None, None, None],
    ]
    assert list(tmp_path.iterdir()) == [tmp_path / "a.xlsx"]  # the row buffer is gone
