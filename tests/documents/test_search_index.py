"""Documents in the global search: kept by their services; the trash is never found."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from moyeu.core.models import SearchEntry
from moyeu.core.search.query import search
from moyeu.core.search.rebuild import rebuild
from moyeu.documents import services
from tests.documents.files import png_bytes, uploaded
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def found(personas: Personas, q: str, persona: str = "owner") -> list[str]:
    groups = search(personas.actor(persona), q, kinds=["document"])
    return [hit.title for group in groups for hit in group.hits]


def entries() -> list[tuple[str, str]]:
    rows = SearchEntry.objects.filter(record_type="documents.document")
    return list(rows.values_list("title", "content"))


def test_upload_rename_move_trash_restore_purge_keep_the_index(
    personas: Personas, contact: Any
) -> None:
    owner = personas.actor("owner")
    document = services.document_upload(
        actor=owner,
        record_type="directory.contact",
        record_id=contact.pk,
        file=uploaded("Devis Martin.png", png_bytes()),
    )
    assert entries() == [("Devis Martin.png", "devis martin png")]
    assert found(personas, "devis") == ["Devis Martin.png"]
    assert found(personas, "devis", "outsider") == []

    services.document_update(actor=owner, document_id=document.pk, values={"name": "Contrat signé"})
    assert entries() == [("Contrat signé", "contrat signe")]
    assert (found(personas, "devis"), found(personas, "contrat signe")) == ([], ["Contrat signé"])

    services.document_update(actor=owner, document_id=document.pk, values={"folder": "Contrats"})
    assert found(personas, "contrat") == ["Contrat signé"]

    services.document_delete(actor=owner, document_id=document.pk)
    assert (entries(), found(personas, "contrat")) == ([], [])
    # Renaming a document in the trash does not bring it back to the search.
    services.document_update(actor=owner, document_id=document.pk, values={"name": "Contrat v2"})
    assert (entries(), found(personas, "contrat")) == ([], [])

    services.document_restore(actor=owner, document_id=document.pk)
    assert entries() == [("Contrat v2", "contrat v2")]
    assert found(personas, "contrat") == ["Contrat v2"]

    services.document_delete(actor=owner, document_id=document.pk)
    services.document_restore(actor=owner, document_id=document.pk)
    services.document_delete(actor=owner, document_id=document.pk)
    assert services.documents_purge(actor=owner, older_than=datetime.timedelta(0)) == 1
    assert entries() == []


def test_a_live_document_of_a_deleted_record_leaves_the_index_when_purged(
    personas: Personas, contact: Any
) -> None:
    from moyeu.directory.services import contact_delete

    owner = personas.actor("owner")
    services.document_upload(
        actor=owner,
        record_type="directory.contact",
        record_id=contact.pk,
        file=uploaded("Photo.png", png_bytes()),
    )
    contact_delete(actor=owner, contact_id=contact.pk)
    assert found(personas, "photo", "admin") == []  # its record is gone: nobody sees it
    services.documents_purge(actor=owner, older_than=datetime.timedelta(days=30))
    assert entries() == []


def test_trashed_documents_are_never_found_even_by_a_stale_index(
    personas: Personas, contact: Any
) -> None:
    owner = personas.actor("owner")
    kept, trashed = (
        services.document_upload(
            actor=owner,
            record_type="directory.contact",
            record_id=contact.pk,
            file=uploaded(name, png_bytes()),
        )
        for name in ("Plan gardé.png", "Plan jeté.png")
    )
    services.document_delete(actor=owner, document_id=trashed.pk)
    # An index written before documents followed the trash: the entry is still there.
    SearchEntry.objects.create(
        record_type="documents.document",
        record_id=trashed.pk,
        title="Plan jeté.png",
        content="plan jete png",
    )
    for persona in ("owner", "teammate", "manager", "admin"):
        assert found(personas, "plan", persona) == ["Plan gardé.png"], persona
    # The rebuild leaves the trash out of the index.
    rebuild(kinds=["document"])
    assert entries() == [("Plan gardé.png", "plan garde png")]
    assert kept.pk != trashed.pk
