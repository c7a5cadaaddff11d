"""Documents' services and the content check, below the API."""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError
from django.utils import timezone

from moyeu.core.errors import NotFound, PermissionDenied, ValidationFailed
from moyeu.core.models import AuditEntry, OutboxEvent
from moyeu.directory.services import contact_delete
from moyeu.documents import previews, services
from moyeu.documents.content import detect
from moyeu.documents.models import Document, DocumentVersion
from tests.documents.conftest import stored_files
from tests.documents.files import docx_bytes, jpeg_bytes, pdf_bytes, png_bytes, uploaded
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("a.png", png_bytes(), "png"),
        ("a.jpg", jpeg_bytes(), "jpeg"),
        ("a.pdf", pdf_bytes(), "pdf"),
        ("a.docx", docx_bytes(), "docx"),
        ("a.xlsx", _zip({"[Content_Types].xml": b"<T/>", "xl/workbook.xml": b"<w/>"}), "xlsx"),
        ("a.pptx", _zip({"[Content_Types].xml": b"<T/>", "ppt/p.xml": b"<p/>"}), "pptx"),
        ("a.odt", _zip({"mimetype": b"application/vnd.oasis.opendocument.text"}), "odt"),
        ("a.ods", _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), "ods"),
        ("a.zip", _zip({"notes.txt": b"hello"}), "zip"),
        ("a.txt", "Bonjour, ça va ? Très bien.\n".encode(), "txt"),
        ("a.csv", b"name;city\nMartin;Lyon\n", "csv"),
        ("a.txt", "é".encode() * 5000, "txt"),  # a character cut by the 8 KiB head
        ("a.txt", b"<html><body>hi</body></html>", None),
        ("a.txt", b"\x00\x01\x02binary", None),
        ("a.zip", b"PK\x03\x04broken", None),
    ],
)
def test_detect_reads_the_content(name: str, content: bytes, kind: str | None) -> None:
    stream = io.BytesIO(content)
    found = detect(stream, name)
    assert (found.kind.name if found.kind else None) == kind
    assert stream.tell() == 0


def test_upload_refuses_a_type_outside_the_allow_list(
    personas: Personas, contact: Any, settings: Any, documents_folder: Path
) -> None:
    settings.MOYEU_DOCUMENTS_ALLOWED_TYPES = ["pdf"]
    with pytest.raises(ValidationFailed) as error:
        services.document_upload(
            actor=personas.actor("owner"),
            record_type="directory.contact",
            record_id=contact.pk,
            file=uploaded("a.png", png_bytes()),
        )
    assert error.value.errors == {
        "file": ["This type of file (PNG) is not accepted; accepted: PDF."]
    }
    assert stored_files(documents_folder) == []


def test_a_name_without_extension_gets_the_content_s_one(personas: Personas, contact: Any) -> None:
    document = services.document_upload(
        actor=personas.actor("owner"),
        record_type="directory.contact",
        record_id=contact.pk,
        file=uploaded("C:\\Users\\alice\\scan", pdf_bytes()),
    )
    assert (document.name, document.versions.get().filename) == ("scan.pdf", "scan.pdf")


def test_a_failed_transaction_leaves_no_file_behind(
    personas: Personas, contact: Any, documents_folder: Path, monkeypatch: Any
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise IntegrityError("simulated")

    monkeypatch.setattr(services, "_new_version", broken)
    with pytest.raises(IntegrityError):
        services.document_upload(
            actor=personas.actor("owner"),
            record_type="directory.contact",
            record_id=contact.pk,
            file=uploaded("a.png", png_bytes()),
        )
    assert (Document.objects.count(), stored_files(documents_folder)) == (0, [])


def test_unseen_record_is_not_found_and_seen_but_unchangeable_is_denied(
    personas: Personas, contact: Any
) -> None:
    before = (AuditEntry.objects.count(), OutboxEvent.objects.count())
    with pytest.raises(NotFound):
        services.document_upload(
            actor=personas.actor("outsider"),
            record_type="directory.contact",
            record_id=contact.pk,
            file=uploaded("a.png", png_bytes()),
        )
    with pytest.raises(PermissionDenied):
        services.document_upload(
            actor=personas.actor("teammate"),
            record_type="directory.contact",
            record_id=contact.pk,
            file=uploaded("a.png", png_bytes()),
        )
    assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == before


def test_a_deleted_document_takes_no_new_version(personas: Personas, contact: Any) -> None:
    owner = personas.actor("owner")
    document = services.document_upload(
        actor=owner,
        record_type="directory.contact",
        record_id=contact.pk,
        file=uploaded("a.png", png_bytes()),
    )
    services.document_delete(actor=owner, document_id=document.pk)
    with pytest.raises(ValidationFailed) as error:
        services.document_add_version(
            actor=owner, document_id=document.pk, file=uploaded("b.png", png_bytes())
        )
    assert error.value.errors == {"document": ["Restore the document before changing it."]}


def test_purge_erases_old_trash_and_documents_of_deleted_records(
    personas: Personas,
    contact: Any,
    account: Any,
    documents_folder: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    owner = personas.actor("owner")

    def upload(record_type: str, record: Any, name: str) -> Document:
        return services.document_upload(
            actor=owner,
            record_type=record_type,
            record_id=record.pk,
            file=uploaded(name, png_bytes()),
        )

    old = upload("directory.contact", contact, "old.png")
    recent = upload("directory.contact", contact, "recent.png")
    kept = upload("directory.account", account, "kept.png")
    services.document_delete(actor=owner, document_id=old.pk)
    services.document_delete(actor=owner, document_id=recent.pk)
    Document.objects.filter(pk=old.pk).update(
        deleted_at=timezone.now() - datetime.timedelta(days=31)
    )
    assert previews.thumbnail_name(DocumentVersion.objects.get(document=old))
    assert len(stored_files(documents_folder)) == 4
    with django_capture_on_commit_callbacks(execute=True):
        purged = services.documents_purge(actor=owner, older_than=datetime.timedelta(days=30))
    assert purged == 1
    assert sorted(Document.objects.values_list("name", flat=True)) == ["kept.png", "recent.png"]
    assert len(stored_files(documents_folder)) == 2
    assert OutboxEvent.objects.filter(type="document.purged").count() == 1

    # The contact goes: its documents (even the one in the trash) are purged, not the account's.
    contact_delete(actor=owner, contact_id=contact.pk)
    with django_capture_on_commit_callbacks(execute=True):
        purged = services.documents_purge(actor=owner, older_than=datetime.timedelta(days=30))
    assert (purged, list(Document.objects.values_list("pk", flat=True))) == (1, [kept.pk])
    assert len(stored_files(documents_folder)) == 1


def test_thumbnails_are_made_once_and_refused_for_bombs(
    personas: Personas, contact: Any, documents_folder: Path, monkeypatch: Any
) -> None:
    owner = personas.actor("owner")
    document = services.document_upload(
        actor=owner,
        record_type="directory.contact",
        record_id=contact.pk,
        file=uploaded("wide.png", png_bytes(1600, 400)),
    )
    version = document.versions.get()
    name = previews.thumbnail_name(version)
    assert name.endswith(".thumb")
    assert previews.thumbnail_name(DocumentVersion.objects.get(pk=version.pk)) == name
    assert len(stored_files(documents_folder)) == 2
    from PIL import Image

    with Image.open(documents_folder / name) as thumb:
        assert thumb.size == (480, 120)
    monkeypatch.setattr(previews, "MAX_PIXELS", 1000)
    other = services.document_add_version(
        actor=owner, document_id=document.pk, file=uploaded("big.png", png_bytes(100, 100))
    )
    assert previews.thumbnail_name(other.versions.get(number=2)) == ""


def test_the_purge_command(
    personas: Personas, contact: Any, documents_folder: Path, settings: Any
) -> None:
    from io import StringIO

    from django.core.management import call_command

    owner = personas.actor("owner")
    document = services.document_upload(
        actor=owner,
        record_type="directory.contact",
        record_id=contact.pk,
        file=uploaded("a.png", png_bytes()),
    )
    services.document_delete(actor=owner, document_id=document.pk)
    out = StringIO()
    call_command("purge_documents", stdout=out)
    assert (out.getvalue(), Document.objects.count()) == ("purged 0 document(s)\n", 1)
    call_command("purge_documents", "--days", "0", stdout=out)
    assert (out.getvalue().splitlines()[-1], Document.objects.count()) == (
        "purged 1 document(s)",
        0,
    )
    entry = AuditEntry.objects.get(code="documents.document.purged")
    assert (entry.actor_label, entry.channel) == ("command", "command")
