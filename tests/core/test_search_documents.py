"""A record type with its own visibility (documents follow their record) is searched with it."""

from __future__ import annotations

import pytest

from moyeu.core.search.query import search
from moyeu.core.search.rebuild import rebuild
from moyeu.directory.services import contact_create
from moyeu.documents.services import document_upload
from tests.documents.files import png_bytes, uploaded
from tests.personas import Personas

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("owner", ["Contrat Dupont.png"]),
        ("teammate", ["Contrat Dupont.png"]),
        ("manager", ["Contrat Dupont.png"]),
        ("outsider", []),
        ("admin", ["Contrat Dupont.png"]),
    ],
)
def test_documents_are_found_by_who_sees_their_record(
    personas: Personas, persona: str, expected: list[str]
) -> None:
    owner = personas.actor("owner")
    contact = contact_create(actor=owner, values={"last_name": "Dupont"})
    document_upload(
        actor=owner,
        record_type="directory.contact",
        record_id=contact.pk,
        file=uploaded("Contrat Dupont.png", png_bytes()),
    )
    rebuild(kinds=["document"])
    groups = search(personas.actor(persona), "contrat", kinds=["document"])
    assert [hit.title for group in groups for hit in group.hits] == expected
