"""/api/v1/documents: upload, read, rename, move, trash and restore with the record API
conventions (ETag, If-Match, 304), and bad input named by field with nothing written.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

import pytest

from moyeu.core.models import AuditEntry, OutboxEvent
from moyeu.documents.models import Document
from tests.api.client import ApiClient
from tests.api.harness import side_effects
from tests.documents.api import PATH, make, upload_body
from tests.documents.conftest import stored_files
from tests.documents.files import png_bytes
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def test_upload_answers_the_document_with_etag_location_audit_and_event(
    clients: dict[str, ApiClient], personas: Personas, contact: Any, documents_folder: Path
) -> None:
    content = png_bytes()
    answer = clients["owner"].multipart(
        PATH, upload_body(contact, "Badge Alice.png", content, folder="  Photos   RH ")
    )
    assert answer.status == 201, answer.body
    document_id = answer.body["id"]
    assert answer.headers["ETag"] == '"1"'
    assert answer.headers["Location"] == f"/api/v1/documents/{document_id}"
    body = answer.body
    assert {k: body[k] for k in ("name", "folder", "record_type", "record", "kind")} == {
        "name": "Badge Alice.png",
        "folder": "Photos RH",
        "record_type": "directory.contact",
        "record": str(contact.pk),
        "kind": "png",
    }
    assert (body["content_type"], body["size"], body["current_version"], body["version"]) == (
        "image/png",
        len(content),
        1,
        1,
    )
    assert (body["owner"], body["team"], body["deleted_at"]) == (
        str(personas.owner.id),
        str(personas.north.id),
        None,
    )
    [version] = body["versions"]
    assert version == {
        "number": 1,
        "filename": "Badge Alice.png",
        "size": len(content),
        "kind": "png",
        "content_type": "image/png",
        "sha256": hashlib.sha256(content).hexdigest(),
        "uploaded_by": str(personas.owner.id),
        "uploaded_at": body["created_at"],
    }
    entry = AuditEntry.objects.get(object_id=document_id)
    assert (entry.code, entry.channel) == ("documents.document.uploaded", "api")
    event = OutboxEvent.objects.get(record_id=document_id)
    assert (event.type, event.record_type) == ("document.uploaded", "documents.document")
    assert event.payload["version"]["sha256"] == hashlib.sha256(content).hexdigest()
    assert event.correlation_id == entry.correlation_id == answer.headers["X-Request-ID"]
    # Stored under a random name without extension: nothing of "Badge Alice.png" on disk.
    [stored] = stored_files(documents_folder)
    assert stored.read_bytes() == content
    assert stored.suffix == "" and "Badge" not in str(stored)
    assert len(stored.name) == 32


def test_detail_has_etag_and_answers_304_to_if_none_match(
    clients: dict[str, ApiClient], personas: Personas, contact: Any
) -> None:
    document = make(personas, contact)
    answer = clients["owner"].get(f"{PATH}/{document.pk}")
    assert (answer.status, answer.headers["ETag"], answer.body["name"]) == (200, '"1"', "photo.png")
    again = clients["owner"].call("GET", f"{PATH}/{document.pk}", headers={"If-None-Match": '"1"'})
    assert (again.status, again.body) == (304, None)


def test_rename_and_move_with_if_match_then_stale_is_412(
    clients: dict[str, ApiClient], personas: Personas, contact: Any
) -> None:
    document = make(personas, contact)
    url, client = f"{PATH}/{document.pk}", clients["owner"]
    answer = client.patch(
        url, {"name": "Badge 2026.png", "folder": "Badges"}, headers={"If-Match": '"1"'}
    )
    assert (answer.status, answer.headers["ETag"], answer.body["version"]) == (200, '"2"', 2)
    assert (answer.body["name"], answer.body["folder"]) == ("Badge 2026.png", "Badges")
    assert OutboxEvent.objects.filter(type="document.updated").get().payload["changed_fields"] == [
        "folder",
        "name",
    ]
    before = side_effects()
    stale = client.patch(url, {"name": "Lost"}, headers={"If-Match": '"1"'})
    assert (stale.status, stale.code, stale.body["current_version"]) == (
        412,
        "core.version_conflict",
        2,
    )
    empty = client.patch(url, {"name": "  "})
    assert (empty.status, empty.body["errors"]) == (
        422,
        [{"field": "name", "message": "A document needs a name."}],
    )
    unknown = client.patch(url, {"record": str(uuid.uuid4())})
    assert (unknown.status, unknown.code) == (422, "api.unknown_field")
    assert side_effects() == before
    assert Document.objects.get().name == "Badge 2026.png"


def test_delete_moves_to_the_trash_and_restore_brings_it_back(
    clients: dict[str, ApiClient], personas: Personas, contact: Any
) -> None:
    document = make(personas, contact)
    url, client = f"{PATH}/{document.pk}", clients["owner"]
    stale = client.delete(url, headers={"If-Match": '"7"'})
    assert (stale.status, stale.code) == (412, "core.version_conflict")
    done = client.delete(url, headers={"If-Match": '"1"'})
    assert (done.status, done.body) == (204, None)
    assert client.get(PATH).body["items"] == []
    trash = client.get(PATH, deleted="true").body["items"]
    assert [(item["id"], item["deleted_by"]) for item in trash] == [
        (str(document.pk), str(personas.owner.id))
    ]
    # Still readable and downloadable from the trash, by those who see the record.
    assert client.get(url).body["deleted_at"] == trash[0]["deleted_at"]
    assert client.download(f"{url}/download").status_code == 200
    restored = client.post(f"{url}/restore", headers={"If-Match": '"2"'})
    assert (restored.status, restored.body["deleted_at"], restored.body["version"]) == (
        200,
        None,
        3,
    )
    assert [item["id"] for item in client.get(PATH).body["items"]] == [str(document.pk)]
    assert list(
        OutboxEvent.objects.filter(record_id=document.pk).values_list("type", flat=True)
    ) == ["document.uploaded", "document.deleted", "document.restored"]
    assert list(
        AuditEntry.objects.filter(object_id=document.pk)
        .order_by("occurred_at", "id")
        .values_list("code", flat=True)
    ) == [
        "documents.document.uploaded",
        "documents.document.deleted",
        "documents.document.restored",
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "devis.pdf",
            png_bytes(),
            "The file's name ends in .pdf but its content is PNG: rename it or upload the "
            "right file.",
        ),
        (
            "page.html",
            b"<!DOCTYPE html><html><script>alert(1)</script></html>",
            "This type of file (text/html) is not accepted; accepted: CSV, Excel, GIF, JPEG, "
            "OpenDocument, PDF, PNG, PowerPoint, Text, WebP, Word.",
        ),
        (
            "notes.txt",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "This type of file (image/svg+xml) is not accepted; accepted: CSV, Excel, GIF, "
            "JPEG, OpenDocument, PDF, PNG, PowerPoint, Text, WebP, Word.",
        ),
        (
            "setup.exe",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200),
            "This type of file (unknown binary data) is not accepted; accepted: CSV, Excel, GIF, "
            "JPEG, OpenDocument, PDF, PNG, PowerPoint, Text, WebP, Word.",
        ),
        (
            "notes.txt",
            bytes(range(256)) * 4,
            "This type of file (unknown binary data) is not accepted; accepted: CSV, Excel, GIF, "
            "JPEG, OpenDocument, PDF, PNG, PowerPoint, Text, WebP, Word.",
        ),
        ("empty.txt", b"", "The file is empty."),
    ],
)
def test_a_file_whose_content_is_refused_names_the_field_and_writes_nothing(
    clients: dict[str, ApiClient],
    contact: Any,
    documents_folder: Path,
    name: str,
    content: bytes,
    message: str,
) -> None:
    before = side_effects()
    answer = clients["owner"].multipart(PATH, upload_body(contact, name, content))
    assert (answer.status, answer.code, answer.body["errors"]) == (
        422,
        "core.validation_failed",
        [{"field": "file", "message": message}],
    )
    assert (side_effects(), Document.objects.count(), stored_files(documents_folder)) == (
        before,
        0,
        [],
    )


def test_oversize_is_413_naming_the_file_before_and_after_reading_it(
    clients: dict[str, ApiClient], contact: Any, settings: Any, documents_folder: Path
) -> None:
    settings.MOYEU_DOCUMENTS_MAX_BYTES = 100
    before = side_effects()
    message = "The file is larger than the limit of 100 B."
    read = clients["owner"].multipart(PATH, upload_body(contact))  # ~100 bytes over
    assert (read.status, read.code, read.body["errors"]) == (
        413,
        "documents.file_too_large",
        [{"field": "file", "message": message}],
    )
    # Declared far over the limit: refused from the Content-Length, before reading the body.
    big = clients["owner"].multipart(PATH, upload_body(contact, "big.txt", b"a" * 200_000))
    assert (big.status, big.code, big.body["errors"]) == (
        413,
        "documents.file_too_large",
        [{"field": "file", "message": message}],
    )
    assert (side_effects(), stored_files(documents_folder)) == (before, [])


def test_unknown_record_or_record_type_or_missing_file_are_named(
    clients: dict[str, ApiClient], contact: Any, documents_folder: Path
) -> None:
    client, before = clients["owner"], side_effects()
    unknown = client.multipart(PATH, {**upload_body(contact), "record": str(uuid.uuid4())})
    assert (unknown.status, unknown.code, unknown.body["errors"]) == (
        404,
        "core.not_found",
        [{"field": "record", "message": "No such record."}],
    )
    kind = client.multipart(PATH, {**upload_body(contact), "record_type": "documents.document"})
    assert (kind.status, kind.code, kind.body["errors"]) == (
        404,
        "documents.unknown_record_type",
        [
            {
                "field": "record_type",
                "message": "Documents cannot be attached to documents.document.",
            }
        ],
    )
    body = upload_body(contact)
    del body["file"]
    missing = client.multipart(PATH, body)
    assert (missing.status, [e["field"] for e in missing.body["errors"]]) == (422, ["file"])
    bad_id = client.multipart(PATH, {**upload_body(contact), "record": "12"})
    assert (bad_id.status, [e["field"] for e in bad_id.body["errors"]]) == (422, ["record"])
    extra = client.multipart(PATH, {**upload_body(contact), "colour": "red"})
    assert (extra.status, extra.code) == (422, "api.unknown_field")
    assert (side_effects(), stored_files(documents_folder)) == (before, [])
    assert client.get(f"{PATH}/{uuid.uuid4()}").code == "core.not_found"
    assert client.get(f"{PATH}/12").status == 404
