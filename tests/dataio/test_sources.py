"""Reading files: encodings, delimiters, broken CSV, wrong encoding, formulas, XLSX, size."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest

from moyeu.core.errors import ValidationFailed
from moyeu.dataio import imports
from moyeu.dataio.models import ImportRowResult
from moyeu.directory.models import Contact
from tests.dataio.helpers import as_dict, csv_bytes, run, upload
from tests.personas import Personas

pytestmark = pytest.mark.django_db

ROWS = [
    ["Prénom", "Nom", "Fonction"],
    ["Zoé", "Lefèbvre", "Chargée d'études"],
    ["Noël", "Øster", "Directeur"],
]


@pytest.mark.parametrize(
    ("encoding", "delimiter", "detected"),
    [
        ("utf-8-sig", ",", "utf-8-sig"),
        ("utf-8", ";", "utf-8"),
        ("cp1252", "\t", "cp1252"),
        ("latin-1", "|", "cp1252"),
        ("cp1252", ";", "cp1252"),
    ],
)
def test_encodings_and_delimiters_are_detected(
    personas: Personas, encoding: str, delimiter: str, detected: str
) -> None:
    data = csv_bytes(ROWS, delimiter=delimiter, encoding=encoding)
    job = run(personas.actor("owner"), data)
    assert (job.encoding, job.delimiter, job.headers) == (detected, delimiter, ROWS[0])
    assert as_dict(job)["created"] == 2
    assert sorted(Contact.objects.values_list("last_name", "job_title")) == [
        ("Lefèbvre", "Chargée d'études"),
        ("Øster", "Directeur"),
    ]


def test_a_wrong_encoding_names_the_row_and_column(personas: Personas) -> None:
    actor = personas.actor("owner")
    good = [["Zoé", f"Lefèbvre{n}", "x"] for n in range(5000)]  # beyond the 64 KB sample
    data = csv_bytes([ROWS[0], *good]) + "Zoé,Müller,x\r\n".encode("cp1252")
    job = upload(actor, data)
    assert job.encoding == "utf-8"  # the sample (and most of the file) is UTF-8
    imports.import_set_mapping(actor=actor, import_id=job.pk, mapping=job.mapping, mode="create")
    imports.import_start(actor=actor, import_id=job.pk)
    job = imports.import_process(job.pk)
    assert as_dict(job)["rejected"] == 1
    result = ImportRowResult.objects.get(job=job)
    assert (result.row, result.messages[0]["column"]) == (5002, "Prénom")
    assert "cannot be read as utf-8" in result.messages[0]["message"]
    assert Contact.objects.count() == 5000


def test_a_broken_csv_fails_with_its_line(personas: Personas) -> None:
    actor = personas.actor("owner")
    data = b'Nom,Fonction\r\nA,x\r\nB,"unterminated\r\nC,y\r\n'
    job = upload(actor, data)
    imports.import_set_mapping(actor=actor, import_id=job.pk, mapping=job.mapping, mode="create")
    imports.import_start(actor=actor, import_id=job.pk)
    job = imports.import_process(job.pk)
    assert job.status == "failed" and "Broken CSV at line" in job.error
    assert Contact.objects.count() == 0


def test_too_many_cells_and_binary_and_empty_files(personas: Personas) -> None:
    actor = personas.actor("owner")
    job = run(actor, csv_bytes([["Nom"], ["A", "extra"], ["B"]]))
    assert as_dict(job)["rejected"] == 1
    with pytest.raises(ValidationFailed, match="Invalid input") as caught:
        upload(actor, b"\x00\x01\x02")
    assert "not a text" in str(caught.value.errors)
    with pytest.raises(ValidationFailed) as caught:
        upload(actor, b"")
    assert caught.value.errors == {"file": ["The file is empty."]}


def test_upload_size_limit(personas: Personas, settings: Any) -> None:
    settings.MOYEU_IMPORT_MAX_BYTES = 100
    with pytest.raises(ValidationFailed) as caught:
        upload(personas.actor("owner"), csv_bytes([["Nom"]] + [["x" * 20]] * 10))
    assert "the limit is 0.0 MB" in caught.value.errors["file"][0]


def xlsx(rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_is_read_in_streaming_mode_and_formulas_are_refused(personas: Personas) -> None:
    data = xlsx([["Nom", "Téléphone", "Fonction"], ["Ana", 612345678, "DSI"], ["Bo", "", "=A2&B2"]])
    job = run(personas.actor("owner"), data, name="contacts.xlsx")
    assert (job.format, job.headers) == ("xlsx", ["Nom", "Téléphone", "Fonction"])
    assert as_dict(job)["created"] == 1
    result = ImportRowResult.objects.get(job=job)
    assert (result.row, result.messages[0]["column"]) == (3, "Fonction")
    assert Contact.objects.get().phone_e164 == "+33612345678"


def test_a_corrupt_xlsx_is_a_clear_error(personas: Personas) -> None:
    with pytest.raises(ValidationFailed) as caught:
        upload(personas.actor("owner"), b"PK not really a zip", name="c.xlsx")
    assert "cannot be read" in caught.value.errors["file"][0]
