"""The import's bulk writer keeps the global search index current, and so does its revert."""

from __future__ import annotations

import pytest

from moyeu.core.models import SearchEntry
from moyeu.core.search.query import search
from moyeu.dataio import imports
from moyeu.directory.services import contact_create
from tests.dataio.helpers import csv_bytes, run
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def found(personas: Personas, persona: str, q: str) -> list[str]:
    return [hit.title for group in search(personas.actor(persona), q) for hit in group.hits]


def test_created_and_updated_rows_are_searchable_then_revert_undoes_it(
    personas: Personas,
) -> None:
    owner = personas.actor("owner")
    kept = contact_create(actor=owner, values={"last_name": "Old", "email": "a@exemple.fr"})
    data = csv_bytes(
        [
            ["email", "first_name", "last_name"],
            ["a@exemple.fr", "", "Nouveau"],
            ["zoe@exemple.fr", "Zoé", "Bérard"],
        ]
    )
    job = run(owner, data, mode="upsert", key="email")
    assert (job.created_count, job.updated_count) == (1, 1)
    assert found(personas, "teammate", "zoe ber") == ["Zoé Bérard"]
    assert found(personas, "teammate", "nouveau") == ["Nouveau"]
    assert found(personas, "teammate", "old") == []
    assert found(personas, "outsider", "zoe") == []

    imports.import_revert(actor=owner, import_id=job.pk)
    imports.import_revert_process(job.pk)
    assert found(personas, "teammate", "zoe") == []
    assert found(personas, "teammate", "old") == ["Old"]
    assert list(SearchEntry.objects.values_list("record_id", flat=True)) == [kept.pk]
