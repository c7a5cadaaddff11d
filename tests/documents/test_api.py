"""/api/v1/documents: the record API conventions, multipart uploads, versions and downloads.

The generic contract (tests/api/harness.py) sends JSON bodies; documents are created by a
multipart upload, so this file walks the same promises with uploads: ETag and If-Match,
Idempotency-Key, problems naming the field, cursor pages, filters, the personas' access
matrix with no side effect on denial.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from moyeu.core.models import AuditEntry, OutboxEvent
from moyeu.documents.models import Document, DocumentVersion
from moyeu.documents.services import document_upload
from tests.api.client import ApiClient, persona_clients, token_for
from tests.api.harness import ACCESS_MATRIX, side_effects
from tests.documents.conftest import stored_files
from tests.documents.files import docx_bytes, pdf_bytes, png_bytes, uploaded
from tests.personas import Personas

pytestmark = pytest.mark.django_db

PATH = "/documents"


@pytest.fixture
def clients(personas: Personas) -> dict[str, ApiClient]:
    return persona_clients(personas)


def upload_body(
    record: Any, name: str = "photo.png", content: bytes | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "record_type": "directory.contact",
        "record": str(record.pk),
        "file": uploaded(name, png_bytes() if content is None else content),
        **extra,
    }


def make(personas: Personas, record: Any, name: str = "photo.png", **values: Any) -> Document:
    return document_upload(
        actor=personas.actor("owner"),
        record_type="directory.contact",
        record_id=record.pk,
        file=uploaded(name, values.pop("content", png_bytes())),
        **values,
    )


def body_of(response: Any) -> bytes:
    return b"".join(response.streaming_content)


# --- create, read, change, delete ---------------------------------------------------------


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


# --- versions and downloads ---------------------------------------------------------------


def test_new_version_then_every_version_is_listed_and_downloadable(
    clients: dict[str, ApiClient], personas: Personas, contact: Any
) -> None:
    first, second = pdf_bytes("white"), pdf_bytes("black")
    document = make(personas, contact, "devis.pdf", content=first)
    url, client = f"{PATH}/{document.pk}", clients["manager"]
    answer = client.multipart(
        f"{url}/versions", {"file": uploaded("devis v2.pdf", second)}, headers={"If-Match": '"1"'}
    )
    assert answer.status == 201, answer.body
    assert (answer.body["current_version"], answer.body["version"], answer.body["size"]) == (
        2,
        2,
        len(second),
    )
    assert answer.body["name"] == "devis.pdf"  # the document keeps its name
    versions = client.get(f"{url}/versions").body
    assert [(v["number"], v["filename"], v["uploaded_by"]) for v in versions] == [
        (2, "devis v2.pdf", str(personas.manager.id)),
        (1, "devis.pdf", str(personas.owner.id)),
    ]
    current = client.download(f"{url}/download")
    assert (current.status_code, body_of(current)) == (200, second)
    assert current["Content-Disposition"] == 'attachment; filename="devis v2.pdf"'
    assert current["Content-Type"] == "application/pdf"
    assert current["Content-Length"] == str(len(second))
    assert current["X-Content-Type-Options"] == "nosniff"
    assert current["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert current["ETag"] == f'"{hashlib.sha256(second).hexdigest()}"'
    older = client.download(f"{url}/versions/1/download")
    assert (older.status_code, body_of(older)) == (200, first)
    assert client.download(f"{url}/versions/3/download").status_code == 404
    assert client.download(f"{url}/versions/0/download").status_code == 404
    event = OutboxEvent.objects.get(type="document.version_added")
    assert (event.payload["version"]["number"], event.payload["version"]["filename"]) == (
        2,
        "devis v2.pdf",
    )
    stale = client.multipart(
        f"{url}/versions", {"file": uploaded("v3.pdf", first)}, headers={"If-Match": '"1"'}
    )
    assert (stale.status, stale.code) == (412, "core.version_conflict")
    assert DocumentVersion.objects.count() == 2


def test_a_new_version_may_change_the_type(
    clients: dict[str, ApiClient], personas: Personas, contact: Any
) -> None:
    document = make(personas, contact, "offre.pdf", content=pdf_bytes())
    answer = clients["owner"].multipart(
        f"{PATH}/{document.pk}/versions", {"file": uploaded("offre.docx", docx_bytes())}
    )
    assert (answer.status, answer.body["kind"], answer.body["content_type"]) == (
        201,
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def test_idempotency_key_replays_the_first_upload(
    clients: dict[str, ApiClient], personas: Personas, contact: Any, documents_folder: Path
) -> None:
    client, key = clients["owner"], {"Idempotency-Key": "upload-1"}
    first = client.multipart(PATH, upload_body(contact), headers=key)
    again = client.multipart(PATH, upload_body(contact), headers=key)
    assert (first.status, again.status) == (201, 201)
    assert again.body == first.body
    assert again.headers["Idempotent-Replayed"] == "true"
    other = client.multipart(
        PATH, upload_body(contact, content=png_bytes(colour="blue")), headers=key
    )
    assert (other.status, other.code) == (422, "api.idempotency_key_reused")
    assert (Document.objects.count(), len(stored_files(documents_folder))) == (1, 1)


# --- bad input ---------------------------------------------------------------------------


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


# --- access ------------------------------------------------------------------------------

# Documents follow their record: the contact here is the owner's, in team Ventes Nord. An
# outsider does not see the contact, so for them even an upload onto it is "not found".
MATRIX = {
    persona: {**row, "create": 404 if persona == "outsider" else row["create"]}
    for persona, row in ACCESS_MATRIX.items()
}
CASES = [(p, a) for p, row in MATRIX.items() for a in row]


@pytest.mark.parametrize(("persona", "action"), CASES)
def test_access_matrix(
    clients: dict[str, ApiClient],
    personas: Personas,
    contact: Any,
    documents_folder: Path,
    persona: str,
    action: str,
) -> None:
    document = make(personas, contact)
    expected = MATRIX[persona][action]
    client, url = clients[persona], f"{PATH}/{document.pk}"
    before = (side_effects(), Document.objects.count(), document.version)
    files_before = stored_files(documents_folder)
    if action == "list":
        listed = [item["id"] for item in client.get(PATH).body["items"]]
        assert (str(document.pk) in listed) is expected
        by_record = client.get(PATH, record=str(contact.pk)).body["items"]
        assert bool(by_record) is expected
        return
    calls = {
        "detail": lambda: client.get(url),
        "create": lambda: client.multipart(PATH, upload_body(contact)),
        "change": lambda: client.patch(url, {"folder": "Archive"}),
        "delete": lambda: client.delete(url),
    }
    answer = calls[action]()
    assert answer.status == expected, answer.body
    if expected >= 400:
        codes = {403: "core.permission_denied", 404: "core.not_found"}
        assert answer.code == codes[expected]
        current = Document.objects.get(pk=document.pk)
        assert (side_effects(), Document.objects.count(), current.version) == before
        assert stored_files(documents_folder) == files_before
    if action == "detail":
        download = client.download(f"{url}/download")
        assert download.status_code == expected
        new_version = client.multipart(f"{url}/versions", {"file": uploaded("p.png", png_bytes())})
        assert new_version.status == {200: 201}.get(
            MATRIX[persona]["change"], MATRIX[persona]["change"]
        )


def test_documents_follow_the_account_too(
    clients: dict[str, ApiClient], personas: Personas, account: Any
) -> None:
    answer = clients["owner"].multipart(
        PATH,
        {
            "record_type": "directory.account",
            "record": str(account.pk),
            "file": uploaded("k.png", png_bytes()),
        },
    )
    assert answer.status == 201
    assert clients["teammate"].get(f"{PATH}/{answer.body['id']}").status == 200
    assert clients["outsider"].get(f"{PATH}/{answer.body['id']}").status == 404


def test_a_token_needs_a_documents_scope(personas: Personas, contact: Any) -> None:
    document = make(personas, contact)
    directory_only = ApiClient(token_for(personas.owner, ("directory:*",)))
    assert directory_only.get(PATH).body["items"] == []
    assert directory_only.get(f"{PATH}/{document.pk}").status == 404
    read_only = ApiClient(token_for(personas.owner, ("directory:*", "documents:view")))
    assert read_only.get(f"{PATH}/{document.pk}").status == 200
    refused = read_only.multipart(PATH, upload_body(contact))
    assert (refused.status, refused.code) == (403, "core.permission_denied")


def test_no_credentials_is_401(personas: Personas, contact: Any) -> None:
    anonymous = ApiClient()
    answer = anonymous.get(PATH)
    assert (answer.status, answer.code) == (401, "api.unauthenticated")
    upload = anonymous.multipart(PATH, upload_body(contact))
    assert (upload.status, Document.objects.count()) == (401, 0)


# --- lists -------------------------------------------------------------------------------


def test_filters(
    clients: dict[str, ApiClient], personas: Personas, contact: Any, account: Any
) -> None:
    make(personas, contact, "badge.png", folder="Photos")
    make(personas, contact, "devis.pdf", content=pdf_bytes(), folder="Devis")
    document_upload(
        actor=personas.actor("owner"),
        record_type="directory.account",
        record_id=account.pk,
        file=uploaded("kbis.pdf", pdf_bytes()),
        folder="Devis",
    )
    cases = [
        ({"record": str(contact.pk)}, ["badge.png", "devis.pdf"]),
        ({"record_type": "directory.account"}, ["kbis.pdf"]),
        ({"folder": "Devis"}, ["devis.pdf", "kbis.pdf"]),
        ({"type": "pdf"}, ["devis.pdf", "kbis.pdf"]),
        ({"type": "png", "folder": "Devis"}, []),
        ({"q": "DEV"}, ["devis.pdf"]),
    ]
    for params, expected in cases:
        answer = clients["admin"].get(PATH, **params)
        assert answer.status == 200, (params, answer.body)
        assert sorted(item["name"] for item in answer.body["items"]) == expected, params


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"ordering": "sha256"}, "ordering"),
        ({"cursor": "garbage"}, "cursor"),
        ({"limit": 0}, "limit"),
        ({"record": "not-a-uuid"}, "record"),
        ({"deleted": "maybe"}, "deleted"),
        ({"folderr": "x"}, "folderr"),
    ],
)
def test_bad_list_parameters_are_400_bad_filter(
    clients: dict[str, ApiClient], params: dict[str, Any], field: str
) -> None:
    answer = clients["owner"].get(PATH, **params)
    assert (answer.status, answer.code) == (400, "api.bad_filter")
    assert [e["field"] for e in answer.body["errors"]] == [field]


def test_cursor_pages_walk_every_document_once(
    clients: dict[str, ApiClient], personas: Personas, contact: Any
) -> None:
    made = [make(personas, contact, f"N{i:02}.png") for i in range(7)]
    seen: list[str] = []
    cursor: str | None = None
    for _page in range(4):
        params: dict[str, Any] = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        answer = clients["owner"].get(PATH, **params)
        seen += [item["id"] for item in answer.body["items"]]
        cursor = answer.body["next_cursor"]
        if cursor is None:
            break
    assert seen == [str(d.pk) for d in reversed(made)]
    by_name = clients["owner"].get(PATH, ordering="name", limit=2)
    assert [item["name"] for item in by_name.body["items"]] == ["N00.png", "N01.png"]


@pytest.mark.parametrize(("persona", "queries"), [("owner", 6), ("manager", 7), ("admin", 4)])
def test_a_list_page_costs_a_constant_number_of_queries(
    clients: dict[str, ApiClient], personas: Personas, contact: Any, persona: str, queries: int
) -> None:
    for i in range(26):
        make(personas, contact, f"Q{i:02}.png")
    clients[persona].get(PATH, limit=1)  # the token's first use writes last_used_at
    for limit in (5, 25):
        client = ApiClient(clients[persona].secret)
        with CaptureQueriesContext(connection) as captured:
            answer = client.get(PATH, limit=limit)
        assert len(answer.body["items"]) == limit
        assert len(captured) == queries, [q["sql"] for q in captured]


def test_a_large_file_goes_through_a_temporary_file_and_comes_back_in_blocks(
    clients: dict[str, ApiClient], contact: Any, documents_folder: Path
) -> None:
    # Over FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB): Django spools the upload to disk.
    line = b"Ligne de journal d'appel, rappeler le client lundi.\n"
    content = line * (3 * 1024 * 1024 // len(line))
    answer = clients["owner"].multipart(PATH, upload_body(contact, "journal.txt", content))
    assert (answer.status, answer.body["size"], answer.body["kind"]) == (201, len(content), "txt")
    download = clients["owner"].download(f"{PATH}/{answer.body['id']}/download")
    assert download.streaming
    blocks = list(download.streaming_content)
    assert len(blocks) == -(-len(content) // (64 * 1024))
    assert max(len(block) for block in blocks) == 64 * 1024
    assert hashlib.sha256(b"".join(blocks)).hexdigest() == answer.body["versions"][0]["sha256"]
