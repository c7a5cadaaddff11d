"""/api/v1/documents/{id}/versions: new versions, every version listed and downloadable,
Idempotency-Key on uploads, large files streamed through a temporary file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from moyeu.core.models import OutboxEvent
from moyeu.documents.models import Document, DocumentVersion
from tests.api.client import ApiClient
from tests.documents.api import PATH, body_of, make, upload_body
from tests.documents.conftest import stored_files
from tests.documents.files import docx_bytes, pdf_bytes, png_bytes, uploaded
from tests.personas import Personas

pytestmark = pytest.mark.django_db


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
