"""`moyeu search reindex`: rebuilds the index exactly, in batches, and resumes after a stop."""

from __future__ import annotations

import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from moyeu.core.models import SearchEntry, SearchRebuild
from moyeu.core.search.query import search
from moyeu.core.search.rebuild import rebuild
from moyeu.directory.services import account_create, contact_create
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def entries() -> list[tuple[str, str, str]]:
    return sorted(SearchEntry.objects.values_list("record_type", "title", "content").order_by())


@pytest.fixture
def drifted(personas: Personas) -> None:
    """Three contacts and an account, then an index that no longer matches them."""
    owner = personas.actor("owner")
    names = [("Anne", "Morel"), ("Bruno", "Petit"), ("Chloé", "Roux")]
    contacts = [
        contact_create(actor=owner, values={"first_name": f, "last_name": n}) for f, n in names
    ]
    account_create(actor=owner, values={"name": "Hêtre & Fils"})
    SearchEntry.objects.filter(record_id=contacts[0].id).delete()
    SearchEntry.objects.filter(record_id=contacts[1].id).update(content="wrong", title="Wrong")
    SearchEntry.objects.create(
        record_type="directory.contact", record_id=uuid.uuid4(), title="Ghost", content="ghost"
    )


EXPECTED = [
    ("directory.account", "Hêtre & Fils", "hetre fils"),
    ("directory.contact", "Anne Morel", "anne morel"),
    ("directory.contact", "Bruno Petit", "bruno petit"),
    ("directory.contact", "Chloé Roux", "chloe roux"),
]


def test_rebuild_restores_exact_entries(personas: Personas, drifted: None) -> None:
    assert search(personas.actor("admin"), "ghost") != []
    results = rebuild(batch_size=2)
    assert [(r.record_type, r.indexed, r.resumed) for r in results] == [
        ("directory.account", 1, False),
        ("directory.contact", 3, False),
        ("documents.document", 0, False),
        ("activities.activity", 0, False),
        ("sales.product", 0, False),
        ("sales.price_list", 0, False),
        ("sales.quote", 0, False),
        ("sales.order", 0, False),
        ("sales.opportunity", 0, False),
    ]
    assert entries() == EXPECTED
    assert search(personas.actor("admin"), "ghost") == []
    assert [g.hits[0].title for g in search(personas.actor("admin"), "anne")] == ["Anne Morel"]


def test_a_stopped_rebuild_resumes_after_its_last_batch(personas: Personas, drifted: None) -> None:
    class Stop(Exception):
        pass

    def stop_after_first_contact_batch(record_type: str, indexed: int) -> None:
        if record_type == "directory.contact":
            raise Stop

    with pytest.raises(Stop):
        rebuild(kinds=["contact"], batch_size=1, progress=stop_after_first_contact_batch)
    state = SearchRebuild.objects.get(record_type="directory.contact")
    assert (state.indexed, state.finished_at) == (1, None)
    results = rebuild(kinds=["contact"], batch_size=1)
    assert [(r.record_type, r.indexed, r.resumed) for r in results] == [
        ("directory.contact", 3, True)
    ]
    assert entries() == EXPECTED
    # A finished rebuild starts from the beginning next time.
    again = rebuild(kinds=["contact"], batch_size=5)
    assert [(r.indexed, r.resumed) for r in again] == [(3, False)]


def test_command_reports_per_record_type(drifted: None) -> None:
    out = StringIO()
    call_command("search", "reindex", "--batch-size", "2", stdout=out)
    assert out.getvalue().splitlines() == [
        "directory.account: 1 indexed",
        "directory.contact: 3 indexed",
        "documents.document: 0 indexed",
        "activities.activity: 0 indexed",
        "sales.product: 0 indexed",
        "sales.price_list: 0 indexed",
        "sales.quote: 0 indexed",
        "sales.order: 0 indexed",
        "sales.opportunity: 0 indexed",
    ]
    assert entries() == EXPECTED


def test_command_refuses_bad_options(db: None) -> None:
    with pytest.raises(CommandError, match="Unknown kind: unicorn"):
        call_command("search", "reindex", "--kind", "unicorn")
    with pytest.raises(CommandError, match="--batch-size must be at least 1"):
        call_command("search", "reindex", "--batch-size", "0")


def test_a_large_full_rebuild_on_postgresql_builds_the_text_indexes_at_the_end(
    personas: Personas, drifted: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection

    from moyeu.core.search import rebuild as rebuilding
    from moyeu.core.search.schema import text_indexes_present
    from tests.services import require_service

    require_service(
        "PostgreSQL",
        connection.vendor == "postgresql",
        "run with DATABASE_URL=postgres://… (the GIN indexes exist on PostgreSQL only)",
    )
    both = ["core_search_entry_trigram", "core_search_entry_vector"]
    assert text_indexes_present() == both
    monkeypatch.setattr(rebuilding, "DROP_INDEXES_FROM", 4)  # the fixture has 4 records
    during: list[list[str]] = []
    rebuild(progress=lambda _kind, _n: during.append(text_indexes_present()))
    assert during == [[], []]  # no GIN index while the rows are written (a batch a kind)
    assert text_indexes_present() == both
    assert entries() == EXPECTED
    assert [g.hits[0].title for g in search(personas.actor("admin"), "bruno")] == ["Bruno Petit"]
    # A rebuild of one kind, or of fewer records, keeps them.
    monkeypatch.setattr(rebuilding, "DROP_INDEXES_FROM", 5)
    rebuild(progress=lambda _kind, _n: during.append(text_indexes_present()))
    rebuild(kinds=["contact"], progress=lambda _kind, _n: during.append(text_indexes_present()))
    assert during[2:] == [both] * 3


def test_a_rebuild_puts_back_text_indexes_a_stopped_run_left_out(
    personas: Personas, drifted: None
) -> None:
    from django.db import connection

    from moyeu.core.search.schema import drop_text_indexes, text_indexes_present
    from tests.services import require_service

    require_service(
        "PostgreSQL",
        connection.vendor == "postgresql",
        "run with DATABASE_URL=postgres://… (the GIN indexes exist on PostgreSQL only)",
    )
    drop_text_indexes()
    assert text_indexes_present() == []
    rebuild(kinds=["account"])
    assert text_indexes_present() == ["core_search_entry_trigram", "core_search_entry_vector"]
