"""The documents demo: two files on each of the first demo accounts, loaded once."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from moyeu.documents.models import Document, DocumentVersion
from tests.documents.conftest import stored_files

pytestmark = pytest.mark.django_db


def test_demo_documents_are_real_files_and_load_once(documents_folder: Path) -> None:
    call_command("load_demo", stdout=io.StringIO())
    documents = Document.objects.order_by("created_at", "id")
    assert documents.count() == 8
    assert sorted({(d.name, d.kind, d.folder) for d in documents}) == [
        ("Devis 2026.pdf", "pdf", "Devis"),
        ("Visite du site.png", "png", "Photos"),
    ]
    assert len({d.record_id for d in documents}) == 4
    assert len(stored_files(documents_folder)) == 8
    pdf = DocumentVersion.objects.filter(kind="pdf").first()
    assert pdf is not None and (documents_folder / pdf.storage_name).read_bytes()[:5] == b"%PDF-"
    call_command("load_demo", stdout=io.StringIO())
    assert Document.objects.count() == 8
